/**
 * The sample generators' random numbers: a small seeded generator (splitmix32) with helpers
 * that produce float32-representable values, so the backend under test and the float64
 * reference receive exactly the same inputs. Each entry gets its own stream, seeded from its
 * name, so adding an entry never changes another entry's cases.
 */
import type { DType } from '@tessera/core';
import type { SampleInput, ViewOp } from './types.js';

export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

export class Rng {
  private state: number;

  constructor(seed: number | string) {
    this.state = typeof seed === 'string' ? hashString(seed) : seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 4294967296;
  }

  /** Integer in [low, high). */
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low));
  }

  /** Standard normal (Box-Muller). */
  gauss(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** n float32-representable values from `draw`. */
  values(n: number, draw: () => number): number[] {
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = Math.fround(draw());
    return out;
  }

  normal(shape: readonly number[], scale = 1): number[] {
    return this.values(numel(shape), () => this.gauss() * scale);
  }

  uniform(shape: readonly number[], low: number, high: number): number[] {
    return this.values(numel(shape), () => low + (high - low) * this.next());
  }

  /** Normal values pushed at least `gap` away from every point in `avoid` (kinks of relu, abs, ...). */
  awayFrom(shape: readonly number[], avoid: readonly number[] = [0], gap = 0.05, scale = 1): number[] {
    return this.values(numel(shape), () => {
      for (;;) {
        const x = this.gauss() * scale;
        if (avoid.every((p) => Math.abs(x - p) >= gap)) return x;
      }
    });
  }

  /** Distinct values (a shuffled grid plus jitter): sorting, max and argmax have no ties. */
  distinct(shape: readonly number[], scale = 1): number[] {
    const n = numel(shape);
    const order = this.permutation(n);
    return order.map((k) => Math.fround(((k - n / 2 + 0.25 + 0.5 * this.next()) / Math.max(n, 1)) * 4 * scale));
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }

  ints(shape: readonly number[], low: number, high: number): number[] {
    return Array.from({ length: numel(shape) }, () => this.int(low, high));
  }

  bools(shape: readonly number[], p = 0.5): number[] {
    return Array.from({ length: numel(shape) }, () => (this.next() < p ? 1 : 0));
  }
}

// ---- Input builders used by the table ----

/** A sample input; float data is rounded to float32 so every backend receives the same numbers. */
export function input(dtype: DType, shape: number[], data: ArrayLike<number>, view?: ViewOp[], grad?: boolean): SampleInput {
  const inp: SampleInput = { dtype, shape, data: dtype === 'float32' ? Array.from(data, (v) => Math.fround(v)) : data };
  if (view) inp.view = view;
  if (grad !== undefined) inp.grad = grad;
  return inp;
}

export const f32 = (shape: number[], data: ArrayLike<number>, view?: ViewOp[]): SampleInput => input('float32', shape, data, view);
export const i32 = (shape: number[], data: ArrayLike<number>, view?: ViewOp[]): SampleInput => input('int32', shape, data, view);
export const bool = (shape: number[], data: ArrayLike<number>, view?: ViewOp[]): SampleInput => input('bool', shape, data, view);

export const transposeView = (a = 0, b = 1): ViewOp => ({ op: 'transpose', axes: [a, b] });
export const permuteView = (axes: number[]): ViewOp => ({ op: 'permute', axes });
export const sliceView = (ranges: ([number, number, number] | null)[]): ViewOp => ({ op: 'slice', ranges });
export const expandView = (shape: number[]): ViewOp => ({ op: 'expand', shape });

/** The shape an input has after its views, computed on the host. */
export function viewedShape(inp: SampleInput): number[] {
  let shape = [...inp.shape];
  for (const v of inp.view ?? []) {
    switch (v.op) {
      case 'transpose': {
        const [a, b] = v.axes.map((x) => (x < 0 ? x + shape.length : x));
        [shape[a], shape[b]] = [shape[b], shape[a]];
        break;
      }
      case 'permute':
        shape = v.axes.map((a) => shape[a]);
        break;
      case 'slice':
        shape = shape.map((d, i) => {
          const r = v.ranges[i];
          if (!r) return d;
          const [s, e, st] = r;
          return Math.max(0, Math.ceil((Math.min(e, d) - s) / st));
        });
        break;
      case 'expand':
        shape = [...v.shape];
        break;
    }
  }
  return shape;
}
