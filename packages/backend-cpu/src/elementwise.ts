/**
 * Elementwise kernels: unary, binary (with broadcasting through stride-0 inputs), where,
 * cast, fill and copy. Math is done in float64 and rounded on store; int32 results wrap
 * like int32 (typed-array stores reduce modulo 2^32, `Math.imul` for products); bool outputs
 * store 0 or 1.
 */
import { BackendError, type BinaryOp, type DType, type TypedArray, type UnaryOp, type View } from '@tessera/core';
import { dataOf } from './buffers.js';
import * as m from './math.js';
import { forEachRun, isContiguous, numel } from './strided.js';

type Unary = (x: number) => number;
type Binary = (a: number, b: number) => number;

const FLOAT_UNARY: Record<UnaryOp, Unary> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: m.sign,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: m.sigmoid,
  relu: m.relu,
  gelu: m.gelu,
  geluTanh: m.geluTanh,
  silu: m.silu,
  softplus: m.softplus,
  erf: m.erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: m.roundHalfEven,
  logicalNot: (x) => (x === 0 ? 1 : 0),
};

/** int32 overrides: products wrap; rounding ops are the identity. */
const INT_UNARY: Partial<Record<UnaryOp, Unary>> = {
  square: (x) => Math.imul(x, x),
  floor: (x) => x,
  ceil: (x) => x,
  round: (x) => x,
};

const FLOAT_BINARY: Record<BinaryOp, Binary> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: m.pow,
  maximum: (a, b) => Math.max(a, b),
  minimum: (a, b) => Math.min(a, b),
  mod: m.remainder,
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  logicalAnd: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  logicalOr: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
};

const INT_BINARY: Partial<Record<BinaryOp, Binary>> = {
  mul: Math.imul,
  // Core casts to float before dividing; truncation keeps int32 semantics if it ever does not.
  div: (a, b) => (b === 0 ? 0 : Math.trunc(a / b)),
  pow: m.powInt,
  mod: m.remainderInt,
};

const toBool = (f: Unary): Unary => (x) => (f(x) !== 0 ? 1 : 0);
const toBool2 = (f: Binary): Binary => (a, b) => (f(a, b) !== 0 ? 1 : 0);

/** The scalar function for a unary op on `dtype` input writing `outDtype`. */
export function unaryFn(op: UnaryOp, dtype: DType, outDtype: DType): Unary {
  const f = (dtype !== 'float32' ? INT_UNARY[op] : undefined) ?? FLOAT_UNARY[op];
  if (!f) throw new BackendError(`cpu unary: unknown op '${op}'`);
  return outDtype === 'bool' && op !== 'logicalNot' ? toBool(f) : f;
}

export function binaryFn(op: BinaryOp, dtype: DType, outDtype: DType): Binary {
  const f = (dtype !== 'float32' ? INT_BINARY[op] : undefined) ?? FLOAT_BINARY[op];
  if (!f) throw new BackendError(`cpu binary: unknown op '${op}'`);
  return outDtype === 'bool' ? toBool2(f) : f;
}

export function unary(op: UnaryOp, x: View, out: View): void {
  const f = unaryFn(op, x.dtype, out.dtype);
  const X = dataOf(x, op);
  const O = dataOf(out, op);
  if (isContiguous(x.shape, x.strides)) {
    const n = numel(out.shape);
    const xo = x.offset;
    const oo = out.offset;
    for (let k = 0; k < n; k++) O[oo + k] = f(X[xo + k]);
    return;
  }
  forEachRun(out.shape, [x, out], (offs, n, steps) => {
    let ix = offs[0];
    let io = offs[1];
    const sx = steps[0];
    const so = steps[1];
    for (let k = 0; k < n; k++, ix += sx, io += so) O[io] = f(X[ix]);
  });
}

export function binary(op: BinaryOp, a: View, b: View, out: View): void {
  const A = dataOf(a, op);
  const B = dataOf(b, op);
  const O = dataOf(out, op);
  if (a.dtype === 'float32' && out.dtype === 'float32' && fastArith(op, a, b, out, A, B, O)) return;
  const f = binaryFn(op, a.dtype, out.dtype);
  forEachRun(out.shape, [a, b, out], (offs, n, steps) => {
    let ia = offs[0];
    let ib = offs[1];
    let io = offs[2];
    const sa = steps[0];
    const sb = steps[1];
    const so = steps[2];
    for (let k = 0; k < n; k++, ia += sa, ib += sb, io += so) O[io] = f(A[ia], B[ib]);
  });
}

/**
 * Float add/sub/mul/div with the operator inlined in its loop: these four are most of a
 * training step's elementwise work, and a call through a function table costs several times
 * the arithmetic. Returns false for other ops.
 */
function fastArith(op: BinaryOp, a: View, b: View, out: View, A: TypedArray, B: TypedArray, O: TypedArray): boolean {
  let body: (offs: readonly number[], n: number, steps: readonly number[]) => void;
  switch (op) {
    case 'add':
      body = (offs, n, steps) => {
        let ia = offs[0], ib = offs[1], io = offs[2];
        const sa = steps[0], sb = steps[1], so = steps[2];
        for (let k = 0; k < n; k++, ia += sa, ib += sb, io += so) O[io] = A[ia] + B[ib];
      };
      break;
    case 'sub':
      body = (offs, n, steps) => {
        let ia = offs[0], ib = offs[1], io = offs[2];
        const sa = steps[0], sb = steps[1], so = steps[2];
        for (let k = 0; k < n; k++, ia += sa, ib += sb, io += so) O[io] = A[ia] - B[ib];
      };
      break;
    case 'mul':
      body = (offs, n, steps) => {
        let ia = offs[0], ib = offs[1], io = offs[2];
        const sa = steps[0], sb = steps[1], so = steps[2];
        for (let k = 0; k < n; k++, ia += sa, ib += sb, io += so) O[io] = A[ia] * B[ib];
      };
      break;
    case 'div':
      body = (offs, n, steps) => {
        let ia = offs[0], ib = offs[1], io = offs[2];
        const sa = steps[0], sb = steps[1], so = steps[2];
        for (let k = 0; k < n; k++, ia += sa, ib += sb, io += so) O[io] = A[ia] / B[ib];
      };
      break;
    default:
      return false;
  }
  forEachRun(out.shape, [a, b, out], body);
  return true;
}

export function where(cond: View, a: View, b: View, out: View): void {
  const C = dataOf(cond, 'where');
  const A = dataOf(a, 'where');
  const B = dataOf(b, 'where');
  const O = dataOf(out, 'where');
  forEachRun(out.shape, [cond, a, b, out], (offs, n, steps) => {
    let ic = offs[0], ia = offs[1], ib = offs[2], io = offs[3];
    const sc = steps[0], sa = steps[1], sb = steps[2], so = steps[3];
    for (let k = 0; k < n; k++, ic += sc, ia += sa, ib += sb, io += so) O[io] = C[ic] !== 0 ? A[ia] : B[ib];
  });
}

/**
 * Strided copy with conversion to out's dtype: float -> int32 truncates toward zero (NaN and
 * +-Infinity give 0, out-of-range values wrap), anything nonzero (NaN too) -> bool 1.
 */
export function cast(x: View, out: View): void {
  const X = dataOf(x, 'cast');
  const O = dataOf(out, 'cast');
  const toBoolOut = out.dtype === 'bool' && x.dtype !== 'bool';
  forEachRun(out.shape, [x, out], (offs, n, steps) => {
    let ix = offs[0];
    let io = offs[1];
    const sx = steps[0];
    const so = steps[1];
    if (toBoolOut) {
      for (let k = 0; k < n; k++, ix += sx, io += so) O[io] = X[ix] !== 0 ? 1 : 0;
    } else {
      // Int32Array stores apply ToInt32, which truncates toward zero and sends NaN to 0.
      for (let k = 0; k < n; k++, ix += sx, io += so) O[io] = X[ix];
    }
  });
}

/** Strided copy of src into out, same shape and dtype. */
export function copy(src: View, out: View): void {
  const S = dataOf(src, 'copy');
  const O = dataOf(out, 'copy');
  if (isContiguous(src.shape, src.strides) && isContiguous(out.shape, out.strides)) {
    const n = numel(out.shape);
    if (S === O && src.offset === out.offset) return;
    O.set(S.subarray(src.offset, src.offset + n), out.offset);
    return;
  }
  forEachRun(out.shape, [src, out], (offs, n, steps) => {
    let is = offs[0];
    let io = offs[1];
    const ss = steps[0];
    const so = steps[1];
    for (let k = 0; k < n; k++, is += ss, io += so) O[io] = S[is];
  });
}

export function fill(out: View, value: number): void {
  const O = dataOf(out, 'fill');
  const v = out.dtype === 'bool' ? (value !== 0 ? 1 : 0) : value;
  if (isContiguous(out.shape, out.strides)) {
    O.fill(v, out.offset, out.offset + numel(out.shape));
    return;
  }
  forEachRun(out.shape, [out], (offs, n, steps) => {
    let io = offs[0];
    const so = steps[0];
    for (let k = 0; k < n; k++, io += so) O[io] = v;
  });
}
