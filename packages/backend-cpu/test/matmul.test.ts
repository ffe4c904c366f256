import type { Activation, Backend, View } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { erf } from '../src/math.js';
import { backends, contiguousStrides, empty, expand, expectClose, numel, permute, randoms, read, restride, tensor } from './helpers.js';

/** Naive batched matmul over dense row-major arrays (batch dims equal). */
function naive(a: number[], b: number[], batch: number, M: number, K: number, N: number): number[] {
  const out = new Array<number>(batch * M * N).fill(0);
  for (let t = 0; t < batch; t++)
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a[t * M * K + i * K + k] * b[t * K * N + k * N + j];
        out[t * M * N + i * N + j] = s;
      }
  return out;
}

function run(be: Backend, a: View, b: View, outShape: number[], epilogue?: { bias?: View; activation?: Activation }): number[] {
  const out = empty(be, outShape, 'float32', Number.NaN);
  be.matmul(a, b, out, epilogue);
  return read(be, out);
}

describe.each(backends)('%s matmul', (name, make) => {
  const be = make();
  const tol = name === 'cpu' ? 2e-5 : 1e-12;
  const sizes = [1, 2, 4, 7, 17, 33, 65, 129];

  it('matches a naive triple loop over many shapes', () => {
    let seed = 1;
    for (const M of sizes)
      for (const K of [1, 7, 33, 129, 300])
        for (const N of [1, 5, 17, 65]) {
          const av = randoms(M * K, seed++);
          const bv = randoms(K * N, seed++);
          const a = tensor(be, av, [M, K]);
          const b = tensor(be, bv, [K, N]);
          const ref = naive(read(be, a), read(be, b), 1, M, K, N);
          expectClose(run(be, a, b, [M, N]), ref, tol * Math.sqrt(K));
          be.free(a.buffer);
          be.free(b.buffer);
        }
  });

  it('crosses every blocking edge (K > 256, N > 1024, M > 128)', () => {
    const [M, K, N] = [131, 257, 1030];
    const a = tensor(be, randoms(M * K, 3), [M, K]);
    const b = tensor(be, randoms(K * N, 4), [K, N]);
    expectClose(run(be, a, b, [M, N]), naive(read(be, a), read(be, b), 1, M, K, N), tol * 20);
  });

  it('reads transposed operands', () => {
    const [M, K, N] = [17, 33, 9];
    const at = tensor(be, randoms(M * K, 5), [K, M]);
    const bt = tensor(be, randoms(K * N, 6), [N, K]);
    const a = permute(at, [1, 0]);
    const b = permute(bt, [1, 0]);
    expectClose(run(be, a, b, [M, N]), naive(read(be, a), read(be, b), 1, M, K, N), tol * 10);
  });

  it('batches with broadcast (stride-0) and permuted batch axes', () => {
    const [B, M, K, N] = [3, 7, 17, 5];
    // a: [B, M, K] stored as [M, B, K]; b: one [K, N] broadcast over the batch.
    const aStore = tensor(be, randoms(B * M * K, 8), [M, B, K]);
    const a = permute(aStore, [1, 0, 2]);
    const b1 = tensor(be, randoms(K * N, 9), [K, N]);
    const b = expand(b1, [B, K, N]);
    const ref = naive(read(be, a), read(be, b), B, M, K, N);
    expectClose(run(be, a, b, [B, M, N]), ref, tol * 10);
    // Broadcast a instead, b batched; and a folded-batch case with contiguous a.
    const a1 = tensor(be, randoms(M * K, 10), [M, K]);
    const bb = tensor(be, randoms(B * K * N, 11), [B, K, N]);
    expectClose(run(be, expand(a1, [B, M, K]), bb, [B, M, N]), naive(read(be, expand(a1, [B, M, K])), read(be, bb), B, M, K, N), tol * 10);
    const ac = tensor(be, randoms(2 * B * M * K, 12), [2, B, M, K]);
    const b4 = expand(b1, [2, B, K, N]);
    expectClose(run(be, ac, b4, [2, B, M, N]), naive(read(be, ac), read(be, b4), 2 * B, M, K, N), tol * 10);
  });

  it('handles size-0 and K = 0', () => {
    const a = tensor(be, [], [3, 0]);
    const b = tensor(be, [], [0, 4]);
    expect(run(be, a, b, [3, 4])).toEqual(new Array(12).fill(0));
    const a0 = tensor(be, [], [0, 5]);
    const b0 = tensor(be, randoms(20), [5, 4]);
    expect(run(be, a0, b0, [0, 4])).toEqual([]);
  });

  it('applies the bias + activation epilogue', () => {
    const [M, K, N] = [5, 9, 6];
    const a = tensor(be, randoms(M * K, 13), [M, K]);
    const b = tensor(be, randoms(K * N, 14), [K, N]);
    const bias = tensor(be, randoms(N, 15), [N]);
    const mm = naive(read(be, a), read(be, b), 1, M, K, N);
    const bv = read(be, bias);
    const withBias = mm.map((v, i) => v + bv[i % N]);
    expectClose(run(be, a, b, [M, N], { bias: expand(bias, [M, N]) }), withBias, tol * 3);
    const acts: Record<Activation, (x: number) => number> = {
      relu: (x) => Math.max(0, x),
      gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
      geluTanh: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
      silu: (x) => x / (1 + Math.exp(-x)),
      tanh: Math.tanh,
      sigmoid: (x) => 1 / (1 + Math.exp(-x)),
    };
    for (const [act, f] of Object.entries(acts) as [Activation, (x: number) => number][]) {
      expectClose(run(be, a, b, [M, N], { bias: expand(bias, [M, N]), activation: act }), withBias.map(f), tol * 3);
      expectClose(run(be, a, b, [M, N], { activation: act }), mm.map(f), tol * 3);
    }
  });

  it('writes into an out view at an offset', () => {
    const a = tensor(be, [1, 2, 3, 4], [2, 2]);
    const b = tensor(be, [1, 0, 0, 1], [2, 2]);
    const buf = empty(be, [10], 'float32', -1);
    const out = restride(buf, [2, 2], contiguousStrides([2, 2]), 3);
    be.matmul(a, b, out);
    expect(read(be, buf)).toEqual([-1, -1, -1, 1, 2, 3, 4, -1, -1, -1]);
    expect(numel([2, 2])).toBe(4);
  });
});
