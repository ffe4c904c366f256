/** RMSprop (optionally centered, with momentum) and Adagrad. */
import { ValueError } from '../errors.js';
import { add, mul, neg, sqrt } from '../ops/elementwise.js';
import { fullLike, zerosLike } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';
import { addcdiv, addcmul } from './functional.js';
import { assign, missingState, Optimizer, type ParamGroup, type ParamsArg, type ParamState } from './optimizer.js';

export interface RMSpropOptions {
  lr: number;
  /** Smoothing constant of the squared-gradient average. */
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  /** Normalise by the variance estimate (subtract the squared mean gradient). */
  centered: boolean;
  maximize: boolean;
}

/**
 * `torch.optim.RMSprop`: `s = alpha s + (1 - alpha) g^2`, `avg = sqrt(s - centered ? gAvg^2 : 0) + eps`,
 * then `p -= lr * g / avg`, or with momentum `buf = momentum buf + g / avg; p -= lr * buf`.
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsArg<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, ...options }, 'RMSprop');
  }

  protected override checkHyper(group: ParamGroup<RMSpropOptions>): void {
    super.checkHyper(group);
    for (const key of ['alpha', 'eps', 'weightDecay', 'momentum'] as const) {
      if (!(group[key] >= 0)) throw new ValueError(`RMSprop: invalid ${key} ${group[key]}; expected >= 0.`);
    }
  }

  protected override checkState(state: ParamState): string | undefined {
    return missingState(state, ['squareAvg']);
  }

  protected updateParam(p: Tensor, g: Tensor, group: ParamGroup<RMSpropOptions>, state: ParamState): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    if (state.step === undefined) {
      state.step = 0;
      state.squareAvg = zerosLike(p).keep();
    }
    if (momentum > 0 && !state.momentumBuffer) state.momentumBuffer = zerosLike(p).keep();
    if (centered && !state.gradAvg) state.gradAvg = zerosLike(p).keep();
    state.step = (state.step as number) + 1;
    let grad = maximize ? neg(g) : g;
    if (weightDecay !== 0) grad = add(grad, p, weightDecay);
    const sq = state.squareAvg as Tensor;
    assign(sq, addcmul(mul(sq, alpha), grad, grad, 1 - alpha));
    let avg: Tensor;
    if (centered) {
      const ga = state.gradAvg as Tensor;
      assign(ga, add(mul(ga, alpha), grad, 1 - alpha));
      avg = sqrt(addcmul(sq, ga, ga, -1));
    } else {
      avg = sqrt(sq);
    }
    avg = add(avg, eps);
    if (momentum > 0) {
      const buf = state.momentumBuffer as Tensor;
      assign(buf, addcdiv(mul(buf, momentum), grad, avg));
      assign(p, add(p, buf, -lr));
    } else {
      assign(p, addcdiv(p, grad, avg, -lr));
    }
  }
}

export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

/**
 * `torch.optim.Adagrad`: `sum += g^2`, `p -= lr / (1 + (t - 1) lrDecay) * g / (sqrt(sum) + eps)`.
 * The accumulator is created (at `initialAccumulatorValue`) on the first step.
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsArg<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super(params, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false, ...options }, 'Adagrad');
  }

  protected override checkHyper(group: ParamGroup<AdagradOptions>): void {
    super.checkHyper(group);
    for (const key of ['lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps'] as const) {
      if (!(group[key] >= 0)) throw new ValueError(`Adagrad: invalid ${key} ${group[key]}; expected >= 0.`);
    }
  }

  protected override checkState(state: ParamState): string | undefined {
    return missingState(state, ['sum']);
  }

  protected updateParam(p: Tensor, g: Tensor, group: ParamGroup<AdagradOptions>, state: ParamState): void {
    const { lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize } = group;
    if (state.step === undefined) {
      state.step = 0;
      state.sum = fullLike(p, initialAccumulatorValue).keep();
    }
    const step = (state.step as number) + 1;
    state.step = step;
    let grad = maximize ? neg(g) : g;
    if (weightDecay !== 0) grad = add(grad, p, weightDecay);
    const clr = lr / (1 + (step - 1) * lrDecay);
    const sum = state.sum as Tensor;
    assign(sum, addcmul(sum, grad, grad));
    const std = add(sqrt(sum), eps);
    assign(p, addcdiv(p, grad, std, -clr));
  }
}
