/**
 * The one comparison rule of the suite: a value `a` matches the reference `b` when
 * |a - b| <= atol + rtol * |b|. NaN matches NaN, and an infinity matches the same infinity.
 */
import type { DType } from '@tessera/core';
import type { Tol, ToleranceSpec } from './types.js';

/** Defaults per dtype. Integer and bool results must be exact. */
export const DEFAULT_TOLERANCE: Required<ToleranceSpec> = {
  float32: { atol: 1e-5, rtol: 1e-5 },
  int32: { atol: 0, rtol: 0 },
  bool: { atol: 0, rtol: 0 },
  grad: { atol: 1e-4, rtol: 1e-4 },
};

/** The tolerance for `dtype` (or 'grad'): the sample's, else the entry's, else the default. */
export function toleranceFor(key: DType | 'grad', ...specs: (ToleranceSpec | undefined)[]): Tol {
  for (const s of specs) {
    const t = s?.[key];
    if (t) return t;
  }
  if (key === 'grad') {
    for (const s of specs) if (s?.float32) return { atol: s.float32.atol * 10, rtol: s.float32.rtol * 10 };
  }
  return DEFAULT_TOLERANCE[key];
}

export interface Comparison {
  pass: boolean;
  maxAbsErr: number;
  maxRelErr: number;
  /** Flat index and values of the element furthest outside the tolerance (or the largest error). */
  worst?: { index: number; actual: number; expected: number };
}

export function compareValues(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tol): Comparison {
  let maxAbsErr = 0;
  let maxRelErr = 0;
  let pass = actual.length === expected.length;
  let worstExcess = -Infinity;
  let worst: Comparison['worst'];
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    const a = actual[i];
    const b = expected[i];
    if (Number.isNaN(b) || Number.isNaN(a) || !Number.isFinite(b) || !Number.isFinite(a)) {
      const same = (Number.isNaN(a) && Number.isNaN(b)) || a === b;
      if (!same) {
        pass = false;
        maxAbsErr = Infinity;
        maxRelErr = Infinity;
        if (worstExcess < Infinity) {
          worstExcess = Infinity;
          worst = { index: i, actual: a, expected: b };
        }
      }
      continue;
    }
    const err = Math.abs(a - b);
    const allowed = tol.atol + tol.rtol * Math.abs(b);
    if (err > maxAbsErr) maxAbsErr = err;
    // Relative error only where it means something: |b| above the absolute tolerance.
    if (Math.abs(b) > tol.atol && b !== 0) maxRelErr = Math.max(maxRelErr, err / Math.abs(b));
    const excess = err - allowed;
    if (excess > 0) pass = false;
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = { index: i, actual: a, expected: b };
    }
  }
  return { pass, maxAbsErr, maxRelErr, worst };
}

/** Merge comparisons: fails if any fails; errors are the largest seen. */
export function mergeComparisons(parts: readonly Comparison[]): Comparison {
  const out: Comparison = { pass: true, maxAbsErr: 0, maxRelErr: 0 };
  for (const p of parts) {
    out.pass &&= p.pass;
    out.maxAbsErr = Math.max(out.maxAbsErr, p.maxAbsErr);
    out.maxRelErr = Math.max(out.maxRelErr, p.maxRelErr);
  }
  return out;
}
