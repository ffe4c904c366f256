/** Pooling modules: MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool1d/2d. */
import { formatShape, ShapeError, ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { avgPool2d, maxPool2d } from '../ops/pool.js';
import { adaptiveAvgPool2d, type OutputSize2d } from './functional.js';
import { Module } from './module.js';

type Pair = number | readonly [number, number];

export interface MaxPoolOptions<P> {
  /** Defaults to the kernel size. */
  stride?: P | null;
  padding?: P;
  dilation?: P;
  /** Not supported (throws when true). */
  ceilMode?: boolean;
}

export interface AvgPoolOptions<P> {
  stride?: P | null;
  padding?: P;
  /** Not supported (throws when true). */
  ceilMode?: boolean;
  /** Only true (PyTorch's default) is supported. */
  countIncludePad?: boolean;
}

function unsupported(op: string, ceilMode?: boolean, countIncludePad?: boolean): void {
  if (ceilMode) throw new ValueError(`${op}: ceilMode is not supported.`);
  if (countIncludePad === false) throw new ValueError(`${op}: countIncludePad false is not supported.`);
}

/** Run a 2-D op on [N, C, H, W] or unbatched [C, H, W]. */
function batched2d(op: string, x: Tensor, f: (x4: Tensor) => Tensor): Tensor {
  if (x.rank === 4) return f(x);
  if (x.rank === 3) return f(x.unsqueeze(0)).squeeze(0);
  throw new ShapeError(`${op}: input must be [N, C, H, W] or [C, H, W], got ${formatShape(x.shape)}.`);
}

/** Run a 2-D op on [N, C, L] or [C, L] by adding a height axis of 1. */
function batched1d(op: string, x: Tensor, f: (x4: Tensor) => Tensor): Tensor {
  if (x.rank === 3) return f(x.unsqueeze(2)).squeeze(2);
  if (x.rank === 2) return f(x.unsqueeze(0).unsqueeze(2)).squeeze(2).squeeze(0);
  throw new ShapeError(`${op}: input must be [N, C, L] or [C, L], got ${formatShape(x.shape)}.`);
}

export class MaxPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: MaxPoolOptions<Pair> = {}) {
    super();
    unsupported('MaxPool2d', options.ceilMode);
  }
  override forward(x: Tensor): Tensor {
    const { stride, padding, dilation } = this.options;
    return batched2d('MaxPool2d', x, (x4) => maxPool2d(x4, this.kernelSize, { stride: stride ?? undefined, padding, dilation }));
  }
}

export class AvgPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: AvgPoolOptions<Pair> = {}) {
    super();
    unsupported('AvgPool2d', options.ceilMode, options.countIncludePad);
  }
  override forward(x: Tensor): Tensor {
    const { stride, padding } = this.options;
    return batched2d('AvgPool2d', x, (x4) => avgPool2d(x4, this.kernelSize, { stride: stride ?? undefined, padding }));
  }
}

export class MaxPool1d extends Module {
  constructor(readonly kernelSize: number, readonly options: MaxPoolOptions<number> = {}) {
    super();
    unsupported('MaxPool1d', options.ceilMode);
  }
  override forward(x: Tensor): Tensor {
    const { stride, padding = 0, dilation = 1 } = this.options;
    return batched1d('MaxPool1d', x, (x4) =>
      maxPool2d(x4, [1, this.kernelSize], { stride: [1, stride ?? this.kernelSize], padding: [0, padding], dilation: [1, dilation] }));
  }
}

export class AvgPool1d extends Module {
  constructor(readonly kernelSize: number, readonly options: AvgPoolOptions<number> = {}) {
    super();
    unsupported('AvgPool1d', options.ceilMode, options.countIncludePad);
  }
  override forward(x: Tensor): Tensor {
    const { stride, padding = 0 } = this.options;
    return batched1d('AvgPool1d', x, (x4) => avgPool2d(x4, [1, this.kernelSize], { stride: [1, stride ?? this.kernelSize], padding: [0, padding] }));
  }
}

/** Average over PyTorch's adaptive bins to a fixed [oh, ow] (null keeps that axis). */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: OutputSize2d) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}

export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: number) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return batched1d('AdaptiveAvgPool1d', x, (x4) => adaptiveAvgPool2d(x4, [1, this.outputSize]));
  }
}
