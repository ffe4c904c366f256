/**
 * Fused kernels: softmax, logSoftmax and layerNorm over the last axis, and the in-place
 * Adam/AdamW step. Each computes in float64 and matches the composition core would build
 * from primitives (within float rounding).
 */
import type { FusedKernels, TypedArray, View } from '@tessera/core';
import { dataOf } from './buffers.js';
import { elementOffsets, isContiguous, numel } from './strided.js';

/** x's data as a dense array and the offset of its first element (a copy only if x is strided). */
function dense(x: View, op: string): { data: TypedArray | Float64Array; offset: number } {
  const X = dataOf(x, op);
  if (isContiguous(x.shape, x.strides)) return { data: X, offset: x.offset };
  const offsets = elementOffsets(x.shape, x.strides, x.offset);
  const copy = new Float64Array(offsets.length);
  for (let i = 0; i < offsets.length; i++) copy[i] = X[offsets[i]];
  return { data: copy, offset: 0 };
}

/** Reads element i of a (possibly strided) 1-D view such as a layerNorm weight. */
function vectorReader(v: View | null, op: string): ((i: number) => number) | null {
  if (!v) return null;
  const V = dataOf(v, op);
  const stride = v.strides[v.strides.length - 1] ?? 0;
  const offset = v.offset;
  return (i) => V[offset + i * stride];
}

function rowsAndWidth(x: View): { rows: number; width: number } {
  const width = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1];
  return { rows: width === 0 ? 0 : numel(x.shape) / width, width };
}

export function softmax(x: View, out: View): void {
  softmaxRows(x, out, false);
}

export function logSoftmax(x: View, out: View): void {
  softmaxRows(x, out, true);
}

/** Subtracts the row max before exponentiating, so no row overflows. */
function softmaxRows(x: View, out: View, log: boolean): void {
  const op = log ? 'logSoftmax' : 'softmax';
  const { data: X, offset: xo } = dense(x, op);
  const O = dataOf(out, op);
  const { rows, width } = rowsAndWidth(x);
  const row = new Float64Array(width);
  for (let r = 0; r < rows; r++) {
    const xb = xo + r * width;
    const ob = out.offset + r * width;
    let max = -Infinity;
    for (let j = 0; j < width; j++) {
      const v = X[xb + j];
      if (v > max || v !== v) max = v;
    }
    // A row of -Infinity would give (-inf) - (-inf) = NaN; torch gives NaN too, keep it.
    let sum = 0;
    for (let j = 0; j < width; j++) {
      const e = Math.exp(X[xb + j] - max);
      row[j] = e;
      sum += e;
    }
    if (log) {
      const lse = Math.log(sum);
      for (let j = 0; j < width; j++) O[ob + j] = X[xb + j] - max - lse;
    } else {
      for (let j = 0; j < width; j++) O[ob + j] = row[j] / sum;
    }
  }
}

/** Two-pass statistics (mean, then the biased variance around it) in float64. */
export function layerNorm(
  x: View,
  weight: View | null,
  bias: View | null,
  eps: number,
  out: View,
  mean: View,
  rstd: View,
): void {
  const { data: X, offset: xo } = dense(x, 'layerNorm');
  const O = dataOf(out, 'layerNorm');
  const Mean = dataOf(mean, 'layerNorm');
  const Rstd = dataOf(rstd, 'layerNorm');
  const w = vectorReader(weight, 'layerNorm');
  const b = vectorReader(bias, 'layerNorm');
  const { rows, width } = rowsAndWidth(x);
  for (let r = 0; r < rows; r++) {
    const xb = xo + r * width;
    const ob = out.offset + r * width;
    let s = 0;
    for (let j = 0; j < width; j++) s += X[xb + j];
    const mu = s / width;
    let ss = 0;
    for (let j = 0; j < width; j++) {
      const d = X[xb + j] - mu;
      ss += d * d;
    }
    const rs = 1 / Math.sqrt(ss / width + eps);
    for (let j = 0; j < width; j++) {
      let y = (X[xb + j] - mu) * rs;
      if (w) y *= w(j);
      if (b) y += b(j);
      O[ob + j] = y;
    }
    Mean[mean.offset + r] = mu;
    Rstd[rstd.offset + r] = rs;
  }
}

/**
 * One Adam/AdamW step in place, in the order of torch.optim.Adam's single-tensor path:
 * weight decay (coupled: grad + wd * param; decoupled: param * (1 - lr * wd)), then
 * m.lerp_(grad, 1 - beta1), v = beta2 * v + (1 - beta2) * grad^2, and
 * param -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps). grad is not modified.
 */
export const adamStep: FusedKernels['adamStep'] = (param, grad, m, v, opts) => {
  const P = dataOf(param, 'adamStep');
  const G = dataOf(grad, 'adamStep');
  const Mm = dataOf(m, 'adamStep');
  const V = dataOf(v, 'adamStep');
  const { lr, beta1, beta2, eps, weightDecay, decoupled, step } = opts;
  const n = numel(param.shape);
  const stepSize = lr / (1 - beta1 ** step);
  const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
  const w1 = 1 - beta1;
  const decay = decoupled ? 1 - lr * weightDecay : 1;
  const po = param.offset, go = grad.offset, mo = m.offset, vo = v.offset;
  for (let i = 0; i < n; i++) {
    let p = P[po + i];
    let g = G[go + i];
    if (weightDecay !== 0) {
      if (decoupled) p *= decay;
      else g += weightDecay * p;
    }
    const mPrev = Mm[mo + i];
    // torch's lerp with weight < 0.5: start + weight * (end - start).
    const mi = w1 < 0.5 ? mPrev + w1 * (g - mPrev) : g - (g - mPrev) * (1 - w1);
    const vi = beta2 * V[vo + i] + (1 - beta2) * g * g;
    Mm[mo + i] = mi;
    V[vo + i] = vi;
    P[po + i] = p - stepSize * (mi / (Math.sqrt(vi) / bc2Sqrt + eps));
  }
};
