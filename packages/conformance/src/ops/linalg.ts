/** Table entries: matmul, linear, conv1d/conv2d (and their im2col plumbing), pooling, layerNorm, dropout. */
import * as T from '@tessera/core';
import type { Tensor, WindowGeometry } from '@tessera/core';
import { expandView, f32, permuteView, type Rng, sliceView, transposeView } from '../rng.js';
import type { Args, CustomResult, OpEntry, Sample, SampleInput, Tol } from '../types.js';

type ViewList = SampleInput['view'];
const N = (rng: Rng, shape: number[], view?: ViewList, scale = 1) => f32(shape, rng.normal(shape, scale), view);

/** Large matmuls accumulate over K = 512: allow for float32 summation order. */
const LARGE_MATMUL: { float32: Tol; grad: Tol } = { float32: { atol: 1e-3, rtol: 1e-4 }, grad: { atol: 1e-3, rtol: 1e-4 } };

export const linalgEntries: OpEntry[] = [
  {
    name: 'matmul',
    dtypes: ['float32'],
    differentiable: true,
    broadcasts: true,
    tolerance: { float32: { atol: 5e-5, rtol: 5e-5 }, grad: { atol: 2e-4, rtol: 2e-4 } },
    samples: (rng) => [
      { name: 'dot-1d', inputs: [N(rng, [17]), N(rng, [17])] },
      { name: 'vector-matrix', inputs: [N(rng, [7]), N(rng, [7, 5])] },
      { name: 'matrix-vector', inputs: [N(rng, [5, 7]), N(rng, [7])] },
      { name: 'matrix-7x17x33', inputs: [N(rng, [7, 17]), N(rng, [17, 33])] },
      { name: 'batched-vector', inputs: [N(rng, [2, 3, 7]), N(rng, [7])], broadcast: true },
      { name: 'batched-shared-rhs', inputs: [N(rng, [2, 3, 5, 7]), N(rng, [7, 4])], broadcast: true },
      { name: 'batched-broadcast', inputs: [N(rng, [3, 1, 5, 7]), N(rng, [1, 4, 7, 6])], broadcast: true },
      { name: 'transposed-a', inputs: [N(rng, [17, 7], [transposeView(0, 1)]), N(rng, [17, 5])] },
      { name: 'transposed-b', inputs: [N(rng, [5, 17]), N(rng, [9, 17], [transposeView(0, 1)])] },
      { name: 'expanded-batch', inputs: [N(rng, [1, 5, 7], [expandView([3, 5, 7])]), N(rng, [3, 7, 4])] },
      { name: 'strided', inputs: [N(rng, [10, 9], [sliceView([[0, 10, 2], [1, 9, 1]])]), N(rng, [8, 6])] },
      { name: 'size1-dims', inputs: [N(rng, [1, 65]), N(rng, [65, 1])] },
      { name: 'empty-k', inputs: [N(rng, [3, 0]), N(rng, [0, 4])] },
      { name: 'empty-m', inputs: [N(rng, [0, 5]), N(rng, [5, 3])] },
      { name: 'tile-edges-65x33x129', inputs: [N(rng, [65, 33]), N(rng, [33, 129])] },
      { name: 'large-512x512', inputs: [N(rng, [512, 512]), N(rng, [512, 512])], large: true, tolerance: LARGE_MATMUL },
    ],
    fn: ([a, b]) => T.matmul(a, b),
  },
  {
    name: 'linear',
    dtypes: ['float32'],
    differentiable: true,
    broadcasts: true,
    tolerance: { float32: { atol: 5e-5, rtol: 5e-5 }, grad: { atol: 2e-4, rtol: 2e-4 } },
    samples: (rng) => [
      { name: 'batch-with-bias', inputs: [N(rng, [5, 7]), N(rng, [3, 7]), N(rng, [3])], broadcast: true },
      { name: 'vector-input', inputs: [N(rng, [7]), N(rng, [4, 7]), N(rng, [4])], broadcast: true },
      { name: 'rank3-input', inputs: [N(rng, [2, 4, 7]), N(rng, [3, 7]), N(rng, [3])], broadcast: true },
      { name: 'no-bias', inputs: [N(rng, [6, 5]), N(rng, [2, 5])] },
      { name: 'transposed-weight', inputs: [N(rng, [4, 5]), N(rng, [5, 3], [transposeView(0, 1)]), N(rng, [3])], broadcast: true },
      { name: 'transposed-input', inputs: [N(rng, [7, 5], [transposeView(0, 1)]), N(rng, [3, 7]), N(rng, [3])], broadcast: true },
      { name: 'tile-edges-129x65x33', inputs: [N(rng, [129, 65]), N(rng, [33, 65]), N(rng, [33])], broadcast: true },
    ],
    fn: ([x, w, b]) => T.linear(x, w, b ?? null),
  },
  {
    name: 'conv2d',
    dtypes: ['float32'],
    differentiable: true,
    broadcasts: true,
    tolerance: { float32: { atol: 5e-5, rtol: 5e-5 }, grad: { atol: 2e-4, rtol: 2e-4 } },
    samples: (rng) => [
      { name: 'basic-3x3', inputs: [N(rng, [2, 3, 6, 6]), N(rng, [4, 3, 3, 3]), N(rng, [4])], args: {}, broadcast: true },
      { name: 'stride2-pad1', inputs: [N(rng, [1, 3, 9, 9]), N(rng, [4, 3, 3, 3]), N(rng, [4])], args: { stride: 2, padding: 1 }, broadcast: true },
      { name: 'rect-kernel-stride-pad', inputs: [N(rng, [1, 3, 7, 8]), N(rng, [2, 3, 3, 2]), N(rng, [2])], args: { stride: [2, 1], padding: [1, 2] }, broadcast: true },
      { name: 'dilation2', inputs: [N(rng, [1, 2, 9, 9]), N(rng, [3, 2, 3, 3]), N(rng, [3])], args: { dilation: 2, padding: 2 }, broadcast: true },
      { name: 'groups2', inputs: [N(rng, [2, 4, 7, 7]), N(rng, [6, 2, 3, 3]), N(rng, [6])], args: { groups: 2 }, broadcast: true },
      { name: 'depthwise', inputs: [N(rng, [1, 4, 8, 8]), N(rng, [4, 1, 3, 3]), N(rng, [4])], args: { groups: 4, padding: 1 }, broadcast: true },
      { name: 'no-bias-1x1', inputs: [N(rng, [2, 3, 5, 5]), N(rng, [5, 3, 1, 1])], args: {} },
      { name: 'nhwc-permuted-input', inputs: [N(rng, [2, 7, 7, 3], [permuteView([0, 3, 1, 2])]), N(rng, [4, 3, 3, 3]), N(rng, [4])], args: { padding: 1 }, broadcast: true },
      { name: 'odd-17-k5', inputs: [N(rng, [1, 2, 17, 17]), N(rng, [3, 2, 5, 5]), N(rng, [3])], args: { padding: 2 }, broadcast: true },
      { name: 'large-33x33', inputs: [N(rng, [4, 8, 33, 33]), N(rng, [16, 8, 3, 3]), N(rng, [16])], args: { padding: 1 }, broadcast: true, large: true },
    ],
    fn: ([x, w, b], a) => T.conv2d(x, w, b ?? null, a as T.Conv2dOptions),
  },
  {
    name: 'conv1d',
    dtypes: ['float32'],
    differentiable: true,
    broadcasts: true,
    tolerance: { float32: { atol: 5e-5, rtol: 5e-5 }, grad: { atol: 2e-4, rtol: 2e-4 } },
    samples: (rng) => [
      { name: 'basic-k3', inputs: [N(rng, [2, 4, 17]), N(rng, [6, 4, 3]), N(rng, [6])], args: {}, broadcast: true },
      { name: 'stride2-pad1', inputs: [N(rng, [1, 3, 16]), N(rng, [2, 3, 3]), N(rng, [2])], args: { stride: 2, padding: 1 }, broadcast: true },
      { name: 'dilation2', inputs: [N(rng, [1, 2, 15]), N(rng, [3, 2, 3]), N(rng, [3])], args: { dilation: 2, padding: 2 }, broadcast: true },
      { name: 'groups2-no-bias', inputs: [N(rng, [2, 4, 9]), N(rng, [4, 2, 3])], args: { groups: 2 } },
      { name: 'nlc-permuted-input', inputs: [N(rng, [2, 9, 3], [permuteView([0, 2, 1])]), N(rng, [2, 3, 3]), N(rng, [2])], args: {}, broadcast: true },
      { name: 'large-L513', inputs: [N(rng, [2, 8, 513]), N(rng, [8, 8, 5]), N(rng, [8])], args: { padding: 2 }, broadcast: true, large: true },
    ],
    fn: ([x, w, b], a) => T.conv1d(x, w, b ?? null, a as T.Conv1dOptions),
  },
  {
    name: 'unfold2d',
    dtypes: ['float32'],
    differentiable: true,
    samples: (rng) => [
      { name: 'k3-s1', inputs: [N(rng, [2, 3, 5, 6])], args: { geometry: geometry(2, 3, 5, 6, 3, 3, 1, 1, 1, 1) } },
      { name: 'k2-s2-dilated', inputs: [N(rng, [1, 2, 7, 7])], args: { geometry: geometry(1, 2, 7, 7, 2, 2, 2, 2, 2, 1) } },
      { name: 'transposed-input', inputs: [N(rng, [1, 2, 6, 5], [transposeView(2, 3)])], args: { geometry: geometry(1, 2, 5, 6, 2, 3, 1, 1, 1, 1) } },
    ],
    fn: ([x], a) => T.unfold2d(x, a.geometry as WindowGeometry),
  },
  {
    name: 'fold2d',
    dtypes: ['float32'],
    differentiable: true,
    samples: (rng) => {
      const g1 = geometry(2, 3, 5, 6, 3, 3, 1, 1, 1, 1);
      const g2 = geometry(1, 2, 7, 7, 2, 2, 2, 2, 2, 1);
      return [
        { name: 'k3-s1-overlapping', inputs: [N(rng, [2, 1, 27, 12])], args: { geometry: g1 } },
        { name: 'k2-s2-dilated', inputs: [N(rng, [1, 1, 8, 9])], args: { geometry: g2 } },
        { name: 'transposed-cols', inputs: [N(rng, [2, 1, 12, 27], [transposeView(2, 3)])], args: { geometry: g1 } },
      ];
    },
    fn: ([x], a) => T.fold2d(x, a.geometry as WindowGeometry),
  },
  {
    name: 'maxPool2d',
    dtypes: ['float32'],
    differentiable: true,
    samples: (rng) => {
      const D = (shape: number[], view?: ViewList) => f32(shape, rng.distinct(shape), view);
      return [
        { name: 'k2', inputs: [D([2, 3, 8, 8])], args: { kernelSize: 2 } },
        { name: 'k3-s2-p1', inputs: [D([1, 2, 9, 9])], args: { kernelSize: 3, stride: 2, padding: 1 } },
        { name: 'rect-kernel-stride', inputs: [D([1, 2, 7, 9])], args: { kernelSize: [2, 3], stride: [1, 2] } },
        { name: 'dilation2', inputs: [D([1, 1, 8, 8])], args: { kernelSize: 2, stride: 1, dilation: 2 } },
        { name: 'odd-17-k3-s2', inputs: [D([1, 2, 17, 17])], args: { kernelSize: 3, stride: 2 } },
        { name: 'nhwc-permuted-input', inputs: [D([2, 6, 6, 3], [permuteView([0, 3, 1, 2])])], args: { kernelSize: 2 } },
        { name: 'large-65x65', inputs: [D([4, 8, 65, 65])], args: { kernelSize: 3, stride: 2, padding: 1 }, large: true },
      ];
    },
    fn: ([x], a) => T.maxPool2d(x, a.kernelSize as T.Pair, a as T.Pool2dOptions),
  },
  {
    name: 'avgPool2d',
    dtypes: ['float32'],
    differentiable: true,
    samples: (rng) => [
      { name: 'k2', inputs: [N(rng, [2, 3, 8, 8])], args: { kernelSize: 2 } },
      { name: 'k3-s1-p1', inputs: [N(rng, [1, 2, 7, 7])], args: { kernelSize: 3, stride: 1, padding: 1 } },
      { name: 'rect-kernel-stride', inputs: [N(rng, [1, 2, 7, 9])], args: { kernelSize: [2, 3], stride: [1, 2] } },
      { name: 'odd-17-k3-s2', inputs: [N(rng, [1, 2, 17, 17])], args: { kernelSize: 3, stride: 2 } },
      { name: 'nhwc-permuted-input', inputs: [N(rng, [2, 6, 6, 3], [permuteView([0, 3, 1, 2])])], args: { kernelSize: 2 } },
      { name: 'large-65x65', inputs: [N(rng, [4, 8, 65, 65])], args: { kernelSize: 3, stride: 2, padding: 1 }, large: true },
    ],
    fn: ([x], a) => T.avgPool2d(x, a.kernelSize as T.Pair, a as T.Pool2dOptions),
  },
  {
    name: 'layerNorm',
    dtypes: ['float32'],
    differentiable: true,
    broadcasts: true,
    tolerance: { float32: { atol: 2e-5, rtol: 2e-5 }, grad: { atol: 2e-4, rtol: 2e-4 } },
    samples: (rng) => [
      { name: 'last-7-affine', inputs: [N(rng, [5, 7]), N(rng, [7]), N(rng, [7])], args: { normalizedShape: [7] }, broadcast: true },
      { name: 'no-affine-17', inputs: [N(rng, [3, 17])], args: { normalizedShape: [17] } },
      { name: 'two-axes-affine', inputs: [N(rng, [2, 3, 4]), N(rng, [3, 4]), N(rng, [3, 4])], args: { normalizedShape: [3, 4] }, broadcast: true },
      { name: 'transposed-input', inputs: [N(rng, [7, 5], [transposeView(0, 1)]), N(rng, [7]), N(rng, [7])], args: { normalizedShape: [7] }, broadcast: true },
      { name: 'eps-0.1-shifted', inputs: [f32([4, 6], rng.uniform([4, 6], 2, 3)), N(rng, [6]), N(rng, [6])], args: { normalizedShape: [6], eps: 0.1 }, broadcast: true },
      { name: 'single-row-65', inputs: [N(rng, [1, 65]), N(rng, [65]), N(rng, [65])], args: { normalizedShape: [65] }, broadcast: true },
      { name: 'large-129x129', inputs: [N(rng, [129, 129]), N(rng, [129]), N(rng, [129])], args: { normalizedShape: [129] }, broadcast: true, large: true },
    ],
    fn: ([x, w, b], a) => T.layerNorm(x, a.normalizedShape as number[], w ?? null, b ?? null, (a.eps as number | undefined) ?? 1e-5),
  },
  {
    name: 'dropout',
    dtypes: ['float32'],
    differentiable: true,
    // Masks come from core's seeded host generator, so with the same seed every backend
    // drops the same elements: compared like any op. Statistics are checked by `custom`.
    samples: (rng) => [
      { name: 'eval-identity', inputs: [N(rng, [5, 7])], args: { p: 0.5, training: false, seed: 1 } },
      { name: 'p0-identity', inputs: [N(rng, [5, 7], [transposeView(0, 1)])], args: { p: 0, training: true, seed: 1 } },
      { name: 'p1-zeros', inputs: [N(rng, [4, 3])], args: { p: 1, training: true, seed: 1 } },
      { name: 'seeded-p0.3', inputs: [N(rng, [6, 9])], args: { p: 0.3, training: true, seed: 7 } },
      { name: 'seeded-transposed', inputs: [N(rng, [9, 6], [transposeView(0, 1)])], args: { p: 0.5, training: true, seed: 11 } },
    ],
    fn: ([x], a) => {
      T.manualSeed(a.seed as number);
      return T.dropout(x, a.p as number, a.training as boolean);
    },
    custom: dropoutStatistics,
  },
];

function geometry(n: number, c: number, h: number, w: number, kh: number, kw: number, sh: number, sw: number, dh: number, dw: number): WindowGeometry {
  const outH = Math.floor((h - dh * (kh - 1) - 1) / sh) + 1;
  const outW = Math.floor((w - dw * (kw - 1) - 1) / sw) + 1;
  return { n, groups: 1, channelsPerGroup: c, paddedH: h, paddedW: w, kernelH: kh, kernelW: kw, strideH: sh, strideW: sw, dilationH: dh, dilationW: dw, outH, outW };
}

/** Dropout's distribution: the dropped fraction is p (within 5 standard deviations), kept values are scaled by 1/(1-p). */
async function dropoutStatistics({ backend, size }: { backend: T.Backend; size: string }): Promise<CustomResult[]> {
  T.use(backend);
  const out: CustomResult[] = [];
  const n = size === 'full' ? 65536 : 8192;
  for (const p of [0.1, 0.5]) {
    T.manualSeed(1234);
    const { dropped, badScale, gradOk } = await T.tidyAsync(async () => {
      const x = T.ones([n], { backend, requiresGrad: true });
      const y: Tensor = T.dropout(x, p, true);
      const g = T.gradients(y.sum(), [x])[0];
      const yd = await y.data();
      const gd = await g.data();
      let dropped = 0;
      let badScale = 0;
      let gradOk = true;
      for (let i = 0; i < n; i++) {
        if (yd[i] === 0) dropped++;
        else if (Math.abs(yd[i] - 1 / (1 - p)) > 1e-6) badScale++;
        if (Math.abs(gd[i] - yd[i]) > 1e-6) gradOk = false;
      }
      return { dropped, badScale, gradOk };
    });
    const frac = dropped / n;
    const sd = Math.sqrt((p * (1 - p)) / n);
    const err = Math.abs(frac - p);
    out.push({
      case: `statistics-p${p}`,
      check: 'forward',
      pass: err <= 5 * sd && badScale === 0 && gradOk,
      maxAbsErr: err,
      maxRelErr: err / p,
      message: `dropped fraction ${frac.toFixed(4)} (expected ${p} +- ${(5 * sd).toFixed(4)}), ${badScale} kept values not scaled by 1/(1-p), gradient ${gradOk ? 'matches' : 'does not match'} the mask`,
    });
  }
  return out;
}

export type { Args, Sample };
