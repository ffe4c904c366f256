/** Adam and AdamW (with AMSGrad), through the backend's fused kernel when it has one. */
import { ValueError } from '../errors.js';
import { add, div, maximum, mul, neg, sqrt } from '../ops/elementwise.js';
import { zerosLike } from '../ops/creation.js';
import { contiguous } from '../ops/views.js';
import type { Tensor } from '../tensor.js';
import { addcdiv, addcmul, powi } from './functional.js';
import { assign, missingState, Optimizer, type ParamGroup, type ParamsArg, type ParamState } from './optimizer.js';

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  /** Use the running maximum of the second moment (AMSGrad). */
  amsgrad: boolean;
  maximize: boolean;
  /**
   * Use the backend's fused `adamStep` kernel when it has one (default). It gives the same
   * update within float rounding; `false` forces the composed path (also used for AMSGrad).
   */
  fused?: boolean;
}

class AdamBase extends Optimizer<AdamOptions> {
  constructor(
    params: ParamsArg<AdamOptions>,
    defaults: AdamOptions,
    private readonly decoupled: boolean,
    name: string,
  ) {
    super(params, defaults, name);
  }

  protected override checkHyper(group: ParamGroup<AdamOptions>): void {
    super.checkHyper(group);
    const name = this.decoupled ? 'AdamW' : 'Adam';
    const [b1, b2] = group.betas ?? [];
    if (!(b1 >= 0 && b1 < 1) || !(b2 >= 0 && b2 < 1)) throw new ValueError(`${name}: invalid betas [${group.betas}]; expected each in [0, 1).`);
    if (!(group.eps >= 0)) throw new ValueError(`${name}: invalid eps ${group.eps}; expected >= 0.`);
    if (!(group.weightDecay >= 0)) throw new ValueError(`${name}: invalid weightDecay ${group.weightDecay}; expected >= 0.`);
  }

  protected override checkState(state: ParamState): string | undefined {
    return missingState(state, ['expAvg', 'expAvgSq']);
  }

  protected updateParam(p: Tensor, g: Tensor, group: ParamGroup<AdamOptions>, state: ParamState): void {
    const { lr, betas: [beta1, beta2], eps, weightDecay, amsgrad, maximize } = group;
    if (state.step === undefined) {
      state.step = 0;
      state.expAvg = zerosLike(p).keep();
      state.expAvgSq = zerosLike(p).keep();
    }
    if (amsgrad && !state.maxExpAvgSq) state.maxExpAvgSq = zerosLike(p).keep();
    const step = (state.step as number) + 1;
    state.step = step;
    const m = state.expAvg as Tensor;
    const v = state.expAvgSq as Tensor;
    let grad = maximize ? neg(g) : g;

    const fused = p.backend.fused?.adamStep;
    if (fused && group.fused !== false && !amsgrad && p.isContiguous) {
      grad = contiguous(grad);
      fused(p.kernelView(), grad.kernelView(), m.kernelView(), v.kernelView(), {
        lr, beta1, beta2, eps, weightDecay, decoupled: this.decoupled, step,
      });
      return;
    }

    let param = p;
    if (weightDecay !== 0) {
      if (this.decoupled) param = mul(p, 1 - lr * weightDecay);
      else grad = add(grad, p, weightDecay);
    }
    assign(m, add(mul(m, beta1), grad, 1 - beta1));
    assign(v, addcmul(mul(v, beta2), grad, grad, 1 - beta2));
    const stepSize = lr / (1 - powi(beta1, step));
    const bc2Sqrt = Math.sqrt(1 - powi(beta2, step));
    let second = v;
    if (amsgrad) {
      const vMax = state.maxExpAvgSq as Tensor;
      assign(vMax, maximum(vMax, v));
      second = vMax;
    }
    const denom = add(div(sqrt(second), bc2Sqrt), eps);
    assign(p, addcdiv(param, m, denom, -stepSize));
  }
}

/**
 * `torch.optim.Adam`: moments `m = beta1 m + (1 - beta1) g`, `v = beta2 v + (1 - beta2) g^2`,
 * `p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)`; weight decay is L2
 * (added to the gradient).
 */
export class Adam extends AdamBase {
  constructor(params: ParamsArg<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...options }, false, 'Adam');
  }
}

/** `torch.optim.AdamW`: Adam with decoupled weight decay, `p *= 1 - lr * weightDecay` (default 0.01). */
export class AdamW extends AdamBase {
  constructor(params: ParamsArg<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, ...options }, true, 'AdamW');
  }
}
