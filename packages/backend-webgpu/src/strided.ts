/**
 * Host-side shape arithmetic for the kernels: element counts, contiguous strides and the
 * axis merging that lets a strided kernel run at the lowest rank that describes its operands.
 */

/** Rank the strided kernels are compiled for at most (after merging axes). */
export const MAX_RANK = 8;

// Shape arithmetic shared by every backend lives in core.
export { coalesce, contiguousStrides, isContiguous, sizeOf as numel } from '@tessera/core';

/** Normalises a possibly negative axis. */
export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
