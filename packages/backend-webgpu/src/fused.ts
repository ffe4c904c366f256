/**
 * Fused kernels: softmax and logSoftmax over the last axis, layerNorm, and the in-place
 * Adam/AdamW step (shaders/softmax.wgsl, layernorm.wgsl, adam.wgsl). Each matches the
 * composition core would build from primitives, and the cpu reference in
 * packages/backend-cpu/src/fused.ts, within f32 rounding.
 */
import type { FusedKernels, View } from '@tessera/core';
import { GpuContext, ParamBlock } from './context.js';
import * as ew from './elementwise.js';
import * as shaders from './shaders/generated.js';
import { isContiguous, numel } from './strided.js';

/** Rows up to this wide use a 64-invocation workgroup; wider rows 256. */
const NARROW = 1024;

function rowsAndWidth(x: View): { rows: number; width: number } {
  const width = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1];
  return { rows: width === 0 ? 0 : numel(x.shape) / width, width };
}

/** x itself when dense, else a dense scratch copy (released after the kernel). */
function denseInput(ctx: GpuContext, x: View): { view: View; release: () => void } {
  if (isContiguous(x.shape, x.strides)) return { view: x, release: () => undefined };
  const temp = ctx.temp(numel(x.shape), x.dtype);
  const view = GpuContext.dense(temp, x.shape);
  ew.copy(ctx, x, view);
  return { view, release: () => ctx.releaseTemp(temp) };
}

export function softmax(ctx: GpuContext, x: View, out: View, log: boolean): void {
  const { rows, width } = rowsAndWidth(x);
  if (rows === 0) return;
  const input = denseInput(ctx, x);
  const wg = width <= NARROW ? 64 : 256;
  const p = new ParamBlock();
  p.u[0] = rows;
  p.u[1] = width;
  p.u[2] = input.view.offset;
  p.u[3] = out.offset;
  const kernel = ctx.kernel(`${log ? 'logSoftmax' : 'softmax'}:wg${wg}`, () => ({
    body: shaders.rowReduce + shaders.softmax,
    defs: `const LOG = ${log};`,
    wg,
    access: ['read', 'write'],
  }));
  ctx.launch(kernel, p, [input.view.buffer, out.buffer], rows);
  input.release();
}

export function layerNorm(
  ctx: GpuContext,
  x: View,
  weight: View | null,
  bias: View | null,
  eps: number,
  out: View,
  mean: View,
  rstd: View,
): void {
  const { rows, width } = rowsAndWidth(x);
  if (rows === 0) return;
  const input = denseInput(ctx, x);
  const wg = width <= NARROW ? 64 : 256;
  const last = (v: View | null) => (v ? (v.strides[v.strides.length - 1] ?? 0) : 0);
  const p = new ParamBlock();
  p.u[0] = rows;
  p.u[1] = width;
  p.u[2] = input.view.offset;
  p.u[3] = out.offset;
  p.u[4] = weight?.offset ?? 0;
  p.u[5] = last(weight);
  p.u[6] = bias?.offset ?? 0;
  p.u[7] = last(bias);
  p.u[8] = mean.offset;
  p.u[9] = rstd.offset;
  p.f[10] = eps;
  const kernel = ctx.kernel(`layerNorm:w${weight ? 1 : 0}:b${bias ? 1 : 0}:wg${wg}`, () => ({
    body: shaders.rowReduce + shaders.layernorm,
    defs: `const HAS_WEIGHT = ${weight !== null};\nconst HAS_BIAS = ${bias !== null};`,
    wg,
    access: ['read', 'read', 'read', 'write', 'write', 'write'],
  }));
  const buffers = [input.view.buffer, weight?.buffer ?? ctx.dummy, bias?.buffer ?? ctx.dummy, out.buffer, mean.buffer, rstd.buffer];
  ctx.launch(kernel, p, buffers, rows);
  input.release();
}

export function adamStep(ctx: GpuContext, param: View, grad: View, m: View, v: View, opts: Parameters<FusedKernels['adamStep']>[4]): void {
  const n = numel(param.shape);
  if (n === 0) return;
  const { lr, beta1, beta2, eps, weightDecay, decoupled, step } = opts;
  const w1 = 1 - beta1;
  const p = new ParamBlock();
  p.u[0] = n;
  p.u[1] = param.offset;
  p.u[2] = grad.offset;
  p.u[3] = m.offset;
  p.u[4] = v.offset;
  // Scalars are formed in float64 on the host, as the cpu backend does, then rounded once.
  p.f[8] = weightDecay;
  p.f[9] = w1;
  p.f[10] = beta2;
  p.f[11] = 1 - beta2;
  p.f[12] = eps;
  p.f[13] = lr / (1 - beta1 ** step);
  p.f[14] = Math.sqrt(1 - beta2 ** step);
  p.f[15] = 1 - lr * weightDecay;
  const key = `adamStep:${decoupled ? 'adamw' : 'adam'}:d${weightDecay !== 0 ? 1 : 0}:l${w1 < 0.5 ? 1 : 0}`;
  const kernel = ctx.kernel(key, () => ({
    body: shaders.adam,
    defs: `const DECOUPLED = ${decoupled};\nconst HAS_DECAY = ${weightDecay !== 0};\nconst LERP_FROM_START = ${w1 < 0.5};`,
    wg: 256,
    access: ['write', 'read', 'write', 'write'],
  }));
  ctx.launch(kernel, p, [param.buffer, grad.buffer, m.buffer, v.buffer], Math.ceil(n / 256));
}
