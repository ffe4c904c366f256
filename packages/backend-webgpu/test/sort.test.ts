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

describe('sort', () => {
  for (const len of [1, 7, 17, 33, 129]) {
    it(`sorts lines of ${len} along either axis, both directions, stable on ties`, async () => {
      // Few distinct values so ties are common; NaN and infinities mixed in.
      const data = Float32Array.from(randomInts(3 * len, len, -4, 4));
      if (len > 5) data.set([NaN, Infinity, -Infinity, NaN], 1);
      for (const [shape, axis] of [[[3, len], 1], [[len, 3], 0]] as [number[], number][]) {
        const x = env.input(data, 'float32', shape);
        for (const descending of [false, true]) {
          const values = env.output(shape, 'float32', -9);
          const indices = env.output(shape, 'int32', -9);
          env.run((be, s) => be.sort(x[s], axis, descending, values[s], indices[s]));
          await env.expectClose(values, { rtol: 0, atol: 0 });
          await env.expectClose(indices, { rtol: 0, atol: 0 });
        }
      }
    });
  }

  it('sorts int32 and a strided view with offsets in the outs', async () => {
    const x = env.input(randomInts(40, 3, -1000, 1000), 'int32', [5, 8], [1, 5]);
    const values = env.input(new Array(44).fill(0), 'int32', [5, 8], [8, 1], 4);
    const indices = env.input(new Array(42).fill(0), 'int32', [5, 8], [8, 1], 2);
    env.run((be, s) => be.sort(x[s], 1, false, values[s], indices[s]));
    await env.expectClose(values, { rtol: 0, atol: 0 });
    await env.expectClose(indices, { rtol: 0, atol: 0 });
  });

  it('sorts a long line (many network steps)', async () => {
    const n = 1000;
    const x = env.input(uniform(n, 11), 'float32', [n]);
    const values = env.output([n], 'float32');
    const indices = env.output([n], 'int32');
    env.run((be, s) => be.sort(x[s], 0, true, values[s], indices[s]));
    const { gpu } = await env.expectClose(values, { rtol: 0, atol: 0 });
    await env.expectClose(indices, { rtol: 0, atol: 0 });
    for (let i = 1; i < n; i++) expect(gpu[i - 1]).toBeGreaterThanOrEqual(gpu[i]);
  });
});
