import { describe, expect, it } from 'vitest';
import * as T from '@tessera/core';
import { close, f64, gradcheck, input, values } from './gradcheck.js';

/** Reference reduction of a [2, 3, 4] array over the given axes, keepdim shape. */
function reduceRef(data: Float64Array, shape: number[], axes: number[], init: number, f: (acc: number, v: number) => number): number[] {
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = new Array(outShape.reduce((p, d) => p * d, 1)).fill(init);
  const strides = [shape[1] * shape[2], shape[2], 1];
  const oStrides = [outShape[1] * outShape[2], outShape[2], 1];
  for (let i = 0; i < shape[0]; i++)
    for (let j = 0; j < shape[1]; j++)
      for (let k = 0; k < shape[2]; k++) {
        const idx = [i, j, k];
        const o = idx.reduce((p, v, d) => p + (axes.includes(d) ? 0 : v) * oStrides[d], 0);
        out[o] = f(out[o], data[i * strides[0] + j * strides[1] + k * strides[2]]);
      }
  return out;
}

describe('reductions', () => {
  const shape = [2, 3, 4];
  const axesCases = [[0], [1], [2], [0, 2], [0, 1, 2]];
  for (const axes of axesCases) {
    it(`sum, prod, max, min over axes [${axes}] with keepdim match a loop, and gradients match finite differences`, () => {
      T.use(f64);
      const data = values(24, 3, 0.5, 1.5);
      const x = T.fromArray(data, shape, { backend: f64, dtype: 'float32' });
      close(x.sum(axes, true).dataSync(), reduceRef(data, shape, axes, 0, (a, v) => a + v), 1e-12);
      close(x.prod(axes, true).dataSync(), reduceRef(data, shape, axes, 1, (a, v) => a * v), 1e-12);
      close(x.max(axes, true).dataSync(), reduceRef(data, shape, axes, -Infinity, Math.max), 0);
      close(x.min(axes, true).dataSync(), reduceRef(data, shape, axes, Infinity, Math.min), 0);
      expect(x.sum(axes).shape).toEqual(shape.filter((_, i) => !axes.includes(i)));
      for (const op of ['sum', 'mean', 'prod', 'max', 'min', 'logsumexp'] as const) {
        gradcheck((t) => t[op](axes), [input(shape, 5, 0.5, 1.5)]);
      }
      gradcheck((t) => t.var(axes), [input(shape, 6)]);
      gradcheck((t) => t.std(axes, { correction: 0 }), [input(shape, 7)]);
    });
  }

  it('mean, var (Bessel) and std agree with their definitions; negative axes count from the end', () => {
    T.use(f64);
    const x = T.tensor([[1, 2, 3, 4], [2, 4, 6, 8]]);
    close(x.mean(-1).dataSync(), [2.5, 5], 1e-12);
    close(x.var(1).dataSync(), [5 / 3, 20 / 3], 1e-12);
    close(x.var(1, { correction: 0 }).dataSync(), [1.25, 5], 1e-12);
    close(x.std(1).dataSync(), [Math.sqrt(5 / 3), Math.sqrt(20 / 3)], 1e-12);
    expect(x.mean().shape).toEqual([]);
  });

  it('logsumexp is stable for large inputs and handles -Infinity rows', () => {
    T.use(f64);
    const x = T.tensor([[1000, 1000], [-Infinity, -Infinity]]);
    const out = x.logsumexp(1).dataSync();
    close([out[0]], [1000 + Math.log(2)], 1e-12);
    expect(out[1]).toBe(-Infinity);
  });

  it('prod gradient is exact with zeros in the input', () => {
    T.use(f64);
    const x = T.tensor([2, 0, 3], { requiresGrad: true });
    x.prod().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([0, 6, 0]);
    const y = T.tensor([0, 0, 3], { requiresGrad: true });
    y.prod().backward();
    expect(Array.from(y.grad!.dataSync())).toEqual([0, 0, 0]);
  });

  it('max splits the gradient evenly between ties, like torch.amax', () => {
    T.use(f64);
    const x = T.tensor([1, 3, 3], { requiresGrad: true });
    x.max().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([0, 0.5, 0.5]);
  });

  it('argmax and argmin give the first extreme index, per axis or flattened', () => {
    T.use(f64);
    const x = T.tensor([[1, 5, 5], [7, 0, 0]]);
    expect(Array.from(x.argmax(1).dataSync())).toEqual([1, 0]);
    expect(Array.from(x.argmin(1).dataSync())).toEqual([0, 1]);
    expect(x.argmax().itemSync()).toBe(3);
    expect(x.argmax(0, true).shape).toEqual([1, 3]);
    expect(x.argmax().dtype).toBe('int32');
  });

  it('cumsum runs along an axis and its gradient is the reverse cumulative sum', () => {
    T.use(f64);
    const x = T.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.cumsum(1).arraySync()).toEqual([[1, 3, 6], [4, 9, 15]]);
    expect(x.cumsum(0).arraySync()).toEqual([[1, 2, 3], [5, 7, 9]]);
    gradcheck((t) => t.cumsum(1), [input([2, 4], 3)]);
    gradcheck((t) => t.cumsum(0), [input([3, 2], 4)]);
  });

  it('softmax and logSoftmax along any axis match exp/normalise and have correct gradients', () => {
    T.use(f64);
    const x = input([3, 4], 2, -3, 3);
    const xs = x.dataSync();
    for (let r = 0; r < 3; r++) {
      const row = Array.from(xs.slice(r * 4, r * 4 + 4));
      const z = row.reduce((p, v) => p + Math.exp(v), 0);
      close(x.softmax(-1).dataSync().slice(r * 4, r * 4 + 4), row.map((v) => Math.exp(v) / z), 1e-12);
      close(x.logSoftmax(-1).dataSync().slice(r * 4, r * 4 + 4), row.map((v) => v - Math.log(z)), 1e-12);
    }
    close(x.softmax(0).sum(0).dataSync(), [1, 1, 1, 1], 1e-12);
    for (const axis of [0, 1]) {
      gradcheck((t) => t.softmax(axis), [input([3, 4], 2)]);
      gradcheck((t) => t.logSoftmax(axis), [input([3, 4], 2)]);
    }
    // Large logits do not overflow.
    close(T.tensor([1000, 0]).softmax().dataSync(), [1, 0], 1e-12);
  });

  it('reductions over empty axes: sum is 0, max throws a clear error', () => {
    T.use(f64);
    const e = T.zeros([2, 0]);
    expect(Array.from(e.sum(1).dataSync())).toEqual([0, 0]);
    expect(() => e.max(1)).toThrow(/max: cannot reduce over an empty axis/);
    expect(() => e.argmax(1)).toThrow(T.ValueError);
  });
});
