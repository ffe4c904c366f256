/**
 * Functional forms of the layers, like `torch.nn.functional`: stateless, composed from core
 * ops, so every backend runs them and autograd differentiates them. The losses are here too.
 */
import { noGrad } from '../autograd.js';
import { DTypeError, formatShape, ShapeError, ValueError } from '../errors.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { fromArray, full } from '../ops/creation.js';
import { add, cast, mul, rsqrt, sub, where } from '../ops/elementwise.js';
import { layerNorm } from '../ops/norm.js';
import { matmul } from '../ops/matmul.js';
import { mean, variance } from '../ops/reduce.js';
import { dropout } from '../ops/norm.js';
import { softmax } from '../ops/softmax.js';
import { reshape, transpose } from '../ops/views.js';
import { gather } from '../ops/indexing.js';
import { copyInto } from './module.js';
import { checkRange } from '../losses/reduction.js';

export { linear } from '../ops/matmul.js';
export { conv1d, conv2d, type Conv1dOptions, type Conv2dOptions } from '../ops/conv.js';
export { maxPool2d, avgPool2d, type Pool2dOptions } from '../ops/pool.js';
export { layerNorm, dropout } from '../ops/norm.js';
export { softmax, logSoftmax } from '../ops/softmax.js';
export { relu, gelu, silu, sigmoid, tanh, leakyRelu, elu, softplus } from '../ops/elementwise.js';
export { pad } from '../ops/combine.js';
export { oneHot } from '../ops/indexing.js';
export * from '../losses/index.js';

/** A size that may be one number for both axes, with `null` meaning "keep the input's". */
export type OutputSize2d = number | readonly [number | null, number | null];

/** [out, in] matrix averaging the bins PyTorch's adaptive pooling uses along one axis. */
function adaptiveMatrix(x: Tensor, inSize: number, outSize: number): Tensor {
  const m = new Float32Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    const start = Math.floor((i * inSize) / outSize);
    const end = Math.ceil(((i + 1) * inSize) / outSize);
    for (let j = start; j < end; j++) m[i * inSize + j] = 1 / (end - start);
  }
  return fromArray(m, [outSize, inSize], { backend: x.backend });
}

/**
 * Adaptive average pooling over the last two axes of [N, C, H, W] (or [C, H, W]) to
 * `outputSize`, with PyTorch's bins (start = floor(i*H/oh), end = ceil((i+1)*H/oh)).
 * Computed as A_h @ x @ A_wᵀ, so it is differentiable and any backend with matmul runs it.
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: OutputSize2d): Tensor {
  if (x.rank !== 3 && x.rank !== 4) throw new ShapeError(`adaptiveAvgPool2d: input must be [N, C, H, W] or [C, H, W], got ${formatShape(x.shape)}.`);
  const [h, w] = x.shape.slice(-2);
  const [oh0, ow0] = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
  const oh = oh0 ?? h;
  const ow = ow0 ?? w;
  if (![oh, ow].every((d) => Number.isInteger(d) && d > 0)) throw new ValueError(`adaptiveAvgPool2d: outputSize must be positive integers, got ${JSON.stringify(outputSize)}.`);
  if (oh === h && ow === w) return x;
  const ah = adaptiveMatrix(x, h, oh);
  const aw = adaptiveMatrix(x, w, ow);
  return matmul(matmul(ah, x), transpose(aw));
}

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Use batch statistics (and update the running ones when given). Default false. */
  training?: boolean;
  /** Running-stat update factor; null gives a cumulative average (needs `numBatchesTracked`). Default 0.1. */
  momentum?: number | null;
  eps?: number;
  /** Batches seen so far (after this one), for `momentum: null`. */
  numBatchesTracked?: number;
}

/**
 * Batch norm over axis 1 of [N, C, ...], like `torch.nn.functional.batch_norm`. In training
 * the batch statistics normalise and the running ones (updated in place) get the unbiased variance.
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = options;
  if (x.rank < 2) throw new ShapeError(`batchNorm: input must be [N, C, ...], got ${formatShape(x.shape)}.`);
  const c = x.shape[1];
  for (const [name, t] of [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]] as const) {
    if (t && !shapesEqual(t.shape, [c])) throw new ShapeError(`batchNorm: ${name} ${formatShape(t.shape)} must be [${c}] for input ${formatShape(x.shape)}.`);
  }
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const bshape = x.shape.map((d, i) => (i === 1 ? d : 1));
  let mu: Tensor;
  let v: Tensor;
  if (training) {
    const n = x.size / c;
    if (n <= 1) throw new ValueError(`batchNorm: expected more than 1 value per channel when training, got input ${formatShape(x.shape)}.`);
    mu = mean(x, axes, true);
    v = variance(x, axes, { correction: 0, keepdim: true });
    if (runningMean && runningVar) {
      const f = momentum ?? 1 / Math.max(options.numBatchesTracked ?? 1, 1);
      noGrad(() => {
        const newMean = add(mul(runningMean, 1 - f), mul(reshape(mu, [c]), f));
        const newVar = add(mul(runningVar, 1 - f), mul(reshape(v, [c]), (f * n) / (n - 1)));
        copyInto(runningMean, newMean, 'batchNorm');
        copyInto(runningVar, newVar, 'batchNorm');
        newMean.dispose();
        newVar.dispose();
      });
    }
  } else {
    if (!runningMean || !runningVar) throw new ValueError('batchNorm: evaluation without batch statistics needs runningMean and runningVar.');
    mu = reshape(runningMean, bshape);
    v = reshape(runningVar, bshape);
  }
  let out = mul(sub(x, mu), rsqrt(add(v, eps)));
  if (weight) out = mul(out, reshape(weight, bshape));
  if (bias) out = add(out, reshape(bias, bshape));
  return out;
}

/** Group norm over [N, C, ...]: statistics per sample over each of `numGroups` channel groups. */
export function groupNorm(x: Tensor, numGroups: number, weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  if (x.rank < 2) throw new ShapeError(`groupNorm: input must be [N, C, ...], got ${formatShape(x.shape)}.`);
  const [n, c] = x.shape;
  if (!Number.isInteger(numGroups) || numGroups < 1 || c % numGroups !== 0) {
    throw new ShapeError(`groupNorm: numGroups ${numGroups} must divide the ${c} channels of input ${formatShape(x.shape)}.`);
  }
  const per = x.size / (n * numGroups);
  const grouped = reshape(x, [n, numGroups, per]);
  let out = reshape(layerNorm(grouped, [per], null, null, eps), x.shape);
  const bshape = x.shape.map((d, i) => (i === 1 ? d : 1));
  for (const t of [weight, bias]) if (t && !shapesEqual(t.shape, [c])) throw new ShapeError(`groupNorm: weight/bias ${formatShape(t.shape)} must be [${c}].`);
  if (weight) out = mul(out, reshape(weight, bshape));
  if (bias) out = add(out, reshape(bias, bshape));
  return out;
}

/**
 * RMS norm over the trailing `normalizedShape` axes: x / sqrt(mean(x²) + eps) * weight.
 * `eps` defaults to float32 machine epsilon, as `torch.nn.RMSNorm` does.
 */
export function rmsNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, eps: number | null = null): Tensor {
  const k = normalizedShape.length;
  if (k === 0 || k > x.rank || !shapesEqual(x.shape.slice(x.rank - k), normalizedShape)) {
    throw new ShapeError(`rmsNorm: normalizedShape ${formatShape(normalizedShape)} must match the trailing axes of input ${formatShape(x.shape)}.`);
  }
  if (weight && !shapesEqual(weight.shape, normalizedShape)) throw new ShapeError(`rmsNorm: weight ${formatShape(weight.shape)} must have shape ${formatShape(normalizedShape)}.`);
  const axes = normalizedShape.map((_, i) => x.rank - k + i);
  const out = mul(x, rsqrt(add(mean(mul(x, x), axes, true), eps ?? 1.1920928955078125e-7)));
  return weight ? mul(out, weight) : out;
}

/**
 * Rows of `weight` [numEmbeddings, dim] at int32 `input` of any shape -> [...input.shape, dim].
 * Rows at `paddingIdx` get no gradient.
 */
export function embedding(input: Tensor, weight: Tensor, { paddingIdx = null }: { paddingIdx?: number | null } = {}): Tensor {
  if (input.dtype !== 'int32') throw new DTypeError(`embedding: indices must be int32, got ${input.dtype}.`);
  if (weight.rank !== 2) throw new ShapeError(`embedding: weight must be [numEmbeddings, dim], got ${formatShape(weight.shape)}.`);
  const [num, dim] = weight.shape;
  checkRange('embedding', input, num, null, 'index', 'embeddings');
  const flat = reshape(input, [input.size, 1]);
  const rows = gather(weight, 0, flat.expand(input.size, dim));
  let out = rows;
  if (paddingIdx !== null && weight.requiresGrad) {
    const pad = reshape(flat.eq(paddingIdx < 0 ? paddingIdx + num : paddingIdx), [input.size, 1]);
    out = where(pad, rows.detach(), rows);
  }
  return reshape(out, [...input.shape, dim]);
}

export interface AttentionOptions {
  /**
   * Added to the scores when float; when bool, `true` marks the pairs that TAKE PART in
   * attention (PyTorch's scaled_dot_product_attention convention). Broadcasts to [..., L, S].
   */
  attnMask?: Tensor | null;
  /** Alias of `attnMask`. */
  mask?: Tensor | null;
  /** Dropout on the attention weights (only applied when > 0). */
  dropoutP?: number;
  /** Let query i attend only to keys j <= i (top-left aligned, as PyTorch). */
  isCausal?: boolean;
  /** Alias of `isCausal`. */
  causal?: boolean;
  /** Defaults to 1/sqrt(E). */
  scale?: number;
}

/** The causal mask [L, S]: true where key j <= query i. */
export function causalMask(x: Tensor, l: number, s: number): Tensor {
  return noGrad(() => {
    const ones = full([l, s], 1, { backend: x.backend, dtype: 'int32' });
    const tri = ones.tril();
    const out = cast(tri, 'bool');
    ones.dispose();
    tri.dispose();
    return out;
  });
}

/** Softmax attention weights and output; see {@link scaledDotProductAttention}. */
export function attention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): { output: Tensor; weights: Tensor } {
  if (q.rank < 2 || k.rank < 2 || v.rank < 2) {
    throw new ShapeError(`scaledDotProductAttention: q, k, v need at least 2 dimensions [..., L, E], got ${formatShape(q.shape)}, ${formatShape(k.shape)}, ${formatShape(v.shape)}.`);
  }
  const e = q.shape[q.rank - 1];
  const [l, s] = [q.shape[q.rank - 2], k.shape[k.rank - 2]];
  if (k.shape[k.rank - 1] !== e) throw new ShapeError(`scaledDotProductAttention: query ${formatShape(q.shape)} and key ${formatShape(k.shape)} differ in the last dimension.`);
  if (v.shape[v.rank - 2] !== s) throw new ShapeError(`scaledDotProductAttention: key ${formatShape(k.shape)} and value ${formatShape(v.shape)} differ in sequence length.`);
  const scale = options.scale ?? 1 / Math.sqrt(e);
  let scores = mul(matmul(q, transpose(k)), scale);
  const mask = options.attnMask ?? options.mask ?? null;
  if (options.isCausal ?? options.causal) scores = where(causalMask(q, l, s), scores, -Infinity);
  if (mask) scores = mask.dtype === 'bool' ? where(mask, scores, -Infinity) : add(scores, mask);
  let weights = softmax(scores, -1);
  const p = options.dropoutP ?? 0;
  if (p > 0) weights = dropout(weights, p, true);
  return { output: matmul(weights, v), weights };
}

/**
 * softmax(q kᵀ * scale + mask) v over q [..., L, E], k [..., S, E], v [..., S, Ev], like
 * `torch.nn.functional.scaled_dot_product_attention`. Fully masked rows give NaN, as in PyTorch.
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor {
  return attention(q, k, v, options).output;
}
