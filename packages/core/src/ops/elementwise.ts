/** Elementwise ops: unary math, binary arithmetic with broadcasting, comparisons, where, cast. */
import { type BinaryOp, COMPARISON_OPS, type DType, type UnaryOp } from '../backend.js';
import { promoteTypes } from '../dtype.js';
import { DTypeError, ValueError } from '../errors.js';
import { composite, record } from '../autograd.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { asTensor, backendOf, empty, filled, scalarDType } from './helpers.js';
import { sumToShape } from './reduce.js';
import { broadcastView } from './views.js';
import { zerosLike } from './creation.js';

type Operand = Tensor | number;

// ---- Plumbing ----

/** Ops whose result is float even for integer input (torch promotes ints for these). */
const FLOAT_ONLY: ReadonlySet<UnaryOp> = new Set([
  'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'reciprocal', 'sin', 'cos', 'tanh', 'sigmoid',
  'gelu', 'geluTanh', 'silu', 'softplus', 'erf',
]);

function runUnary(op: UnaryOp, x: Tensor): Tensor {
  const backend = backendOf(op, [x]);
  let input = x;
  if (op === 'logicalNot') {
    if (x.dtype !== 'bool') input = cast(x, 'bool');
  } else if (FLOAT_ONLY.has(op)) {
    if (x.dtype !== 'float32') input = cast(x, 'float32');
  } else if (x.dtype === 'bool') {
    if (op === 'neg') throw new DTypeError('neg: negation of a bool tensor is not supported; use logicalNot() instead.');
    input = cast(x, 'int32');
  }
  const out = empty(backend, x.shape, input.dtype);
  if (out.size > 0) backend.unary(op, input.kernelView(), out.kernelView());
  if (input !== x) input.dispose();
  return out;
}

function runBinary(op: BinaryOp, a: Tensor, b: Operand, promoteTo?: DType): Tensor {
  const backend = backendOf(op, b instanceof Tensor ? [a, b] : [a]);
  const bt = asTensor(b, a);
  const shape = broadcastShapes(op, a.shape, bt.shape);
  const dtype = promoteTo ?? promoteTypes(a.dtype, bt.dtype);
  const ac = a.dtype === dtype ? a : cast(a, dtype);
  const bc = bt.dtype === dtype ? bt : cast(bt, dtype);
  const out = empty(backend, shape, COMPARISON_OPS.has(op) ? 'bool' : dtype);
  if (out.size > 0) backend.binary(op, broadcastView(ac, shape), broadcastView(bc, shape), out.kernelView());
  if (ac !== a) ac.dispose();
  if (bc !== bt) bc.dispose();
  if (bt !== b) bt.dispose();
  return out;
}

function inputs(a: Tensor, b: Operand): Tensor[] {
  return b instanceof Tensor ? [a, b] : [a];
}

function checkTensor(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: expected a Tensor, got ${x === null ? 'null' : typeof x}.`);
}

/** Gradient of a broadcast operand: the incoming gradient summed back to its shape. */
function reduceGrad(g: Tensor, operand: Operand): Tensor | null {
  return operand instanceof Tensor && operand.requiresGrad ? sumToShape(g, operand.shape) : null;
}

// ---- Unary ops ----

function unary(op: UnaryOp, x: Tensor, vjp: (g: Tensor, out: Tensor) => Tensor): Tensor {
  checkTensor(op, x);
  const out = runUnary(op, x);
  return record(op, out, [x], (g) => [vjp(g, out)]);
}

const zeroGrad = (x: Tensor) => (_g: Tensor) => zerosLike(x);

export const neg = (x: Tensor): Tensor => unary('neg', x, (g) => neg(g));
export const abs = (x: Tensor): Tensor => unary('abs', x, (g) => mul(g, sign(x)));
export function sign(x: Tensor): Tensor {
  checkTensor('sign', x);
  return record('sign', runUnary('sign', x), [x], (g) => [zeroGrad(x)(g)]);
}
export const exp = (x: Tensor): Tensor => unary('exp', x, (g, out) => mul(g, out));
export const log = (x: Tensor): Tensor => unary('log', x, (g) => div(g, x));
export const log1p = (x: Tensor): Tensor => unary('log1p', x, (g) => div(g, add(x, 1)));
export const expm1 = (x: Tensor): Tensor => unary('expm1', x, (g, out) => mul(g, add(out, 1)));
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x, (g, out) => div(mul(g, 0.5), out));
export const rsqrt = (x: Tensor): Tensor => unary('rsqrt', x, (g, out) => mul(g, mul(pow(out, 3), -0.5)));
export const square = (x: Tensor): Tensor => unary('square', x, (g) => mul(g, mul(x, 2)));
export const reciprocal = (x: Tensor): Tensor => unary('reciprocal', x, (g, out) => neg(mul(g, square(out))));
export const sin = (x: Tensor): Tensor => unary('sin', x, (g) => mul(g, cos(x)));
export const cos = (x: Tensor): Tensor => unary('cos', x, (g) => neg(mul(g, sin(x))));
export const tanh = (x: Tensor): Tensor => unary('tanh', x, (g, out) => mul(g, sub(1, square(out))));
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x, (g, out) => mul(g, mul(out, sub(1, out))));
export const relu = (x: Tensor): Tensor => unary('relu', x, (g) => mul(g, gt(x, 0)));
export const silu = (x: Tensor): Tensor =>
  unary('silu', x, (g) => {
    const s = sigmoid(x);
    return mul(g, mul(s, add(mul(x, sub(1, s)), 1)));
  });
export const softplus = (x: Tensor): Tensor => unary('softplus', x, (g) => mul(g, sigmoid(x)));
export const erf = (x: Tensor): Tensor => unary('erf', x, (g) => mul(g, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI))));
export function floor(x: Tensor): Tensor {
  checkTensor('floor', x);
  return x.dtype === 'float32' ? record('floor', runUnary('floor', x), [x], (g) => [zeroGrad(x)(g)]) : runUnary('floor', x);
}
export function ceil(x: Tensor): Tensor {
  checkTensor('ceil', x);
  return x.dtype === 'float32' ? record('ceil', runUnary('ceil', x), [x], (g) => [zeroGrad(x)(g)]) : runUnary('ceil', x);
}
/** Round half to even, like `torch.round`. */
export function round(x: Tensor): Tensor {
  checkTensor('round', x);
  return x.dtype === 'float32' ? record('round', runUnary('round', x), [x], (g) => [zeroGrad(x)(g)]) : runUnary('round', x);
}
export function logicalNot(x: Tensor): Tensor {
  checkTensor('logicalNot', x);
  return runUnary('logicalNot', x);
}

/** GELU: exact (erf) by default, or the tanh approximation GPT-2 uses. */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate === 'tanh') {
    return unary('geluTanh', x, (g) => {
      const k = Math.sqrt(2 / Math.PI);
      const x2 = square(x);
      const t = tanh(mul(mul(x, add(mul(x2, 0.044715), 1)), k));
      const left = mul(add(t, 1), 0.5);
      const right = mul(mul(x, sub(1, square(t))), mul(add(mul(x2, 3 * 0.044715), 1), 0.5 * k));
      return mul(g, add(left, right));
    });
  }
  if (approximate !== 'none') throw new ValueError(`gelu: approximate must be 'none' or 'tanh', got '${String(approximate)}'.`);
  return unary('gelu', x, (g) => {
    const cdf = mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5);
    const pdf = mul(exp(mul(square(x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
    return mul(g, add(cdf, mul(x, pdf)));
  });
}

export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkTensor('leakyRelu', x);
  return composite(() => where(gt(x, 0), x, mul(x, negativeSlope)));
}

export function elu(x: Tensor, alpha = 1): Tensor {
  checkTensor('elu', x);
  return composite(() => where(gt(x, 0), x, mul(expm1(x), alpha)));
}

/** Clamp to [min, max]; either bound may be omitted. Gradient flows where min <= x <= max. */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  checkTensor('clamp', x);
  if (min == null && max == null) throw new ValueError('clamp: give at least one of min and max.');
  if ((min != null && Number.isNaN(min)) || (max != null && Number.isNaN(max))) throw new ValueError(`clamp: bounds must not be NaN (min ${min}, max ${max}).`);
  let out = x;
  const prev: Tensor[] = [];
  if (min != null) out = runBinary('maximum', out, min);
  if (max != null) {
    if (out !== x) prev.push(out);
    out = runBinary('minimum', out, max);
  }
  for (const t of prev) t.dispose();
  return record('clamp', out, [x], (g) => {
    let mask: Tensor | null = null;
    if (min != null) mask = ge(x, min);
    if (max != null) mask = mask ? logicalAnd(mask, le(x, max)) : le(x, max);
    return [mul(g, mask!)];
  });
}

// ---- Binary ops ----

/** a + alpha * b, broadcasting. */
export function add(a: Operand, b: Operand, alpha = 1): Tensor {
  if (!(a instanceof Tensor)) return composite(() => add(asTensorFor(a, b), b, alpha));
  const rhs = alpha === 1 ? b : typeof b === 'number' ? b * alpha : mul(b, alpha);
  const out = runBinary('add', a, rhs);
  if (rhs !== b && rhs instanceof Tensor) rhs.dispose();
  return record('add', out, inputs(a, b), (g) => [reduceGrad(g, a), reduceGrad(alpha === 1 ? g : mul(g, alpha), b)]);
}

/** a - alpha * b, broadcasting. */
export function sub(a: Operand, b: Operand, alpha = 1): Tensor {
  if (!(a instanceof Tensor)) return composite(() => sub(asTensorFor(a, b), b, alpha));
  const rhs = alpha === 1 ? b : typeof b === 'number' ? b * alpha : mul(b, alpha);
  const out = runBinary('sub', a, rhs);
  if (rhs !== b && rhs instanceof Tensor) rhs.dispose();
  return record('sub', out, inputs(a, b), (g) => [reduceGrad(g, a), b instanceof Tensor && b.requiresGrad ? reduceGrad(mul(g, -alpha), b) : null]);
}

export function mul(a: Operand, b: Operand): Tensor {
  if (!(a instanceof Tensor)) return mul(b as Tensor, a);
  const out = runBinary('mul', a, b);
  return record('mul', out, inputs(a, b), (g) => [
    a.requiresGrad ? sumToShape(mul(g, b), a.shape) : null,
    b instanceof Tensor && b.requiresGrad ? sumToShape(mul(g, a), b.shape) : null,
  ]);
}

/** True division: integer inputs give float32. */
export function div(a: Operand, b: Operand): Tensor {
  if (!(a instanceof Tensor)) return composite(() => div(asTensorFor(a, b), b));
  const dtype = promoteTypes(promoteTypes(a.dtype, b instanceof Tensor ? b.dtype : 'float32'), 'float32');
  const out = runBinary('div', a, b, dtype);
  return record('div', out, inputs(a, b), (g) => [
    a.requiresGrad ? sumToShape(div(g, b), a.shape) : null,
    b instanceof Tensor && b.requiresGrad ? sumToShape(neg(div(mul(g, out), b)), b.shape) : null,
  ]);
}

/** a ** b. The exponent's gradient is zero where a == 0 and b >= 0, as in PyTorch. */
export function pow(a: Operand, b: Operand): Tensor {
  if (!(a instanceof Tensor)) return composite(() => pow(asTensorFor(a, b), b));
  const out = runBinary('pow', a, b);
  return record('pow', out, inputs(a, b), (g) => [
    a.requiresGrad ? sumToShape(mul(g, mul(pow(a, typeof b === 'number' ? b - 1 : sub(b, 1)), b)), a.shape) : null,
    b instanceof Tensor && b.requiresGrad
      ? sumToShape(mul(g, where(logicalAnd(eq(a, 0), ge(b, 0)), 0, mul(out, log(a)))), b.shape)
      : null,
  ]);
}

/** Elementwise max; on ties the gradient is split evenly, as in PyTorch. */
export function maximum(a: Operand, b: Operand): Tensor {
  return extremum('maximum', a, b);
}

export function minimum(a: Operand, b: Operand): Tensor {
  return extremum('minimum', a, b);
}

function extremum(op: 'maximum' | 'minimum', a: Operand, b: Operand): Tensor {
  if (!(a instanceof Tensor)) return extremum(op, b as Tensor, a);
  const out = runBinary(op, a, b);
  return record(op, out, inputs(a, b), (g) => {
    const wins = op === 'maximum' ? gt(a, b) : lt(a, b);
    const ties = eq(a, b);
    const share = (winner: Tensor) => add(mul(g, winner), mul(mul(g, ties), 0.5));
    const loses = logicalNot(logicalOr(wins, ties));
    return [
      a.requiresGrad ? sumToShape(share(wins), a.shape) : null,
      b instanceof Tensor && b.requiresGrad ? sumToShape(share(loses), b.shape) : null,
    ];
  });
}

/** Python-style remainder: the result has the divisor's sign. d/db = -floor(a / b), as in PyTorch. */
export function remainder(a: Tensor, b: Operand): Tensor {
  checkTensor('remainder', a);
  const out = runBinary('mod', a, b);
  return record('remainder', out, inputs(a, b), (g) => [
    a.requiresGrad ? sumToShape(g, a.shape) : null,
    b instanceof Tensor && b.requiresGrad ? sumToShape(neg(mul(g, floor(div(a, b)))), b.shape) : null,
  ]);
}

function comparison(op: BinaryOp) {
  return (a: Operand, b: Operand): Tensor => {
    if (!(a instanceof Tensor)) {
      if (!(b instanceof Tensor)) throw new ValueError(`${op}: at least one operand must be a Tensor.`);
      a = asTensorFor(a, b);
      const out = runBinary(op, a, b);
      a.dispose();
      return out;
    }
    return runBinary(op, a, b);
  };
}

export const eq = comparison('eq');
export const ne = comparison('ne');
export const lt = comparison('lt');
export const le = comparison('le');
export const gt = comparison('gt');
export const ge = comparison('ge');

export function logicalAnd(a: Tensor, b: Operand): Tensor {
  checkTensor('logicalAnd', a);
  return runBinary('logicalAnd', a, b, 'bool');
}

export function logicalOr(a: Tensor, b: Operand): Tensor {
  checkTensor('logicalOr', a);
  return runBinary('logicalOr', a, b, 'bool');
}

function asTensorFor(value: number, other: Operand): Tensor {
  if (!(other instanceof Tensor)) throw new ValueError('expected at least one Tensor operand, got two numbers.');
  return asTensor(value, other);
}

// ---- where, maskedFill, cast ----

/** cond ? a : b elementwise, broadcasting all three. */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  checkTensor('where', cond);
  const tensors = [a, b].filter((x): x is Tensor => x instanceof Tensor);
  const backend = backendOf('where', [cond, ...tensors]);
  const dtype = whereDType(a, b);
  const toOperand = (v: Operand): Tensor => (v instanceof Tensor ? (v.dtype === dtype ? v : cast(v, dtype)) : filled(backend, [], dtype, v));
  const c = cond.dtype === 'bool' ? cond : cast(cond, 'bool');
  const ac = toOperand(a);
  const bc = toOperand(b);
  const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, ac.shape), bc.shape);
  const out = empty(backend, shape, dtype);
  if (out.size > 0) backend.where(broadcastView(c, shape), broadcastView(ac, shape), broadcastView(bc, shape), out.kernelView());
  if (c !== cond) c.dispose();
  if (ac !== a) ac.dispose();
  if (bc !== b) bc.dispose();
  return record('where', out, tensors, (g) => {
    const grads: (Tensor | null)[] = [];
    if (a instanceof Tensor) grads.push(a.requiresGrad ? sumToShape(where(cond, g, 0), a.shape) : null);
    if (b instanceof Tensor) grads.push(b.requiresGrad ? sumToShape(where(cond, 0, g), b.shape) : null);
    return grads;
  });
}

function whereDType(a: Operand, b: Operand): DType {
  if (a instanceof Tensor && b instanceof Tensor) return promoteTypes(a.dtype, b.dtype);
  if (a instanceof Tensor) return promoteTypes(a.dtype, scalarDType(b as number, a.dtype));
  if (b instanceof Tensor) return promoteTypes(b.dtype, scalarDType(a, b.dtype));
  return Number.isInteger(a) && Number.isInteger(b) ? 'int32' : 'float32';
}

/** x where mask is false, `value` where it is true. */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  checkTensor('maskedFill', x);
  if (mask.dtype !== 'bool') throw new DTypeError(`maskedFill: mask must be bool, got ${mask.dtype}.`);
  return where(mask, value, x);
}

/** Convert to `dtype`. Float -> float is a no-op; gradients flow only float -> float. */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor('cast', x);
  if (x.dtype === dtype) return x;
  if (!['float32', 'int32', 'bool'].includes(dtype)) throw new DTypeError(`cast: unknown dtype '${dtype}'; expected float32, int32 or bool.`);
  const backend = backendOf('cast', [x]);
  const out = empty(backend, x.shape, dtype);
  if (out.size > 0) backend.cast(x.kernelView(), out.kernelView());
  return out;
}
