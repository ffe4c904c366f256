/**
 * Batched matmul with the bias/activation epilogue (shaders/matmul.wgsl): a 64 x 64 tiled
 * kernel with 4 x 4 register blocking, and a one-output-per-invocation kernel for thin
 * products. Operands are read through their strides (transposes and broadcast batches cost
 * nothing); accumulation is f32 with fma. Reference: packages/backend-cpu/src/matmul.ts.
 */
import type { Activation, View } from '@tessera/core';
import { type GpuContext, ParamBlock } from './context.js';
import * as shaders from './shaders/generated.js';
import { numel } from './strided.js';

/** Epilogue activations by number, as f_activation in math.wgsl numbers them. */
const ACTIVATIONS: Record<Activation, number> = { relu: 1, gelu: 2, geluTanh: 3, silu: 4, tanh: 5, sigmoid: 6 };
const SMALL_WG = 64;

export function matmul(ctx: GpuContext, a: View, b: View, out: View, epilogue?: { bias?: View; activation?: Activation }): void {
  const rank = out.shape.length;
  const M = out.shape[rank - 2];
  const N = out.shape[rank - 1];
  const K = a.shape[rank - 1];
  const batchShape = out.shape.slice(0, rank - 2);
  const batch = numel(batchShape);
  if (batch === 0 || M === 0 || N === 0) return;
  const bias = epilogue?.bias;
  const activation = epilogue?.activation ? ACTIVATIONS[epilogue.activation] : 0;
  const p = new ParamBlock();
  const batchRank = p.walk('matmul', batchShape, [
    { offset: a.offset, strides: a.strides.slice(0, rank - 2) },
    { offset: b.offset, strides: b.strides.slice(0, rank - 2) },
    { offset: bias?.offset ?? 0, strides: bias ? bias.strides.slice(0, rank - 2) : batchShape.map(() => 0) },
  ]);
  p.u[1] = M;
  p.u[2] = N;
  p.u[3] = K;
  p.u[40] = a.strides[rank - 2];
  p.u[41] = a.strides[rank - 1];
  p.u[42] = b.strides[rank - 2];
  p.u[43] = b.strides[rank - 1];
  p.u[44] = bias ? bias.strides[rank - 2] : 0;
  p.u[45] = bias ? bias.strides[rank - 1] : 0;
  p.u[46] = out.offset;
  const small = M <= 8 || N <= 8 || M * N <= 1024;
  const aK = a.strides[rank - 1] === 1;
  const bN = b.strides[rank - 1] === 1;
  const key = `matmul:${small ? 'small' : `tiled:${aK ? 'k' : 'm'}${bN ? 'n' : 'k'}`}:r${batchRank}:b${bias ? 1 : 0}:a${activation}`;
  const kernel = ctx.kernel(key, () => ({
    body: shaders.matmul,
    defs: [
      `const HAS_BIAS = ${bias ? 'true' : 'false'};`,
      `const ACTIVATION = ${activation}u;`,
      `const A_K_CONTIGUOUS = ${aK};`,
      `const B_N_CONTIGUOUS = ${bN};`,
    ].join('\n'),
    wg: SMALL_WG,
    rank: batchRank,
    nops: 3,
    access: ['read', 'read', 'read', 'write'],
    entry: small ? 'main_small' : 'main',
  }));
  const buffers = [a.buffer, b.buffer, bias?.buffer ?? ctx.dummy, out.buffer];
  if (small) {
    const total = batch * M * N;
    p.u[48] = total;
    ctx.launch(kernel, p, buffers, Math.ceil(total / SMALL_WG));
    return;
  }
  // Batches go in z; more than the grid allows are split over several dispatches.
  const gx = Math.ceil(N / 64);
  const gy = Math.ceil(M / 64);
  for (let first = 0; first < batch; first += ctx.maxWorkgroups) {
    const block = new ParamBlock();
    block.u.set(p.u);
    block.u[47] = first;
    ctx.launch(kernel, block, buffers, [gx, gy, Math.min(ctx.maxWorkgroups, batch - first)]);
  }
}
