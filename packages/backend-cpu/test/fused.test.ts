import type { Backend, View } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { backends, empty, expectClose, permute, randoms, read, tensor } from './helpers.js';

/** The composition core would build: exp(x - max) / sum, and x - max - log(sum). */
function composedSoftmax(be: Backend, x: View, log: boolean): number[] {
  const [rows, width] = x.shape;
  const max = empty(be, [rows, 1]);
  be.reduce('max', x, [1], max);
  const maxB: View = { ...max, shape: [rows, width], strides: [1, 0] };
  const shifted = empty(be, [rows, width]);
  be.binary('sub', x, maxB, shifted);
  const e = empty(be, [rows, width]);
  be.unary('exp', shifted, e);
  const sum = empty(be, [rows, 1]);
  be.reduce('sum', e, [1], sum);
  const sumB: View = { ...sum, shape: [rows, width], strides: [1, 0] };
  const out = empty(be, [rows, width]);
  if (log) {
    const ls = empty(be, [rows, 1]);
    be.unary('log', sum, ls);
    be.binary('sub', shifted, { ...ls, shape: [rows, width], strides: [1, 0] }, out);
  } else {
    be.binary('div', e, sumB, out);
  }
  return read(be, out);
}

describe.each(backends)('%s fused kernels', (name, make) => {
  const be = make();
  const fused = be.fused!;
  const tol = name === 'cpu' ? 1e-6 : 1e-13;

  it('softmax and logSoftmax match their composition, and survive large logits', () => {
    const data = randoms(4 * 9, 21).map((v, i) => v * 5 + (i === 3 ? 1000 : 0));
    const x = tensor(be, data, [4, 9]);
    const out = empty(be, [4, 9]);
    fused.softmax!(x, out);
    expectClose(read(be, out), composedSoftmax(be, x, false), tol);
    fused.logSoftmax!(x, out);
    expectClose(read(be, out), composedSoftmax(be, x, true), tol);
    expect(read(be, out).every(Number.isFinite)).toBe(true);
  });

  it('softmax accepts a non-contiguous input', () => {
    const x = tensor(be, randoms(12, 2), [3, 4]);
    const xt = permute(x, [1, 0]); // [4, 3]
    const dense = tensor(be, read(be, xt), [4, 3]);
    const a = empty(be, [4, 3]);
    const b = empty(be, [4, 3]);
    fused.softmax!(xt, a);
    fused.softmax!(dense, b);
    expectClose(read(be, a), read(be, b), 0);
  });

  it('layerNorm matches (x - mean) / sqrt(var + eps) * w + b and writes mean, rstd', () => {
    const [rows, width] = [5, 16];
    const xv = randoms(rows * width, 31).map((v) => v * 3 + 1);
    const wv = randoms(width, 32);
    const bv = randoms(width, 33);
    const x = tensor(be, xv, [rows, width]);
    const w = tensor(be, wv, [width]);
    const b = tensor(be, bv, [width]);
    const out = empty(be, [rows, width]);
    const mean = empty(be, [rows]);
    const rstd = empty(be, [rows]);
    const eps = 1e-5;
    fused.layerNorm!(x, w, b, eps, out, mean, rstd);
    const xr = read(be, x);
    const wr = read(be, w);
    const br = read(be, b);
    const expOut: number[] = [];
    const expMean: number[] = [];
    const expRstd: number[] = [];
    for (let r = 0; r < rows; r++) {
      const row = xr.slice(r * width, (r + 1) * width);
      const mu = row.reduce((s, v) => s + v, 0) / width;
      const variance = row.reduce((s, v) => s + (v - mu) ** 2, 0) / width;
      const rs = 1 / Math.sqrt(variance + eps);
      expMean.push(mu);
      expRstd.push(rs);
      row.forEach((v, j) => expOut.push((v - mu) * rs * wr[j] + br[j]));
    }
    expectClose(read(be, out), expOut, tol * 10);
    expectClose(read(be, mean), expMean, tol);
    expectClose(read(be, rstd), expRstd, tol);
    fused.layerNorm!(x, null, null, eps, out, mean, rstd);
    expectClose(read(be, out), expOut.map((v, i) => (v - br[i % width]) / wr[i % width]), tol * 1e3);
  });

  it.each([false, true])('adamStep (decoupled=%s) follows a hand-computed two-step trajectory', (decoupled) => {
    const p0 = [1, -2];
    const grads = [
      [0.5, -1],
      [-0.25, 2],
    ];
    const o = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled };
    // Reference: torch.optim.Adam / AdamW single-tensor update, in float64.
    const p = [...p0];
    const mRef = [0, 0];
    const vRef = [0, 0];
    const param = tensor(be, p0, [2]);
    const m = empty(be, [2]);
    const v = empty(be, [2]);
    for (let t = 1; t <= 2; t++) {
      const gv = grads[t - 1];
      for (let i = 0; i < 2; i++) {
        let g = gv[i];
        if (decoupled) p[i] *= 1 - o.lr * o.weightDecay;
        else g += o.weightDecay * p[i];
        mRef[i] = o.beta1 * mRef[i] + (1 - o.beta1) * g;
        vRef[i] = o.beta2 * vRef[i] + (1 - o.beta2) * g * g;
        const denom = Math.sqrt(vRef[i]) / Math.sqrt(1 - o.beta2 ** t) + o.eps;
        p[i] -= (o.lr / (1 - o.beta1 ** t)) * (mRef[i] / denom);
      }
      const grad = tensor(be, gv, [2]);
      fused.adamStep!(param, grad, m, v, { ...o, step: t });
      expect(read(be, grad)).toEqual(gv.map((g) => (name === 'cpu' ? Math.fround(g) : g)));
    }
    expectClose(read(be, param), p, tol);
    expectClose(read(be, m), mRef, tol);
    expectClose(read(be, v), vRef, tol);
    // Step 1 moves each parameter by about lr against its gradient's sign.
    if (!decoupled) expect(Math.abs(p[0] - 1)).toBeGreaterThan(0.09);
  });
});
