import { describe, expect, it } from 'vitest';
import * as T from '@tessera/core';
import { close, f64, gradcheck, input } from './gradcheck.js';

describe('views share storage and have gradients', () => {
  it('reshape, view, permute, transpose, squeeze, unsqueeze, expand, slice, narrow, select, flatten are views', () => {
    T.use(f64);
    const x = T.arange(24, undefined, 1, { dtype: 'float32' }).reshape(2, 3, 4);
    const views = [
      x.reshape(6, 4), x.view(4, -1), x.permute(2, 0, 1), x.transpose(0, 2), x.T, x.unsqueeze(1), x.unsqueeze(1).squeeze(1),
      x.narrow(1, 1, 2), x.select(2, 3), x.slice([null, [0, 3, 2]]), x.flatten(1), x.select(0, 0).unsqueeze(0).expand(5, 3, 4),
    ];
    for (const v of views) expect(v.storage).toBe(x.storage);
    expect(x.permute(2, 0, 1).arraySync()).toEqual([
      [[0, 4, 8], [12, 16, 20]], [[1, 5, 9], [13, 17, 21]], [[2, 6, 10], [14, 18, 22]], [[3, 7, 11], [15, 19, 23]],
    ]);
    expect(x.slice([1, [1, 3], [0, 4, 3]]).arraySync()).toEqual([[16, 19], [20, 23]]);
    expect(x.slice([[-1], -1, -1]).arraySync()).toEqual([23]);
    expect(x.select(2, 3).arraySync()).toEqual([[3, 7, 11], [15, 19, 23]]);
    expect(x.narrow(2, 1, 2).flatten().arraySync()).toEqual([1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22]);
    expect(T.tensor([[1], [2]]).expand(2, 3).arraySync()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(T.tensor([1, 2]).broadcastTo([2, 2]).arraySync()).toEqual([[1, 2], [1, 2]]);
  });

  it('reshape of a non-contiguous tensor copies; view of one throws', () => {
    T.use(f64);
    const x = T.arange(6, undefined, 1, { dtype: 'float32' }).reshape(2, 3).T;
    expect(x.isContiguous).toBe(false);
    const r = x.reshape(6);
    expect(r.storage).not.toBe(x.storage);
    expect(r.arraySync()).toEqual([0, 3, 1, 4, 2, 5]);
    expect(() => x.view(6)).toThrow(T.ShapeError);
    expect(x.contiguous().isContiguous).toBe(true);
  });

  it('gradients of every view op match finite differences', () => {
    const cases: [string, (t: T.Tensor) => T.Tensor][] = [
      ['reshape', (t) => t.reshape(4, 6)],
      ['permute', (t) => t.permute(1, 2, 0)],
      ['transpose+reshape (copy)', (t) => t.transpose(0, 2).reshape(-1)],
      ['expand', (t) => t.narrow(1, 0, 1).expand(2, 5, 4)],
      ['slice with steps', (t) => t.slice([null, [0, 3, 2], [1, 4, 2]])],
      ['select', (t) => t.select(1, 2)],
      ['slice of slice', (t) => t.narrow(2, 1, 3).narrow(1, 1, 2)],
      ['squeeze/unsqueeze', (t) => t.unsqueeze(0).squeeze(0)],
      ['flatten', (t) => t.flatten(0, 1)],
    ];
    for (const [, fn] of cases) gradcheck(fn, [input([2, 3, 4], 1)]);
  });

  it('bad shapes and axes throw ShapeError naming the op and shapes', () => {
    T.use(f64);
    const x = T.zeros([2, 3]);
    expect(() => x.reshape(4, 2)).toThrow(/reshape: shape \[4, 2\] \(8 elements\) does not fit a tensor of shape \[2, 3\]/);
    expect(() => x.permute(0, 0)).toThrow(T.ShapeError);
    expect(() => x.transpose(0, 5)).toThrow(/transpose: axis 5 is out of range/);
    expect(() => x.squeeze(0)).toThrow(/squeeze/);
    expect(() => x.expand(3, 3)).toThrow(/expand: cannot expand shape \[2, 3\] to \[3, 3\]/);
    expect(() => x.narrow(1, 2, 2)).toThrow(/narrow/);
    expect(() => x.select(0, 2)).toThrow(/slice: index 2 is out of range/);
    expect(() => x.reshape(-1, -1)).toThrow(/only one dimension can be -1/);
  });
});

describe('joining, splitting and padding', () => {
  it('concat, stack, split, chunk and pad give the right values and gradients', () => {
    T.use(f64);
    const a = T.tensor([[1, 2], [3, 4]]);
    const b = T.tensor([[5, 6]]);
    expect(T.concat([a, b], 0).arraySync()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(T.concat([a, a.T], 1).arraySync()).toEqual([[1, 2, 1, 3], [3, 4, 2, 4]]);
    expect(T.stack([a, a], 2).shape).toEqual([2, 2, 2]);
    expect(T.arange(5).split(2).map((t) => t.arraySync())).toEqual([[0, 1], [2, 3], [4]]);
    expect(T.arange(5).split([1, 4]).map((t) => t.arraySync())).toEqual([[0], [1, 2, 3, 4]]);
    expect(T.arange(6).chunk(4).map((t) => t.arraySync())).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(a.pad([1, 0, 0, 1], 9).arraySync()).toEqual([[9, 1, 2], [9, 3, 4], [9, 9, 9]]);
    expect(a.pad([-1, 0]).arraySync()).toEqual([[2], [4]]);
    gradcheck((x, y) => T.concat([x, y.T], 1), [input([3, 2], 1), input([2, 3], 2)]);
    gradcheck((x, y) => T.stack([x, y], 1), [input([3, 2], 1), input([3, 2], 2)]);
    gradcheck((x) => x.split(2, 1)[1].mul(x.split(2, 1)[0]), [input([2, 4], 3)]);
    gradcheck((x) => x.pad([1, 2, 0, 1]), [input([2, 3], 4)]);
    expect(() => T.concat([a, T.zeros([2, 3])], 0)).toThrow(/concat: shapes \[2, 2\], \[2, 3\] differ outside axis 0/);
    expect(() => T.arange(5).split([2, 2])).toThrow(/do not add up to 5/);
  });
});

describe('matmul', () => {
  const naive = (a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number) => {
    const out = new Array(m * n).fill(0);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) out[i * n + j] += a[i * k + p] * b[p * n + j];
    return out;
  };

  it('2-D products of sizes that cross tile edges match a naive loop', () => {
    T.use(f64);
    for (const [m, k, n] of [[1, 1, 1], [7, 17, 33], [65, 9, 129], [33, 65, 7]]) {
      const a = input([m, k], m);
      const b = input([k, n], n);
      close(a.matmul(b).dataSync(), naive(a.dataSync(), b.dataSync(), m, k, n), 1e-12);
    }
  });

  it('1-D, batched and broadcast-batch products have PyTorch shapes', () => {
    T.use(f64);
    expect(T.matmul(T.ones([3]), T.ones([3])).shape).toEqual([]);
    expect(T.matmul(T.ones([3]), T.ones([3, 4])).shape).toEqual([4]);
    expect(T.matmul(T.ones([2, 3]), T.ones([3])).shape).toEqual([2]);
    expect(T.matmul(T.ones([5, 1, 2, 3]), T.ones([4, 3, 6])).shape).toEqual([5, 4, 2, 6]);
    const a = input([2, 3, 4], 1);
    const b = input([4, 5], 2);
    const out = a.matmul(b).dataSync();
    for (let i = 0; i < 2; i++) {
      close(out.slice(i * 15, (i + 1) * 15), naive(a.select(0, i).contiguous().dataSync(), b.dataSync(), 3, 4, 5), 1e-12);
    }
  });

  it('gradients through 1-D, transposed and broadcast-batch operands match finite differences', () => {
    gradcheck((a, b) => a.matmul(b), [input([3, 4], 1), input([4, 2], 2)]);
    gradcheck((a, b) => a.matmul(b), [input([4], 1), input([4, 2], 2)]);
    gradcheck((a, b) => a.T.matmul(b), [input([4, 3], 1), input([4, 2], 2)]);
    gradcheck((a, b) => a.matmul(b), [input([2, 1, 3, 4], 1), input([3, 4, 2], 2)]);
    gradcheck((x, w, bias) => T.linear(x, w, bias), [input([5, 3], 1), input([4, 3], 2), input([4], 3)]);
  });

  it('mismatched inner dimensions throw ShapeError with both shapes', () => {
    T.use(f64);
    expect(() => T.matmul(T.ones([2, 3]), T.ones([4, 2]))).toThrow(/matmul: inner dimensions differ: \[2, 3\] @ \[4, 2\]/);
    expect(() => T.matmul(T.ones([2, 2, 3]), T.ones([3, 3, 2]))).toThrow(/do not broadcast/);
    expect(() => T.matmul(T.scalar(1), T.ones([2]))).toThrow(T.ShapeError);
  });
});
