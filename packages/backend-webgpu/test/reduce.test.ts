import type { ReduceOp } from '@tessera/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Env, randomInts, uniform } from './helpers.js';

let env: Env;
beforeAll(async () => {
  env = await Env.create();
});
afterAll(() => {
  env.freeAll();
  env.gpu.destroy();
});

function keptShape(shape: number[], axes: number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

describe('reduce', () => {
  const cases: { shape: number[]; axes: number[] }[] = [
    { shape: [7], axes: [0] },
    { shape: [129], axes: [0] },
    { shape: [5, 33], axes: [1] },
    { shape: [33, 5], axes: [0] },
    { shape: [3, 17, 4], axes: [0, 2] },
    { shape: [2, 3, 65], axes: [1, 2] },
    { shape: [4, 1, 6], axes: [1] },
    { shape: [3, 4], axes: [] },
  ];
  for (const op of ['sum', 'prod', 'max', 'min'] as ReduceOp[]) {
    for (const { shape, axes } of cases) {
      it(`${op} over axes [${axes}] of [${shape}] matches the cpu backend`, async () => {
        const n = shape.reduce((a, b) => a * b, 1);
        // prod of many values must stay finite: keep them near 1.
        const data = op === 'prod' ? uniform(n, 1, 0.9, 1.1) : uniform(n, 1, -2, 2);
        const x = env.input(data, 'float32', shape);
        const out = env.output(keptShape(shape, axes), 'float32', -7);
        env.run((be, s) => be.reduce(op, x[s], axes, out[s]));
        await env.expectClose(out, { rtol: 2e-5, atol: 1e-5 });
      });
    }
  }

  it('reduces a permuted, broadcast and offset view', async () => {
    const base = uniform(200, 2);
    // [6, 5, 4] view: axis 0 broadcast, axes 1 and 2 transposed, offset 3.
    const x = env.input(base, 'float32', [6, 5, 4], [0, 1, 5], 3);
    for (const axes of [[0], [1], [2], [0, 2], [0, 1, 2]]) {
      const out = env.output(keptShape([6, 5, 4], axes), 'float32');
      env.run((be, s) => be.reduce('sum', x[s], axes, out[s]));
      await env.expectClose(out, { rtol: 1e-5, atol: 1e-5 });
    }
  });

  it('max and min propagate NaN; int32 sums and products wrap', async () => {
    const f = env.input([1, NaN, 3, 4, 5, 6, 7, 8, -Infinity, 2, 1, 0], 'float32', [3, 4]);
    for (const op of ['max', 'min', 'sum'] as ReduceOp[]) {
      const out = env.output([3, 1], 'float32');
      env.run((be, s) => be.reduce(op, f[s], [1], out[s]));
      await env.expectClose(out);
    }
    const i = env.input(Int32Array.from([2147483647, 1, 65536, 65536, -5, 3, 9, 7]), 'int32', [4, 2]);
    for (const op of ['sum', 'prod', 'max', 'min'] as ReduceOp[]) {
      const out = env.output([4, 1], 'int32');
      env.run((be, s) => be.reduce(op, i[s], [1], out[s]));
      await env.expectClose(out, { rtol: 0, atol: 0 });
    }
  });

  it('reduces bool to bool (any / all through max / min)', async () => {
    const b = env.input([0, 0, 1, 0, 1, 1, 0, 0, 0], 'bool', [3, 3]);
    for (const op of ['max', 'min'] as ReduceOp[]) {
      const out = env.output([3, 1], 'bool');
      env.run((be, s) => be.reduce(op, b[s], [1], out[s]));
      await env.expectClose(out, { rtol: 0, atol: 0 });
    }
  });

  // Few outputs over a long extent, and sums over leading axes: the split (two-pass) path.
  const splitCases: { shape: number[]; axes: number[]; strides?: number[]; offset?: number }[] = [
    { shape: [3, 5000], axes: [1] },
    { shape: [5000, 3], axes: [0] },
    { shape: [1000, 40], axes: [0] },
    { shape: [8, 125, 9], axes: [0, 1] },
    { shape: [40, 1000], axes: [1], strides: [1, 41], offset: 2 },
    { shape: [17, 300], axes: [0, 1] },
  ];
  for (const op of ['sum', 'prod', 'max', 'min'] as ReduceOp[]) {
    for (const { shape, axes, strides, offset } of splitCases) {
      it(`${op} over axes [${axes}] of [${shape}]${strides ? ` strided [${strides}]` : ''} (split) matches the cpu backend`, async () => {
        const n = strides ? shape.reduce((a, d, i) => a + (d - 1) * strides[i], 1 + (offset ?? 0)) : shape.reduce((a, b) => a * b, 1);
        // prod over thousands of values must stay finite: keep them very near 1.
        const data = op === 'prod' ? uniform(n, 4, 0.999, 1.001) : uniform(n, 4, -2, 2);
        const x = env.input(data, 'float32', shape, strides, offset);
        const out = env.output(keptShape(shape, axes), 'float32', -7);
        env.run((be, s) => be.reduce(op, x[s], axes, out[s]));
        await env.expectClose(out, { rtol: 1e-4, atol: 1e-4 });
      });
    }
  }

  it('split reductions propagate NaN and infinities, wrap int32, reduce bool', async () => {
    const n = 3000;
    const data = uniform(2 * n, 5, -2, 2);
    data[1234] = NaN; // row 0: NaN
    data[n + 2999] = Infinity; // row 1: +inf
    const f = env.input(data, 'float32', [2, n]);
    const fT = env.input(data, 'float32', [n, 2], [1, n]); // the same, reduced over axis 0
    for (const op of ['sum', 'prod', 'max', 'min'] as ReduceOp[]) {
      for (const [x, axes, shape] of [[f, [1], [2, 1]], [fT, [0], [1, 2]]] as const) {
        const out = env.output(shape, 'float32');
        env.run((be, s) => be.reduce(op, x[s], axes, out[s]));
        const { gpu } = await env.expectClose(out, { rtol: 1e-4, atol: 1e-4 });
        if (op !== 'prod') expect(Number.isNaN(gpu[0])).toBe(true);
      }
    }
    const ints = randomInts(4 * 2000, 6, -2147483648, 2147483647);
    const xi = env.input(ints, 'int32', [2000, 4]);
    for (const op of ['sum', 'prod', 'max', 'min'] as ReduceOp[]) {
      const out = env.output([1, 4], 'int32');
      env.run((be, s) => be.reduce(op, xi[s], [0], out[s]));
      await env.expectClose(out, { rtol: 0, atol: 0 });
    }
    const bits = Array.from({ length: 3 * 1000 }, (_, i) => (i === 1700 ? 1 : i < 1000 || (i >= 2000 && i !== 2500) ? 1 : 0));
    const b = env.input(bits, 'bool', [3, 1000]);
    for (const op of ['max', 'min'] as ReduceOp[]) {
      const out = env.output([3, 1], 'bool');
      env.run((be, s) => be.reduce(op, b[s], [1], out[s]));
      await env.expectClose(out, { rtol: 0, atol: 0 });
    }
  });

  it('a long sum stays close to the float64 reference', async () => {
    const n = 100_003;
    const x = env.input(uniform(n, 3, 0, 1), 'float32', [n]);
    const out = env.output([1], 'float32');
    env.run((be, s) => be.reduce('sum', x[s], [0], out[s]));
    await env.expectClose(out, { rtol: 1e-6 });
  });
});

describe('argReduce', () => {
  it('argmax and argmin on odd sizes, both variants, first index on ties', async () => {
    for (const shape of [[4, 7], [3, 129], [65, 2]]) {
      const n = shape[0] * shape[1];
      // Few distinct values, so ties are common.
      const data = Float32Array.from(randomInts(n, 4, -3, 3));
      const x = env.input(data, 'float32', shape);
      for (const op of ['argmax', 'argmin'] as const) {
        for (const axis of [0, 1]) {
          const out = env.output(keptShape(shape, [axis]), 'int32', -1);
          env.run((be, s) => be.argReduce(op, x[s], axis, out[s]));
          await env.expectClose(out, { rtol: 0, atol: 0 });
        }
      }
    }
  });

  it('NaN wins, first NaN index; int32 input; strided input', async () => {
    const row = [1, 5, NaN, 2, NaN, 5];
    const long = Array.from({ length: 100 }, (_, i) => (i === 70 ? NaN : i === 40 ? 1e9 : i % 7));
    for (const data of [row, long]) {
      const x = env.input(data, 'float32', [data.length]);
      for (const op of ['argmax', 'argmin'] as const) {
        const out = env.output([1], 'int32', -1);
        env.run((be, s) => be.argReduce(op, x[s], 0, out[s]));
        const { gpu } = await env.expectClose(out, { rtol: 0, atol: 0 });
        expect(gpu[0]).toBe(data === row ? 2 : 70);
      }
    }
    const xi = env.input(randomInts(60, 5, -100, 100), 'int32', [5, 12], [1, 5]);
    const out = env.output([1, 12], 'int32');
    env.run((be, s) => be.argReduce('argmax', xi[s], 0, out[s]));
    await env.expectClose(out, { rtol: 0, atol: 0 });
  });
});

describe('cumsum', () => {
  it('along each axis of a strided view, float and int', async () => {
    const x = env.input(uniform(3 * 17 * 5, 6), 'float32', [17, 3, 5], [5, 85, 1]);
    for (const axis of [0, 1, 2]) {
      const out = env.output([17, 3, 5], 'float32');
      env.run((be, s) => be.cumsum(x[s], axis, out[s]));
      await env.expectClose(out, { rtol: 1e-5, atol: 1e-5 });
    }
    const xi = env.input(Int32Array.from([2147483647, 1, 5, -9, 3, 2]), 'int32', [6]);
    const out = env.output([6], 'int32');
    env.run((be, s) => be.cumsum(xi[s], 0, out[s]));
    await env.expectClose(out, { rtol: 0, atol: 0 });
  });

  it('a long running sum is compensated', async () => {
    const n = 20_000;
    const x = env.input(uniform(n, 7, 0, 1), 'float32', [n]);
    const out = env.output([n], 'float32');
    env.run((be, s) => be.cumsum(x[s], 0, out[s]));
    await env.expectClose(out, { rtol: 1e-6 });
  });
});
