/** Regression losses: mse, l1, huber, smoothL1. Input and target share one float32 shape. */
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { abs, lt, mul, square, sub, where } from '../ops/elementwise.js';
import { checkPair, type Reduction, reduce } from './reduction.js';

export interface LossOptions {
  reduction?: Reduction;
}

/** Mean squared error (x - y)², like `torch.nn.functional.mse_loss`. */
export function mseLoss(input: Tensor, target: Tensor, { reduction = 'mean' }: LossOptions = {}): Tensor {
  checkPair('mseLoss', input, target);
  return reduce('mseLoss', square(sub(input, target)), reduction);
}

/** Mean absolute error |x - y|, like `torch.nn.functional.l1_loss`. */
export function l1Loss(input: Tensor, target: Tensor, { reduction = 'mean' }: LossOptions = {}): Tensor {
  checkPair('l1Loss', input, target);
  return reduce('l1Loss', abs(sub(input, target)), reduction);
}

/** 0.5 d² where |d| < delta, else delta (|d| - 0.5 delta), like `torch.nn.functional.huber_loss`. */
export function huberLoss(input: Tensor, target: Tensor, { reduction = 'mean', delta = 1 }: LossOptions & { delta?: number } = {}): Tensor {
  checkPair('huberLoss', input, target);
  if (!(delta > 0)) throw new ValueError(`huberLoss: delta must be positive, got ${delta}.`);
  const d = sub(input, target);
  const ad = abs(d);
  const loss = where(lt(ad, delta), mul(square(d), 0.5), mul(sub(ad, 0.5 * delta), delta));
  return reduce('huberLoss', loss, reduction);
}

/** 0.5 d² / beta where |d| < beta, else |d| - 0.5 beta, like `torch.nn.functional.smooth_l1_loss`. */
export function smoothL1Loss(input: Tensor, target: Tensor, { reduction = 'mean', beta = 1 }: LossOptions & { beta?: number } = {}): Tensor {
  checkPair('smoothL1Loss', input, target);
  if (!(beta >= 0)) throw new ValueError(`smoothL1Loss: beta must be >= 0, got ${beta}.`);
  const d = sub(input, target);
  const ad = abs(d);
  if (beta === 0) return reduce('smoothL1Loss', ad, reduction);
  const loss = where(lt(ad, beta), mul(square(d), 0.5 / beta), sub(ad, 0.5 * beta));
  return reduce('smoothL1Loss', loss, reduction);
}
