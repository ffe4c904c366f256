/**
 * How tensor dtypes map to WGSL: the storage type of an array element, the type kernels
 * compute in, and the glue expressions between them. bool is stored as u32 0/1 and computes
 * as i32, like int32.
 */
import type { DType } from '@tessera/core';

export type Scalar = 'f32' | 'i32';

/** The WGSL storage type of a dtype's elements. */
export function storageType(dtype: DType): 'f32' | 'i32' | 'u32' {
  return dtype === 'float32' ? 'f32' : dtype === 'int32' ? 'i32' : 'u32';
}

/** The type a dtype computes in. */
export function computeType(dtype: DType): Scalar {
  return dtype === 'float32' ? 'f32' : 'i32';
}

/** Expression turning storage value `v` of `dtype` into its compute type. */
export function load(dtype: DType, v: string): string {
  return dtype === 'bool' ? `i32(${v})` : v;
}

/** Expression turning a value `v` of compute type `from` into the storage type of `dtype`. */
export function store(dtype: DType, from: Scalar, v: string): string {
  switch (dtype) {
    case 'float32':
      return from === 'f32' ? v : `f32(${v})`;
    case 'int32':
      return from === 'i32' ? v : `i32_of_f32(${v})`;
    case 'bool':
      return from === 'f32' ? `bool_of_f32(${v})` : `bool_of_i32(${v})`;
  }
}
