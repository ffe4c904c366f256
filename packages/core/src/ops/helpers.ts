/** Plumbing every op file shares: backend checks, output allocation, scalar operands. */
import type { Backend, DType } from '../backend.js';
import { BackendError, formatShape } from '../errors.js';
import { getBackend } from '../runtime.js';
import { sizeOf } from '../shape.js';
import { Storage } from '../storage.js';
import { Tensor } from '../tensor.js';

/** The one backend all `tensors` live on; throws naming the op when they are mixed or disposed. */
export function backendOf(op: string, tensors: readonly Tensor[]): Backend {
  let backend: Backend | null = null;
  for (const t of tensors) {
    if (!(t instanceof Tensor)) throw new BackendError(`${op}: expected a Tensor, got ${describe(t)}.`);
    if (t.isDisposed) throw new BackendError(`${op}: input ${formatShape(t.shape)} ${t.dtype} was disposed and cannot be used again.`);
    if (backend && t.backend !== backend) {
      throw new BackendError(`${op}: tensors live on different backends ('${backend.name}' and '${t.backend.name}'); move them to one backend first.`);
    }
    backend ??= t.backend;
  }
  return backend ?? getBackend();
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

/** A new dense, uninitialised tensor on `backend`. */
export function empty(backend: Backend, shape: readonly number[], dtype: DType): Tensor {
  return Tensor.dense(Storage.alloc(backend, sizeOf(shape), dtype), [...shape], dtype);
}

/** A new dense tensor filled with `value`. */
export function filled(backend: Backend, shape: readonly number[], dtype: DType, value: number): Tensor {
  const t = empty(backend, shape, dtype);
  if (t.size > 0) backend.fill(t.kernelView(), value);
  return t;
}

/** The dtype a bare number takes next to a tensor: it never widens the tensor's kind beyond float32. */
export function scalarDType(value: number, other: DType): DType {
  if (other === 'float32') return 'float32';
  if (typeof value === 'boolean') return other;
  return Number.isInteger(value) ? (other === 'bool' ? 'int32' : other) : 'float32';
}

/** Turn a number operand into a 0-d tensor on the other operand's backend. */
export function asTensor(value: Tensor | number, like: Tensor): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value !== 'number' && typeof value !== 'boolean') {
    throw new BackendError(`expected a Tensor or a number, got ${describe(value)}.`);
  }
  return filled(like.backend, [], scalarDType(value, like.dtype), Number(value));
}
