/**
 * Reductions: sum/prod/max/min over any axis set, argmax/argmin along one axis, cumsum
 * (shaders/reduce.wgsl, argreduce.wgsl, cumsum.wgsl). Reference: packages/backend-cpu/src/reduce.ts.
 * sum/prod/max/min: short reductions give each output one invocation; long ones, or few
 * outputs, split each output's extent into chunks (one invocation each, partials in a scratch
 * buffer) and reduce the partials again — no workgroup memory or barriers (see splitPlan).
 * argmax/argmin: long lines give each line a workgroup (strided partials, then a tree).
 */
import { type ArgReduceOp, BackendError, type DType, type ReduceOp, ShapeError, type View } from '@tessera/core';
import { GpuContext, ParamBlock } from './context.js';
import { reducedWalkSource } from './pipelines.js';
import * as shaders from './shaders/generated.js';
import { MAX_RANK, coalesce, contiguousStrides, normAxis, numel } from './strided.js';
import { computeType, load, storageType, store } from './types.js';

/** Workgroup size of the workgroup-per-line argReduce variant. */
const GROUP_WG = 64;
/** Invocations per workgroup of the one-per-output variants. */
const SERIAL_WG = 64;
/** Reductions at most this long run one invocation per output. */
const SERIAL_MAX = 32;
/** Longest chunk one invocation of a split reduction walks. */
const MAX_CHUNK = 256;
/** Shortest chunk a split reduction makes to reach PARALLEL invocations. */
const MIN_CHUNK = 16;
/** Invocations a split reduction aims for when outputs are few. */
const PARALLEL = 1024;

function combineExpr(op: ReduceOp, dtype: DType): { init: string; combine: string } {
  const isFloat = dtype === 'float32';
  switch (op) {
    case 'sum':
      return { init: isFloat ? '0.0' : '0', combine: 'a + b' };
    case 'prod':
      return { init: isFloat ? '1.0' : '1', combine: 'a * b' };
    case 'max':
      return isFloat ? { init: '-f_inf()', combine: 'f_maximum(a, b)' } : { init: 'i32(-2147483648)', combine: 'max(a, b)' };
    case 'min':
      return isFloat ? { init: 'f_inf()', combine: 'f_minimum(a, b)' } : { init: 'i32(2147483647)', combine: 'min(a, b)' };
    default:
      throw new BackendError(`webgpu reduce: unknown op '${op as string}'`);
  }
}

/** Glue every reduction family shares: storage aliases, the compute type, load and store. */
function typeDefs(x: DType, out: DType): string {
  const c = computeType(x);
  return [
    `alias SX = ${storageType(x)};`,
    `alias SO = ${storageType(out)};`,
    `alias C = ${c};`,
    `fn ld(v: SX) -> C { return ${load(x, 'v')}; }`,
    `fn st(v: C) -> SO { return ${store(out, c, 'v')}; }`,
    `fn c_is_nan(v: C) -> bool { return ${c === 'f32' ? 'is_nan(v)' : 'false'}; }`,
    `fn c_not_finite(v: C) -> bool { return ${c === 'f32' ? 'is_nan(v) || is_inf(v)' : 'false'}; }`,
  ].join('\n');
}

export function reduce(ctx: GpuContext, op: ReduceOp, x: View, axes: readonly number[], out: View, first = true): void {
  const rank = x.shape.length;
  const reduced = new Array<boolean>(rank).fill(false);
  for (const a of axes) {
    const axis = normAxis(a, rank);
    if (axis < 0 || axis >= rank) throw new ShapeError(`webgpu ${op}: axis ${a} is out of range for rank ${rank}`);
    reduced[axis] = true;
  }
  const keptShape: number[] = [];
  const keptStrides: number[] = [];
  const redShape: number[] = [];
  const redStrides: number[] = [];
  for (let d = 0; d < rank; d++) {
    (reduced[d] ? redShape : keptShape).push(x.shape[d]);
    (reduced[d] ? redStrides : keptStrides).push(x.strides[d]);
  }
  const outputs = numel(keptShape);
  const count = numel(redShape);
  if (outputs === 0) return;
  const p = new ParamBlock();
  const keptRank = p.walk(op, keptShape, [{ offset: x.offset, strides: keptStrides }]);
  const red = coalesce(redShape, [redStrides]);
  if (red.shape.length > MAX_RANK) throw new BackendError(`webgpu ${op}: too many reduced axes after merging (${red.shape.length})`);
  p.u[1] = count;
  p.u[2] = out.offset;
  red.shape.forEach((d, i) => (p.u[40 + i] = d));
  red.strides[0].forEach((s, i) => (p.u[48 + i] = s));
  const { init, combine } = combineExpr(op, x.dtype);
  const plan = splitPlan(outputs, count, first);
  const variant = plan ? 'p' : 's';
  const kernel = ctx.kernel(`reduce:${op}:${x.dtype}:${out.dtype}:k${keptRank}:r${red.shape.length}:${variant}`, () => ({
    body: shaders.reduce,
    defs: [
      typeDefs(x.dtype, out.dtype),
      reducedWalkSource(red.shape.length, 40, 48),
      `fn init() -> C { return ${init}; }`,
      `fn combine(a: C, b: C) -> C { return ${combine}; }`,
    ].join('\n'),
    wg: SERIAL_WG,
    rank: keptRank,
    nops: 1,
    access: ['read', 'write'],
    entry: plan ? 'main_split' : 'main_serial',
  }));
  if (!plan) {
    ctx.launch(kernel, p, [x.buffer, out.buffer], Math.ceil(outputs / SERIAL_WG));
    return;
  }
  // Partials in out's dtype: the op is associative on it (int32 wraps, NaN propagates), and
  // out's dtype holds every partial exactly as the compute type does (sum of bool: int32).
  const { chunks, chunk } = plan;
  const partials = ctx.temp(chunks * outputs, out.dtype);
  p.u[2] = 0;
  p.u[3] = chunks;
  p.u[4] = chunk;
  ctx.launch(kernel, p, [x.buffer, partials], Math.ceil((chunks * outputs) / SERIAL_WG));
  reduce(ctx, op, GpuContext.dense(partials, [chunks, outputs]), [0], out, false);
  ctx.releaseTemp(partials);
}

/**
 * How to split a reduction of `count` elements into each of `outputs` outputs: null for one
 * invocation per output looping over all of it, else `chunks` invocations per output of `chunk`
 * elements each, then a reduction over the chunks. Chunks stay short (accuracy, and no
 * invocation walks a long extent alone while others idle), and when outputs are few the
 * reduction is split further until there are about PARALLEL invocations — with no workgroup
 * memory or barriers, which cost a great deal on CPU-emulated adapters (SwiftShader).
 */
function splitPlan(outputs: number, count: number, first: boolean): { chunks: number; chunk: number } | null {
  if (count <= SERIAL_MAX) return null;
  let chunks = Math.ceil(count / MAX_CHUNK);
  if (first) chunks = Math.max(chunks, Math.min(Math.ceil(PARALLEL / outputs), Math.floor(count / MIN_CHUNK)));
  if (chunks <= 1) return null;
  const chunk = Math.ceil(count / chunks);
  return { chunks: Math.ceil(count / chunk), chunk };
}

/** x's shape and strides with `axis` dropped: the walk over its lines. */
function lines(x: View, axis: number): { shape: number[]; strides: number[] } {
  return {
    shape: x.shape.filter((_, d) => d !== axis),
    strides: x.strides.filter((_, d) => d !== axis),
  };
}

export function argReduce(ctx: GpuContext, op: ArgReduceOp, x: View, axis: number, out: View): void {
  const rank = x.shape.length;
  const ax = rank === 0 ? 0 : normAxis(axis, rank);
  const len = rank === 0 ? 1 : x.shape[ax];
  const step = rank === 0 ? 0 : x.strides[ax];
  const walk = rank === 0 ? { shape: [], strides: [] } : lines(x, ax);
  const count = numel(walk.shape);
  if (count === 0) return;
  const p = new ParamBlock();
  const r = p.walk(op, walk.shape, [{ offset: x.offset, strides: walk.strides }]);
  p.u[1] = len;
  p.u[2] = out.offset;
  p.u[3] = step;
  const serial = len <= SERIAL_MAX;
  const kernel = ctx.kernel(`${op}:${x.dtype}:r${r}:${serial ? 's' : 'g'}`, () => ({
    body: shaders.argreduce,
    defs: `${typeDefs(x.dtype, 'int32')}\nconst IS_MAX = ${op === 'argmax'};`,
    wg: serial ? SERIAL_WG : GROUP_WG,
    rank: r,
    nops: 1,
    access: ['read', 'write'],
    entry: serial ? 'main_serial' : 'main',
  }));
  ctx.launch(kernel, p, [x.buffer, out.buffer], serial ? Math.ceil(count / SERIAL_WG) : count);
}

export function cumsum(ctx: GpuContext, x: View, axis: number, out: View): void {
  const rank = x.shape.length;
  const ax = rank === 0 ? 0 : normAxis(axis, rank);
  const len = rank === 0 ? 1 : x.shape[ax];
  if (len === 0) return;
  const outStrides = contiguousStrides(out.shape);
  const walkX = rank === 0 ? { shape: [], strides: [] } : lines(x, ax);
  const walkOut = rank === 0 ? [] : outStrides.filter((_, d) => d !== ax);
  const count = numel(walkX.shape);
  if (count === 0) return;
  const p = new ParamBlock();
  const r = p.walk('cumsum', walkX.shape, [
    { offset: x.offset, strides: walkX.strides },
    { offset: out.offset, strides: walkOut },
  ]);
  p.u[1] = len;
  p.u[2] = rank === 0 ? 0 : x.strides[ax];
  p.u[3] = rank === 0 ? 0 : outStrides[ax];
  const kernel = ctx.kernel(`cumsum:${x.dtype}:${out.dtype}:r${r}`, () => ({
    body: shaders.cumsum,
    defs: `${typeDefs(x.dtype, out.dtype)}\nconst KAHAN = ${x.dtype === 'float32'};`,
    wg: SERIAL_WG,
    rank: r,
    nops: 2,
    access: ['read', 'write'],
  }));
  ctx.launch(kernel, p, [x.buffer, out.buffer], Math.ceil(count / SERIAL_WG));
}
