/**
 * The tensor building blocks PyTorch's optimizers are written with, in PyTorch's rounding order,
 * so a composed update reproduces `torch.optim`'s single-tensor path op for op.
 *
 * PyTorch's CPU kernels fuse `add(alpha)` and `addcmul` into FMAs; core's primitives round the
 * product separately, so float64 results agree to the last bit or two, not always exactly.
 */
import { add, div, mul } from '../ops/elementwise.js';
import type { Tensor } from '../tensor.js';

/** `self + (value * t1) * t2`, like `torch.addcmul`. */
export function addcmul(self: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  return add(self, mul(value === 1 ? t1 : mul(t1, value), t2));
}

/** `self + (value * t1) / t2`, like `torch.addcdiv`. */
export function addcdiv(self: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  return add(self, div(value === 1 ? t1 : mul(t1, value), t2));
}

const SPLIT = 134217729; // 2^27 + 1, Veltkamp's splitter for doubles

/** a * b as an unevaluated sum hi + lo (Dekker's exact product). */
function twoProd(a: number, b: number): [number, number] {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function ddMul(ah: number, al: number, bh: number, bl: number): [number, number] {
  const [p, e0] = twoProd(ah, bh);
  const e = e0 + (ah * bl + al * bh);
  const s = p + e;
  return [s, e - (s - p)];
}

/**
 * `x ** n` for a non-negative integer n, correctly rounded (double-double squaring). JavaScript's
 * `**` is off by an ulp for about 8% of `beta ** step`, which would make bias corrections differ
 * from Python's; this agrees with CPython (glibc `pow`) on every `beta ** step` we checked
 * below step 2,900 for the usual betas.
 */
export function powi(x: number, n: number): number {
  if (!Number.isInteger(n) || n < 0) return x ** n;
  let rh = 1, rl = 0, bh = x, bl = 0;
  while (n > 0) {
    if (n % 2 === 1) [rh, rl] = ddMul(rh, rl, bh, bl);
    n = Math.floor(n / 2);
    if (n > 0) [bh, bl] = ddMul(bh, bl, bh, bl);
  }
  return rh + rl;
}
