/** 2-D pooling over windows built by unfold2d (im2col); gradients come from autograd. */
import { composite } from '../autograd.js';
import { formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { pad } from './combine.js';
import { outputSize, pair, type Pair, unfold2d, type WindowGeometry } from './conv.js';
import { gather } from './indexing.js';
import { argmax, mean } from './reduce.js';
import { backendOf } from './helpers.js';
import { reshape } from './views.js';

export interface Pool2dOptions {
  /** Defaults to the kernel size. */
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
}

function windows(op: string, x: Tensor, kernelSize: Pair, options: Pool2dOptions, padValue: number): { cols: Tensor; outH: number; outW: number } {
  backendOf(op, [x]);
  if (x.rank !== 4) throw new ShapeError(`${op}: input must be 4-D [N, C, H, W], got ${formatShape(x.shape)}.`);
  const [kh, kw] = pair(op, 'kernelSize', kernelSize, 1);
  const [sh, sw] = pair(op, 'stride', options.stride ?? [kh, kw], 1);
  const [ph, pw] = pair(op, 'padding', options.padding ?? 0, 0);
  const [dh, dw] = pair(op, 'dilation', options.dilation ?? 1, 1);
  if (ph > kh / 2 || pw > kw / 2) throw new ShapeError(`${op}: padding [${ph}, ${pw}] must be at most half the kernel [${kh}, ${kw}].`);
  const [n, c, h, w] = x.shape;
  const outH = outputSize(h, kh, sh, ph, dh);
  const outW = outputSize(w, kw, sw, pw, dw);
  if (outH <= 0 || outW <= 0) throw new ShapeError(`${op}: input ${formatShape(x.shape)} is smaller than the kernel [${kh}, ${kw}].`);
  const g: WindowGeometry = {
    n, groups: c, channelsPerGroup: 1, paddedH: h + 2 * ph, paddedW: w + 2 * pw,
    kernelH: kh, kernelW: kw, strideH: sh, strideW: sw, dilationH: dh, dilationW: dw, outH, outW,
  };
  const xp = ph || pw ? pad(x, [pw, pw, ph, ph], padValue) : x;
  return { cols: unfold2d(xp, g), outH, outW };
}

/** Max over each window; the gradient goes to the first maximum, as in PyTorch. */
export function maxPool2d(x: Tensor, kernelSize: Pair, options: Pool2dOptions = {}): Tensor {
  return composite(() => {
    const { cols, outH, outW } = windows('maxPool2d', x, kernelSize, options, -Infinity);
    const out = gather(cols, 2, argmax(cols, 2, true));
    return reshape(out, [x.shape[0], x.shape[1], outH, outW]);
  });
}

/** Mean over each window, counting padding as zeros (PyTorch's count_include_pad default). */
export function avgPool2d(x: Tensor, kernelSize: Pair, options: Pool2dOptions = {}): Tensor {
  return composite(() => {
    const { cols, outH, outW } = windows('avgPool2d', x, kernelSize, options, 0);
    return reshape(mean(cols, 2), [x.shape[0], x.shape[1], outH, outW]);
  });
}
