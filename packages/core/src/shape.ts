import { formatShape, ShapeError } from './errors.js';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a dense tensor of `shape`. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Whether (shape, strides) lay elements out densely in row-major order (size-1 axes ignored). */
export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** NumPy broadcasting of two shapes; throws naming `op` when they do not broadcast. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast (axis ${i - rank}: ${da} vs ${db}); expected equal sizes or 1.`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Normalise a possibly negative axis for a tensor of rank `rank`. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -Math.max(rank, 1) || axis >= Math.max(rank, 1)) {
    throw new ShapeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}; expected an integer in [${-Math.max(rank, 1)}, ${Math.max(rank, 1) - 1}].`);
  }
  return axis < 0 ? axis + Math.max(rank, 1) : axis;
}

/** Normalise and de-duplicate a list of axes (undefined = all axes), sorted ascending. */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const seen = new Set<number>();
  for (const a of list) {
    const n = normalizeAxis(op, a, rank);
    if (seen.has(n)) throw new ShapeError(`${op}: axis ${a} appears twice in [${list.join(', ')}].`);
    seen.add(n);
  }
  return [...seen].sort((x, y) => x - y);
}

/** Validate a shape given by a user: non-negative integers. */
export function checkShape(op: string, shape: Shape): number[] {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(`${op}: shape ${Array.isArray(shape) ? formatShape(shape) : String(shape)} is invalid; expected non-negative integers.`);
  }
  return [...shape];
}

/**
 * Drops size-1 axes and merges neighbouring axes that are laid out contiguously with respect
 * to each other in every operand, so a strided kernel runs at the lowest rank that describes
 * its operands. The row-major walk order over `shape` is unchanged. For backends.
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
      // The previous kept axis steps over exactly `size` elements of this one.
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
