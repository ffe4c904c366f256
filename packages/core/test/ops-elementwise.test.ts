import { describe, expect, it } from 'vitest';
import * as T from '@tessera/core';
import { close, f64, gradcheck, input, values } from './gradcheck.js';

const erf = (x: number) => {
  // Abramowitz-Stegun 7.1.26 is too coarse for a reference; integrate instead (Simpson).
  const n = 2000;
  const h = x / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const t = i * h;
    s += (i === 0 || i === n ? 1 : i % 2 ? 4 : 2) * Math.exp(-t * t);
  }
  return ((s * h) / 3) * (2 / Math.sqrt(Math.PI));
};
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

type UnaryCase = [name: keyof typeof T, ref: (x: number) => number, lo?: number, hi?: number];
const UNARY: UnaryCase[] = [
  ['neg', (x) => -x], ['abs', Math.abs], ['exp', Math.exp], ['log', Math.log, 0.1, 3], ['log1p', Math.log1p, -0.5, 2],
  ['expm1', Math.expm1], ['sqrt', Math.sqrt, 0.1, 3], ['rsqrt', (x) => 1 / Math.sqrt(x), 0.1, 3], ['square', (x) => x * x],
  ['reciprocal', (x) => 1 / x, 0.2, 3], ['sin', Math.sin], ['cos', Math.cos], ['tanh', Math.tanh], ['sigmoid', sigmoid],
  ['relu', (x) => Math.max(x, 0)], ['silu', (x) => x * sigmoid(x)], ['softplus', (x) => Math.log1p(Math.exp(x))],
  ['erf', erf], ['gelu', (x) => 0.5 * x * (1 + erf(x / Math.SQRT2))],
];

describe('unary ops', () => {
  for (const [name, ref, lo = -2, hi = 2] of UNARY) {
    it(`${name} matches its scalar definition and its gradient matches finite differences`, () => {
      T.use(f64);
      const fn = T[name] as (x: T.Tensor) => T.Tensor;
      const x = input([3, 5], 7, lo, hi);
      close(fn(x).dataSync(), Array.from(values(15, 7, lo, hi), ref), 1e-9);
      gradcheck(fn, [input([2, 3], 3, lo, hi)]);
      // Methods and functions agree, on a transposed (non-contiguous) view.
      const xt = x.transpose(0, 1);
      close((xt as unknown as Record<string, () => T.Tensor>)[name]().dataSync(), fn(xt.contiguous()).dataSync(), 0);
    });
  }

  it('gelu with the tanh approximation, leakyRelu, elu and clamp have the right values and gradients', () => {
    T.use(f64);
    const x = input([4, 3], 5, -2, 2);
    const xs = Array.from(values(12, 5, -2, 2));
    const k = Math.sqrt(2 / Math.PI);
    close(x.gelu('tanh').dataSync(), xs.map((v) => 0.5 * v * (1 + Math.tanh(k * (v + 0.044715 * v ** 3)))), 1e-9);
    close(x.leakyRelu(0.1).dataSync(), xs.map((v) => (v > 0 ? v : 0.1 * v)), 1e-12);
    close(x.elu(1.5).dataSync(), xs.map((v) => (v > 0 ? v : 1.5 * Math.expm1(v))), 1e-12);
    close(x.clamp(-0.5, 0.7).dataSync(), xs.map((v) => Math.min(Math.max(v, -0.5), 0.7)), 0);
    gradcheck((t) => t.gelu('tanh'), [input([5], 2)]);
    gradcheck((t) => t.leakyRelu(0.2), [input([5], 2)]);
    gradcheck((t) => t.elu(), [input([5], 2)]);
    gradcheck((t) => t.clamp(-0.5, 0.5), [input([6], 4)]);
  });

  it('sign, floor, ceil and round (half to even) give exact values and zero gradients', () => {
    T.use(f64);
    const x = T.tensor([-2.5, -1.5, -0.5, 0, 0.5, 1.5, 2.5, 2.7], { requiresGrad: true });
    expect(Array.from(x.round().dataSync())).toEqual([-2, -2, -0, 0, 0, 2, 2, 3]);
    expect(Array.from(x.floor().dataSync())).toEqual([-3, -2, -1, 0, 0, 1, 2, 2]);
    expect(Array.from(x.ceil().dataSync())).toEqual([-2, -1, -0, 0, 1, 2, 3, 3]);
    expect(Array.from(x.sign().dataSync())).toEqual([-1, -1, -1, 0, 1, 1, 1, 1]);
    x.round().add(x.floor()).add(x.ceil()).add(x.sign()).sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual(new Array(8).fill(0));
  });

  it('integer inputs promote to float for transcendental ops and stay int for abs/neg/square', () => {
    T.use(f64);
    const i = T.tensor([-2, 3], { dtype: 'int32' });
    expect(i.exp().dtype).toBe('float32');
    expect(i.abs().dtype).toBe('int32');
    expect(Array.from(i.square().dataSync())).toEqual([4, 9]);
    expect(() => T.tensor([true]).neg()).toThrow(T.DTypeError);
  });
});

describe('binary ops', () => {
  const BINARY: [string, (a: number, b: number) => number, number?][] = [
    ['add', (a, b) => a + b], ['sub', (a, b) => a - b], ['mul', (a, b) => a * b], ['div', (a, b) => a / b],
    ['pow', (a, b) => a ** b, 0.2], ['maximum', Math.max], ['minimum', Math.min],
  ];
  for (const [name, ref, lo = -2] of BINARY) {
    it(`${name} broadcasts [3, 1, 4] with [2, 1] and its gradients reduce back to each shape`, () => {
      T.use(f64);
      const a = input([3, 1, 4], 1, lo, 2);
      const b = input([2, 1], 2, 0.3, 2);
      const out = (a as unknown as Record<string, (o: T.Tensor) => T.Tensor>)[name](b);
      expect(out.shape).toEqual([3, 2, 4]);
      const av = values(12, 1, lo, 2);
      const bv = values(2, 2, 0.3, 2);
      const expected: number[] = [];
      for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 4; k++) expected.push(ref(av[i * 4 + k], bv[j]));
      close(out.dataSync(), expected, 1e-12);
      gradcheck((x, y) => (x as unknown as Record<string, (o: T.Tensor) => T.Tensor>)[name](y), [input([3, 1, 4], 1, lo, 2), input([2, 1], 2, 0.3, 2)]);
    });
  }

  it('numbers work as operands on either side, with add/sub alpha', () => {
    T.use(f64);
    const x = T.tensor([1, 2, 3]);
    expect(Array.from(x.add(1).dataSync())).toEqual([2, 3, 4]);
    expect(Array.from(T.sub(10, x).dataSync())).toEqual([9, 8, 7]);
    expect(Array.from(T.div(6, x).dataSync())).toEqual([6, 3, 2]);
    expect(Array.from(x.add(x, 2).dataSync())).toEqual([3, 6, 9]);
    expect(Array.from(x.sub(x, 0.5).dataSync())).toEqual([0.5, 1, 1.5]);
    gradcheck((a, b) => a.sub(b, 3), [input([3], 1), input([3], 2)]);
  });

  it('type promotion: bool < int32 < float32; division is true division', () => {
    T.use(f64);
    const i = T.tensor([1, 2, 3], { dtype: 'int32' });
    const f = T.tensor([0.5, 0.5, 0.5]);
    const b = T.tensor([true, false, true]);
    expect(i.add(f).dtype).toBe('float32');
    expect(i.add(b).dtype).toBe('int32');
    expect(i.add(2).dtype).toBe('int32');
    expect(i.mul(2.5).dtype).toBe('float32');
    expect(Array.from(i.div(2).dataSync())).toEqual([0.5, 1, 1.5]);
    // bool + bool stays bool (logical or), as in PyTorch.
    expect(b.add(b).arraySync()).toEqual([true, false, true]);
  });

  it('comparisons and logical ops give bool tensors with NumPy broadcasting', () => {
    T.use(f64);
    const a = T.tensor([[1, 2, 3]]);
    const b = T.tensor([[2], [1]]);
    const read = (t: T.Tensor) => { expect(t.dtype).toBe('bool'); return t.arraySync(); };
    expect(read(a.eq(b))).toEqual([[false, true, false], [true, false, false]]);
    expect(read(a.ne(b))).toEqual([[true, false, true], [false, true, true]]);
    expect(read(a.lt(b))).toEqual([[true, false, false], [false, false, false]]);
    expect(read(a.le(b))).toEqual([[true, true, false], [true, false, false]]);
    expect(read(a.gt(b))).toEqual([[false, false, true], [false, true, true]]);
    expect(read(a.ge(b))).toEqual([[false, true, true], [true, true, true]]);
    const p = T.tensor([true, false, true]);
    const q = T.tensor([true, true, false]);
    expect(read(p.logicalAnd(q))).toEqual([true, false, false]);
    expect(read(p.logicalOr(q))).toEqual([true, true, true]);
    expect(read(p.logicalNot())).toEqual([false, true, false]);
  });

  it('maximum splits the gradient evenly on ties, like PyTorch', () => {
    T.use(f64);
    const a = T.tensor([1, 2, 3], { requiresGrad: true });
    const b = T.tensor([1, 1, 4], { requiresGrad: true });
    a.maximum(b).sum().backward();
    expect(Array.from(a.grad!.dataSync())).toEqual([0.5, 1, 0]);
    expect(Array.from(b.grad!.dataSync())).toEqual([0.5, 0, 1]);
  });

  it('where broadcasts condition and both branches; gradients flow to the chosen branch', () => {
    T.use(f64);
    const cond = T.tensor([[true], [false]]);
    const a = input([2, 3], 1);
    const b = input([3], 2);
    const out = T.where(cond, a, b);
    const av = values(6, 1);
    const bv = values(3, 2);
    close(out.dataSync(), [av[0], av[1], av[2], bv[0], bv[1], bv[2]], 0);
    gradcheck((x, y) => T.where(cond, x, y), [input([2, 3], 1), input([3], 2)]);
    expect(T.where(cond, 1, 0).arraySync()).toEqual([[1], [0]]);
    expect(Array.from(a.maskedFill(cond, -1).dataSync()).slice(0, 3)).toEqual([-1, -1, -1]);
  });

  it('cast converts between dtypes (float -> int truncates, nonzero -> true)', () => {
    T.use(f64);
    const x = T.tensor([-1.7, 0, 2.9]);
    expect(Array.from(x.int().dataSync())).toEqual([-1, 0, 2]);
    expect(x.bool().arraySync()).toEqual([true, false, true]);
    expect(Array.from(x.bool().float().dataSync())).toEqual([1, 0, 1]);
  });
});
