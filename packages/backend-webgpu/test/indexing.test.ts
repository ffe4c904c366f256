import { ValueError } from '@tessera/core';
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

describe('gather', () => {
  it('along each axis, from a strided x, with a strided index', async () => {
    const x = env.input(uniform(5 * 7 * 3, 1), 'float32', [7, 5, 3], [3, 21, 1]);
    for (const axis of [0, 1, 2]) {
      const size = [7, 5, 3][axis];
      const outShape = [4, 5, 3].map((d, i) => (i === axis ? 9 : Math.min(d, [7, 5, 3][i])));
      const n = outShape.reduce((a, b) => a * b, 1);
      const index = env.input(randomInts(n, axis + 2, 0, size), 'int32', outShape);
      const out = env.output(outShape, 'float32', NaN);
      env.run((be, s) => be.gather(x[s], axis, index[s], out[s]));
      await env.expectClose(out, { rtol: 0, atol: 0 });
    }
    // Index broadcast along axis 1 (an embedding-style lookup of rows).
    const table = env.input(uniform(10 * 4, 9), 'float32', [10, 4]);
    const rows = env.input(Int32Array.from([3, 0, 9, 3, 7]), 'int32', [5, 4], [1, 0]);
    const out = env.output([5, 4], 'float32');
    env.run((be, s) => be.gather(table[s], 0, rows[s], out[s]));
    await env.expectClose(out, { rtol: 0, atol: 0 });
  });

  it('gathers int32 and bool', async () => {
    for (const dtype of ['int32', 'bool'] as const) {
      const x = env.input([1, 0, 1, 1, 0, 0], dtype, [2, 3]);
      const index = env.input([2, 2, 0, 1], 'int32', [2, 2]);
      const out = env.output([2, 2], dtype);
      env.run((be, s) => be.gather(x[s], 1, index[s], out[s]));
      await env.expectClose(out, { rtol: 0, atol: 0 });
    }
  });

  it('an out-of-range index writes nothing out of bounds and throws a ValueError at the next read', async () => {
    const x = env.input([1, 2, 3, 4], 'float32', [4]);
    const guard = env.input([42, 42], 'float32', [2]);
    const index = env.input([0, 4, -1, 3], 'int32', [4]);
    const out = env.output([4], 'float32', 9);
    env.gpu.gather(x.gpu, 0, index.gpu, out.gpu);
    await expect(env.gpu.read(out.gpu)).rejects.toThrow(ValueError);
    // Reported once; the in-range elements were gathered and the bad ones set to 0.
    expect([...(await env.gpu.read(out.gpu))]).toEqual([1, 0, 0, 4]);
    expect([...(await env.gpu.read(guard.gpu))]).toEqual([42, 42]);
  });

  it('names the op in the error', async () => {
    const x = env.input([1, 2], 'float32', [2]);
    const index = env.input([7], 'int32', [1]);
    const out = env.output([1], 'float32');
    env.gpu.gather(x.gpu, 0, index.gpu, out.gpu);
    await expect(env.gpu.read(x.gpu)).rejects.toThrow(/gather: index 7 is out of range for an axis of size 2/);
  });
});

describe('scatterAdd', () => {
  it('accumulates colliding indices along each axis (float32)', async () => {
    for (const axis of [0, 1]) {
      const outShape = [6, 5];
      const srcShape = axis === 0 ? [17, 5] : [6, 17];
      const n = 17 * (axis === 0 ? 5 : 6);
      const index = env.input(randomInts(n, 3 + axis, 0, outShape[axis]), 'int32', srcShape);
      const src = env.input(uniform(n, 5 + axis), 'float32', srcShape);
      const out = env.input(uniform(30, 7), 'float32', outShape);
      env.run((be, s) => be.scatterAdd(index[s], src[s], axis, out[s]));
      await env.expectClose(out, { rtol: 1e-5, atol: 1e-6 });
    }
  });

  it('int32 adds wrap, bool ors; strided src', async () => {
    const index = env.input([0, 1, 0, 2, 0, 1], 'int32', [6]);
    const srcI = env.input(Int32Array.from([2147483647, 5, 1, -3, 7, 1, 0, 0]), 'int32', [6]);
    const outI = env.input([1, 2, 3], 'int32', [3]);
    env.run((be, s) => be.scatterAdd(index[s], srcI[s], 0, outI[s]));
    await env.expectClose(outI, { rtol: 0, atol: 0 });
    const srcB = env.input([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0], 'bool', [6], [2], 1);
    const outB = env.input([0, 0, 1], 'bool', [3]);
    env.run((be, s) => be.scatterAdd(index[s], srcB[s], 0, outB[s]));
    await env.expectClose(outB, { rtol: 0, atol: 0 });
  });

  it('an out-of-range index is skipped and reported as a scatterAdd ValueError', async () => {
    const index = env.input([0, 3, 1], 'int32', [3]);
    const src = env.input([1, 1, 1], 'float32', [3]);
    const out = env.input([0, 0, 0], 'float32', [3]);
    env.gpu.scatterAdd(index.gpu, src.gpu, 0, out.gpu);
    await expect(env.gpu.read(out.gpu)).rejects.toThrow(/scatterAdd: index 3 is out of range/);
    expect([...(await env.gpu.read(out.gpu))]).toEqual([1, 1, 0]);
  });
});
