/**
 * Table entries: creation ops (arange, linspace, eye, full, zeros, ones, *Like) and the
 * seeded random ones (rand, randn, randint, bernoulli). Creation runs on the active backend,
 * which the runner sets to the backend under test.
 */
import * as T from '@tessera/core';
import type { DType } from '@tessera/core';
import { transposeView } from '../rng.js';
import { gen, make } from '../samples.js';
import type { CustomResult, OpEntry } from '../types.js';

const NO_INPUTS = 'creates a tensor from arguments alone; there is no input to lay out';
const RANDOM = "core's Philox stream is not PyTorch's generator; checked against the reference with the same seed, and statistically";

const opts = (a: Record<string, unknown>): T.CreateOptions => (a.dtype ? { dtype: a.dtype as DType } : {});

export const creationEntries: OpEntry[] = [
  {
    name: 'arange',
    dtypes: ['float32'],
    differentiable: false,
    contiguityExempt: NO_INPUTS,
    samples: () => [
      { name: 'count', inputs: [], args: { start: 7 } },
      { name: 'start-end-step', inputs: [], args: { start: 2, end: 17, step: 3 } },
      { name: 'negative-step', inputs: [], args: { start: 5, end: -4, step: -2 } },
      { name: 'float-step', inputs: [], args: { start: 0, end: 1, step: 0.125 } },
      { name: 'empty', inputs: [], args: { start: 3, end: 3 } },
      { name: 'as-float32', inputs: [], args: { start: 0, end: 5, dtype: 'float32' } },
    ],
    fn: (_, a) => T.arange(a.start as number, a.end as number | undefined, (a.step as number | undefined) ?? 1, opts(a)),
  },
  {
    name: 'linspace',
    dtypes: ['float32'],
    differentiable: false,
    contiguityExempt: NO_INPUTS,
    samples: () => [
      { name: 'unit-5', inputs: [], args: { start: 0, end: 1, steps: 5 } },
      { name: 'descending-17', inputs: [], args: { start: 3, end: -2, steps: 17 } },
      { name: 'one-step', inputs: [], args: { start: 4, end: 9, steps: 1 } },
      { name: 'zero-steps', inputs: [], args: { start: 0, end: 1, steps: 0 } },
    ],
    fn: (_, a) => T.linspace(a.start as number, a.end as number, a.steps as number),
  },
  {
    name: 'eye',
    dtypes: ['float32'],
    differentiable: false,
    contiguityExempt: NO_INPUTS,
    samples: () => [
      { name: 'square-5', inputs: [], args: { n: 5 } },
      { name: 'wide-3x7', inputs: [], args: { n: 3, m: 7 } },
      { name: 'int32-4x2', inputs: [], args: { n: 4, m: 2, dtype: 'int32' } },
    ],
    fn: (_, a) => T.eye(a.n as number, (a.m as number | undefined) ?? (a.n as number), opts(a)),
  },
  ...(['full', 'zeros', 'ones'] as const).map((name): OpEntry => ({
    name,
    dtypes: ['float32'],
    differentiable: false,
    contiguityExempt: NO_INPUTS,
    samples: () => [
      { name: 'matrix', inputs: [], args: { shape: [3, 4], value: 2.5 } },
      { name: 'int32', inputs: [], args: { shape: [5], value: -3, dtype: 'int32' } },
      { name: 'bool', inputs: [], args: { shape: [2, 2], value: 1, dtype: 'bool' } },
      { name: 'scalar', inputs: [], args: { shape: [], value: 7 } },
      { name: 'empty', inputs: [], args: { shape: [0, 3], value: 1 } },
    ],
    fn: (_, a) => (name === 'full' ? T.full(a.shape as number[], a.value as number, opts(a)) : T[name](a.shape as number[], opts(a))),
  })),
  ...(['zerosLike', 'onesLike', 'fullLike'] as const).map((name): OpEntry => ({
    name,
    dtypes: ['float32', 'int32'],
    differentiable: false,
    samples: (rng, ctx) => [
      { name: 'dense', inputs: [make(rng, ctx.dtype, [3, 4], gen.normal)], args: { value: 2.5 } },
      { name: 'transposed', inputs: [make(rng, ctx.dtype, [4, 3], gen.normal, [transposeView(0, 1)])], args: { value: -1 } },
      { name: 'other-dtype', inputs: [make(rng, ctx.dtype, [5], gen.normal)], args: { value: 1, dtype: ctx.dtype === 'int32' ? 'float32' : 'bool' } },
    ],
    fn: ([x], a) => (name === 'fullLike' ? T.fullLike(x, a.value as number, opts(a)) : T[name](x, opts(a))),
  })),
  ...(
    [
      ['rand', (a: Record<string, unknown>) => T.rand(a.shape as number[])],
      ['randn', (a: Record<string, unknown>) => T.randn(a.shape as number[])],
      ['randint', (a: Record<string, unknown>) => T.randint(-3, 5, a.shape as number[])],
      ['bernoulli', (a: Record<string, unknown>) => T.bernoulli(0.3, a.shape as number[])],
    ] as const
  ).map(([name, make]): OpEntry => ({
    name,
    dtypes: ['float32'],
    differentiable: false,
    contiguityExempt: NO_INPUTS,
    fixtureExempt: RANDOM,
    samples: () => [
      { name: 'seeded-5x7', inputs: [], args: { shape: [5, 7], seed: 3 } },
      { name: 'seeded-odd-33', inputs: [], args: { shape: [33], seed: 99 } },
      { name: 'empty', inputs: [], args: { shape: [0, 2], seed: 1 } },
    ],
    fn: (_, a) => {
      T.manualSeed(a.seed as number);
      return make(a);
    },
    custom: (ctx) => randomStatistics(name, ctx.backend),
  })),
];

/** Moments and ranges of 20k draws: mean and spread within 5 standard errors of the distribution's. */
async function randomStatistics(name: string, backend: T.Backend): Promise<CustomResult[]> {
  T.use(backend);
  T.manualSeed(2024);
  const n = 20000;
  const data = await T.tidyAsync(async () => {
    const t = name === 'rand' ? T.rand([n]) : name === 'randn' ? T.randn([n]) : name === 'randint' ? T.randint(-3, 5, [n]) : T.bernoulli(0.3, [n]);
    return Float64Array.from(await t.data());
  });
  const mean = data.reduce((p, v) => p + v, 0) / n;
  const variance = data.reduce((p, v) => p + (v - mean) ** 2, 0) / (n - 1);
  const [mu, sigma2, lo, hi, integer] =
    name === 'rand' ? [0.5, 1 / 12, 0, 1, false]
    : name === 'randn' ? [0, 1, -Infinity, Infinity, false]
    : name === 'randint' ? [0.5, (8 * 8 - 1) / 12, -3, 4, true]
    : [0.3, 0.21, 0, 1, true];
  const inRange = data.every((v) => v >= lo && (name === 'rand' ? v < hi : v <= hi) && (!integer || Number.isInteger(v)));
  const meanErr = Math.abs(mean - mu);
  const varErr = Math.abs(variance - sigma2);
  const pass = inRange && meanErr <= 5 * Math.sqrt(sigma2 / n) && varErr <= 0.05 * sigma2;
  return [{ case: 'statistics', check: 'forward', pass, maxAbsErr: meanErr, maxRelErr: varErr / sigma2, message: `mean ${mean.toFixed(4)} (expected ${mu}), variance ${variance.toFixed(4)} (expected ${sigma2.toFixed(4)}), ${inRange ? 'all' : 'NOT all'} values in range` }];
}
