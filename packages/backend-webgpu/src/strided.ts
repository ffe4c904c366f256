/**
 * Host-side shape arithmetic for the kernels: element counts, contiguous strides and the
 * axis merging that lets a strided kernel run at the lowest rank that describes its operands.
 */

/** Rank the strided kernels are compiled for at most (after merging axes). */
export const MAX_RANK = 8;

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (contiguous) strides of a shape. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

/** Whether a view of `shape` with `strides` is dense row-major (size-1 axes may have any stride). */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== s) return false;
    s *= shape[d];
  }
  return true;
}

/**
 * Drops size-1 axes and merges neighbouring axes laid out contiguously with respect to each
 * other in every operand; the row-major walk over `shape` is unchanged.
 */
export function coalesce(
  shape: readonly number[],
  stridesList: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = stridesList.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d];
    if (size === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    for (let i = 0; merge && i < stridesList.length; i++) {
      if (outStrides[i][last] !== stridesList[i][d] * size) merge = false;
    }
    if (merge) {
      outShape[last] *= size;
      for (let i = 0; i < stridesList.length; i++) outStrides[i][last] = stridesList[i][d];
    } else {
      outShape.push(size);
      for (let i = 0; i < stridesList.length; i++) outStrides[i].push(stridesList[i][d]);
    }
  }
  return { shape: outShape, strides: outStrides };
}

/** Normalises a possibly negative axis. */
export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
