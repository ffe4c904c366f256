/** Table entries: reductions over any axes with keepdim, arg-extrema, var/std, logsumexp, cumsum, softmax. */
import * as T from '@tessera/core';
import { f32, i32, sliceView, transposeView } from '../rng.js';
import { axesArg, gen, make, reduceSamples } from '../samples.js';
import type { Args, OpEntry } from '../types.js';

const keep = (a: Args) => (a.keepdim as boolean | undefined) ?? false;

/** Two-way ties: max/min split the gradient evenly, and central differences see the same 1/2. */
const tiesSample = { name: 'ties', inputs: [f32([3, 4], [1, 3, 3, -1, 2, 2, 0, -4, 0.5, -2, 0.25, -2])], args: { axes: 1 } };

export const reduceEntries: OpEntry[] = [
  {
    name: 'sum',
    dtypes: ['float32', 'int32', 'bool'],
    differentiable: true,
    samples: (rng, ctx) => [
      ...reduceSamples(rng, ctx, gen.normal, { empty: true }),
      { name: 'scalar', inputs: [make(rng, ctx.dtype, [], gen.normal)], args: {} },
      { name: 'large-513', inputs: [make(rng, ctx.dtype, [513], gen.normal)], args: {}, large: true },
    ],
    fn: ([x], a) => T.sum(x, axesArg(a), keep(a)),
  },
  {
    name: 'mean',
    dtypes: ['float32', 'int32'],
    differentiable: true,
    samples: (rng, ctx) => reduceSamples(rng, ctx, gen.normal, { empty: ctx.dtype === 'float32' }),
    fn: ([x], a) => T.mean(x, axesArg(a), keep(a)),
  },
  {
    name: 'prod',
    dtypes: ['float32', 'int32'],
    differentiable: true,
    samples: (rng, ctx) => [
      ...reduceSamples(rng, ctx, ctx.dtype === 'float32' ? gen.uniform(0.5, 1.5) : gen.ints(-3, 4), { empty: true }).filter((s) => !s.name.startsWith('large')),
      // The gradient with zeros: one zero (the others' product), two zeros (all zero).
      ...(ctx.dtype === 'float32'
        ? [{ name: 'zeros', inputs: [f32([3, 4], [1.5, 0, 2, -1, 0, 3, 0, 0.5, 1.25, -2, 0.5, 2])], args: { axes: 1 } }]
        : []),
    ],
    fn: ([x], a) => T.prod(x, axesArg(a), keep(a)),
  },
  ...(['max', 'min'] as const).map((name): OpEntry => ({
    name,
    dtypes: ['float32', 'int32'],
    differentiable: true,
    samples: (rng, ctx) => [
      ...reduceSamples(rng, ctx, gen.distinct),
      ...(ctx.dtype === 'float32' ? [tiesSample, { name: 'nan-propagates', inputs: [f32([2, 3], [1, NaN, 3, -Infinity, 2, 0])], args: { axes: 1 }, grad: false }] : []),
    ],
    fn: ([x], a) => T[name](x, axesArg(a), keep(a)),
  })),
  ...(['argmax', 'argmin'] as const).map((name): OpEntry => ({
    name,
    dtypes: ['float32', 'int32'],
    differentiable: false,
    samples: (rng, ctx) => {
      const X = (shape: number[], view?: ReturnType<typeof transposeView>[]) => make(rng, ctx.dtype, shape, gen.distinct, view);
      return [
        { name: 'flat', inputs: [X([7, 17])], args: {} },
        { name: 'flat-keepdim', inputs: [X([3, 5])], args: { keepdim: true } },
        { name: 'axis0', inputs: [X([7, 17])], args: { axis: 0 } },
        { name: 'axis-1-keepdim', inputs: [X([7, 17])], args: { axis: -1, keepdim: true } },
        { name: 'transposed', inputs: [X([17, 7], [transposeView(0, 1)])], args: { axis: 1 } },
        { name: 'strided', inputs: [X([6, 20], [sliceView([[0, 6, 2], [1, 20, 3]])])], args: { axis: 1 } },
        // Ties resolve to the first index, as in PyTorch.
        ...(ctx.dtype === 'float32' ? [{ name: 'nan-is-extreme', inputs: [f32([2, 4], [1, NaN, 3, 0, -Infinity, 2, NaN, NaN])], args: { axis: 1 } }] : []),
        { name: 'ties-first-index', inputs: [ctx.dtype === 'float32' ? f32([2, 4], [1, 3, 3, 0, 2, 2, 2, 2]) : i32([2, 4], [1, 3, 3, 0, 2, 2, 2, 2])], args: { axis: 1 } },
        { name: 'large-129x129', inputs: [X([129, 129])], args: { axis: 1 }, large: true },
      ];
    },
    fn: ([x], a) => T[name](x, a.axis as number | undefined, keep(a)),
  })),
  {
    name: 'var',
    dtypes: ['float32'],
    differentiable: true,
    samples: (rng, ctx) => [
      // Not over one element (size-1 axis, 0-d): n - 1 = 0 gives NaN, checked against PyTorch only.
      ...reduceSamples(rng, ctx, gen.normal, { extra: {} }).filter((s) => !/^(size1|scalar)/.test(s.name)),
      ...reduceSamples(rng, ctx, gen.normal, { extra: { correction: 0 }, multiAxis: false }).filter((s) => !/^(large|scalar)/.test(s.name)).map((s) => ({ ...s, name: `correction0/${s.name}` })),
    ],
    fn: ([x], a) => T.variance(x, axesArg(a), { correction: (a.correction as number | undefined) ?? 1, keepdim: keep(a) }),
  },
  {
    name: 'std',
    dtypes: ['float32'],
    differentiable: true,
    samples: (rng, ctx) => [
      // Not the expanded or size-1 cases: std is 0 there, where its gradient is undefined (NaN in PyTorch too).
      ...reduceSamples(rng, ctx, gen.normal).filter((s) => !/^(size1|expanded|scalar)/.test(s.name)),
      ...reduceSamples(rng, ctx, gen.normal, { extra: { correction: 0 }, multiAxis: false }).filter((s) => !/^(size1|expanded|large|scalar)/.test(s.name)).map((s) => ({ ...s, name: `correction0/${s.name}` })),
    ],
    fn: ([x], a) => T.std(x, axesArg(a), { correction: (a.correction as number | undefined) ?? 1, keepdim: keep(a) }),
  },
  {
    name: 'logsumexp',
    dtypes: ['float32'],
    differentiable: true,
    samples: (rng, ctx) => [
      ...reduceSamples(rng, ctx, gen.scaled(3)),
      // Large values: the max shift keeps exp from overflowing.
      { name: 'large-values', inputs: [f32([3, 5], rng.uniform([3, 5], 80, 120))], args: { axes: 1 } },
      { name: 'infinities', inputs: [f32([3, 3], [-Infinity, -Infinity, -Infinity, 1, -Infinity, 2, Infinity, 0, 1])], args: { axes: 1 }, grad: false },
    ],
    fn: ([x], a) => T.logsumexp(x, axesArg(a), keep(a)),
  },
  {
    name: 'cumsum',
    dtypes: ['float32', 'int32'],
    differentiable: true,
    samples: (rng, ctx) => {
      const X = (shape: number[], view?: ReturnType<typeof transposeView>[]) => make(rng, ctx.dtype, shape, gen.normal, view);
      return [
        { name: 'vector-33', inputs: [X([33])], args: { axis: 0 } },
        { name: 'axis0-7x17', inputs: [X([7, 17])], args: { axis: 0 } },
        { name: 'axis-1-7x17', inputs: [X([7, 17])], args: { axis: -1 } },
        { name: 'transposed', inputs: [X([17, 7], [transposeView(0, 1)])], args: { axis: 1 } },
        { name: 'middle-axis-3x5x4', inputs: [X([3, 5, 4])], args: { axis: 1 } },
        { name: 'empty', inputs: [X([0, 4])], args: { axis: 1 } },
        { name: 'large-129x129', inputs: [X([129, 129])], args: { axis: 1 }, large: true },
      ];
    },
    fn: ([x], a) => T.cumsum(x, a.axis as number),
  },
  ...(['softmax', 'logSoftmax'] as const).map((name): OpEntry => ({
    name,
    dtypes: ['float32'],
    differentiable: true,
    samples: (rng) => {
      const X = (shape: number[], view?: ReturnType<typeof transposeView>[], scale = 2) => f32(shape, rng.normal(shape, scale), view);
      return [
        { name: 'last-axis-7x17', inputs: [X([7, 17])], args: { axis: -1 } },
        { name: 'axis0-7x17', inputs: [X([7, 17])], args: { axis: 0 } },
        { name: 'middle-axis-3x5x4', inputs: [X([3, 5, 4])], args: { axis: 1 } },
        { name: 'transposed-last-axis', inputs: [X([17, 7], [transposeView(0, 1)])], args: { axis: -1 } },
        { name: 'size1-axis', inputs: [X([5, 1])], args: { axis: -1 } },
        { name: 'vector-65', inputs: [X([65])], args: { axis: 0 } },
        { name: 'large-values', inputs: [f32([3, 6], rng.uniform([3, 6], 80, 120))], args: { axis: -1 } },
        { name: 'with-neg-infinity', inputs: [f32([2, 4], [0.5, -Infinity, 1, 2, -Infinity, 3, 0, -1])], args: { axis: -1 }, grad: false },
        { name: 'large-129x129', inputs: [X([129, 129])], args: { axis: -1 }, large: true },
      ];
    },
    fn: ([x], a) => T[name](x, a.axis as number),
  })),
];
