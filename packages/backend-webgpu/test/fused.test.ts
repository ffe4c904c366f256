import type { Backend, View } from '@tessera/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Env, type Pair, expectArraysClose, uniform } from './helpers.js';

let env: Env;
beforeAll(async () => {
  env = await Env.create();
});
afterAll(() => {
  env.freeAll();
  env.gpu.destroy();
});

const col = (v: View, rows: number, width: number): View => ({ ...v, shape: [rows, width], strides: [1, 0] });

/** softmax from primitives on one backend: exp(x - max) / sum. */
function composedSoftmax(be: Backend, x: View, out: View, tmp: { max: View; sum: View }, rows: number, width: number): void {
  be.reduce('max', x, [1], tmp.max);
  be.binary('sub', x, col(tmp.max, rows, width), out);
  be.unary('exp', out, out);
  be.reduce('sum', out, [1], tmp.sum);
  be.binary('div', out, col(tmp.sum, rows, width), out);
}

describe('softmax and logSoftmax', () => {
  for (const [rows, width] of [[1, 1], [3, 7], [5, 129], [2, 1500], [65, 33]]) {
    it(`[${rows}, ${width}] matches the cpu backend and the composition`, async () => {
      const data = uniform(rows * width, rows + width, -8, 8);
      const x = env.input(data, 'float32', [rows, width]);
      for (const kind of ['softmax', 'logSoftmax'] as const) {
        const out = env.output([rows, width], 'float32');
        env.run((be) => be.fused?.[kind]?.(x[be === env.gpu ? 'gpu' : 'cpu'], out[be === env.gpu ? 'gpu' : 'cpu']));
        await env.expectClose(out, { rtol: 1e-5, atol: 1e-6 });
      }
      const fused = env.output([rows, width], 'float32');
      const composed = env.output([rows, width], 'float32');
      const tmp = { max: env.output([rows, 1], 'float32').gpu, sum: env.output([rows, 1], 'float32').gpu };
      env.gpu.fused.softmax?.(x.gpu, fused.gpu);
      composedSoftmax(env.gpu, x.gpu, composed.gpu, tmp, rows, width);
      expectArraysClose(await env.gpu.read(fused.gpu), await env.gpu.read(composed.gpu), { rtol: 1e-5, atol: 1e-7 });
    });
  }

  it('keeps NaN in its row and gives NaN for a row of -inf', async () => {
    const x = env.input([1, NaN, 2, -Infinity, -Infinity, -Infinity, 0, 1, 2], 'float32', [3, 3]);
    for (const kind of ['softmax', 'logSoftmax'] as const) {
      const out = env.output([3, 3], 'float32');
      env.run((be, s) => be.fused?.[kind]?.(x[s], out[s]));
      await env.expectClose(out);
    }
  });

  it('reads a strided (transposed) x', async () => {
    const x = env.input(uniform(40, 3), 'float32', [8, 5], [1, 8]);
    const out = env.output([8, 5], 'float32');
    env.run((be, s) => be.fused?.softmax?.(x[s], out[s]));
    await env.expectClose(out);
  });
});

describe('layerNorm', () => {
  for (const [rows, width] of [[1, 1], [4, 7], [3, 129], [2, 1100]]) {
    for (const affine of [false, true]) {
      it(`[${rows}, ${width}]${affine ? ' with weight and bias' : ''} matches the cpu backend, with mean and rstd`, async () => {
        const x = env.input(uniform(rows * width, width, -3, 5), 'float32', [rows, width]);
        const w = affine ? env.input(uniform(width * 2, 2), 'float32', [width], [2]) : null;
        const b = affine ? env.input(uniform(width, 3), 'float32', [width]) : null;
        const out = env.output([rows, width], 'float32');
        const mean = env.output([rows], 'float32');
        const rstd = env.output([rows], 'float32');
        env.run((be, s) => be.fused?.layerNorm?.(x[s], w?.[s] ?? null, b?.[s] ?? null, 1e-5, out[s], mean[s], rstd[s]));
        await env.expectClose(out, { rtol: 1e-4, atol: 1e-5 });
        await env.expectClose(mean, { rtol: 1e-5, atol: 1e-6 });
        await env.expectClose(rstd, { rtol: 1e-4, atol: 1e-6 });
      });
    }
  }
});

describe('adamStep', () => {
  const configs = [
    { weightDecay: 0, decoupled: false, beta1: 0.9 },
    { weightDecay: 0.01, decoupled: false, beta1: 0.9 },
    { weightDecay: 0.1, decoupled: true, beta1: 0.9 },
    { weightDecay: 0.1, decoupled: true, beta1: 0.3 },
  ];
  for (const c of configs) {
    it(`three steps of ${c.decoupled ? 'AdamW' : 'Adam'} (wd ${c.weightDecay}, beta1 ${c.beta1}) follow the cpu trajectory`, async () => {
      const n = 333;
      const pair = (seed: number, lo = -1, hi = 1): Pair<View> => env.input(uniform(n + 3, seed, lo, hi), 'float32', [n], [1], 3);
      const param = pair(1);
      const m = env.input(new Array(n).fill(0), 'float32', [n]);
      const v = env.input(new Array(n).fill(0), 'float32', [n]);
      for (let step = 1; step <= 3; step++) {
        const grad = pair(10 + step);
        const opts = { lr: 1e-2, beta1: c.beta1, beta2: 0.999, eps: 1e-8, weightDecay: c.weightDecay, decoupled: c.decoupled, step };
        env.run((be, s) => be.fused?.adamStep?.(param[s], grad[s], m[s], v[s], opts));
      }
      await env.expectClose(param, { rtol: 1e-5, atol: 1e-6 });
      await env.expectClose(m, { rtol: 1e-5, atol: 1e-7 });
      await env.expectClose(v, { rtol: 1e-5, atol: 1e-9 });
      // The grad was only read.
      expect((await env.gpu.read(param.gpu)).length).toBe(n);
    });
  }
});
