/**
 * gather and scatterAdd along one axis (shaders/gather.wgsl, scatter_add.wgsl), with
 * torch.gather / scatter_add_ semantics. Reference: packages/backend-cpu/src/indexing.ts.
 *
 * Index range errors: core checks index ranges only on synchronous backends, and a GPU kernel
 * cannot throw. So the kernels skip every out-of-range index (gather writes 0 there, scatterAdd
 * adds nothing — no access ever leaves the tensors) and record the first one in a small error
 * buffer; `read()` copies that buffer along with its data and throws a ValueError naming the
 * op and the index. The error therefore surfaces at the first read after the bad kernel.
 */
import type { View } from '@tessera/core';
import { type GpuContext, ParamBlock } from './context.js';
import * as shaders from './shaders/generated.js';
import { contiguousStrides, normAxis, numel } from './strided.js';
import { storageType } from './types.js';

/** Op codes the kernels write into the error buffer. */
export const INDEX_ERROR_OPS: Record<number, string> = { 1: 'gather', 2: 'scatterAdd' };

const WG = 256;

export function gather(ctx: GpuContext, x: View, axis: number, index: View, out: View): void {
  const ax = normAxis(axis, x.shape.length);
  const n = numel(out.shape);
  if (n === 0) return;
  const p = new ParamBlock();
  const xBase = { offset: x.offset, strides: x.strides.map((s, d) => (d === ax ? 0 : s)) };
  const rank = p.walk('gather', out.shape, [index, out, xBase]);
  p.u[1] = x.shape[ax];
  p.u[2] = x.strides[ax];
  const kernel = ctx.kernel(`gather:${x.dtype}:r${rank}`, () => ({
    body: shaders.indexErrors + shaders.gather,
    defs: `alias S = ${storageType(x.dtype)};`,
    wg: WG,
    rank,
    nops: 3,
    access: ['read', 'read', 'write', 'write'],
  }));
  ctx.launch(kernel, p, [x.buffer, index.buffer, out.buffer, ctx.errorFlags], Math.ceil(n / WG));
}

export function scatterAdd(ctx: GpuContext, index: View, src: View, axis: number, out: View): void {
  const ax = normAxis(axis, out.shape.length);
  const n = numel(src.shape);
  if (n === 0) return;
  const outStrides = contiguousStrides(out.shape);
  const p = new ParamBlock();
  const outBase = { offset: out.offset, strides: outStrides.map((s, d) => (d === ax ? 0 : s)) };
  const rank = p.walk('scatterAdd', src.shape, [index, src, outBase]);
  p.u[1] = out.shape[ax];
  p.u[2] = outStrides[ax];
  const dtype = out.dtype;
  const accumulate =
    dtype === 'float32'
      ? 'fn accumulate(p: u32, v: SS) { add_f32(p, v); }'
      : dtype === 'int32'
        ? 'fn accumulate(p: u32, v: SS) { atomicAdd(&out[p], v); }'
        : 'fn accumulate(p: u32, v: SS) { if (v != 0u) { atomicOr(&out[p], 1u); } }';
  const kernel = ctx.kernel(`scatterAdd:${dtype}:r${rank}`, () => ({
    body: shaders.indexErrors + shaders.scatterAdd,
    defs: `alias SS = ${storageType(dtype)};\nalias AT = ${dtype === 'int32' ? 'i32' : 'u32'};\n${accumulate}`,
    wg: WG,
    rank,
    nops: 3,
    access: ['read', 'read', 'write', 'write'],
  }));
  ctx.launch(kernel, p, [index.buffer, src.buffer, out.buffer, ctx.errorFlags], Math.ceil(n / WG));
}
