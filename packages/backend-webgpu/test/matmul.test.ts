import type { Activation, View } from '@tessera/core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Env, type Pair, contiguous, uniform } from './helpers.js';

let env: Env;
beforeAll(async () => {
  env = await Env.create();
});
afterAll(() => {
  env.freeAll();
  env.gpu.destroy();
});

/** A [..., rows, cols] operand, optionally stored transposed (its last two axes swapped). */
function operand(shape: number[], transposed: boolean, seed: number): Pair<View> {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = uniform(n, seed);
  if (!transposed) return env.input(data, 'float32', shape);
  const r = shape.length;
  const stored = [...shape.slice(0, r - 2), shape[r - 1], shape[r - 2]];
  const strides = contiguous(stored);
  [strides[r - 2], strides[r - 1]] = [strides[r - 1], strides[r - 2]];
  return env.input(data, 'float32', shape, strides);
}

describe('matmul', () => {
  const sizes: [number, number, number][] = [
    [1, 1, 1], [1, 17, 7], [7, 1, 33], [17, 33, 7], [33, 65, 17], [65, 7, 129], [129, 33, 65], [70, 129, 66],
  ];
  for (const [M, K, N] of sizes) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      it(`[${M}, ${K}] x [${K}, ${N}]${ta ? ' a transposed' : ''}${tb ? ' b transposed' : ''} matches the cpu backend`, async () => {
        const a = operand([M, K], ta, M * 7 + K);
        const b = operand([K, N], tb, K * 5 + N);
        const out = env.output([M, N], 'float32', NaN);
        env.run((be, s) => be.matmul(a[s], b[s], out[s]));
        await env.expectClose(out, { rtol: 1e-5, atol: 1e-5 });
      });
    }
  }

  it('broadcasts batch axes through stride 0 and offsets', async () => {
    // a: [3, 2, 9, 13] with axis 1 broadcast; b: [3, 2, 13, 70] with axis 0 broadcast, offset 5.
    const a = env.input(uniform(3 * 9 * 13, 1), 'float32', [3, 2, 9, 13], [117, 0, 13, 1]);
    const b = env.input(uniform(2 * 13 * 70 + 5, 2), 'float32', [3, 2, 13, 70], [0, 910, 70, 1], 5);
    const out = env.output([3, 2, 9, 70], 'float32');
    env.run((be, s) => be.matmul(a[s], b[s], out[s]));
    await env.expectClose(out, { rtol: 1e-5, atol: 1e-5 });
    const big = env.input(uniform(4 * 70 * 13, 3), 'float32', [4, 70, 13]);
    const w = env.input(uniform(13 * 66, 4), 'float32', [4, 13, 66], [0, 66, 1]);
    const out2 = env.output([4, 70, 66], 'float32');
    env.run((be, s) => be.matmul(big[s], w[s], out2[s]));
    await env.expectClose(out2, { rtol: 1e-5, atol: 1e-5 });
  });

  it('K = 0 gives zeros (plus the bias)', async () => {
    const a = env.input([0], 'float32', [3, 0]);
    const b = env.input([0], 'float32', [0, 4]);
    const bias = env.input([1, 2, 3, 4], 'float32', [3, 4], [0, 1]);
    const out = env.output([3, 4], 'float32', NaN);
    env.run((be, s) => be.matmul(a[s], b[s], out[s], { bias: bias[s] }));
    await env.expectClose(out, { rtol: 0, atol: 0 });
  });

  for (const activation of [undefined, 'relu', 'gelu', 'geluTanh', 'silu', 'tanh', 'sigmoid'] as (Activation | undefined)[]) {
    it(`epilogue: bias then ${activation ?? 'no activation'}, tiled and small kernels`, async () => {
      for (const [M, K, N] of [[66, 20, 70], [3, 20, 5]]) {
        const a = env.input(uniform(M * K, 5), 'float32', [M, K]);
        const b = env.input(uniform(K * N, 6), 'float32', [K, N]);
        const bias = env.input(uniform(N, 7), 'float32', [M, N], [0, 1]); // a [N] bias broadcast over rows
        const out = env.output([M, N], 'float32');
        env.run((be, s) => be.matmul(a[s], b[s], out[s], { bias: bias[s], activation }));
        await env.expectClose(out, { rtol: 1e-5, atol: 1e-5 });
      }
    });
  }
});
