/** Moving sample data onto backends and back: uploads, views, and reading outputs as float64. */
import { type Backend, type DType, Storage, Tensor, type TypedArray } from '@tessera/core';
import type { OpOutput, SampleInput, ViewOp } from './types.js';

/**
 * Upload dense host data as a leaf tensor. `exact64` writes a Float64Array (the float64
 * reference stores it as is, so finite-difference perturbations survive); otherwise float32
 * data is written as a Float32Array, as any backend expects.
 */
export function uploadDense(backend: Backend, dtype: DType, shape: readonly number[], data: ArrayLike<number>, exact64 = false): Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  const t = Tensor.dense(Storage.alloc(backend, size, dtype), [...shape], dtype);
  if (size > 0) backend.write(t.storage.buffer, hostArray(dtype, data, exact64));
  return t;
}

function hostArray(dtype: DType, data: ArrayLike<number>, exact64: boolean): TypedArray {
  switch (dtype) {
    case 'float32':
      return exact64 ? Float64Array.from(data) : Float32Array.from(data);
    case 'int32':
      return Int32Array.from(data);
    case 'bool':
      return Uint8Array.from(data, (v) => (v ? 1 : 0));
  }
}

export function applyViews(t: Tensor, views: readonly ViewOp[] | undefined): Tensor {
  let out = t;
  for (const v of views ?? []) {
    switch (v.op) {
      case 'transpose':
        out = out.transpose(v.axes[0], v.axes[1]);
        break;
      case 'permute':
        out = out.permute(v.axes);
        break;
      case 'slice':
        out = out.slice(v.ranges.map((r) => (r ? ([r[0], r[1], r[2]] as const) : null)));
        break;
      case 'expand':
        out = out.expand(v.shape);
        break;
    }
  }
  return out;
}

export interface Uploaded {
  /** The dense leaves (gradients are taken with respect to these). */
  leaves: Tensor[];
  /** What the op receives: each leaf with its views applied. */
  operands: Tensor[];
}

/**
 * Upload every input of a sample. `override` replaces the data of some inputs (finite
 * differences); `requiresGrad` marks which leaves record gradients.
 */
export function uploadInputs(
  backend: Backend,
  inputs: readonly SampleInput[],
  opts: { exact64?: boolean; requiresGrad?: readonly boolean[]; override?: Map<number, ArrayLike<number>> } = {},
): Uploaded {
  const leaves: Tensor[] = [];
  const operands: Tensor[] = [];
  inputs.forEach((inp, i) => {
    const leaf = uploadDense(backend, inp.dtype, inp.shape, opts.override?.get(i) ?? inp.data, opts.exact64);
    if (opts.requiresGrad?.[i]) leaf.requiresGrad_(true);
    leaves.push(leaf);
    operands.push(applyViews(leaf, inp.view));
  });
  return { leaves, operands };
}

/** An op's result as a list: a tensor, an array of them, or an object's values in key order. */
export function outputList(out: OpOutput): Tensor[] {
  if (out instanceof Tensor) return [out];
  if (Array.isArray(out)) return out;
  return Object.values(out);
}

/** A tensor's elements as float64 numbers (bool as 0/1). */
export async function readF64(t: Tensor): Promise<Float64Array> {
  const data = await t.data();
  return data instanceof Float64Array ? data : Float64Array.from(data);
}
