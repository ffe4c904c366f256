/**
 * Scalar math the kernels share: erf, stable sigmoid/softplus, GELU, round-half-to-even,
 * Python-style remainder and wrapping int32 power. Everything is computed in float64.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2 / sqrt(pi)
const ONE_OVER_SQRT_PI = 0.5641895835477563; // 1 / sqrt(pi)
const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = 0.7978845608028654; // sqrt(2 / pi)

/**
 * The error function, to a few ulps in float64.
 *
 * For |x| < 2.5 it sums the series erf(x) = 2/sqrt(pi) * x * exp(-x^2) * sum_n (2x^2)^n / (2n+1)!!,
 * whose terms are all positive (no cancellation). Beyond, it evaluates the continued fraction
 * erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))) bottom-up, with
 * enough terms for full precision at the given x. erf(x) = +-1 in float64 from |x| >= 6.
 */
export function erf(x: number): number {
  if (x !== x) return x;
  const ax = Math.abs(x);
  if (ax >= 6) return x > 0 ? 1 : -1;
  if (ax < 2.5) {
    const x2 = x * x;
    const twoX2 = 2 * x2;
    let term = 1;
    let sum = 1;
    for (let n = 1; n < 80; n++) {
      term *= twoX2 / (2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return TWO_OVER_SQRT_PI * x * Math.exp(-x2) * sum;
  }
  return x > 0 ? 1 - erfcLarge(ax) : erfcLarge(ax) - 1;
}

/** erfc(x) for x >= 2.5 from its continued fraction. */
function erfcLarge(x: number): number {
  // Terms needed fall quickly with x; these counts give ~1e-17 relative error (checked in tests).
  const terms = x < 3 ? 90 : x < 4 ? 60 : 40;
  let f = 0;
  for (let n = terms; n >= 1; n--) f = n / 2 / (x + f);
  return (Math.exp(-x * x) * ONE_OVER_SQRT_PI) / (x + f);
}

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** softplus with beta 1 and PyTorch's threshold 20: x itself above it. */
export function softplus(x: number): number {
  return x > 20 ? x : Math.log1p(Math.exp(x));
}

/** Exact GELU: x * Phi(x). */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x * SQRT1_2));
}

/** GELU with the tanh approximation (PyTorch `approximate='tanh'`). */
export function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
}

export function silu(x: number): number {
  return x * sigmoid(x);
}

/** relu that keeps NaN, as PyTorch does. */
export function relu(x: number): number {
  return x > 0 ? x : x !== x ? x : 0;
}

/** sign with sign(0) = 0 and, as PyTorch's cpu kernel, sign(NaN) = 0. */
export function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

/** Round half to even, as PyTorch's `round`. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  const r = d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
  // Keep the sign of zero: round(-0.4) is -0, as in C and PyTorch.
  return r === 0 && (x < 0 || Object.is(x, -0)) ? -0 : r;
}

/** Floating remainder with the sign of the divisor (Python / `torch.remainder`). */
export function remainder(a: number, b: number): number {
  let r = a % b;
  if (r !== 0 && r < 0 !== b < 0) r += b;
  return r;
}

/** Integer remainder with the sign of the divisor; x mod 0 gives 0 (PyTorch raises). */
export function remainderInt(a: number, b: number): number {
  if (b === 0) return 0;
  let r = a % b;
  if (r !== 0 && r < 0 !== b < 0) r += b;
  return r | 0;
}

/** pow as C's `pow` (1^y = 1 and (-1)^(+-inf) = 1, where JS's Math.pow gives NaN). */
export function pow(a: number, b: number): number {
  if (a === 1) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return Math.pow(a, b);
}

/** int32 power wrapping like int32 multiplication; negative exponents truncate 1/a^n toward zero. */
export function powInt(a: number, b: number): number {
  if (b < 0) {
    if (a === 1) return 1;
    if (a === -1) return b % 2 === 0 ? 1 : -1;
    return 0;
  }
  let result = 1;
  let base = a | 0;
  let e = b;
  while (e > 0) {
    if (e & 1) result = Math.imul(result, base);
    base = Math.imul(base, base);
    e >>>= 1;
  }
  return result;
}
