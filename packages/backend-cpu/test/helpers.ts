// Hand-made views for testing kernels through the Backend contract, without core's Tensor.
import type { Backend, DType, View } from '@tessera/core';
import { createCpuBackend } from '../src/index.js';

export const backends: [string, () => Backend][] = [
  ['cpu', () => createCpuBackend()],
  ['cpu-f64', () => createCpuBackend({ float64: true })],
];

export function contiguousStrides(shape: readonly number[]): number[] {
  const s: number[] = [];
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A dense view holding `data`. */
export function tensor(be: Backend, data: ArrayLike<number>, shape: readonly number[], dtype: DType = 'float32'): View {
  const buffer = be.alloc(data.length, dtype);
  const arr = dtype === 'int32' ? Int32Array.from(data) : dtype === 'bool' ? Uint8Array.from(data) : Float64Array.from(data);
  be.write(buffer, arr);
  return { buffer, shape: [...shape], strides: contiguousStrides(shape), offset: 0, dtype };
}

/** A dense output view, pre-filled with a sentinel so untouched elements show. */
export function empty(be: Backend, shape: readonly number[], dtype: DType = 'float32', fillValue = 0): View {
  const buffer = be.alloc(numel(shape), dtype);
  const v: View = { buffer, shape: [...shape], strides: contiguousStrides(shape), offset: 0, dtype };
  be.fill(v, fillValue);
  return v;
}

/** The same buffer seen through other shape/strides/offset. */
export function restride(v: View, shape: readonly number[], strides: readonly number[], offset = v.offset): View {
  return { ...v, shape: [...shape], strides: [...strides], offset };
}

export function permute(v: View, perm: readonly number[]): View {
  return restride(v, perm.map((p) => v.shape[p]), perm.map((p) => v.strides[p]));
}

/** Broadcast to `shape` (right-aligned) with stride 0 on new or size-1 axes. */
export function expand(v: View, shape: readonly number[]): View {
  const lead = shape.length - v.shape.length;
  const strides = shape.map((d, i) => {
    const j = i - lead;
    if (j < 0) return 0;
    return v.shape[j] === 1 && d !== 1 ? 0 : v.strides[j];
  });
  return restride(v, shape, strides);
}

export function read(be: Backend, v: View): number[] {
  const r = be.readSync;
  if (!r) throw new Error('backend has no readSync');
  return Array.from(r.call(be, v));
}

/** Reads the logical element at a multi-index of any strided view, via readSync of the whole view. */
export function at(values: number[], shape: readonly number[], idx: readonly number[]): number {
  const s = contiguousStrides(shape);
  return values[idx.reduce((a, i, d) => a + i * s[d], 0)];
}

/** Deterministic pseudo-random numbers in [-1, 1). */
export function randoms(n: number, seed = 1): number[] {
  let s = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out.push(s / 2 ** 31 - 1);
  }
  return out;
}

export function f32(x: number): number {
  return Math.fround(x);
}

export function expectClose(actual: number[], expected: number[], tol: number): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (a === e) continue;
    const err = Math.abs(a - e);
    if (!(err <= tol * Math.max(1, Math.abs(e)))) {
      throw new Error(`element ${i}: got ${a}, expected ${e} (err ${err}, tol ${tol})`);
    }
  }
}
