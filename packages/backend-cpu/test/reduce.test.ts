import { describe, expect, it } from 'vitest';
import { backends, contiguousStrides, empty, expectClose, numel, permute, randoms, read, tensor } from './helpers.js';

/** Naive reduction over `axes` for a dense row-major array. */
function naiveReduce(op: 'sum' | 'prod' | 'max' | 'min', data: number[], shape: number[], axes: number[]): number[] {
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const os = contiguousStrides(outShape);
  const init = { sum: 0, prod: 1, max: -Infinity, min: Infinity }[op];
  const out = new Array<number>(numel(outShape)).fill(init);
  const xs = contiguousStrides(shape);
  for (let i = 0; i < data.length; i++) {
    let o = 0;
    for (let d = 0; d < shape.length; d++) {
      const c = Math.floor(i / xs[d]) % shape[d];
      if (!axes.includes(d)) o += c * os[d];
    }
    const v = data[i];
    if (op === 'sum') out[o] += v;
    else if (op === 'prod') out[o] *= v;
    else if (op === 'max') out[o] = Number.isNaN(out[o]) || v > out[o] || Number.isNaN(v) ? (Number.isNaN(out[o]) ? out[o] : v) : out[o];
    else out[o] = Number.isNaN(out[o]) || v < out[o] || Number.isNaN(v) ? (Number.isNaN(out[o]) ? out[o] : v) : out[o];
  }
  return out;
}

describe.each(backends)('%s reductions', (name, make) => {
  const be = make();
  const tol = name === 'cpu' ? 1e-6 : 1e-13;
  const shape = [3, 4, 5];
  const data = randoms(60, 7).map((v) => Math.fround(v * 2));

  it.each([[[0]], [[1]], [[2]], [[0, 2]], [[1, 2]], [[0, 1, 2]], [[]]] as number[][][])(
    'sum/prod/max/min over axes %j match a naive loop',
    (axes) => {
      const x = tensor(be, data, shape);
      const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
      for (const op of ['sum', 'prod', 'max', 'min'] as const) {
        const out = empty(be, outShape);
        be.reduce(op, x, axes, out);
        expectClose(read(be, out), naiveReduce(op, data, shape, axes), tol);
      }
    },
  );

  it('reduces a transposed view', () => {
    const x = tensor(be, data, shape);
    const xt = permute(x, [2, 0, 1]); // [5, 3, 4]
    const dense = read(be, xt);
    const out = empty(be, [5, 1, 1]);
    be.reduce('sum', xt, [1, 2], out);
    expectClose(read(be, out), naiveReduce('sum', dense, [5, 3, 4], [1, 2]), tol);
    const out2 = empty(be, [1, 3, 1]);
    be.reduce('max', xt, [0, 2], out2);
    expectClose(read(be, out2), naiveReduce('max', dense, [5, 3, 4], [0, 2]), 0);
  });

  it('max/min propagate NaN', () => {
    const x = tensor(be, [1, Number.NaN, 3, 4, 5, 6], [2, 3]);
    const out = empty(be, [2, 1]);
    be.reduce('max', x, [1], out);
    expect(read(be, out)).toEqual([Number.NaN, 6]);
    be.reduce('min', x, [1], out);
    expect(read(be, out)).toEqual([Number.NaN, 4]);
  });

  it('reducing a size-0 axis gives the identity', () => {
    const x = tensor(be, [], [2, 0]);
    const out = empty(be, [2, 1]);
    be.reduce('sum', x, [1], out);
    expect(read(be, out)).toEqual([0, 0]);
    be.reduce('prod', x, [1], out);
    expect(read(be, out)).toEqual([1, 1]);
    be.reduce('max', x, [1], out);
    expect(read(be, out)).toEqual([-Infinity, -Infinity]);
    be.reduce('min', x, [1], out);
    expect(read(be, out)).toEqual([Infinity, Infinity]);
  });

  it('int32 sums and products wrap', () => {
    const x = tensor(be, [2147483647, 1, 65536, 65536], [2, 2], 'int32');
    const out = empty(be, [2, 1], 'int32');
    be.reduce('sum', x, [1], out);
    expect(read(be, out)).toEqual([-2147483648, 131072]);
    be.reduce('prod', x, [1], out);
    expect(read(be, out)).toEqual([2147483647, 0]);
  });

  it('argmax/argmin return the first index; NaN wins', () => {
    const x = tensor(be, [3, 1, 3, 1, 2, Number.NaN, 0, Number.NaN], [2, 4]);
    const out = empty(be, [2, 1], 'int32');
    be.argReduce('argmax', x, 1, out);
    expect(read(be, out)).toEqual([0, 1]);
    be.argReduce('argmin', x, 1, out);
    expect(read(be, out)).toEqual([1, 1]);
    const o0 = empty(be, [1, 4], 'int32');
    be.argReduce('argmax', x, 0, o0);
    expect(read(be, o0)).toEqual([0, 1, 0, 1]);
    // Along a transposed view: x^T is [4, 2], argmax over axis 1 of it = over x's axis 0.
    const o1 = empty(be, [4, 1], 'int32');
    be.argReduce('argmin', permute(x, [1, 0]), 1, o1);
    expect(read(be, o1)).toEqual([1, 1, 1, 1]);
  });

  it('cumsum along each axis, including strided input', () => {
    const x = tensor(be, [1, 2, 3, 4, 5, 6], [2, 3]);
    const out = empty(be, [2, 3]);
    be.cumsum(x, 1, out);
    expect(read(be, out)).toEqual([1, 3, 6, 4, 9, 15]);
    be.cumsum(x, 0, out);
    expect(read(be, out)).toEqual([1, 2, 3, 5, 7, 9]);
    const ot = empty(be, [3, 2]);
    be.cumsum(permute(x, [1, 0]), 0, ot);
    expect(read(be, ot)).toEqual([1, 4, 3, 9, 6, 15]);
    const xi = tensor(be, [2147483647, 1], [2], 'int32');
    const oi = empty(be, [2], 'int32');
    be.cumsum(xi, 0, oi);
    expect(read(be, oi)).toEqual([2147483647, -2147483648]);
  });
});
