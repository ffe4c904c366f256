/**
 * Stable sort along one axis, with PyTorch's order: NaN sorts as the largest value (last
 * ascending, first descending); equal elements keep their original order either way.
 */
import type { View } from '@tessera/core';
import { dataOf } from './buffers.js';
import { contiguousStrides, forEachRun } from './strided.js';

export function sort(x: View, axis: number, descending: boolean, values: View, indices: View): void {
  const X = dataOf(x, 'sort');
  const V = dataOf(values, 'sort');
  const I = dataOf(indices, 'sort');
  const rank = x.shape.length;
  const ax = axis < 0 ? axis + rank : axis;
  const len = rank === 0 ? 1 : x.shape[ax];
  const xs = rank === 0 ? 0 : x.strides[ax];
  const os = rank === 0 ? 0 : contiguousStrides(values.shape)[ax];
  const lineShape = x.shape.map((d, i) => (i === ax ? 1 : d));
  const line = new Float64Array(len);
  const order = new Array<number>(len);
  const sign = descending ? -1 : 1;
  // Array.prototype.sort is stable, so ties stay in index order in both directions.
  const compare = (i: number, j: number): number => {
    const a = line[i];
    const b = line[j];
    const aNaN = a !== a;
    const bNaN = b !== b;
    if (aNaN || bNaN) return aNaN === bNaN ? 0 : aNaN ? sign : -sign;
    return a < b ? -sign : a > b ? sign : 0;
  };
  forEachRun(lineShape, [x, values, indices], (offs, n, steps) => {
    let ix = offs[0], iv = offs[1], ii = offs[2];
    const sx = steps[0], sv = steps[1], si = steps[2];
    for (let k = 0; k < n; k++, ix += sx, iv += sv, ii += si) {
      for (let j = 0, p = ix; j < len; j++, p += xs) {
        line[j] = X[p];
        order[j] = j;
      }
      order.sort(compare);
      for (let j = 0; j < len; j++) {
        V[iv + j * os] = line[order[j]];
        I[ii + j * os] = order[j];
      }
    }
  });
}
