/**
 * Convolution as im2col + matmul. `unfold2d` (im2col) is a strided view of the padded input
 * copied dense; `fold2d` (col2im) is its adjoint, accumulating windows back. Each is the
 * other's VJP, so conv2d's gradients (and second derivatives) follow from autograd.
 */
import { composite, record } from '../autograd.js';
import { formatShape, ShapeError, ValueError } from '../errors.js';
import { contiguousStrides } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add } from './elementwise.js';
import { backendOf, empty, filled } from './helpers.js';
import { matmul } from './matmul.js';
import { contiguous, reshape, squeeze, unsqueeze } from './views.js';
import { pad } from './combine.js';

/** The geometry of a 2-D windowed op over a padded input of [N, C, Hp, Wp] with C = groups * Cg. */
export interface WindowGeometry {
  n: number;
  groups: number;
  channelsPerGroup: number;
  paddedH: number;
  paddedW: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  outH: number;
  outW: number;
}

export type Pair = number | readonly [number, number];

export function pair(op: string, name: string, v: Pair, min: number): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (p.length !== 2 || p.some((x) => !Number.isInteger(x) || x < min)) {
    throw new ValueError(`${op}: ${name} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(v)}.`);
  }
  return p;
}

/** Output size of one spatial axis, as PyTorch computes it. */
export function outputSize(input: number, kernel: number, stride: number, padding: number, dilation: number): number {
  return Math.floor((input + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** The windows of the strided input as a 7-D view [N, G, Cg, KH, KW, OH, OW]. */
function windowView(x: Tensor, g: WindowGeometry) {
  const v = x.kernelView();
  const hw = g.paddedH * g.paddedW;
  return {
    ...v,
    shape: [g.n, g.groups, g.channelsPerGroup, g.kernelH, g.kernelW, g.outH, g.outW],
    strides: [g.groups * g.channelsPerGroup * hw, g.channelsPerGroup * hw, hw, g.dilationH * g.paddedW, g.dilationW, g.strideH * g.paddedW, g.strideW],
  };
}

/** im2col: padded input [N, C, Hp, Wp] -> columns [N, G, Cg*KH*KW, OH*OW]. */
export function unfold2d(xPadded: Tensor, g: WindowGeometry): Tensor {
  const backend = backendOf('unfold2d', [xPadded]);
  const x = contiguous(xPadded);
  const out = empty(backend, [g.n, g.groups, g.channelsPerGroup * g.kernelH * g.kernelW, g.outH * g.outW], x.dtype);
  if (out.size > 0) {
    const windows = windowView(x, g);
    backend.copy(windows, { ...out.kernelView(), shape: windows.shape, strides: contiguousStrides(windows.shape) });
  }
  if (x !== xPadded) x.dispose();
  return record('unfold2d', out, [xPadded], (grad) => [fold2d(grad, g)]);
}

/** col2im: columns [N, G, Cg*KH*KW, OH*OW] -> padded input [N, C, Hp, Wp], overlapping windows summed. */
export function fold2d(cols: Tensor, g: WindowGeometry): Tensor {
  const backend = backendOf('fold2d', [cols]);
  const c = contiguous(cols);
  const out = filled(backend, [g.n, g.groups * g.channelsPerGroup, g.paddedH, g.paddedW], c.dtype, 0);
  if (out.size > 0 && c.size > 0) {
    const target = windowView(out, g);
    const source = { ...c.kernelView(), shape: target.shape, strides: contiguousStrides(target.shape) };
    const partShape = [g.n, g.groups, g.channelsPerGroup, g.outH, g.outW];
    for (let kh = 0; kh < g.kernelH; kh++) {
      for (let kw = 0; kw < g.kernelW; kw++) {
        const into = {
          ...target,
          shape: partShape,
          strides: [target.strides[0], target.strides[1], target.strides[2], target.strides[5], target.strides[6]],
          offset: target.offset + kh * target.strides[3] + kw * target.strides[4],
        };
        const from = {
          ...source,
          shape: partShape,
          strides: [source.strides[0], source.strides[1], source.strides[2], source.strides[5], source.strides[6]],
          offset: source.offset + kh * source.strides[3] + kw * source.strides[4],
        };
        backend.binary('add', into, from, into);
      }
    }
  }
  if (c !== cols) c.dispose();
  return record('fold2d', out, [cols], (grad) => [unfold2d(grad, g)]);
}

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/** 2-D convolution (cross-correlation, like PyTorch): x [N, C, H, W], weight [O, C/groups, KH, KW]. */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  backendOf('conv2d', bias ? [x, weight, bias] : [x, weight]);
  if (x.rank !== 4) throw new ShapeError(`conv2d: input must be 4-D [N, C, H, W], got ${formatShape(x.shape)}.`);
  if (weight.rank !== 4) throw new ShapeError(`conv2d: weight must be 4-D [O, C/groups, KH, KW], got ${formatShape(weight.shape)}.`);
  const groups = options.groups ?? 1;
  const [sh, sw] = pair('conv2d', 'stride', options.stride ?? 1, 1);
  const [ph, pw] = pair('conv2d', 'padding', options.padding ?? 0, 0);
  const [dh, dw] = pair('conv2d', 'dilation', options.dilation ?? 1, 1);
  const [n, c, h, w] = x.shape;
  const [o, cg, kh, kw] = weight.shape;
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0 || o % groups !== 0) {
    throw new ShapeError(`conv2d: groups ${groups} must divide input channels ${c} and output channels ${o}.`);
  }
  if (cg !== c / groups) {
    throw new ShapeError(`conv2d: weight ${formatShape(weight.shape)} expects ${cg * groups} input channels (groups ${groups}), but input ${formatShape(x.shape)} has ${c}.`);
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== o)) throw new ShapeError(`conv2d: bias ${formatShape(bias.shape)} must be [${o}].`);
  const outH = outputSize(h, kh, sh, ph, dh);
  const outW = outputSize(w, kw, sw, pw, dw);
  if (outH <= 0 || outW <= 0) {
    throw new ShapeError(`conv2d: input ${formatShape(x.shape)} padded by [${ph}, ${pw}] is smaller than the dilated kernel [${dh * (kh - 1) + 1}, ${dw * (kw - 1) + 1}].`);
  }
  const geometry: WindowGeometry = {
    n, groups, channelsPerGroup: cg, paddedH: h + 2 * ph, paddedW: w + 2 * pw,
    kernelH: kh, kernelW: kw, strideH: sh, strideW: sw, dilationH: dh, dilationW: dw, outH, outW,
  };
  return composite(() => {
    const xp = ph || pw ? pad(x, [pw, pw, ph, ph]) : x;
    const cols = unfold2d(xp, geometry);
    const y = matmul(reshape(weight, [1, groups, o / groups, cg * kh * kw]), cols);
    const out = reshape(y, [n, o, outH, outW]);
    return bias ? add(out, reshape(bias, [1, o, 1, 1])) : out;
  });
}

export interface Conv1dOptions {
  stride?: number;
  padding?: number;
  dilation?: number;
  groups?: number;
}

/** 1-D convolution: x [N, C, L], weight [O, C/groups, K]. */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  backendOf('conv1d', bias ? [x, weight, bias] : [x, weight]);
  if (x.rank !== 3) throw new ShapeError(`conv1d: input must be 3-D [N, C, L], got ${formatShape(x.shape)}.`);
  if (weight.rank !== 3) throw new ShapeError(`conv1d: weight must be 3-D [O, C/groups, K], got ${formatShape(weight.shape)}.`);
  return composite(() => {
    const y = conv2d(unsqueeze(x, 2), unsqueeze(weight, 2), bias, {
      stride: [1, options.stride ?? 1],
      padding: [0, options.padding ?? 0],
      dilation: [1, options.dilation ?? 1],
      groups: options.groups ?? 1,
    });
    return squeeze(y, 2);
  });
}
