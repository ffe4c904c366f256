// Scalar math every kernel family shares. NaN is tested on the bits: drivers may compile
// `x != x` as an ordered comparison (SwiftShader does), which is never true. The reference for
// each function is packages/backend-cpu/src/math.ts.

fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
// Through a `let`, so the value is not a constant expression (those may not be inf or NaN).
fn f_inf() -> f32 { let bits = 0x7f800000u; return bitcast<f32>(bits); }
fn f_nan() -> f32 { let bits = 0x7fc00000u; return bitcast<f32>(bits); }

// ---- conversions between storage types (bool is a u32 0/1) ----

fn bool_of_f32(x: f32) -> u32 { return select(0u, 1u, x != 0.0 || is_nan(x)); }
fn bool_of_i32(x: i32) -> u32 { return select(0u, 1u, x != 0); }

// float -> int32 as JavaScript's ToInt32: truncate toward zero, NaN and +-inf give 0, values
// outside the int32 range wrap modulo 2^32 (every step below is exact in f32).
fn i32_of_f32(x: f32) -> i32 {
  if (is_nan(x) || is_inf(x)) { return 0; }
  let t = trunc(x);
  if (t >= -2147483648.0 && t < 2147483648.0) { return i32(t); }
  let m = t - floor(t / 4294967296.0) * 4294967296.0;
  return bitcast<i32>(u32(m));
}

// ---- float functions ----

// exp and log that keep NaN (SwiftShader's builtins turn NaN into inf and garbage).
fn f_exp(x: f32) -> f32 { return select(exp(x), x, is_nan(x)); }

fn f_sign(x: f32) -> f32 { return select(select(0.0, -1.0, x < 0.0), 1.0, x > 0.0); }
fn f_relu(x: f32) -> f32 { return select(select(0.0, x, x > 0.0), x, is_nan(x)); }

fn f_sqrt(x: f32) -> f32 {
  if (x < 0.0) { return f_nan(); }
  return sqrt(x);
}

fn f_log(x: f32) -> f32 {
  if (x < 0.0 || is_nan(x)) { return f_nan(); }
  if (x == 0.0) { return -f_inf(); }
  return log(x);
}

// exp(x) - 1: a Taylor polynomial where exp(x) - 1 would cancel.
fn f_expm1(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    var p = 1.0 / 40320.0;
    p = fma(p, x, 1.0 / 5040.0);
    p = fma(p, x, 1.0 / 720.0);
    p = fma(p, x, 1.0 / 120.0);
    p = fma(p, x, 1.0 / 24.0);
    p = fma(p, x, 1.0 / 6.0);
    p = fma(p, x, 0.5);
    p = fma(p, x, 1.0);
    return p * x;
  }
  return f_exp(x) - 1.0;
}

// log(1 + x) = 2 atanh(x / (2 + x)) near 0, where log(1 + x) would lose x's low bits.
fn f_log1p(x: f32) -> f32 {
  if (x > -0.3 && x < 0.5) {
    let s = x / (2.0 + x);
    let s2 = s * s;
    var p = 1.0 / 17.0;
    p = fma(p, s2, 1.0 / 15.0);
    p = fma(p, s2, 1.0 / 13.0);
    p = fma(p, s2, 1.0 / 11.0);
    p = fma(p, s2, 1.0 / 9.0);
    p = fma(p, s2, 1.0 / 7.0);
    p = fma(p, s2, 1.0 / 5.0);
    p = fma(p, s2, 1.0 / 3.0);
    p = fma(p, s2, 1.0);
    return 2.0 * s * p;
  }
  return f_log(1.0 + x);
}

// tanh from expm1, so it is accurate near 0 and never inf/inf for large |x|.
fn f_tanh(x: f32) -> f32 {
  let a = abs(x);
  if (is_nan(x)) { return x; }
  if (a > 9.5) { return sign(x); }
  let e = f_expm1(-2.0 * a);
  return sign(x) * (-e / (2.0 + e));
}

fn f_sigmoid(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + f_exp(-x)); }
  let e = f_exp(x);
  return e / (1.0 + e);
}

// softplus with beta 1 and PyTorch's threshold 20.
fn f_softplus(x: f32) -> f32 {
  if (x > 20.0) { return x; }
  return f_log1p(f_exp(x));
}

// erf to about 1 ulp in f32 (minimax polynomials, two ranges; after N. Juffa's erff).
fn f_erf(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let t = abs(x);
  let s = x * x;
  if (t > 0.927734375) {
    var r = fma(-1.72853470e-5, t, 3.83197126e-4);
    let u = fma(-3.88396438e-3, t, 2.42546219e-2);
    r = fma(r, s, u);
    r = fma(r, t, -1.06777877e-1);
    r = fma(r, t, -6.34846687e-1);
    r = fma(r, t, -1.28717512e-1);
    r = fma(r, t, -t);
    r = 1.0 - f_exp(r);
    return select(r, -r, x < 0.0);
  }
  var r = -5.96761703e-4;
  r = fma(r, s, 4.99119423e-3);
  r = fma(r, s, -2.67681349e-2);
  r = fma(r, s, 1.12819925e-1);
  r = fma(r, s, -3.76125336e-1);
  r = fma(r, s, 1.28379166e-1);
  return fma(r, x, x);
}

fn f_gelu(x: f32) -> f32 { return 0.5 * x * (1.0 + f_erf(x * 0.70710678118654752)); }

fn f_gelu_tanh(x: f32) -> f32 {
  return 0.5 * x * (1.0 + f_tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
}

fn f_silu(x: f32) -> f32 { return x * f_sigmoid(x); }

// sin and cos with their own argument reduction: x = k pi/2 + r, pi/2 in three parts
// (Cody-Waite; k * the first part is exact for |k| < 2^16), then minimax polynomials on
// [-pi/4, pi/4] (Cephes sinf/cosf). Drivers' builtins can be off by 1e-4 (SwiftShader is).
fn f_sincos(x: f32, want_cos: bool) -> f32 {
  if (is_nan(x) || is_inf(x)) { return f_nan(); }
  if (abs(x) > 65536.0) { return select(sin(x), cos(x), want_cos); }
  let k = round(x * 0.63661977236758134);
  let r = ((x - k * 1.5703125) - k * 4.837512969970703125e-4) - k * 7.54978995489188216e-8;
  let z = r * r;
  let s = fma(fma(fma(-1.9515295891e-4, z, 8.3321608736e-3), z, -1.6666654611e-1), z * r, r);
  let c = fma(fma(fma(2.443315711809948e-5, z, -1.388731625493765e-3), z, 4.166664568298827e-2), z * z, fma(-0.5, z, 1.0));
  var q = i32(k - 4.0 * floor(k * 0.25));
  if (want_cos) { q = q + 1; }
  switch q & 3 {
    case 0: { return s; }
    case 1: { return c; }
    case 2: { return -s; }
    default: { return -c; }
  }
}

fn f_logical_not(x: f32) -> f32 { return select(0.0, 1.0, x == 0.0); }

// Activations of the matmul epilogue, by number (0: none), in the order of matmul.ts.
fn f_activation(kind: u32, x: f32) -> f32 {
  switch kind {
    case 1u: { return f_relu(x); }
    case 2u: { return f_gelu(x); }
    case 3u: { return f_gelu_tanh(x); }
    case 4u: { return f_silu(x); }
    case 5u: { return f_tanh(x); }
    case 6u: { return f_sigmoid(x); }
    default: { return x; }
  }
}

fn f_maximum(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b)) { return f_nan(); }
  return max(a, b);
}

fn f_minimum(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b)) { return f_nan(); }
  return min(a, b);
}

// Remainder with the sign of the divisor (torch.remainder).
fn f_mod(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b) || is_inf(a) || b == 0.0) { return f_nan(); }
  var r = a;
  if (!is_inf(b)) { r = fma(-b, trunc(a / b), a); }
  if (r != 0.0 && (r < 0.0) != (b < 0.0)) { r += b; }
  return r;
}

// a^n for an integer n by repeated squaring, as exact as f32 products go.
fn f_powi(a: f32, n: u32) -> f32 {
  var result = 1.0;
  var base = a;
  var e = n;
  loop {
    if (e == 0u) { break; }
    if ((e & 1u) == 1u) { result *= base; }
    base *= base;
    e = e >> 1u;
  }
  return result;
}

// C's pow: 1^y = 1, x^0 = 1, (-1)^(+-inf) = 1; negative bases need integer exponents.
fn f_pow(a: f32, b: f32) -> f32 {
  if (a == 1.0 || b == 0.0) { return 1.0; }
  if (is_nan(a) || is_nan(b)) { return f_nan(); }
  let ab = abs(a);
  if (is_inf(b)) {
    if (ab == 1.0) { return 1.0; }
    return select(0.0, f_inf(), (ab > 1.0) == (b > 0.0));
  }
  let integral = trunc(b) == b;
  // Odd integral exponent: a negative base keeps its sign. (Every f32 from 2^24 up is even.)
  let odd = integral && abs(b) < 16777216.0 && (u32(abs(b)) & 1u) == 1u;
  if (is_inf(a)) {
    let r = select(0.0, f_inf(), b > 0.0);
    return select(r, -r, a < 0.0 && odd);
  }
  if (integral && abs(b) <= 64.0) {
    let r = f_powi(a, u32(abs(b)));
    return select(r, 1.0 / r, b < 0.0);
  }
  if (b == 0.5 && !(a < 0.0)) { return sqrt(a); }
  if (a < 0.0 && !integral) { return f_nan(); }
  var r: f32;
  if (ab == 0.0) {
    r = select(0.0, f_inf(), b < 0.0);
  } else {
    r = exp2(b * log2(ab));
  }
  return select(r, -r, a < 0.0 && odd);
}

// ---- int32 functions (wrapping like int32) ----

fn i_sign(x: i32) -> i32 { return select(select(0, -1, x < 0), 1, x > 0); }

fn i_div(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  return a / b;
}

fn i_mod(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  var r = a % b;
  if (r != 0 && (r < 0) != (b < 0)) { r += b; }
  return r;
}

fn i_pow(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) { return 1; }
    if (a == -1) { return select(-1, 1, (b & 1) == 0); }
    return 0;
  }
  var result = 1;
  var base = a;
  var e = u32(b);
  loop {
    if (e == 0u) { break; }
    if ((e & 1u) == 1u) { result *= base; }
    base *= base;
    e = e >> 1u;
  }
  return result;
}
