import { describe, expect, it } from 'vitest';
import * as T from '@tessera/core';
import { close, f64, input } from './gradcheck.js';

describe('autograd', () => {
  it('accumulates into .grad across backward calls until zeroGrad', () => {
    T.use(f64);
    const x = T.tensor([1, 2, 3], { requiresGrad: true });
    x.mul(2).sum().backward();
    x.mul(3).sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([5, 5, 5]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
  });

  it('a tensor used twice gets the sum of both paths', () => {
    T.use(f64);
    const x = T.tensor([2, 3], { requiresGrad: true });
    x.mul(x).add(x).sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([5, 7]);
  });

  it('backward twice through a freed graph throws; retainGraph allows it', () => {
    T.use(f64);
    const x = T.tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    close(x.grad!.dataSync(), [2 * Math.E, 2 * Math.exp(2)], 1e-12);
    expect(() => y.backward()).toThrow(/graph through 'sum' was freed/);
  });

  it('backward of a non-scalar needs a gradient of the same shape', () => {
    T.use(f64);
    const x = T.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(3);
    expect(() => y.backward()).toThrow(/gradient can be implied only for one-element outputs/);
    expect(() => y.backward(T.ones([3]))).toThrow(/does not match/);
    y.backward(T.tensor([1, 10]));
    expect(Array.from(x.grad!.dataSync())).toEqual([3, 30]);
    expect(() => T.tensor([1]).backward()).toThrow(/does not require grad/);
  });

  it('noGrad, enableGrad and detach stop or restore recording', () => {
    T.use(f64);
    const x = T.tensor([1, 2], { requiresGrad: true });
    expect(T.noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    expect(T.noGrad(() => T.enableGrad(() => x.mul(2))).requiresGrad).toBe(true);
    const d = x.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.storage).toBe(x.storage);
    x.mul(d).sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([1, 2]);
  });

  it('second derivative of x^3 is 6x through nested grad and through createGraph', () => {
    T.use(f64);
    const cube = (t: T.Tensor) => t.pow(3).sum();
    const x = T.tensor([1, 2, -3]);
    const d1 = T.grad(cube)(x);
    close(d1.dataSync(), [3, 12, 27], 1e-12);
    const d2 = T.grad((t: T.Tensor) => T.grad(cube)(t).sum())(x);
    close(d2.dataSync(), [6, 12, -18], 1e-12);

    const y = T.tensor([1, 2, -3], { requiresGrad: true });
    const [g] = T.gradients(cube(y), [y], { createGraph: true });
    g.sum().backward();
    close(y.grad!.dataSync(), [6, 12, -18], 1e-12);
  });

  it('a Hessian-vector product through tanh and matmul matches finite differences of the gradient', () => {
    T.use(f64);
    const w = input([3, 3], 1);
    const f = (x: T.Tensor) => x.matmul(w).tanh().square().sum();
    const x0 = input([2, 3], 2);
    const v = input([2, 3], 3);
    const hvp = T.grad((x: T.Tensor) => T.grad(f)(x).mul(v).sum())(x0.detach());
    const eps = 1e-5;
    const gradAt = (x: T.Tensor) => T.grad(f)(x).dataSync();
    const plus = gradAt(T.noGrad(() => x0.add(v.mul(eps))));
    const minus = gradAt(T.noGrad(() => x0.sub(v.mul(eps))));
    const fd = Array.from(plus, (p, i) => (p - minus[i]) / (2 * eps));
    close(hvp.dataSync(), fd, 1e-6);
  });

  it('valueAndGrad returns the value and the gradients for several arguments', () => {
    T.use(f64);
    const [value, grads] = T.valueAndGrad((a: T.Tensor, b: T.Tensor) => a.mul(b).sum(), [0, 1])(T.tensor([1, 2]), T.tensor([3, 4]));
    expect(value.itemSync()).toBe(11);
    expect(grads.map((g) => Array.from(g.dataSync()))).toEqual([[3, 4], [1, 2]]);
    const unused = T.grad((a: T.Tensor, _b: T.Tensor) => a.sum(), 1)(T.tensor([1]), T.tensor([5, 6]));
    expect(Array.from(unused.dataSync())).toEqual([0, 0]);
  });

  it('int and bool tensors cannot require grad', () => {
    T.use(f64);
    expect(() => T.tensor([1], { dtype: 'int32', requiresGrad: true })).toThrow(T.DTypeError);
    expect(() => T.tensor([1], { dtype: 'int32' }).requiresGrad_()).toThrow(/only float32/);
  });

  it('detectAnomaly names the first op that produced NaN, in forward and in backward', () => {
    T.use(f64);
    T.detectAnomaly(true);
    try {
      expect(() => T.tensor([-1]).log()).toThrow(/detectAnomaly: 'log' produced NaN .* inputs: \[1\]/);
      const x = T.tensor([0], { requiresGrad: true });
      const y = x.sqrt(); // forward is finite (0); backward divides by 0
      expect(() => y.sum().backward()).toThrow(/produced Infinity .*in the backward of 'sqrt'/);
    } finally {
      T.detectAnomaly(false);
    }
  });
});
