/** Creating tensors: from data, constants, ranges, and the seeded random generator. */
import type { Backend, DType, TypedArray } from '../backend.js';
import { dtypeOfArray, typedArrayFor } from '../dtype.js';
import { DTypeError, formatShape, ShapeError, ValueError } from '../errors.js';
import { normalFloats, uniformFloats, uniformInts } from '../random.js';
import { getBackend } from '../runtime.js';
import { checkShape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { empty, filled } from './helpers.js';

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  /** Defaults to the active backend. */
  backend?: Backend;
}

/** Nested arrays of numbers or booleans, a typed array, or a single number. */
export type TensorData = number | boolean | TypedArray | readonly NestedData[];
type NestedData = number | boolean | readonly NestedData[];

const DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

function finish(t: Tensor, opts: CreateOptions, op: string): Tensor {
  if (opts.requiresGrad) {
    if (t.dtype !== 'float32') throw new DTypeError(`${op}: only float32 tensors can require grad, got ${t.dtype}.`);
    t.requiresGrad = true;
  }
  return t;
}

function checkDType(op: string, dtype: DType): DType {
  if (!DTYPES.includes(dtype)) throw new DTypeError(`${op}: unknown dtype '${String(dtype)}'; expected one of ${DTYPES.join(', ')}.`);
  return dtype;
}

/** Upload a dense typed array as a tensor of `shape`. */
export function fromArray(data: TypedArray, shape: readonly number[], opts: CreateOptions = {}): Tensor {
  const dtype = checkDType('fromArray', opts.dtype ?? dtypeOfArray(data));
  const size = sizeOf(shape);
  if (data.length !== size) {
    throw new ShapeError(`fromArray: ${data.length} values do not fill shape ${formatShape(shape)} (${size} elements).`);
  }
  const backend = opts.backend ?? getBackend();
  const t = empty(backend, shape, dtype);
  if (size > 0) {
    // Float64Array passes through for float32: a float64 reference backend keeps every bit.
    const needsConversion = dtypeOfArray(data) !== dtype;
    backend.write(t.storage.buffer, needsConversion ? convert(data, dtype) : data);
  }
  return finish(t, opts, 'fromArray');
}

function convert(data: TypedArray, dtype: DType): TypedArray {
  const out = typedArrayFor(dtype, data.length);
  if (dtype === 'bool') for (let i = 0; i < data.length; i++) out[i] = data[i] !== 0 ? 1 : 0;
  else if (dtype === 'int32') for (let i = 0; i < data.length; i++) out[i] = Math.trunc(data[i]);
  else out.set(data);
  return out;
}

/**
 * A tensor from nested arrays, a typed array (1-D, or reshaped by `shape`) or a number.
 * The dtype is inferred (booleans -> bool, Int32Array -> int32, otherwise float32) unless given.
 */
export function tensor(data: TensorData, opts: CreateOptions & { shape?: readonly number[] } = {}): Tensor {
  if (ArrayBuffer.isView(data)) {
    return fromArray(data as TypedArray, opts.shape ?? [(data as TypedArray).length], opts);
  }
  const shape: number[] = [];
  let probe: unknown = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: (number | boolean)[] = [];
  let sawBool = false;
  let sawNumber = false;
  const walk = (v: unknown, axis: number): void => {
    if (axis === shape.length) {
      if (typeof v === 'boolean') sawBool = true;
      else if (typeof v === 'number') sawNumber = true;
      else throw new ValueError(`tensor: element ${JSON.stringify(v)} is not a number or boolean.`);
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) {
      throw new ShapeError(`tensor: ragged nested array; at depth ${axis} expected length ${shape[axis]}, got ${Array.isArray(v) ? v.length : 'a scalar'} (shape so far ${formatShape(shape)}).`);
    }
    for (const x of v) walk(x, axis + 1);
  };
  walk(data, 0);
  const dtype = opts.dtype ?? (sawBool && !sawNumber ? 'bool' : 'float32');
  const values = typedArrayFor(checkDType('tensor', dtype), flat.length);
  for (let i = 0; i < flat.length; i++) values[i] = dtype === 'bool' ? (flat[i] ? 1 : 0) : Number(flat[i]);
  const target = opts.shape ?? shape;
  return fromArray(values, target, { ...opts, dtype });
}

/** A 0-d tensor holding `value`. */
export function scalar(value: number, opts: CreateOptions = {}): Tensor {
  return tensor(value, opts);
}

export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  checkShape('full', shape);
  const dtype = checkDType('full', opts.dtype ?? 'float32');
  return finish(filled(opts.backend ?? getBackend(), shape, dtype, value), opts, 'full');
}

export function zeros(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return full(shape, 0, opts);
}

export function ones(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return full(shape, 1, opts);
}

function likeOptions(t: Tensor, opts: CreateOptions): CreateOptions {
  return { dtype: t.dtype, backend: t.backend, ...opts };
}

export function zerosLike(t: Tensor, opts: CreateOptions = {}): Tensor {
  return full(t.shape, 0, likeOptions(t, opts));
}

export function onesLike(t: Tensor, opts: CreateOptions = {}): Tensor {
  return full(t.shape, 1, likeOptions(t, opts));
}

export function fullLike(t: Tensor, value: number, opts: CreateOptions = {}): Tensor {
  return full(t.shape, value, likeOptions(t, opts));
}

/**
 * Values from `start` to `end` (exclusive) by `step`, like `torch.arange`. With one argument,
 * `arange(n)` counts 0..n-1. Integer arguments give int32 unless a dtype is given.
 */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0 || !Number.isFinite(start) || !Number.isFinite(end) || !Number.isFinite(step)) {
    throw new ValueError(`arange: start ${start}, end ${end}, step ${step} must be finite with a nonzero step.`);
  }
  const n = Math.max(0, Math.ceil((end - start) / step));
  const allInt = [start, end, step].every(Number.isInteger);
  const dtype = opts.dtype ?? (allInt ? 'int32' : 'float32');
  const values = typedArrayFor(dtype, n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return fromArray(values, [n], { ...opts, dtype });
}

/** `steps` evenly spaced values from `start` to `end` inclusive. */
export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new ValueError(`linspace: steps must be a non-negative integer, got ${steps}.`);
  const values = new Float32Array(steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  for (let i = 0; i < steps; i++) values[i] = i === steps - 1 && steps > 1 ? end : start + i * delta;
  return fromArray(values, [steps], { ...opts, dtype: opts.dtype ?? 'float32' });
}

/** The n x m identity matrix (m defaults to n). */
export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  checkShape('eye', [n, m]);
  const dtype = opts.dtype ?? 'float32';
  const values = typedArrayFor(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return fromArray(values, [n, m], { ...opts, dtype });
}

/** Uniform samples in [0, 1) from the default generator (see `manualSeed`). */
export function rand(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  checkShape('rand', shape);
  return fromArray(uniformFloats(sizeOf(shape)), shape, { ...opts, dtype: 'float32' });
}

/** Standard normal samples from the default generator. */
export function randn(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  checkShape('randn', shape);
  return fromArray(normalFloats(sizeOf(shape)), shape, { ...opts, dtype: 'float32' });
}

/** Integers uniform in [low, high). */
export function randint(low: number, high: number, shape: readonly number[], opts: CreateOptions = {}): Tensor {
  checkShape('randint', shape);
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ValueError(`randint: expected integers low < high, got low ${low}, high ${high}.`);
  }
  return fromArray(uniformInts(sizeOf(shape), low, high), shape, { ...opts, dtype: 'int32' });
}

/** 1 with probability `p`, else 0, from the default generator. */
export function bernoulli(p: number, shape: readonly number[], opts: CreateOptions = {}): Tensor {
  checkShape('bernoulli', shape);
  if (!(p >= 0 && p <= 1)) throw new ValueError(`bernoulli: probability ${p} is outside [0, 1].`);
  const u = uniformFloats(sizeOf(shape));
  const dtype = opts.dtype ?? 'float32';
  const values = typedArrayFor(dtype, u.length);
  for (let i = 0; i < u.length; i++) values[i] = u[i] < p ? 1 : 0;
  return fromArray(values, shape, { ...opts, dtype });
}
