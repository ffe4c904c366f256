/** Table entries: gather, indexSelect, scatterAdd, oneHot, tril/triu, topk, sort, argsort. */
import * as T from '@tessera/core';
import { f32, i32, sliceView, transposeView, type Rng } from '../rng.js';
import { gen, make } from '../samples.js';
import type { OpEntry, SampleContext, SampleInput } from '../types.js';

type ViewList = SampleInput['view'];

function X(rng: Rng, ctx: SampleContext, shape: number[], view?: ViewList): SampleInput {
  return make(rng, ctx.dtype, shape, gen.normal, view);
}

/** Distinct values (sorting and top-k have no ties, so indices are unique). */
function D(rng: Rng, ctx: SampleContext, shape: number[], view?: ViewList): SampleInput {
  if (ctx.dtype !== 'int32') return make(rng, ctx.dtype, shape, gen.distinct, view);
  const n = shape.reduce((p, d) => p * d, 1);
  return i32(shape, rng.permutation(n).map((v) => v - (n >> 1)), view);
}

const idx = (rng: Rng, shape: number[], high: number, view?: ViewList) => i32(shape, rng.ints(shape, 0, high), view);

export const indexingEntries: OpEntry[] = [
  {
    name: 'gather',
    dtypes: ['float32', 'int32'],
    differentiable: true,
    samples: (rng, ctx) => [
      // Repeated indices: the gradient accumulates.
      { name: 'axis1', inputs: [X(rng, ctx, [5, 7]), idx(rng, [5, 4], 7)], args: { axis: 1 } },
      { name: 'axis0-smaller-index', inputs: [X(rng, ctx, [6, 4]), idx(rng, [3, 2], 6)], args: { axis: 0 } },
      { name: 'transposed-x', inputs: [X(rng, ctx, [7, 5], [transposeView(0, 1)]), idx(rng, [5, 9], 7)], args: { axis: -1 } },
      { name: 'transposed-index', inputs: [X(rng, ctx, [4, 6]), idx(rng, [3, 4], 6, [transposeView(0, 1)])], args: { axis: 1 } },
      { name: 'rank3-middle', inputs: [X(rng, ctx, [2, 5, 3]), idx(rng, [2, 4, 3], 5)], args: { axis: 1 } },
      { name: 'empty-index', inputs: [X(rng, ctx, [3, 4]), idx(rng, [3, 0], 4)], args: { axis: 1 } },
    ],
    fn: ([x, i], a) => T.gather(x, a.axis as number, i),
  },
  {
    name: 'indexSelect',
    dtypes: ['float32', 'int32'],
    differentiable: true,
    samples: (rng, ctx) => [
      { name: 'rows-repeated', inputs: [X(rng, ctx, [6, 4]), i32([5], [5, 0, 2, 2, 5])], args: { axis: 0 } },
      { name: 'columns', inputs: [X(rng, ctx, [3, 7]), idx(rng, [9], 7)], args: { axis: 1 } },
      { name: 'transposed-x', inputs: [X(rng, ctx, [7, 3], [transposeView(0, 1)]), idx(rng, [4], 7)], args: { axis: -1 } },
      { name: 'strided-index', inputs: [X(rng, ctx, [5, 2]), idx(rng, [8], 5, [sliceView([[0, 8, 2]])])], args: { axis: 0 } },
      { name: 'empty-index', inputs: [X(rng, ctx, [3, 4]), i32([0], [])], args: { axis: 0 } },
    ],
    fn: ([x, i], a) => T.indexSelect(x, a.axis as number, i),
  },
  {
    name: 'scatterAdd',
    dtypes: ['float32', 'int32'],
    differentiable: true,
    samples: (rng, ctx) => [
      { name: 'axis0-collisions', inputs: [X(rng, ctx, [4, 5]), idx(rng, [6, 5], 4), X(rng, ctx, [6, 5])], args: { axis: 0 } },
      { name: 'axis1-smaller-index', inputs: [X(rng, ctx, [3, 6]), idx(rng, [2, 4], 6), X(rng, ctx, [3, 5])], args: { axis: 1 } },
      { name: 'transposed-src', inputs: [X(rng, ctx, [4, 3]), idx(rng, [4, 3], 3), X(rng, ctx, [3, 4], [transposeView(0, 1)])], args: { axis: 1 } },
      { name: 'transposed-x', inputs: [X(rng, ctx, [3, 4], [transposeView(0, 1)]), idx(rng, [2, 3], 4), X(rng, ctx, [2, 3])], args: { axis: 0 } },
    ],
    fn: ([x, i, s], a) => T.scatterAdd(x, a.axis as number, i, s),
  },
  {
    name: 'oneHot',
    dtypes: ['int32'],
    differentiable: false,
    samples: (rng) => [
      { name: 'vector', inputs: [idx(rng, [7], 5)], args: { numClasses: 5 } },
      { name: 'matrix-float', inputs: [idx(rng, [3, 4], 6)], args: { numClasses: 6, dtype: 'float32' } },
      { name: 'transposed', inputs: [idx(rng, [4, 3], 3, [transposeView(0, 1)])], args: { numClasses: 3 } },
      { name: 'empty', inputs: [i32([0], [])], args: { numClasses: 4 } },
    ],
    fn: ([x], a) => T.oneHot(x, a.numClasses as number, (a.dtype as 'int32' | 'float32' | undefined) ?? 'int32'),
  },
  ...(['tril', 'triu'] as const).map((name): OpEntry => ({
    name,
    dtypes: ['float32', 'int32'],
    differentiable: true,
    samples: (rng, ctx) => [
      { name: 'square', inputs: [X(rng, ctx, [5, 5])], args: { diagonal: 0 } },
      { name: 'wide-diag1', inputs: [X(rng, ctx, [4, 7])], args: { diagonal: 1 } },
      { name: 'tall-diag-minus2', inputs: [X(rng, ctx, [7, 3])], args: { diagonal: -2 } },
      { name: 'batched-transposed', inputs: [X(rng, ctx, [2, 6, 5], [transposeView(1, 2)])], args: { diagonal: 0 } },
      { name: 'size1', inputs: [X(rng, ctx, [1, 9])], args: { diagonal: 0 } },
    ],
    fn: ([x], a) => T[name](x, a.diagonal as number),
  })),
  {
    name: 'sort',
    dtypes: ['float32', 'int32'],
    differentiable: true,
    samples: (rng, ctx) => [
      { name: 'ascending-17', inputs: [D(rng, ctx, [17])], args: { axis: -1, descending: false } },
      { name: 'descending-axis0', inputs: [D(rng, ctx, [9, 4])], args: { axis: 0, descending: true } },
      { name: 'transposed', inputs: [D(rng, ctx, [7, 5], [transposeView(0, 1)])], args: { axis: 1, descending: false } },
      { name: 'vector-129', inputs: [D(rng, ctx, [129])], args: { axis: 0, descending: true } },
      // Stable: equal values keep their order (indices ascending among ties); NaN sorts last.
      { name: 'stable-ties', inputs: [ctx.dtype === 'float32' ? f32([8], [2, 1, 2, 0, 1, 2, 0, 1]) : i32([8], [2, 1, 2, 0, 1, 2, 0, 1])], args: { axis: 0, descending: false }, grad: false },
      ...(ctx.dtype === 'float32'
        ? [
            { name: 'nan-last', inputs: [f32([5], [1, NaN, -2, Infinity, 0])], args: { axis: 0, descending: false }, grad: false },
            { name: 'nan-first-descending', inputs: [f32([5], [1, NaN, -2, Infinity, 0])], args: { axis: 0, descending: true }, grad: false },
          ]
        : []),
    ],
    fn: ([x], a) => T.sort(x, a.axis as number, a.descending as boolean),
  },
  {
    name: 'argsort',
    dtypes: ['float32', 'int32'],
    differentiable: false,
    samples: (rng, ctx) => [
      { name: 'ascending', inputs: [D(rng, ctx, [3, 11])], args: { axis: -1, descending: false } },
      { name: 'descending-transposed', inputs: [D(rng, ctx, [6, 4], [transposeView(0, 1)])], args: { axis: 1, descending: true } },
      { name: 'stable-ties', inputs: [i32([8], [2, 1, 2, 0, 1, 2, 0, 1])], args: { axis: 0, descending: true } },
    ],
    fn: ([x], a) => T.argsort(x, a.axis as number, a.descending as boolean),
  },
  {
    name: 'topk',
    dtypes: ['float32', 'int32'],
    differentiable: true,
    samples: (rng, ctx) => [
      { name: 'largest-3', inputs: [D(rng, ctx, [4, 9])], args: { k: 3, axis: -1, largest: true } },
      { name: 'smallest-axis0', inputs: [D(rng, ctx, [7, 3])], args: { k: 2, axis: 0, largest: false } },
      { name: 'transposed', inputs: [D(rng, ctx, [9, 4], [transposeView(0, 1)])], args: { k: 4, axis: 1, largest: true } },
      { name: 'k-0', inputs: [D(rng, ctx, [5])], args: { k: 0, axis: 0, largest: true } },
      { name: 'k-all-65', inputs: [D(rng, ctx, [65])], args: { k: 65, axis: 0, largest: true } },
    ],
    fn: ([x], a) => T.topk(x, a.k as number, a.axis as number, a.largest as boolean),
  },
];
