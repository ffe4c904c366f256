/**
 * Walking strided views. Every elementwise-style kernel visits its operands in the row-major
 * order of one shape; `forEachRun` turns that walk into a few long innermost runs, so the
 * kernels' inner loops are plain `for` loops over `offset + k * step`.
 */

/** The part of a view the walkers need. */
export interface Strided {
  readonly strides: readonly number[];
  readonly offset: number;
}

// Shape arithmetic shared by every backend lives in core.
import { coalesce, sizeOf as numel } from '@tessera/core';

export { coalesce, contiguousStrides, isContiguous, sizeOf as numel } from '@tessera/core';

/**
 * Visit `shape` in row-major order for several operands at once. `body(offsets, n, steps)` is
 * called once per innermost run of `n` elements: `offsets[i]` is operand i's element offset at
 * the run's start and `steps[i]` its stride along the run. `body` must not keep or modify
 * `offsets` (the array is reused). Nothing is called for an empty shape.
 */
export function forEachRun(
  shape: readonly number[],
  operands: readonly Strided[],
  body: (offsets: readonly number[], n: number, steps: readonly number[]) => void,
): void {
  const count = operands.length;
  if (numel(shape) === 0) return;
  const { shape: s, strides } = coalesce(
    shape,
    operands.map((o) => o.strides),
  );
  const cur = operands.map((o) => o.offset);
  const rank = s.length;
  if (rank === 0) {
    body(cur, 1, new Array<number>(count).fill(0));
    return;
  }
  const inner = s[rank - 1];
  const steps = strides.map((st) => st[rank - 1]);
  if (rank === 1) {
    body(cur, inner, steps);
    return;
  }
  const idx = new Array<number>(rank - 1).fill(0);
  const runs = numel(s) / inner;
  for (let r = 0; r < runs; r++) {
    body(cur, inner, steps);
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      for (let i = 0; i < count; i++) cur[i] += strides[i][d];
      if (idx[d] < s[d]) break;
      for (let i = 0; i < count; i++) cur[i] -= strides[i][d] * s[d];
      idx[d] = 0;
    }
  }
}

/** Element offsets of every element of a strided view, in row-major order. */
export function elementOffsets(shape: readonly number[], strides: readonly number[], offset: number): Int32Array {
  const out = new Int32Array(numel(shape));
  let j = 0;
  forEachRun(shape, [{ strides, offset }], (offs, n, steps) => {
    let o = offs[0];
    const st = steps[0];
    for (let k = 0; k < n; k++, o += st) out[j++] = o;
  });
  return out;
}
