/**
 * Loss modules, like `torch.nn.CrossEntropyLoss`: the functional losses with their options
 * fixed at construction. Class and element weights are buffers (in the state dict), as in PyTorch.
 */
import type { Tensor } from '../tensor.js';
import {
  binaryCrossEntropy, type BinaryCrossEntropyOptions, binaryCrossEntropyWithLogits, type BinaryCrossEntropyWithLogitsOptions,
  crossEntropy, type CrossEntropyOptions, huberLoss, klDiv, type KlDivOptions, l1Loss, type LossOptions, mseLoss, nllLoss,
  type NllLossOptions, smoothL1Loss,
} from '../losses/index.js';
import { Module } from './module.js';

/** A loss: forward(input, target) -> Tensor. */
abstract class Loss<O> extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly options: O) {
    super();
  }
}

export class MSELoss extends Loss<LossOptions> {
  constructor(options: LossOptions = {}) {
    super(options);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.options);
  }
}

export class L1Loss extends Loss<LossOptions> {
  constructor(options: LossOptions = {}) {
    super(options);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, this.options);
  }
}

export class HuberLoss extends Loss<LossOptions & { delta?: number }> {
  constructor(options: LossOptions & { delta?: number } = {}) {
    super(options);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, this.options);
  }
}

export class SmoothL1Loss extends Loss<LossOptions & { beta?: number }> {
  constructor(options: LossOptions & { beta?: number } = {}) {
    super(options);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, this.options);
  }
}

export class KLDivLoss extends Loss<KlDivOptions> {
  constructor(options: KlDivOptions = {}) {
    super(options);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, this.options);
  }
}

/** Keeps `weight` as a buffer so it moves with the module and appears in the state dict. */
abstract class WeightedLoss<O extends { weight?: Tensor | null }> extends Loss<Omit<O, 'weight'>> {
  declare weight: Tensor | null;
  constructor({ weight = null, ...rest }: O) {
    super(rest);
    this.registerBuffer('weight', weight);
  }
  protected withWeight(): O {
    return { ...this.options, weight: this.weight } as unknown as O;
  }
}

export class CrossEntropyLoss extends WeightedLoss<CrossEntropyOptions> {
  constructor(options: CrossEntropyOptions = {}) {
    super(options);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, this.withWeight());
  }
}

export class NLLLoss extends WeightedLoss<NllLossOptions> {
  constructor(options: NllLossOptions = {}) {
    super(options);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, this.withWeight());
  }
}

export class BCELoss extends WeightedLoss<BinaryCrossEntropyOptions> {
  constructor(options: BinaryCrossEntropyOptions = {}) {
    super(options);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, this.withWeight());
  }
}

export class BCEWithLogitsLoss extends WeightedLoss<BinaryCrossEntropyWithLogitsOptions> {
  declare pos_weight: Tensor | null;
  constructor({ posWeight = null, ...options }: BinaryCrossEntropyWithLogitsOptions = {}) {
    super(options);
    this.registerBuffer('pos_weight', posWeight);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { ...this.withWeight(), posWeight: this.pos_weight });
  }
}
