import type { DType, TypedArray } from './backend.js';

export type { DType, TypedArray };

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2 };

/** The dtype two operands promote to, NumPy/PyTorch style: bool < int32 < float32. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32';
}

/** Bytes one element takes in storage. */
export function bytesPerElement(dtype: DType): number {
  return dtype === 'bool' ? 1 : 4;
}

/** A new zeroed typed array of `dtype`. */
export function typedArrayFor(dtype: DType, size: number): Float32Array | Int32Array | Uint8Array {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** The dtype a typed array naturally holds. */
export function dtypeOfArray(data: TypedArray | number[]): DType {
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'bool';
  return 'float32';
}
