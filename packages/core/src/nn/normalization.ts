/** Normalisation layers: BatchNorm1d/2d, LayerNorm, RMSNorm, GroupNorm. */
import { noGrad } from '../autograd.js';
import { formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { full } from '../ops/creation.js';
import { add, cast, div, mul, sub } from '../ops/elementwise.js';
import { mean, variance } from '../ops/reduce.js';
import { layerNorm } from '../ops/norm.js';
import { batchNorm, groupNorm, rmsNorm } from './functional.js';
import * as init from './init.js';
import { checkPositiveInt, newParameter } from './layer-utils.js';
import { copyInto, Module, type Parameter } from './module.js';

export interface BatchNormOptions {
  eps?: number;
  /** Running-stat factor; null for a cumulative average. Default 0.1. */
  momentum?: number | null;
  /** Learn a per-channel scale and shift. Default true. */
  affine?: boolean;
  /** Keep running_mean/running_var for evaluation. Default true. */
  trackRunningStats?: boolean;
}

/**
 * Batch norm over axis 1, with buffers running_mean, running_var and num_batches_tracked
 * (int32 here; int64 in PyTorch) named as PyTorch names them.
 */
abstract class BatchNormBase extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(readonly numFeatures: number, options: BatchNormOptions = {}) {
    super();
    checkPositiveInt(this.constructor.name, 'numFeatures', numFeatures);
    const { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true } = options;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    this.weight = affine ? init.ones(newParameter([numFeatures])) : null;
    this.bias = affine ? newParameter([numFeatures]) : null;
    this.registerBuffer('running_mean', trackRunningStats ? full([numFeatures], 0) : null);
    this.registerBuffer('running_var', trackRunningStats ? full([numFeatures], 1) : null);
    this.registerBuffer('num_batches_tracked', trackRunningStats ? full([], 0, { dtype: 'int32' }) : null);
  }

  /** The ranks this layer accepts. */
  protected abstract checkInput(x: Tensor): void;

  /** Reset running statistics to mean 0, variance 1, no batches. */
  resetRunningStats(): void {
    if (this.running_mean) init.zeros(this.running_mean);
    if (this.running_var) init.ones(this.running_var);
    if (this.num_batches_tracked) init.zeros(this.num_batches_tracked);
  }

  override forward(x: Tensor): Tensor {
    this.checkInput(x);
    if (x.shape[1] !== this.numFeatures) {
      throw new ShapeError(`${this.constructor.name}: input ${formatShape(x.shape)} has ${x.shape[1]} channels, expected ${this.numFeatures}.`);
    }
    if (this.training && this.trackRunningStats && this.num_batches_tracked) {
      const nbt = this.num_batches_tracked;
      noGrad(() => {
        const next = add(nbt, 1);
        copyInto(nbt, next, this.constructor.name);
        next.dispose();
      });
      if (this.momentum === null && this.running_mean && this.running_var) return this.#cumulative(x, nbt, this.running_mean, this.running_var);
    }
    const useBatchStats = this.training || !this.trackRunningStats;
    const track = !this.training || this.trackRunningStats;
    return batchNorm(x, track ? this.running_mean : null, track ? this.running_var : null, {
      weight: this.weight, bias: this.bias, training: useBatchStats, momentum: this.momentum, eps: this.eps,
    });
  }

  /**
   * momentum null: the running statistics are the cumulative average, factor 1/num_batches_tracked.
   * The factor stays on the device (reading the count back would throw on asynchronous backends such as WebGPU).
   */
  #cumulative(x: Tensor, nbt: Tensor, runningMean: Tensor, runningVar: Tensor): Tensor {
    const out = batchNorm(x, null, null, { weight: this.weight, bias: this.bias, training: true, eps: this.eps });
    noGrad(() => {
      const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
      const count = cast(nbt, 'float32');
      const f = div(1, count);
      const mu = mean(x, axes);
      const v = variance(x, axes, { correction: 1 });
      const dm = sub(mu, runningMean);
      const dv = sub(v, runningVar);
      const stepM = mul(dm, f);
      const stepV = mul(dv, f);
      const newMean = add(runningMean, stepM);
      const newVar = add(runningVar, stepV);
      copyInto(runningMean, newMean, this.constructor.name);
      copyInto(runningVar, newVar, this.constructor.name);
      for (const t of [count, f, mu, v, dm, dv, stepM, stepV, newMean, newVar]) t.dispose();
    });
    return out;
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** Batch norm over [N, C] or [N, C, L], like `torch.nn.BatchNorm1d`. */
export class BatchNorm1d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.rank !== 2 && x.rank !== 3) throw new ShapeError(`BatchNorm1d: input must be [N, C] or [N, C, L], got ${formatShape(x.shape)}.`);
  }
}

/** Batch norm over [N, C, H, W], like `torch.nn.BatchNorm2d`. */
export class BatchNorm2d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.rank !== 4) throw new ShapeError(`BatchNorm2d: input must be [N, C, H, W], got ${formatShape(x.shape)}.`);
  }
}

function shapeOf(op: string, s: number | readonly number[]): number[] {
  const shape = typeof s === 'number' ? [s] : [...s];
  shape.forEach((d) => checkPositiveInt(op, 'normalizedShape', d));
  return shape;
}

export interface LayerNormOptions {
  eps?: number;
  /** Learn weight (and bias). Default true. */
  elementwiseAffine?: boolean;
  /** Learn a bias when affine. Default true. */
  bias?: boolean;
}

/** Layer norm over the trailing `normalizedShape` axes, like `torch.nn.LayerNorm`. */
export class LayerNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly normalizedShape: number[];
  readonly eps: number;

  constructor(normalizedShape: number | readonly number[], { eps = 1e-5, elementwiseAffine = true, bias = true }: LayerNormOptions = {}) {
    super();
    this.normalizedShape = shapeOf('LayerNorm', normalizedShape);
    this.eps = eps;
    this.weight = elementwiseAffine ? init.ones(newParameter(this.normalizedShape)) : null;
    this.bias = elementwiseAffine && bias ? newParameter(this.normalizedShape) : null;
  }

  override forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}

/** RMS norm x / sqrt(mean(x²) + eps) * weight over the trailing axes, like `torch.nn.RMSNorm`. */
export class RMSNorm extends Module {
  weight: Parameter | null;
  readonly normalizedShape: number[];
  /** null: float32 machine epsilon, as PyTorch. */
  readonly eps: number | null;

  constructor(normalizedShape: number | readonly number[], { eps = null, elementwiseAffine = true }: { eps?: number | null; elementwiseAffine?: boolean } = {}) {
    super();
    this.normalizedShape = shapeOf('RMSNorm', normalizedShape);
    this.eps = eps;
    this.weight = elementwiseAffine ? init.ones(newParameter(this.normalizedShape)) : null;
  }

  override forward(x: Tensor): Tensor {
    return rmsNorm(x, this.normalizedShape, this.weight, this.eps);
  }
}

/** Group norm over [N, C, ...] with `numGroups` groups of channels, like `torch.nn.GroupNorm`. */
export class GroupNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly eps: number;

  constructor(readonly numGroups: number, readonly numChannels: number, { eps = 1e-5, affine = true }: { eps?: number; affine?: boolean } = {}) {
    super();
    checkPositiveInt('GroupNorm', 'numGroups', numGroups);
    checkPositiveInt('GroupNorm', 'numChannels', numChannels);
    if (numChannels % numGroups !== 0) throw new ShapeError(`GroupNorm: numGroups ${numGroups} must divide numChannels ${numChannels}.`);
    this.eps = eps;
    this.weight = affine ? init.ones(newParameter([numChannels])) : null;
    this.bias = affine ? newParameter([numChannels]) : null;
  }

  override forward(x: Tensor): Tensor {
    if (x.rank < 2 || x.shape[1] !== this.numChannels) {
      throw new ShapeError(`GroupNorm: input ${formatShape(x.shape)} must be [N, ${this.numChannels}, ...].`);
    }
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }
}
