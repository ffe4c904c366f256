/**
 * Classification losses: crossEntropy, nllLoss, binaryCrossEntropy (with logits), klDiv —
 * PyTorch's semantics, including weighted means, ignoreIndex and label smoothing.
 */
import { noGrad, record } from '../autograd.js';
import { DTypeError, formatShape, ShapeError, ValueError } from '../errors.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, cast, clamp, div, eq, exp, log, logicalNot, mul, neg, softplus, sub, where } from '../ops/elementwise.js';
import { gather } from '../ops/indexing.js';
import { max, min, sum } from '../ops/reduce.js';
import { logSoftmax } from '../ops/softmax.js';
import { reshape, squeeze, unsqueeze } from '../ops/views.js';
import { checkBroadcastWeight, checkFloat, checkPair, checkRange, type Reduction, reduce } from './reduction.js';

export interface NllLossOptions {
  /** Per-class weights [C]. */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing (and do not count in the mean). Default -100. */
  ignoreIndex?: number;
  reduction?: Reduction;
}

export interface CrossEntropyOptions extends NllLossOptions {
  /** Mix the target with the uniform distribution: (1 - s) * target + s / C. Default 0. */
  labelSmoothing?: number;
}

function classAxisOf(op: string, input: Tensor): number {
  checkFloat(op, 'input', input);
  if (input.rank === 0) throw new ShapeError(`${op}: input must be [C], [N, C] or [N, C, d1, ...], got a scalar.`);
  return input.rank === 1 ? 0 : 1;
}

function checkClassWeight(op: string, weight: Tensor | null | undefined, c: number): void {
  if (!weight) return;
  checkFloat(op, 'weight', weight);
  if (!shapesEqual(weight.shape, [c])) throw new ShapeError(`${op}: weight ${formatShape(weight.shape)} must be [${c}], one per class.`);
}

/** The per-class weight reshaped to broadcast along the class axis of `like`. */
function classBroadcast(weight: Tensor, like: Tensor, axis: number): Tensor {
  return reshape(weight, like.shape.map((d, i) => (i === axis ? d : 1)));
}

/** Negative log-likelihood of class-index targets, with optional label smoothing. */
function nllFromLogProbs(
  op: string, logp: Tensor, target: Tensor, axis: number,
  { weight = null, ignoreIndex = -100, reduction = 'mean' }: NllLossOptions, smoothing: number,
): Tensor {
  const c = logp.shape[axis];
  if (target.dtype !== 'int32') throw new DTypeError(`${op}: class-index targets must be int32, got ${target.dtype}.`);
  const expected = logp.shape.filter((_, i) => i !== axis);
  if (!shapesEqual(target.shape, expected)) {
    throw new ShapeError(`${op}: target ${formatShape(target.shape)} does not fit input ${formatShape(logp.shape)}; expected class indices of shape ${formatShape(expected)}.`);
  }
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') {
    throw new ValueError(`${op}: reduction must be 'none', 'mean' or 'sum', got '${String(reduction)}'.`);
  }
  checkRange(op, target, c, ignoreIndex);
  const ignored = eq(target, ignoreIndex);
  const safe = where(ignored, 0, target);
  const picked = squeeze(gather(logp, axis, unsqueeze(safe, axis)), axis);
  const valid = cast(logicalNot(ignored), 'float32');
  const w = weight ? mul(reshape(gather(weight, 0, reshape(safe, [safe.size])), safe.shape), valid) : valid;
  let loss = neg(mul(picked, w));
  if (smoothing > 0) {
    const weighted = weight ? mul(logp, classBroadcast(weight, logp, axis)) : logp;
    const smooth = mul(neg(sum(weighted, axis)), valid);
    loss = add(mul(loss, 1 - smoothing), mul(smooth, smoothing / c));
  }
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return sum(loss);
  return div(sum(loss), sum(w));
}

/**
 * Cross entropy of logits `input` ([C], [N, C] or [N, C, d1, ...]) against int32 class
 * indices (shape [N] or [N, d1, ...]) or class probabilities (input's shape), like
 * `torch.nn.functional.cross_entropy`. The weighted mean divides by the summed weights of the
 * non-ignored targets; with probability targets the mean is over N·d1·... .
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  const axis = classAxisOf(op, input);
  const c = input.shape[axis];
  const { weight = null, labelSmoothing = 0, reduction = 'mean' } = options;
  checkClassWeight(op, weight, c);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new ValueError(`${op}: labelSmoothing must be in [0, 1], got ${labelSmoothing}.`);
  const logp = logSoftmax(input, axis);
  if (target.dtype !== 'float32') return nllFromLogProbs(op, logp, target, axis, options, labelSmoothing);
  if (!shapesEqual(target.shape, input.shape)) {
    throw new ShapeError(`${op}: probability target ${formatShape(target.shape)} must have the input's shape ${formatShape(input.shape)} (or pass int32 class indices).`);
  }
  const t = labelSmoothing > 0 ? add(mul(target, 1 - labelSmoothing), labelSmoothing / c) : target;
  let prod = mul(logp, t);
  if (weight) prod = mul(prod, classBroadcast(weight, logp, axis));
  switch (reduction) {
    case 'none':
      return neg(sum(prod, axis));
    case 'sum':
      return neg(sum(prod));
    case 'mean':
      return div(neg(sum(prod)), input.size / Math.max(c, 1));
    default:
      throw new ValueError(`${op}: reduction must be 'none', 'mean' or 'sum', got '${String(reduction)}'.`);
  }
}

/** Negative log-likelihood of log-probabilities `input` against int32 class indices, like `torch.nn.functional.nll_loss`. */
export function nllLoss(input: Tensor, target: Tensor, options: NllLossOptions = {}): Tensor {
  const axis = classAxisOf('nllLoss', input);
  checkClassWeight('nllLoss', options.weight, input.shape[axis]);
  return nllFromLogProbs('nllLoss', input, target, axis, options, 0);
}

export interface BinaryCrossEntropyOptions {
  /** Per-element weight, broadcast to the input. */
  weight?: Tensor | null;
  reduction?: Reduction;
}

/**
 * -(y log x + (1 - y) log(1 - x)) of probabilities x, with each log clamped to >= -100 and the
 * gradient (x - y) / max(x (1 - x), 1e-12), exactly as `torch.nn.functional.binary_cross_entropy`.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, { weight = null, reduction = 'mean' }: BinaryCrossEntropyOptions = {}): Tensor {
  const op = 'binaryCrossEntropy';
  checkPair(op, input, target);
  if (weight) checkBroadcastWeight(op, 'weight', weight, input.shape);
  if (input.backend.readSync && input.size > 0) {
    const [lo, hi] = noGrad(() => [min(input), max(input)].map((t) => t.itemSync()));
    if (!(lo >= 0 && hi <= 1)) throw new ValueError(`${op}: input values must lie in [0, 1] (probabilities; use binaryCrossEntropyWithLogits for logits), got values in [${lo}, ${hi}].`);
  }
  const out = noGrad(() => {
    const logX = clamp(log(input), -100);
    const log1mX = clamp(log(sub(1, input)), -100);
    return neg(add(mul(target, logX), mul(sub(1, target), log1mX)));
  });
  const elementwise = record(op, out, [input, target], (g) => [
    input.requiresGrad ? div(mul(g, sub(input, target)), clamp(mul(input, sub(1, input)), 1e-12)) : null,
    target.requiresGrad ? mul(g, sub(clamp(log(sub(1, input)), -100), clamp(log(input), -100))) : null,
  ]);
  return reduce(op, weight ? mul(elementwise, weight) : elementwise, reduction);
}

export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  /** Weight of the positive class, broadcast along the last axis (shape [C] or broadcastable). */
  posWeight?: Tensor | null;
}

/**
 * Sigmoid plus binary cross entropy in one stable expression:
 * (1 - y) x + (1 + (posWeight - 1) y) softplus(-x), like `binary_cross_entropy_with_logits`.
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BinaryCrossEntropyWithLogitsOptions = {}): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  const { weight = null, posWeight = null, reduction = 'mean' } = options;
  checkPair(op, input, target);
  if (weight) checkBroadcastWeight(op, 'weight', weight, input.shape);
  if (posWeight) checkBroadcastWeight(op, 'posWeight', posWeight, input.shape);
  const sp = softplus(neg(input));
  const logWeighted = posWeight ? mul(add(mul(sub(posWeight, 1), target), 1), sp) : sp;
  let loss = add(mul(sub(1, target), input), logWeighted);
  if (weight) loss = mul(loss, weight);
  return reduce(op, loss, reduction);
}

export interface KlDivOptions {
  /** 'batchmean' divides the sum by the batch size (input.shape[0]): the true KL divergence. Default 'mean'. */
  reduction?: Reduction | 'batchmean';
  /** The target holds log-probabilities. Default false. */
  logTarget?: boolean;
}

/**
 * KL divergence of log-probabilities `input` from `target`: target (log target - input),
 * zero where target is 0, like `torch.nn.functional.kl_div`.
 */
export function klDiv(input: Tensor, target: Tensor, { reduction = 'mean', logTarget = false }: KlDivOptions = {}): Tensor {
  const op = 'klDiv';
  checkPair(op, input, target);
  const loss = logTarget
    ? mul(exp(target), sub(target, input))
    : sub(mul(target, log(where(eq(target, 0), 1, target))), mul(target, input));
  if (reduction === 'batchmean') {
    const total = sum(loss);
    return input.rank === 0 ? total : div(total, input.shape[0]);
  }
  return reduce(op, loss, reduction);
}
