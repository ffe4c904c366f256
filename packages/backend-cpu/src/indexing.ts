/**
 * gather and scatterAdd along one axis, with torch.gather / torch.Tensor.scatter_add_
 * semantics. Every index is checked against the indexed axis before anything is written.
 */
import { ValueError, formatShape, type TypedArray, type View } from '@tessera/core';
import { dataOf } from './buffers.js';
import { contiguousStrides, forEachRun } from './strided.js';

/** Throws a ValueError naming `op` for the first index outside [0, size). */
function checkIndices(op: string, index: View, I: TypedArray, axis: number, size: number, shape: readonly number[]): void {
  forEachRun(index.shape, [index], (offs, n, steps) => {
    let ii = offs[0];
    const si = steps[0];
    for (let k = 0; k < n; k++, ii += si) {
      const idx = I[ii];
      if (!(idx >= 0 && idx < size)) {
        throw new ValueError(
          `${op}: index ${idx} is out of range for axis ${axis} of size ${size} (valid range [0, ${size - 1}]; tensor shape ${formatShape(shape)})`,
        );
      }
    }
  });
}

/** out[..., i, ...] = x[..., index[..., i, ...], ...] along `axis`; index has out's shape. */
export function gather(x: View, axis: number, index: View, out: View): void {
  const X = dataOf(x, 'gather');
  const I = dataOf(index, 'gather');
  const O = dataOf(out, 'gather');
  const ax = axis < 0 ? axis + x.shape.length : axis;
  checkIndices('gather', index, I, ax, x.shape[ax], x.shape);
  const step = x.strides[ax];
  // x walked with out's coordinates on every axis but `axis`, whose offset comes from the index.
  const xBase = { strides: x.strides.map((s, d) => (d === ax ? 0 : s)), offset: x.offset };
  forEachRun(out.shape, [index, out, xBase], (offs, n, steps) => {
    let ii = offs[0], io = offs[1], ix = offs[2];
    const si = steps[0], so = steps[1], sx = steps[2];
    for (let k = 0; k < n; k++, ii += si, io += so, ix += sx) O[io] = X[ix + I[ii] * step];
  });
}

/** out[..., index[..., i, ...], ...] += src[..., i, ...] along `axis`; index has src's shape. */
export function scatterAdd(index: View, src: View, axis: number, out: View): void {
  const I = dataOf(index, 'scatterAdd');
  const S = dataOf(src, 'scatterAdd');
  const O = dataOf(out, 'scatterAdd');
  const ax = axis < 0 ? axis + out.shape.length : axis;
  checkIndices('scatterAdd', index, I, ax, out.shape[ax], out.shape);
  const outStrides = contiguousStrides(out.shape);
  const step = outStrides[ax];
  const outBase = { strides: outStrides.map((s, d) => (d === ax ? 0 : s)), offset: out.offset };
  const isInt = out.dtype === 'int32';
  const isBool = out.dtype === 'bool';
  forEachRun(src.shape, [index, src, outBase], (offs, n, steps) => {
    let ii = offs[0], is = offs[1], io = offs[2];
    const si = steps[0], ss = steps[1], so = steps[2];
    for (let k = 0; k < n; k++, ii += si, is += ss, io += so) {
      const p = io + I[ii] * step;
      if (isBool) O[p] = O[p] !== 0 || S[is] !== 0 ? 1 : 0;
      else if (isInt) O[p] = (O[p] + S[is]) | 0;
      else O[p] += S[is];
    }
  });
}
