/**
 * Reductions: sum/prod/max/min over any set of axes, argmax/argmin along one axis, cumsum.
 * Accumulators are float64 (JS numbers), so float32 sums lose nothing until the final store.
 */
import { ShapeError, type ArgReduceOp, type ReduceOp, type View } from '@tessera/core';
import { dataOf } from './buffers.js';
import { contiguousStrides, forEachRun, numel } from './strided.js';

/**
 * Walks x once in its own row-major order, folding each element into a float64 accumulator
 * slot addressed through out's strides with 0 on the reduced axes. Any axis set is handled
 * by the same loop, and a contiguous x is read sequentially.
 */
export function reduce(op: ReduceOp, x: View, axes: readonly number[], out: View): void {
  const X = dataOf(x, op);
  const O = dataOf(out, op);
  const rank = x.shape.length;
  const reduced = new Array<boolean>(rank).fill(false);
  for (const a of axes) {
    const axis = a < 0 ? a + rank : a;
    if (axis < 0 || axis >= rank) throw new ShapeError(`cpu ${op}: axis ${a} is out of range for rank ${rank}`);
    reduced[axis] = true;
  }
  const outCount = numel(out.shape);
  const accStrides = contiguousStrides(out.shape).map((s, d) => (reduced[d] ? 0 : s));
  const isInt = x.dtype !== 'float32';
  const init = op === 'sum' ? 0 : op === 'prod' ? 1 : op === 'max' ? -Infinity : Infinity;
  const acc = new Float64Array(outCount).fill(init);
  const operands = [x, { strides: accStrides, offset: 0 }];
  switch (op) {
    case 'sum':
      forEachRun(x.shape, operands, (offs, n, steps) => {
        let ix = offs[0], ia = offs[1];
        const sx = steps[0], sa = steps[1];
        if (sa === 0) {
          let s = acc[ia];
          for (let k = 0; k < n; k++, ix += sx) s += X[ix];
          acc[ia] = s;
        } else {
          for (let k = 0; k < n; k++, ix += sx, ia += sa) acc[ia] += X[ix];
        }
      });
      break;
    case 'prod':
      forEachRun(x.shape, operands, (offs, n, steps) => {
        let ix = offs[0], ia = offs[1];
        const sx = steps[0], sa = steps[1];
        if (isInt) for (let k = 0; k < n; k++, ix += sx, ia += sa) acc[ia] = Math.imul(acc[ia], X[ix]);
        else for (let k = 0; k < n; k++, ix += sx, ia += sa) acc[ia] *= X[ix];
      });
      break;
    case 'max':
      forEachRun(x.shape, operands, (offs, n, steps) => {
        let ix = offs[0], ia = offs[1];
        const sx = steps[0], sa = steps[1];
        for (let k = 0; k < n; k++, ix += sx, ia += sa) {
          const v = X[ix];
          // NaN propagates: once the slot holds NaN no comparison replaces it.
          if (v > acc[ia] || v !== v) acc[ia] = v;
        }
      });
      break;
    case 'min':
      forEachRun(x.shape, operands, (offs, n, steps) => {
        let ix = offs[0], ia = offs[1];
        const sx = steps[0], sa = steps[1];
        for (let k = 0; k < n; k++, ix += sx, ia += sa) {
          const v = X[ix];
          if (v < acc[ia] || v !== v) acc[ia] = v;
        }
      });
      break;
    default:
      throw new ShapeError(`cpu reduce: unknown op '${op as string}'`);
  }
  const oo = out.offset;
  if (out.dtype === 'bool') for (let i = 0; i < outCount; i++) O[oo + i] = acc[i] !== 0 ? 1 : 0;
  else O.set(acc, oo);
}

/** Index of the first max (min) along `axis`; NaN counts as larger (and smaller) than everything. */
export function argReduce(op: ArgReduceOp, x: View, axis: number, out: View): void {
  const X = dataOf(x, op);
  const O = dataOf(out, op);
  const rank = x.shape.length;
  const ax = axis < 0 ? axis + rank : axis;
  const len = x.shape[ax];
  const step = x.strides[ax];
  const isMax = op === 'argmax';
  forEachRun(out.shape, [x, out], (offs, n, steps) => {
    let ix = offs[0], io = offs[1];
    const sx = steps[0], so = steps[1];
    for (let k = 0; k < n; k++, ix += sx, io += so) {
      let best = 0;
      let bestV = len > 0 ? X[ix] : 0;
      if (bestV === bestV) {
        for (let j = 1, p = ix + step; j < len; j++, p += step) {
          const v = X[p];
          if (v !== v) {
            best = j;
            break;
          }
          if (isMax ? v > bestV : v < bestV) {
            best = j;
            bestV = v;
          }
        }
      }
      O[io] = best;
    }
  });
}

/** Running sum along `axis`; int32 sums wrap. */
export function cumsum(x: View, axis: number, out: View): void {
  const X = dataOf(x, 'cumsum');
  const O = dataOf(out, 'cumsum');
  const rank = x.shape.length;
  const ax = axis < 0 ? axis + rank : axis;
  const len = x.shape[ax];
  if (len === 0) return;
  const xs = x.strides[ax];
  const os = contiguousStrides(out.shape)[ax];
  const lineShape = x.shape.map((d, i) => (i === ax ? 1 : d));
  const isInt = x.dtype !== 'float32';
  const isBool = out.dtype === 'bool';
  forEachRun(lineShape, [x, out], (offs, n, steps) => {
    let ix = offs[0], io = offs[1];
    const sx = steps[0], so = steps[1];
    for (let k = 0; k < n; k++, ix += sx, io += so) {
      let s = 0;
      for (let j = 0, p = ix, q = io; j < len; j++, p += xs, q += os) {
        s = isInt ? (s + X[p]) | 0 : s + X[p];
        O[q] = isBool ? (s !== 0 ? 1 : 0) : s;
      }
    }
  });
}
