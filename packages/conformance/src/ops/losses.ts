/**
 * Table entries: losses (core's `losses`, PyTorch's `torch.nn.functional` semantics). Inputs and
 * float targets are differentiated; class and element weights are not (PyTorch does not
 * differentiate nll_loss's weight either).
 */
import * as T from '@tessera/core';
import type { Reduction, Tensor } from '@tessera/core';
import { f32, i32, input, type Rng, transposeView } from '../rng.js';
import type { Args, OpEntry, Sample, SampleInput } from '../types.js';

type ViewList = SampleInput['view'];
const N = (rng: Rng, shape: number[], view?: ViewList, scale = 1) => f32(shape, rng.normal(shape, scale), view);
const U = (rng: Rng, shape: number[], lo: number, hi: number, view?: ViewList) => f32(shape, rng.uniform(shape, lo, hi), view);
/** A non-differentiated float input (class weights, element weights). */
const W = (rng: Rng, shape: number[]) => input('float32', shape, rng.uniform(shape, 0.2, 2), undefined, false);
const red = (a: Args) => (a.reduction as Reduction | undefined) ?? 'mean';

function regression(name: string, fn: (x: Tensor, y: Tensor, a: Args) => Tensor, extra: Args[] = [{}]): OpEntry {
  return {
    name,
    dtypes: ['float32'],
    differentiable: true,
    samples: (rng) =>
      extra.flatMap((e, k): Sample[] => {
        const p = Object.keys(e).length ? `${Object.entries(e).map(([key, v]) => `${key}-${v}`).join('-')}/` : '';
        return [
          { name: `${p}mean-5x7`, inputs: [N(rng, [5, 7], undefined, 1.5), N(rng, [5, 7], undefined, 1.5)], args: { ...e } },
          { name: `${p}sum-transposed`, inputs: [N(rng, [7, 5], [transposeView(0, 1)], 1.5), N(rng, [5, 7], undefined, 1.5)], args: { ...e, reduction: 'sum' } },
          { name: `${p}none-17`, inputs: [N(rng, [17], undefined, 1.5), N(rng, [17], undefined, 1.5)], args: { ...e, reduction: 'none' } },
          ...(k === 0 ? [{ name: 'large-129x65', inputs: [N(rng, [129, 65]), N(rng, [129, 65])], args: { ...e }, large: true }] : []),
        ];
      }),
    fn: ([x, y], a) => fn(x, y, a),
  };
}

export const lossEntries: OpEntry[] = [
  regression('mseLoss', (x, y, a) => T.mseLoss(x, y, { reduction: red(a) })),
  regression('l1Loss', (x, y, a) => T.l1Loss(x, y, { reduction: red(a) })),
  regression('huberLoss', (x, y, a) => T.huberLoss(x, y, { reduction: red(a), delta: (a.delta as number | undefined) ?? 1 }), [{}, { delta: 0.5 }]),
  regression('smoothL1Loss', (x, y, a) => T.smoothL1Loss(x, y, { reduction: red(a), beta: (a.beta as number | undefined) ?? 1 }), [{}, { beta: 0.5 }]),
  {
    name: 'crossEntropy',
    dtypes: ['float32'],
    differentiable: true,
    samples: (rng) => [
      { name: 'indices-4x5', inputs: [N(rng, [4, 5], undefined, 2), i32([4], rng.ints([4], 0, 5))] },
      { name: 'weight-ignore-index', inputs: [N(rng, [6, 4], undefined, 2), i32([6], [0, 3, -100, 1, 2, -100]), W(rng, [4])] },
      { name: 'label-smoothing-weight', inputs: [N(rng, [5, 3], undefined, 2), i32([5], rng.ints([5], 0, 3)), W(rng, [3])], args: { labelSmoothing: 0.2 } },
      { name: 'probabilities', inputs: [N(rng, [4, 5], undefined, 2), U(rng, [4, 5], 0, 1)] },
      { name: 'probabilities-smoothing-sum', inputs: [N(rng, [3, 4], undefined, 2), U(rng, [3, 4], 0, 1)], args: { labelSmoothing: 0.1, reduction: 'sum' } },
      { name: 'spatial-2x4x3', inputs: [N(rng, [2, 4, 3], undefined, 2), i32([2, 3], rng.ints([2, 3], 0, 4))] },
      { name: 'none-transposed', inputs: [N(rng, [5, 4], [transposeView(0, 1)], 2), i32([4], rng.ints([4], 0, 5))], args: { reduction: 'none' } },
      { name: 'vector-input', inputs: [N(rng, [6], undefined, 2), i32([], [4])] },
      { name: 'large-logits', inputs: [f32([3, 4], rng.uniform([3, 4], 50, 150)), i32([3], [0, 2, 3])] },
    ],
    fn: ([x, t, w], a) => T.crossEntropy(x, t, { weight: w ?? null, labelSmoothing: a.labelSmoothing as number | undefined, reduction: red(a), ignoreIndex: a.ignoreIndex as number | undefined }),
  },
  {
    name: 'nllLoss',
    dtypes: ['float32'],
    differentiable: true,
    samples: (rng) => [
      { name: 'indices-4x5', inputs: [N(rng, [4, 5]), i32([4], rng.ints([4], 0, 5))] },
      { name: 'weight-ignore-index-7', inputs: [N(rng, [6, 4]), i32([6], [0, 7, 1, 7, 2, 3]), W(rng, [4])], args: { ignoreIndex: 7 } },
      { name: 'spatial-sum-transposed', inputs: [N(rng, [2, 3, 4], [transposeView(1, 2)]), i32([2, 3], rng.ints([2, 3], 0, 4))], args: { reduction: 'sum' } },
    ],
    fn: ([x, t, w], a) => T.nllLoss(x, t, { weight: w ?? null, reduction: red(a), ignoreIndex: a.ignoreIndex as number | undefined }),
  },
  {
    name: 'binaryCrossEntropy',
    dtypes: ['float32'],
    differentiable: true,
    samples: (rng) => [
      { name: 'mean-5x7', inputs: [U(rng, [5, 7], 0.05, 0.95), U(rng, [5, 7], 0, 1)] },
      { name: 'weight-sum-transposed', inputs: [U(rng, [7, 5], 0.05, 0.95, [transposeView(0, 1)]), U(rng, [5, 7], 0, 1), W(rng, [7])], args: { reduction: 'sum' } },
      { name: 'none-hard-targets', inputs: [U(rng, [9], 0.05, 0.95), f32([9], rng.bools([9]))], args: { reduction: 'none' } },
      // log is clamped at -100, as in PyTorch: 0 and 1 inputs give finite losses.
      { name: 'saturated', inputs: [f32([4], [0, 1, 0, 1]), f32([4], [0, 1, 1, 0])], args: { reduction: 'none' }, grad: false },
    ],
    fn: ([x, y, w], a) => T.binaryCrossEntropy(x, y, { weight: w ?? null, reduction: red(a) }),
  },
  {
    name: 'binaryCrossEntropyWithLogits',
    dtypes: ['float32'],
    differentiable: true,
    broadcasts: true,
    samples: (rng) => [
      { name: 'mean-5x7', inputs: [N(rng, [5, 7], undefined, 3), U(rng, [5, 7], 0, 1)] },
      { name: 'pos-weight-broadcast', inputs: [N(rng, [4, 6], undefined, 3), U(rng, [4, 6], 0, 1), W(rng, [6])], args: { posWeight: true }, broadcast: true },
      { name: 'weight-sum-transposed', inputs: [N(rng, [6, 4], [transposeView(0, 1)], 3), U(rng, [4, 6], 0, 1), W(rng, [4, 1])], args: { reduction: 'sum' }, broadcast: true },
      { name: 'large-logits-none', inputs: [f32([6], [-100, -30, -1, 1, 30, 100]), f32([6], [0, 1, 0.5, 0.5, 0, 1])], args: { reduction: 'none' } },
    ],
    fn: ([x, y, w], a) => T.binaryCrossEntropyWithLogits(x, y, { reduction: red(a), ...(a.posWeight ? { posWeight: w } : { weight: w ?? null }) }),
  },
  {
    name: 'klDiv',
    dtypes: ['float32'],
    differentiable: true,
    samples: (rng) => [
      { name: 'mean', inputs: [N(rng, [4, 5]), U(rng, [4, 5], 0.05, 1)] },
      // Zero targets contribute 0; the target's own gradient is undefined there (log 0), so only the input is differentiated.
      { name: 'batchmean-zero-targets', inputs: [N(rng, [3, 4]), input('float32', [3, 4], [0, 0.5, 0.2, 0.3, 0.1, 0, 0, 0.9, 0.25, 0.25, 0.25, 0.25], undefined, false)], args: { reduction: 'batchmean' } },
      { name: 'log-target-sum-transposed', inputs: [N(rng, [5, 4], [transposeView(0, 1)]), N(rng, [4, 5])], args: { logTarget: true, reduction: 'sum' } },
    ],
    fn: ([x, y], a) => T.klDiv(x, y, { reduction: (a.reduction as Reduction | 'batchmean' | undefined) ?? 'mean', logTarget: (a.logTarget as boolean | undefined) ?? false }),
  },
];
