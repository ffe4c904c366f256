/** Table entries: views (reshape, permute, slice, expand, ...), joining and splitting, padding. */
import * as T from '@tessera/core';
import type { SliceRange, Tensor } from '@tessera/core';
import { expandView, i32, permuteView, sliceView, transposeView, type Rng } from '../rng.js';
import { gen, make } from '../samples.js';
import type { Args, OpEntry, Sample, SampleContext, SampleInput } from '../types.js';

type ViewList = SampleInput['view'];

/** A float32/int32 input of `shape` for the entry's dtype. */
function X(rng: Rng, ctx: SampleContext, shape: number[], view?: ViewList): SampleInput {
  return make(rng, ctx.dtype, shape, gen.normal, view);
}

function viewEntry(name: string, samples: (rng: Rng, ctx: SampleContext) => Sample[], fn: (x: Tensor, a: Args) => Tensor): OpEntry {
  return { name, dtypes: ['float32', 'int32'], differentiable: true, samples, fn: ([x], a) => fn(x, a) };
}

const shapeArg = (a: Args) => a.shape as number[];

export const shapeEntries: OpEntry[] = [
  viewEntry('reshape', (rng, ctx) => [
    { name: 'split-axis', inputs: [X(rng, ctx, [6, 7])], args: { shape: [2, 3, 7] } },
    { name: 'infer-minus-1', inputs: [X(rng, ctx, [4, 3, 5])], args: { shape: [-1, 5] } },
    // A transposed input cannot be viewed: reshape copies.
    { name: 'transposed-copies', inputs: [X(rng, ctx, [5, 6], [transposeView(0, 1)])], args: { shape: [30] } },
    { name: 'strided', inputs: [X(rng, ctx, [8, 6], [sliceView([[0, 8, 2], null])])], args: { shape: [2, 2, 6] } },
    { name: 'to-scalar', inputs: [X(rng, ctx, [1, 1])], args: { shape: [] } },
    { name: 'empty', inputs: [X(rng, ctx, [0, 6])], args: { shape: [3, 0, 2] } },
  ], (x, a) => T.reshape(x, shapeArg(a))),
  viewEntry('view', (rng, ctx) => [
    { name: 'merge-axes', inputs: [X(rng, ctx, [3, 4, 5])], args: { shape: [12, 5] } },
    { name: 'expanded-size1', inputs: [X(rng, ctx, [1, 5], [expandView([3, 5])])], args: { shape: [3, 1, 5] } },
    { name: 'sliced-rows', inputs: [X(rng, ctx, [8, 6], [sliceView([[1, 7, 1], null])])], args: { shape: [3, 2, 6] } },
  ], (x, a) => T.view(x, shapeArg(a))),
  viewEntry('permute', (rng, ctx) => [
    { name: 'rank3', inputs: [X(rng, ctx, [3, 4, 5])], args: { axes: [2, 0, 1] } },
    { name: 'negative-axes', inputs: [X(rng, ctx, [3, 4, 5])], args: { axes: [-1, -3, -2] } },
    { name: 'of-transposed', inputs: [X(rng, ctx, [5, 3], [transposeView(0, 1)])], args: { axes: [1, 0] } },
  ], (x, a) => T.permute(x, a.axes as number[])),
  viewEntry('transpose', (rng, ctx) => [
    { name: 'default-last-two', inputs: [X(rng, ctx, [2, 3, 4])], args: {} },
    { name: 'axes-0-2', inputs: [X(rng, ctx, [2, 3, 4])], args: { axis0: 0, axis1: 2 } },
    { name: 'strided', inputs: [X(rng, ctx, [6, 7], [sliceView([[0, 6, 2], [1, 7, 2]])])], args: {} },
    { name: 'vector-is-identity', inputs: [X(rng, ctx, [5])], args: {} },
  ], (x, a) => T.transpose(x, (a.axis0 as number | undefined) ?? -2, (a.axis1 as number | undefined) ?? -1)),
  viewEntry('squeeze', (rng, ctx) => [
    { name: 'all', inputs: [X(rng, ctx, [1, 3, 1, 4])], args: {} },
    { name: 'one-axis', inputs: [X(rng, ctx, [1, 3, 1, 4])], args: { axes: 2 } },
    { name: 'expanded', inputs: [X(rng, ctx, [1, 4], [expandView([1, 1, 4])])], args: { axes: [0, 1] } },
    { name: 'strided', inputs: [X(rng, ctx, [1, 6, 8], [sliceView([null, null, [0, 8, 2]])])], args: { axes: 0 } },
  ], (x, a) => T.squeeze(x, a.axes as number | number[] | undefined)),
  viewEntry('unsqueeze', (rng, ctx) => [
    { name: 'front', inputs: [X(rng, ctx, [3, 4])], args: { axis: 0 } },
    { name: 'back-negative', inputs: [X(rng, ctx, [3, 4])], args: { axis: -1 } },
    { name: 'transposed-middle', inputs: [X(rng, ctx, [4, 3], [transposeView(0, 1)])], args: { axis: 1 } },
    { name: 'scalar', inputs: [X(rng, ctx, [])], args: { axis: 0 } },
  ], (x, a) => T.unsqueeze(x, a.axis as number)),
  ...(['expand', 'broadcastTo'] as const).map((name) =>
    ({
      ...viewEntry(name, (rng, ctx) => [
        { name: 'size1-axis', inputs: [X(rng, ctx, [3, 1])], args: { shape: [3, 5] }, broadcast: true },
        { name: 'new-leading-axes', inputs: [X(rng, ctx, [4])], args: { shape: [2, 3, 4] }, broadcast: true },
        { name: 'keep-minus-1', inputs: [X(rng, ctx, [1, 4])], args: { shape: [3, -1] }, broadcast: true },
        { name: 'transposed', inputs: [X(rng, ctx, [4, 1], [transposeView(0, 1)])], args: { shape: [6, 4] }, broadcast: true },
        { name: 'permuted', inputs: [X(rng, ctx, [4, 1, 3], [permuteView([2, 1, 0])])], args: { shape: [3, 5, 4] }, broadcast: true },
        { name: 'to-empty', inputs: [X(rng, ctx, [1, 3])], args: { shape: [0, 3] }, broadcast: true },
        { name: 'from-scalar', inputs: [X(rng, ctx, [])], args: { shape: [2, 3] }, broadcast: true },
      ], (x, a) => (name === 'expand' ? T.expand(x, shapeArg(a)) : T.broadcastTo(x, shapeArg(a)))),
      broadcasts: true,
    }),
  ),
  viewEntry('slice', (rng, ctx) => [
    { name: 'ranges-and-index', inputs: [X(rng, ctx, [5, 6, 7])], args: { ranges: [1, [1, 5, 2], [-4, null, null]] } },
    { name: 'steps', inputs: [X(rng, ctx, [9, 10])], args: { ranges: [[0, 9, 3], [1, 10, 4]] } },
    { name: 'negative-bounds', inputs: [X(rng, ctx, [8])], args: { ranges: [[-6, -1, 2]] } },
    { name: 'clamped-and-empty', inputs: [X(rng, ctx, [4, 5])], args: { ranges: [[2, 100, 1], [3, 3, 1]] } },
    { name: 'of-transposed', inputs: [X(rng, ctx, [6, 5], [transposeView(0, 1)])], args: { ranges: [[1, 4, 1], [0, 6, 2]] } },
    { name: 'trailing-kept', inputs: [X(rng, ctx, [3, 4, 5])], args: { ranges: [[1, 3, 1]] } },
  ], (x, a) => T.slice(x, (a.ranges as unknown[]).map((r) => (Array.isArray(r) ? (r.map((v) => v ?? undefined) as unknown as SliceRange) : (r as SliceRange))))),
  viewEntry('narrow', (rng, ctx) => [
    { name: 'axis1', inputs: [X(rng, ctx, [4, 9])], args: { axis: 1, start: 2, length: 5 } },
    { name: 'negative-start', inputs: [X(rng, ctx, [7, 3])], args: { axis: 0, start: -4, length: 3 } },
    { name: 'of-transposed', inputs: [X(rng, ctx, [9, 4], [transposeView(0, 1)])], args: { axis: 1, start: 1, length: 7 } },
  ], (x, a) => T.narrow(x, a.axis as number, a.start as number, a.length as number)),
  viewEntry('select', (rng, ctx) => [
    { name: 'axis0', inputs: [X(rng, ctx, [4, 5])], args: { axis: 0, index: 2 } },
    { name: 'negative-index', inputs: [X(rng, ctx, [3, 4, 5])], args: { axis: -1, index: -2 } },
    { name: 'of-transposed', inputs: [X(rng, ctx, [5, 4], [transposeView(0, 1)])], args: { axis: 1, index: 3 } },
  ], (x, a) => T.select(x, a.axis as number, a.index as number)),
  viewEntry('flatten', (rng, ctx) => [
    { name: 'all', inputs: [X(rng, ctx, [2, 3, 4])], args: {} },
    { name: 'middle', inputs: [X(rng, ctx, [2, 3, 4, 5])], args: { startAxis: 1, endAxis: 2 } },
    { name: 'transposed-copies', inputs: [X(rng, ctx, [4, 3], [transposeView(0, 1)])], args: {} },
    { name: 'scalar', inputs: [X(rng, ctx, [])], args: {} },
  ], (x, a) => T.flatten(x, (a.startAxis as number | undefined) ?? 0, (a.endAxis as number | undefined) ?? -1)),
  viewEntry('contiguous', (rng, ctx) => [
    { name: 'dense-is-identity', inputs: [X(rng, ctx, [3, 4])], args: {} },
    { name: 'transposed', inputs: [X(rng, ctx, [7, 5], [transposeView(0, 1)])], args: {} },
    { name: 'expanded', inputs: [X(rng, ctx, [1, 5], [expandView([4, 5])])], args: {} },
    { name: 'strided', inputs: [X(rng, ctx, [9, 8], [sliceView([[1, 9, 3], [0, 8, 2]])])], args: {} },
  ], (x) => T.contiguous(x)),
  viewEntry('clone', (rng, ctx) => [
    { name: 'dense', inputs: [X(rng, ctx, [3, 4])], args: {} },
    { name: 'transposed', inputs: [X(rng, ctx, [7, 5], [transposeView(0, 1)])], args: {} },
    { name: 'scalar', inputs: [X(rng, ctx, [])], args: {} },
  ], (x) => T.clone(x)),
  {
    name: 'sumToShape',
    dtypes: ['float32'],
    differentiable: true,
    broadcasts: true,
    samples: (rng, ctx) => [
      { name: 'leading-and-size1', inputs: [X(rng, ctx, [2, 3, 4])], args: { shape: [3, 1] }, broadcast: true },
      { name: 'same-shape', inputs: [X(rng, ctx, [3, 4])], args: { shape: [3, 4] } },
      { name: 'transposed', inputs: [X(rng, ctx, [5, 3], [transposeView(0, 1)])], args: { shape: [5] }, broadcast: true },
    ],
    fn: ([x], a) => T.sumToShape(x, shapeArg(a)),
  },

  {
    name: 'concat',
    dtypes: ['float32', 'int32'],
    differentiable: true,
    samples: (rng, ctx) => [
      { name: 'axis0', inputs: [X(rng, ctx, [2, 5]), X(rng, ctx, [3, 5]), X(rng, ctx, [1, 5])], args: { axis: 0 } },
      { name: 'axis-1-views', inputs: [X(rng, ctx, [5, 3], [transposeView(0, 1)]), X(rng, ctx, [3, 4]), X(rng, ctx, [3, 9], [sliceView([null, [0, 9, 4]])])], args: { axis: -1 } },
      { name: 'with-empty', inputs: [X(rng, ctx, [2, 0, 3]), X(rng, ctx, [2, 4, 3])], args: { axis: 1 } },
      { name: 'single', inputs: [X(rng, ctx, [4])], args: { axis: 0 } },
      ...(ctx.dtype === 'float32' ? [{ name: 'promote-int32-float32', inputs: [i32([2, 3], rng.ints([2, 3], -3, 4)), X(rng, ctx, [1, 3])], args: { axis: 0 } }] : []),
    ],
    fn: (xs, a) => T.concat(xs, a.axis as number),
  },
  {
    name: 'stack',
    dtypes: ['float32', 'int32'],
    differentiable: true,
    samples: (rng, ctx) => [
      { name: 'axis0', inputs: [X(rng, ctx, [3, 4]), X(rng, ctx, [3, 4]), X(rng, ctx, [3, 4])], args: { axis: 0 } },
      { name: 'axis-1-views', inputs: [X(rng, ctx, [4, 3], [transposeView(0, 1)]), X(rng, ctx, [3, 4])], args: { axis: -1 } },
      { name: 'scalars', inputs: [X(rng, ctx, []), X(rng, ctx, [])], args: { axis: 0 } },
    ],
    fn: (xs, a) => T.stack(xs, a.axis as number),
  },
  {
    name: 'split',
    dtypes: ['float32', 'int32'],
    differentiable: true,
    samples: (rng, ctx) => [
      { name: 'size-with-remainder', inputs: [X(rng, ctx, [7, 3])], args: { sizeOrSections: 3, axis: 0 } },
      { name: 'sections', inputs: [X(rng, ctx, [2, 9])], args: { sizeOrSections: [2, 0, 7], axis: 1 } },
      { name: 'transposed', inputs: [X(rng, ctx, [8, 3], [transposeView(0, 1)])], args: { sizeOrSections: 4, axis: -1 } },
    ],
    fn: ([x], a) => T.split(x, a.sizeOrSections as number | number[], a.axis as number),
  },
  {
    name: 'chunk',
    dtypes: ['float32', 'int32'],
    differentiable: true,
    samples: (rng, ctx) => [
      { name: 'uneven', inputs: [X(rng, ctx, [7, 3])], args: { chunks: 3, axis: 0 } },
      { name: 'more-chunks-than-size', inputs: [X(rng, ctx, [2, 2])], args: { chunks: 5, axis: 1 } },
      { name: 'transposed', inputs: [X(rng, ctx, [6, 4], [transposeView(0, 1)])], args: { chunks: 2, axis: 1 } },
    ],
    fn: ([x], a) => T.chunk(x, a.chunks as number, a.axis as number),
  },
  {
    name: 'pad',
    dtypes: ['float32', 'int32'],
    differentiable: true,
    samples: (rng, ctx) => [
      { name: 'last-axis', inputs: [X(rng, ctx, [3, 5])], args: { padding: [1, 2] } },
      { name: 'two-axes-value', inputs: [X(rng, ctx, [2, 3, 4])], args: { padding: [1, 1, 0, 2], value: 3 } },
      { name: 'negative-crops', inputs: [X(rng, ctx, [4, 6])], args: { padding: [-1, 2, 1, -2] } },
      { name: 'transposed', inputs: [X(rng, ctx, [5, 3], [transposeView(0, 1)])], args: { padding: [2, 0, 1, 1] } },
      { name: 'empty', inputs: [X(rng, ctx, [0, 3])], args: { padding: [1, 1, 1, 0] } },
    ],
    fn: ([x], a) => T.pad(x, a.padding as number[], (a.value as number | undefined) ?? 0),
  },
];

