/** Reductions over axes (sum, mean, prod, max, min, arg-extrema, var, std, logsumexp) and cumsum. */
import type { ReduceOp } from '../backend.js';
import { composite, noGrad, record } from '../autograd.js';
import { formatShape, ValueError } from '../errors.js';
import { normalizeAxes, normalizeAxis, shapesEqual, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, cast, div, eq, exp, log, logicalAnd, mul, sqrt, square, sub, where } from './elementwise.js';
import { backendOf, empty } from './helpers.js';
import { expand, reshape } from './views.js';

type Axes = number | readonly number[];

/**
 * The axes to reduce: normalised, sorted, and empty for a 0-d tensor (which accepts axis 0 or
 * -1 like PyTorch, but has no axis for a kernel to reduce).
 */
function reduceAxes(op: string, axes: Axes | undefined, rank: number): number[] {
  return normalizeAxes(op, axes, rank).filter((a) => a < rank);
}

/** x's shape with each reduced axis set to 1. */
function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function droppedShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.filter((_, i) => !axes.includes(i));
}

function runReduce(op: ReduceOp, x: Tensor, axes: readonly number[], keepdim: boolean): Tensor {
  const backend = backendOf(op, [x]);
  const input = (op === 'sum' || op === 'prod') && x.dtype === 'bool' ? cast(x, 'int32') : x;
  const out = empty(backend, keptShape(x.shape, axes), input.dtype);
  if (out.size > 0) backend.reduce(op, input.kernelView(), axes, out.kernelView());
  if (input !== x) input.dispose();
  if (keepdim) return out;
  const dropped = reshape(out, droppedShape(x.shape, axes));
  if (dropped !== out) out.dispose();
  return dropped;
}

/** The gradient of a reduction, broadcast back from the reduced shape to x's. */
function spread(g: Tensor, x: Tensor, axes: readonly number[]): Tensor {
  return expand(reshape(g, keptShape(x.shape, axes)), x.shape);
}

function checkNonEmpty(op: string, x: Tensor, axes: readonly number[]): void {
  if (axes.some((a) => x.shape[a] === 0) || (x.size === 0 && axes.length === x.rank)) {
    throw new ValueError(`${op}: cannot reduce over an empty axis (shape ${formatShape(x.shape)}, axes [${axes.join(', ')}]); the result has no identity.`);
  }
}

/** Sum over `axes` (all when omitted). Integer and bool inputs sum to int32. */
export function sum(x: Tensor, axes?: Axes, keepdim = false): Tensor {
  backendOf('sum', [x]);
  const ax = reduceAxes('sum', axes, x.rank);
  const out = runReduce('sum', x, ax, keepdim);
  return record('sum', out, [x], (g) => [spread(g, x, ax)]);
}

/** Mean over `axes`; integer inputs give float32. */
export function mean(x: Tensor, axes?: Axes, keepdim = false): Tensor {
  backendOf('mean', [x]);
  const ax = reduceAxes('mean', axes, x.rank);
  const n = ax.reduce((p, a) => p * x.shape[a], 1);
  return composite(() => div(sum(x.dtype === 'float32' ? x : cast(x, 'float32'), ax, keepdim), n));
}

export function prod(x: Tensor, axes?: Axes, keepdim = false): Tensor {
  backendOf('prod', [x]);
  const ax = reduceAxes('prod', axes, x.rank);
  const out = runReduce('prod', x, ax, keepdim);
  return record('prod', out, [x], (g) => {
    // Exact with zeros: the gradient of x_i is the product of the others.
    const isZero = eq(x, 0);
    const zeros = sum(isZero, ax, true);
    const others = prod(where(isZero, 1, x), ax, true);
    const outK = reshape(out, keptShape(x.shape, ax));
    const grad = where(eq(zeros, 0), div(outK, x), where(logicalAnd(eq(zeros, 1), isZero), others, 0));
    return [mul(grad, reshape(g, keptShape(x.shape, ax)))];
  });
}

function extremum(op: 'max' | 'min', x: Tensor, axes: Axes | undefined, keepdim: boolean): Tensor {
  backendOf(op, [x]);
  const ax = reduceAxes(op, axes, x.rank);
  checkNonEmpty(op, x, ax);
  const out = runReduce(op, x, ax, keepdim);
  return record(op, out, [x], (g) => {
    // Ties share the gradient evenly, as torch.amax/amin do.
    const hit = cast(eq(x, reshape(out, keptShape(x.shape, ax))), 'float32');
    const count = sum(hit, ax, true);
    return [mul(div(hit, count), reshape(g, keptShape(x.shape, ax)))];
  });
}

/** Maximum over `axes` (values only; ties share the gradient). */
export function max(x: Tensor, axes?: Axes, keepdim = false): Tensor {
  return extremum('max', x, axes, keepdim);
}

export function min(x: Tensor, axes?: Axes, keepdim = false): Tensor {
  return extremum('min', x, axes, keepdim);
}

function argExtremum(op: 'argmax' | 'argmin', x: Tensor, axis: number | undefined, keepdim: boolean): Tensor {
  const backend = backendOf(op, [x]);
  if (axis === undefined) {
    const flat = reshape(x, [x.size]);
    const r = argExtremum(op, flat, 0, false);
    if (flat !== x) flat.dispose();
    if (!keepdim) return r;
    const k = reshape(r, x.shape.map(() => 1));
    return k;
  }
  const a = normalizeAxis(op, axis, x.rank);
  checkNonEmpty(op, x, [a]);
  const input = x.dtype === 'bool' ? cast(x, 'int32') : x;
  const kept = keptShape(x.shape, [a]);
  const out = empty(backend, x.rank === 0 ? [] : kept, 'int32');
  if (out.size > 0) backend.argReduce(op, input.kernelView(), x.rank === 0 ? 0 : a, out.kernelView());
  if (input !== x) input.dispose();
  if (keepdim || x.rank === 0) return out;
  const dropped = reshape(out, droppedShape(x.shape, [a]));
  if (dropped !== out) out.dispose();
  return dropped;
}

/** Index (int32) of the first maximum along `axis`, or in the flattened tensor. */
export function argmax(x: Tensor, axis?: number, keepdim = false): Tensor {
  return argExtremum('argmax', x, axis, keepdim);
}

export function argmin(x: Tensor, axis?: number, keepdim = false): Tensor {
  return argExtremum('argmin', x, axis, keepdim);
}

export interface VarOptions {
  /** Subtracted from the count in the denominator: 1 (default) is Bessel's correction. */
  correction?: number;
  keepdim?: boolean;
}

/** Variance over `axes`, with Bessel's correction by default, like `torch.var`. */
export function variance(x: Tensor, axes?: Axes, { correction = 1, keepdim = false }: VarOptions = {}): Tensor {
  backendOf('var', [x]);
  const ax = reduceAxes('var', axes, x.rank);
  const n = ax.reduce((p, a) => p * x.shape[a], 1);
  return composite(() => div(sum(square(sub(x, mean(x, ax, true))), ax, keepdim), Math.max(n - correction, 0)));
}

export function std(x: Tensor, axes?: Axes, options: VarOptions = {}): Tensor {
  return composite(() => sqrt(variance(x, axes, options)));
}

/** log(sum(exp(x))) over `axes`, computed stably by shifting by the maximum. */
export function logsumexp(x: Tensor, axes?: Axes, keepdim = false): Tensor {
  backendOf('logsumexp', [x]);
  const ax = reduceAxes('logsumexp', axes, x.rank);
  checkNonEmpty('logsumexp', x, ax);
  return composite(() => {
    const shift = noGrad(() => {
      const m = max(x.dtype === 'float32' ? x : cast(x, 'float32'), ax, true);
      return where(m.abs().eq(Infinity), 0, m);
    });
    const out = add(log(sum(exp(sub(x, shift)), ax, true)), shift);
    return keepdim ? out : reshape(out, droppedShape(x.shape, ax));
  });
}

/** Running sum along `axis`. */
export function cumsum(x: Tensor, axis: number): Tensor {
  const backend = backendOf('cumsum', [x]);
  const a = normalizeAxis('cumsum', axis, x.rank);
  const input = x.dtype === 'bool' ? cast(x, 'int32') : x;
  const out = empty(backend, x.shape, input.dtype);
  // A 0-d tensor has no axis to scan: its cumulative sum is itself.
  if (out.size > 0 && x.rank === 0) backend.copy(input.kernelView(), out.kernelView());
  else if (out.size > 0) backend.cumsum(input.kernelView(), a, out.kernelView());
  if (input !== x) input.dispose();
  return record('cumsum', out, [x], (g) => {
    // Reverse cumulative sum: sum_{j >= i} g_j = total - cumsum(g)_i + g_i.
    if (x.rank === 0) return [g];
    return [add(sub(sum(g, a, true), cumsum(g, a)), g)];
  });
}

/** Sum `g` down to `shape` (undoing broadcasting): the gradient of a broadcast operand. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  const summed = sum(g, axes, true);
  const out = reshape(summed, shape);
  if (sizeOf(shape) !== out.size) throw new ValueError(`sumToShape: cannot reduce ${formatShape(g.shape)} to ${formatShape(shape)}.`);
  return out;
}
