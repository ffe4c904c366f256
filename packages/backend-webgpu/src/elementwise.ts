/**
 * Elementwise kernels: unary, binary (broadcast through stride-0 inputs), where, cast, copy
 * and fill, each one strided walk (shaders/unary.wgsl, binary.wgsl, where.wgsl, fill.wgsl)
 * specialised by a generated `apply` function. Reference: packages/backend-cpu/src/elementwise.ts.
 */
import { BackendError, type BinaryOp, COMPARISON_OPS, type DType, type UnaryOp, type View } from '@tessera/core';
import { type GpuContext, ParamBlock } from './context.js';
import * as shaders from './shaders/generated.js';
import { numel } from './strided.js';
import { type Scalar, load, storageType, store } from './types.js';

const WG = 256;

/** Float unary ops as WGSL expressions of `x` (f32); math.wgsl has the functions. */
const FLOAT_UNARY: Record<UnaryOp, string> = {
  neg: '-x',
  abs: 'abs(x)',
  sign: 'f_sign(x)',
  exp: 'f_exp(x)',
  log: 'f_log(x)',
  log1p: 'f_log1p(x)',
  expm1: 'f_expm1(x)',
  sqrt: 'f_sqrt(x)',
  rsqrt: '1.0 / f_sqrt(x)',
  square: 'x * x',
  reciprocal: '1.0 / x',
  sin: 'f_sincos(x, false)',
  cos: 'f_sincos(x, true)',
  tanh: 'f_tanh(x)',
  sigmoid: 'f_sigmoid(x)',
  relu: 'f_relu(x)',
  gelu: 'f_gelu(x)',
  geluTanh: 'f_gelu_tanh(x)',
  silu: 'f_silu(x)',
  softplus: 'f_softplus(x)',
  erf: 'f_erf(x)',
  floor: 'floor(x)',
  ceil: 'ceil(x)',
  round: 'round(x)', // WGSL rounds half to even, as PyTorch does
  logicalNot: 'f_logical_not(x)',
};

/** int32 (and bool) unary ops computed in i32; the rest go through f32 and back. */
const INT_UNARY: Partial<Record<UnaryOp, string>> = {
  neg: '-x',
  abs: 'abs(x)',
  sign: 'i_sign(x)',
  square: 'x * x',
  floor: 'x',
  ceil: 'x',
  round: 'x',
  relu: 'max(x, 0)',
  logicalNot: 'select(0, 1, x == 0)',
};

const cmp = (c: string): string => `select(0, 1, ${c})`;
const NOT_NAN = '!is_nan(a) && !is_nan(b)';

/** Float binary ops of `a`, `b` (f32); comparisons give i32 0/1. */
const FLOAT_BINARY: Record<BinaryOp, string> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  pow: 'f_pow(a, b)',
  maximum: 'f_maximum(a, b)',
  minimum: 'f_minimum(a, b)',
  mod: 'f_mod(a, b)',
  eq: cmp(`${NOT_NAN} && a == b`),
  ne: cmp('is_nan(a) || is_nan(b) || a != b'),
  lt: cmp(`${NOT_NAN} && a < b`),
  le: cmp(`${NOT_NAN} && a <= b`),
  gt: cmp(`${NOT_NAN} && a > b`),
  ge: cmp(`${NOT_NAN} && a >= b`),
  logicalAnd: cmp('bool_of_f32(a) != 0u && bool_of_f32(b) != 0u'),
  logicalOr: cmp('bool_of_f32(a) != 0u || bool_of_f32(b) != 0u'),
};

/** int32 and bool binary ops in i32 (WGSL integer arithmetic wraps, like int32). */
const INT_BINARY: Record<BinaryOp, string> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'i_div(a, b)',
  pow: 'i_pow(a, b)',
  maximum: 'max(a, b)',
  minimum: 'min(a, b)',
  mod: 'i_mod(a, b)',
  eq: cmp('a == b'),
  ne: cmp('a != b'),
  lt: cmp('a < b'),
  le: cmp('a <= b'),
  gt: cmp('a > b'),
  ge: cmp('a >= b'),
  logicalAnd: cmp('a != 0 && b != 0'),
  logicalOr: cmp('a != 0 || b != 0'),
};

/** The `apply` function of a unary op from dtype `from` to dtype `to`. */
function unaryApply(op: UnaryOp, from: DType, to: DType): string {
  const sx = storageType(from);
  const so = storageType(to);
  if (from === 'float32') {
    return `fn apply(v: ${sx}) -> ${so} { let x = v; return ${store(to, 'f32', FLOAT_UNARY[op])}; }`;
  }
  const intExpr = INT_UNARY[op];
  if (intExpr) return `fn apply(v: ${sx}) -> ${so} { let x = ${load(from, 'v')}; return ${store(to, 'i32', intExpr)}; }`;
  // Float math on integers, stored back with cast rules (as the cpu backend's Int32Array stores).
  return `fn apply(v: ${sx}) -> ${so} { let x = f32(${load(from, 'v')}); return ${store(to, 'i32', `i32_of_f32(${FLOAT_UNARY[op]})`)}; }`;
}

function binaryApply(op: BinaryOp, from: DType, to: DType): string {
  const sa = storageType(from);
  const so = storageType(to);
  const isFloat = from === 'float32';
  const expr = (isFloat ? FLOAT_BINARY : INT_BINARY)[op];
  if (!expr) throw new BackendError(`webgpu binary: unknown op '${op}'`);
  const result: Scalar = COMPARISON_OPS.has(op) || !isFloat ? 'i32' : 'f32';
  const a = load(from, 'va');
  const b = load(from, 'vb');
  return `fn apply(va: ${sa}, vb: ${sa}) -> ${so} { let a = ${a}; let b = ${b}; return ${store(to, result, expr)}; }`;
}

/** The `apply` of a cast: cast rules of the cpu backend (float -> int truncates, nonzero -> true). */
function castApply(from: DType, to: DType): string {
  const sx = storageType(from);
  const so = storageType(to);
  const expr = from === to ? 'v' : store(to, from === 'float32' ? 'f32' : 'i32', load(from, 'v'));
  return `fn apply(v: ${sx}) -> ${so} { return ${expr}; }`;
}

/** One strided one-in-one-out walk: unary ops, cast and copy share it. */
function mapKernel(ctx: GpuContext, name: string, key: string, apply: () => string, x: View, out: View): void {
  const p = new ParamBlock();
  const rank = p.walk(name, out.shape, [x, out]);
  const kernel = ctx.kernel(`${key}:r${rank}`, () => ({
    body: shaders.unary,
    defs: `alias SX = ${storageType(x.dtype)};\nalias SO = ${storageType(out.dtype)};\n${apply()}`,
    wg: WG,
    rank,
    nops: 2,
    access: ['read', 'write'],
  }));
  ctx.launch(kernel, p, [x.buffer, out.buffer], Math.ceil(numel(out.shape) / WG));
}

export function unary(ctx: GpuContext, op: UnaryOp, x: View, out: View): void {
  if (!(op in FLOAT_UNARY)) throw new BackendError(`webgpu unary: unknown op '${op}'`);
  mapKernel(ctx, op, `unary:${op}:${x.dtype}:${out.dtype}`, () => unaryApply(op, x.dtype, out.dtype), x, out);
}

export function cast(ctx: GpuContext, x: View, out: View): void {
  mapKernel(ctx, 'cast', `cast:${x.dtype}:${out.dtype}`, () => castApply(x.dtype, out.dtype), x, out);
}

export function copy(ctx: GpuContext, src: View, out: View): void {
  mapKernel(ctx, 'copy', `copy:${src.dtype}`, () => castApply(src.dtype, src.dtype), src, out);
}

export function binary(ctx: GpuContext, op: BinaryOp, a: View, b: View, out: View): void {
  const p = new ParamBlock();
  const rank = p.walk(op, out.shape, [a, b, out]);
  const kernel = ctx.kernel(`binary:${op}:${a.dtype}:${out.dtype}:r${rank}`, () => ({
    body: shaders.binary,
    defs: `alias SA = ${storageType(a.dtype)};\nalias SO = ${storageType(out.dtype)};\n${binaryApply(op, a.dtype, out.dtype)}`,
    wg: WG,
    rank,
    nops: 3,
    access: ['read', 'read', 'write'],
  }));
  ctx.launch(kernel, p, [a.buffer, b.buffer, out.buffer], Math.ceil(numel(out.shape) / WG));
}

export function where(ctx: GpuContext, cond: View, a: View, b: View, out: View): void {
  const p = new ParamBlock();
  const rank = p.walk('where', out.shape, [cond, a, b, out]);
  const kernel = ctx.kernel(`where:${out.dtype}:r${rank}`, () => ({
    body: shaders.where,
    defs: `alias S = ${storageType(out.dtype)};`,
    wg: WG,
    rank,
    nops: 4,
    access: ['read', 'read', 'read', 'write'],
  }));
  const buffers = [cond.buffer, a.buffer, b.buffer, out.buffer];
  ctx.launch(kernel, p, buffers, Math.ceil(numel(out.shape) / WG));
}

export function fill(ctx: GpuContext, out: View, value: number): void {
  const p = new ParamBlock();
  const rank = p.walk('fill', out.shape, [out]);
  if (out.dtype === 'float32') p.f[1] = value;
  else if (out.dtype === 'int32') p.i[1] = value; // ToInt32, as an Int32Array store
  else p.u[1] = value !== 0 ? 1 : 0;
  const kernel = ctx.kernel(`fill:${out.dtype}:r${rank}`, () => ({
    body: shaders.fill,
    defs: `alias S = ${storageType(out.dtype)};`,
    wg: WG,
    rank,
    nops: 1,
    access: ['write'],
  }));
  ctx.launch(kernel, p, [out.buffer], Math.ceil(numel(out.shape) / WG));
}
