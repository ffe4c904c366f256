/** Linear, Identity, Flatten, Unflatten. */
import { formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { linear } from '../ops/matmul.js';
import { flatten, reshape } from '../ops/views.js';
import { normalizeAxis } from '../shape.js';
import * as init from './init.js';
import { checkPositiveInt, newParameter } from './layer-utils.js';
import { Module, type Parameter } from './module.js';

export interface LinearOptions {
  /** Learn an additive bias. Default true. */
  bias?: boolean;
}

/**
 * y = x Wᵀ + b with weight [outFeatures, inFeatures], like `torch.nn.Linear`. Initialised as
 * PyTorch does: weight kaiming-uniform (a = √5), i.e. U(-1/√in, 1/√in), and bias U(-1/√in, 1/√in).
 */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, { bias = true }: LinearOptions = {}) {
    super();
    checkPositiveInt('Linear', 'inFeatures', inFeatures);
    checkPositiveInt('Linear', 'outFeatures', outFeatures);
    this.weight = newParameter([outFeatures, inFeatures]);
    this.bias = bias ? newParameter([outFeatures]) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    init.kaimingUniform(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = 1 / Math.sqrt(this.inFeatures);
      init.uniform(this.bias, -bound, bound);
    }
  }

  override forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/** Returns its input. */
export class Identity extends Module {
  override forward(x: Tensor): Tensor {
    return x;
  }
}

/** Merge axes startDim..endDim (default 1..-1, keeping the batch axis), like `torch.nn.Flatten`. */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}

/** Split axis `dim` into `sizes`, like `torch.nn.Unflatten`. */
export class Unflatten extends Module {
  constructor(readonly dim: number, readonly sizes: readonly number[]) {
    super();
  }

  override forward(x: Tensor): Tensor {
    const d = normalizeAxis('Unflatten', this.dim, x.rank);
    const n = this.sizes.reduce((p, s) => p * s, 1);
    if (n !== x.shape[d] && !this.sizes.includes(-1)) {
      throw new ShapeError(`Unflatten: sizes [${this.sizes.join(', ')}] do not multiply to ${x.shape[d]}, axis ${d} of input ${formatShape(x.shape)}.`);
    }
    return reshape(x, [...x.shape.slice(0, d), ...this.sizes, ...x.shape.slice(d + 1)]);
  }
}
