/**
 * Stable sort along one axis (shaders/sort.wgsl): load each line into padded scratch, run the
 * bitonic network (log2(P) (log2(P) + 1) / 2 compare-exchange dispatches for lines padded to
 * P), then write values and indices. Reference: packages/backend-cpu/src/sort.ts.
 */
import type { View } from '@tessera/core';
import { type GpuContext, ParamBlock } from './context.js';
import * as shaders from './shaders/generated.js';
import { contiguousStrides, normAxis, numel } from './strided.js';
import { storageType } from './types.js';

const WG = 256;

export function sort(ctx: GpuContext, x: View, axis: number, descending: boolean, values: View, indices: View): void {
  const rank = x.shape.length;
  const ax = rank === 0 ? 0 : normAxis(axis, rank);
  const len = rank === 0 ? 1 : x.shape[ax];
  const lineShape = rank === 0 ? [] : x.shape.filter((_, d) => d !== ax);
  const lines = numel(lineShape);
  if (lines === 0 || len === 0) return;
  const P = 2 ** Math.ceil(Math.log2(len));
  const outStrides = contiguousStrides(values.shape);
  const dropAxis = (s: readonly number[]) => (rank === 0 ? [] : s.filter((_, d) => d !== ax));
  const base = new ParamBlock();
  const r = base.walk('sort', lineShape, [
    { offset: x.offset, strides: dropAxis(x.strides) },
    { offset: values.offset, strides: dropAxis(outStrides) },
    { offset: indices.offset, strides: dropAxis(outStrides) },
  ]);
  base.u[1] = len;
  base.u[2] = P;
  base.u[3] = rank === 0 ? 0 : x.strides[ax];
  base.u[42] = rank === 0 ? 0 : outStrides[ax];
  const s = storageType(x.dtype);
  const defs = [
    `alias SX = ${s};`,
    `const DESCENDING = ${descending};`,
    `fn key_is_nan(v: SX) -> bool { return ${s === 'f32' ? 'is_nan(v)' : 'false'}; }`,
    `fn key_lt(a: SX, b: SX) -> bool { return a < b; }`,
  ].join('\n');
  const kernel = (entry: string) =>
    ctx.kernel(`sort:${entry}:${x.dtype}:${descending ? 'desc' : 'asc'}:r${r}`, () => ({
      body: shaders.sort,
      defs,
      wg: WG,
      rank: r,
      nops: 3,
      access: ['read', 'write', 'write', 'write', 'write'],
      entry,
    }));
  const keys = ctx.temp(lines * P, x.dtype);
  const idx = ctx.temp(lines * P, 'int32');
  const buffers = [x.buffer, keys, idx, values.buffer, indices.buffer];
  const launch = (entry: string, n: number, j = 0, k = 0) => {
    const p = new ParamBlock();
    p.u.set(base.u);
    p.u[0] = n;
    p.u[40] = j;
    p.u[41] = k;
    ctx.launch(kernel(entry), p, buffers, Math.ceil(n / WG));
  };
  launch('load', lines * P);
  for (let k = 2; k <= P; k *= 2) {
    for (let j = k / 2; j >= 1; j /= 2) launch('step', (lines * P) / 2, j, k);
  }
  launch('store', lines * len);
  ctx.releaseTemp(keys);
  ctx.releaseTemp(idx);
}
