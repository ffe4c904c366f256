/** Conv1d and Conv2d, with PyTorch's option names, parameter shapes and default init. */
import { formatShape, ShapeError, ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { pad } from '../ops/combine.js';
import { conv1d, conv2d } from '../ops/conv.js';
import * as init from './init.js';
import { checkPositiveInt, newParameter } from './layer-utils.js';
import { Module, type Parameter } from './module.js';

export type Padding<P> = P | 'valid' | 'same';

export interface ConvOptions<P> {
  stride?: P;
  /** Zero padding on each side, or 'valid' (none) or 'same' (output size = input size; stride 1). */
  padding?: Padding<P>;
  dilation?: P;
  groups?: number;
  bias?: boolean;
  /** Only 'zeros' is supported. */
  paddingMode?: 'zeros';
}

type Pair = number | readonly [number, number];

function tuple(op: string, name: string, v: number | readonly number[], n: number): number[] {
  const t = typeof v === 'number' ? new Array<number>(n).fill(v) : [...v];
  if (t.length !== n || t.some((x) => !Number.isInteger(x) || x < 0)) throw new ValueError(`${op}: ${name} must be a non-negative integer or ${n} of them, got ${JSON.stringify(v)}.`);
  return t;
}

/** Shared state of Conv1d and Conv2d: weight [out, in/groups, ...kernel], bias [out]. */
abstract class ConvNd<P extends number | readonly number[]> extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly dilation: number[];
  readonly padding: number[] | 'same' | 'valid';
  readonly groups: number;

  constructor(op: string, dims: number, readonly inChannels: number, readonly outChannels: number, kernelSize: P, options: ConvOptions<P>) {
    super();
    checkPositiveInt(op, 'inChannels', inChannels);
    checkPositiveInt(op, 'outChannels', outChannels);
    const { stride = 1, padding = 0, dilation = 1, groups = 1, bias = true, paddingMode = 'zeros' } = options;
    if (paddingMode !== 'zeros') throw new ValueError(`${op}: paddingMode '${String(paddingMode)}' is not supported; only 'zeros'.`);
    checkPositiveInt(op, 'groups', groups);
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new ValueError(`${op}: groups ${groups} must divide inChannels ${inChannels} and outChannels ${outChannels}.`);
    }
    this.kernelSize = tuple(op, 'kernelSize', kernelSize, dims);
    this.stride = tuple(op, 'stride', stride as P, dims);
    this.dilation = tuple(op, 'dilation', dilation as P, dims);
    if (this.kernelSize.some((k) => k < 1) || this.stride.some((s) => s < 1) || this.dilation.some((d) => d < 1)) {
      throw new ValueError(`${op}: kernelSize, stride and dilation must be positive.`);
    }
    this.padding = padding === 'same' || padding === 'valid' ? padding : tuple(op, 'padding', padding, dims);
    if (padding === 'same' && this.stride.some((s) => s !== 1)) throw new ValueError(`${op}: padding 'same' needs stride 1, got stride [${this.stride.join(', ')}].`);
    this.groups = groups;
    this.weight = newParameter([outChannels, inChannels / groups, ...this.kernelSize]);
    this.bias = bias ? newParameter([outChannels]) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    init.kaimingUniform(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform(this.bias, -bound, bound);
    }
  }

  /** The input padded for 'same' (possibly more on the right, as PyTorch), and the symmetric padding left for the op. */
  protected prepare(x: Tensor, rank: number): [Tensor, number[]] {
    const dims = this.kernelSize.length;
    if (x.rank !== rank && x.rank !== rank - 1) {
      throw new ShapeError(`${this.constructor.name}: input must be ${rank}-D (batched) or ${rank - 1}-D, got ${formatShape(x.shape)}.`);
    }
    if (this.padding === 'valid') return [x, new Array<number>(dims).fill(0)];
    if (this.padding !== 'same') return [x, this.padding];
    const total = this.kernelSize.map((k, i) => this.dilation[i] * (k - 1));
    const left = total.map((t) => Math.floor(t / 2));
    if (total.every((t, i) => t === 2 * left[i])) return [x, left];
    const amounts: number[] = [];
    for (let i = dims - 1; i >= 0; i--) amounts.push(left[i], total[i] - left[i]);
    return [pad(x, amounts), new Array<number>(dims).fill(0)];
  }

  override extraRepr(): string {
    const p = typeof this.padding === 'string' ? `'${this.padding}'` : `[${this.padding.join(', ')}]`;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize.join(', ')}], stride=[${this.stride.join(', ')}], padding=${p}`;
  }
}

/** 1-D convolution over [N, C, L] (or [C, L]), like `torch.nn.Conv1d`. */
export class Conv1d extends ConvNd<number> {
  constructor(inChannels: number, outChannels: number, kernelSize: number, options: ConvOptions<number> = {}) {
    super('Conv1d', 1, inChannels, outChannels, kernelSize, options);
  }

  override forward(x: Tensor): Tensor {
    const [xp, padding] = this.prepare(x, 3);
    const batched = xp.rank === 3 ? xp : xp.unsqueeze(0);
    const y = conv1d(batched, this.weight, this.bias, { stride: this.stride[0], padding: padding[0], dilation: this.dilation[0], groups: this.groups });
    return xp.rank === 3 ? y : y.squeeze(0);
  }
}

/** 2-D convolution over [N, C, H, W] (or [C, H, W]), like `torch.nn.Conv2d`. */
export class Conv2d extends ConvNd<Pair> {
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: ConvOptions<Pair> = {}) {
    super('Conv2d', 2, inChannels, outChannels, kernelSize, options);
  }

  override forward(x: Tensor): Tensor {
    const [xp, padding] = this.prepare(x, 4);
    const batched = xp.rank === 4 ? xp : xp.unsqueeze(0);
    const y = conv2d(batched, this.weight, this.bias, {
      stride: [this.stride[0], this.stride[1]],
      padding: [padding[0], padding[1]],
      dilation: [this.dilation[0], this.dilation[1]],
      groups: this.groups,
    });
    return xp.rank === 4 ? y : y.squeeze(0);
  }
}
