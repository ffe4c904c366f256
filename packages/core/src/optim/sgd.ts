/** Stochastic gradient descent with momentum, dampening, Nesterov and weight decay. */
import { ValueError } from '../errors.js';
import { add, neg } from '../ops/elementwise.js';
import { clone } from '../ops/views.js';
import type { Tensor } from '../tensor.js';
import { assign, Optimizer, type ParamGroup, type ParamsArg, type ParamState } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

/**
 * `torch.optim.SGD`: `buf = momentum * buf + (1 - dampening) * g` (the first step takes
 * `buf = g`), then `p -= lr * (nesterov ? g + momentum * buf : buf)`; weight decay adds
 * `weightDecay * p` to the gradient first.
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsArg<SGDOptions>, options: Partial<SGDOptions> & { lr?: number } = {}) {
    super(params, { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...options }, 'SGD');
  }

  protected override checkHyper(group: ParamGroup<SGDOptions>): void {
    super.checkHyper(group);
    if (!(group.momentum >= 0)) throw new ValueError(`SGD: invalid momentum ${group.momentum}; expected >= 0.`);
    if (!(group.weightDecay >= 0)) throw new ValueError(`SGD: invalid weightDecay ${group.weightDecay}; expected >= 0.`);
    if (group.nesterov && (group.momentum <= 0 || group.dampening !== 0)) {
      throw new ValueError(`SGD: nesterov needs momentum > 0 and dampening 0, got momentum ${group.momentum}, dampening ${group.dampening}.`);
    }
  }

  protected updateParam(p: Tensor, grad: Tensor, group: ParamGroup<SGDOptions>, state: ParamState): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    let d = maximize ? neg(grad) : grad;
    if (weightDecay !== 0) d = add(d, p, weightDecay);
    if (momentum !== 0) {
      const buf = state.momentumBuffer as Tensor | undefined;
      if (!buf) {
        state.momentumBuffer = clone(d).keep();
      } else {
        assign(buf, add(buf.mul(momentum), d, 1 - dampening));
      }
      const b = state.momentumBuffer as Tensor;
      d = nesterov ? add(d, b, momentum) : b;
    }
    assign(p, add(p, d, -lr));
  }
}
