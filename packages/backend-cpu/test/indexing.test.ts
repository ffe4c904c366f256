import { ValueError } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { backends, empty, permute, read, tensor } from './helpers.js';

describe.each(backends)('%s gather / scatterAdd', (_name, make) => {
  const be = make();

  it('gather follows torch.gather along each axis', () => {
    const x = tensor(be, [1, 2, 3, 4, 5, 6], [2, 3]);
    const i1 = tensor(be, [2, 0, 1, 1], [2, 2], 'int32');
    const o1 = empty(be, [2, 2]);
    be.gather(x, 1, i1, o1);
    expect(read(be, o1)).toEqual([3, 1, 5, 5]);
    const i0 = tensor(be, [1, 0, 1], [1, 3], 'int32');
    const o0 = empty(be, [1, 3]);
    be.gather(x, 0, i0, o0);
    expect(read(be, o0)).toEqual([4, 2, 6]);
    // Transposed x: x^T is [3, 2] = [[1, 4], [2, 5], [3, 6]].
    const it2 = tensor(be, [1, 0, 0], [3, 1], 'int32');
    const ot = empty(be, [3, 1]);
    be.gather(permute(x, [1, 0]), 1, it2, ot);
    expect(read(be, ot)).toEqual([4, 2, 3]);
  });

  it('scatterAdd accumulates repeated indices', () => {
    const out = empty(be, [2, 3]);
    const index = tensor(be, [0, 0, 2, 1, 1, 1], [2, 3], 'int32');
    const src = tensor(be, [1, 2, 3, 4, 5, 6], [2, 3]);
    be.scatterAdd(index, src, 1, out);
    expect(read(be, out)).toEqual([3, 0, 3, 0, 15, 0]);
    const out0 = empty(be, [3, 3]);
    be.scatterAdd(tensor(be, [2, 0, 2, 2, 1, 0], [2, 3], 'int32'), src, 0, out0);
    expect(read(be, out0)).toEqual([0, 2, 6, 0, 5, 0, 5, 0, 3]);
  });

  it('out-of-range indices throw a ValueError naming the op, index and range, writing nothing', () => {
    const x = tensor(be, [1, 2, 3, 4, 5, 6], [2, 3]);
    const bad = tensor(be, [0, 3], [2, 1], 'int32');
    const o = empty(be, [2, 1], 'float32', -9);
    expect(() => be.gather(x, 1, bad, o)).toThrow(ValueError);
    expect(() => be.gather(x, 1, bad, o)).toThrow(/gather: index 3 .*\[0, 2\]/);
    const neg = tensor(be, [-1, 0], [2, 1], 'int32');
    expect(() => be.gather(x, 1, neg, o)).toThrow(/index -1/);
    const out = empty(be, [2, 3]);
    const idx = tensor(be, [0, 1, 2, 0, 1, 3], [2, 3], 'int32');
    expect(() => be.scatterAdd(idx, x, 1, out)).toThrow(/scatterAdd: index 3 .*\[0, 2\]/);
    expect(read(be, out)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe.each(backends)('%s sort', (_name, make) => {
  const be = make();

  it('sorts stably along an axis with NaN as the largest value', () => {
    const x = tensor(be, [3, 1, Number.NaN, 1, 2, 0, 5, 5], [2, 4]);
    const v = empty(be, [2, 4]);
    const i = empty(be, [2, 4], 'int32');
    be.sort(x, 1, false, v, i);
    expect(read(be, v)).toEqual([1, 1, 3, Number.NaN, 0, 2, 5, 5]);
    expect(read(be, i)).toEqual([1, 3, 0, 2, 1, 0, 2, 3]);
    be.sort(x, 1, true, v, i);
    expect(read(be, v)).toEqual([Number.NaN, 3, 1, 1, 5, 5, 2, 0]);
    expect(read(be, i)).toEqual([2, 0, 1, 3, 2, 3, 0, 1]);
    const v0 = empty(be, [2, 4]);
    const i0 = empty(be, [2, 4], 'int32');
    be.sort(x, 0, false, v0, i0);
    expect(read(be, v0)).toEqual([2, 0, 5, 1, 3, 1, Number.NaN, 5]);
    expect(read(be, i0)).toEqual([1, 1, 1, 0, 0, 0, 0, 1]);
  });

  it('sorts a transposed view', () => {
    const x = tensor(be, [4, 3, 2, 1, 0, 5], [3, 2]);
    const v = empty(be, [2, 3]);
    const i = empty(be, [2, 3], 'int32');
    be.sort(permute(x, [1, 0]), 1, false, v, i); // rows [4, 2, 0] and [3, 1, 5]
    expect(read(be, v)).toEqual([0, 2, 4, 1, 3, 5]);
    expect(read(be, i)).toEqual([2, 1, 0, 1, 0, 2]);
  });
});
