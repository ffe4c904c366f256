import { describe, expect, it } from 'vitest';
import * as T from '@tessera/core';
import { close, f64, gradcheck, input } from './gradcheck.js';

/** Direct-loop conv2d reference: x [N, C, H, W], w [O, C/g, KH, KW]. */
function convRef(x: T.Tensor, w: T.Tensor, stride: number, padding: number, dilation: number, groups: number): number[] {
  const [n, c, h, wd] = x.shape;
  const [o, cg, kh, kw] = w.shape;
  const xs = x.contiguous().dataSync();
  const ws = w.contiguous().dataSync();
  const oh = Math.floor((h + 2 * padding - dilation * (kh - 1) - 1) / stride) + 1;
  const ow = Math.floor((wd + 2 * padding - dilation * (kw - 1) - 1) / stride) + 1;
  const out: number[] = [];
  for (let b = 0; b < n; b++)
    for (let oc = 0; oc < o; oc++) {
      const g = Math.floor(oc / (o / groups));
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let s = 0;
          for (let ic = 0; ic < cg; ic++)
            for (let p = 0; p < kh; p++)
              for (let q = 0; q < kw; q++) {
                const y = i * stride - padding + p * dilation;
                const xx = j * stride - padding + q * dilation;
                if (y < 0 || y >= h || xx < 0 || xx >= wd) continue;
                s += xs[((b * c + g * cg + ic) * h + y) * wd + xx] * ws[((oc * cg + ic) * kh + p) * kw + q];
              }
          out.push(s);
        }
    }
  return out;
}

describe('convolution and pooling', () => {
  const configs = [
    { stride: 1, padding: 0, dilation: 1, groups: 1 },
    { stride: 2, padding: 1, dilation: 1, groups: 1 },
    { stride: 1, padding: 2, dilation: 2, groups: 1 },
    { stride: 2, padding: 1, dilation: 1, groups: 2 },
  ];
  for (const cfg of configs) {
    it(`conv2d ${JSON.stringify(cfg)} matches a direct loop and its gradients match finite differences`, () => {
      T.use(f64);
      const x = input([2, 4, 5, 6], 1);
      const w = input([6, 4 / cfg.groups, 3, 3], 2);
      const bias = input([6], 3);
      const out = T.conv2d(x, w, bias, cfg);
      const ref = convRef(x, w, cfg.stride, cfg.padding, cfg.dilation, cfg.groups);
      const per = ref.length / 12;
      const bs = bias.dataSync();
      close(out.dataSync(), ref.map((v, i) => v + bs[Math.floor(i / per) % 6]), 1e-12);
      gradcheck((a, b, c) => T.conv2d(a, b, c, cfg), [input([1, 4, 5, 5], 4), input([2, 4 / cfg.groups, 3, 3], 5), input([2], 6)]);
    });
  }

  it('conv1d is conv2d over a height-1 image', () => {
    T.use(f64);
    const x = input([2, 3, 9], 1);
    const w = input([4, 3, 3], 2);
    const out = T.conv1d(x, w, null, { stride: 2, padding: 1 });
    expect(out.shape).toEqual([2, 4, 5]);
    close(out.dataSync(), convRef(x.unsqueeze(2), w.unsqueeze(2), 2, 0, 1, 1).length === 0 ? [] : T.conv2d(x.unsqueeze(2), w.unsqueeze(2), null, { stride: [1, 2], padding: [0, 1] }).dataSync(), 0);
    gradcheck((a, b) => T.conv1d(a, b, null, { padding: 1, dilation: 2 }), [input([1, 2, 7], 3), input([3, 2, 3], 4)]);
  });

  it('maxPool2d and avgPool2d take window maxima and means, with gradients', () => {
    T.use(f64);
    const x = T.arange(16, undefined, 1, { dtype: 'float32' }).reshape(1, 1, 4, 4);
    expect(T.maxPool2d(x, 2).arraySync()).toEqual([[[[5, 7], [13, 15]]]]);
    expect(T.avgPool2d(x, 2).arraySync()).toEqual([[[[2.5, 4.5], [10.5, 12.5]]]]);
    expect(T.maxPool2d(x, 3, { stride: 1, padding: 1 }).shape).toEqual([1, 1, 4, 4]);
    gradcheck((t) => T.maxPool2d(t, 2), [input([2, 2, 4, 4], 1)]);
    gradcheck((t) => T.maxPool2d(t, 3, { stride: 2, padding: 1 }), [input([1, 2, 5, 5], 2)]);
    gradcheck((t) => T.avgPool2d(t, [2, 3], { stride: 1 }), [input([1, 2, 4, 5], 3)]);
  });

  it('bad conv and pool shapes throw ShapeError naming the op and shapes', () => {
    T.use(f64);
    expect(() => T.conv2d(T.zeros([1, 3, 5, 5]), T.zeros([2, 4, 3, 3]))).toThrow(/conv2d: weight \[2, 4, 3, 3\] expects 4 input channels/);
    expect(() => T.conv2d(T.zeros([3, 5, 5]), T.zeros([2, 3, 3, 3]))).toThrow(/conv2d: input must be 4-D/);
    expect(() => T.conv2d(T.zeros([1, 4, 5, 5]), T.zeros([3, 2, 3, 3]), null, { groups: 2 })).toThrow(/groups 2 must divide/);
    expect(() => T.conv2d(T.zeros([1, 1, 2, 2]), T.zeros([1, 1, 3, 3]))).toThrow(/smaller than the dilated kernel/);
    expect(() => T.maxPool2d(T.zeros([1, 1, 2, 2]), 3)).toThrow(/maxPool2d/);
  });
});

describe('normalisation, dropout and indexing', () => {
  it('layerNorm normalises the trailing axes and matches finite differences (with weight and bias)', () => {
    T.use(f64);
    const x = input([3, 4], 1, -2, 2);
    const y = T.layerNorm(x, [4]);
    close(y.mean(-1).dataSync(), [0, 0, 0], 1e-9);
    close(y.var(-1, { correction: 0 }).dataSync(), [1, 1, 1].map(() => 1), 1e-4);
    gradcheck((a, w, b) => T.layerNorm(a, [4], w, b), [input([3, 4], 1), input([4], 2), input([4], 3)]);
    gradcheck((a) => T.layerNorm(a, [2, 3]), [input([2, 2, 3], 4)]);
    expect(() => T.layerNorm(x, [5])).toThrow(/layerNorm: normalizedShape \[5\] must match/);
  });

  it('dropout zeroes about p of the elements, scales the rest, and is the identity in eval', () => {
    T.use(f64);
    T.manualSeed(1);
    const x = T.ones([10000]);
    const y = T.dropout(x, 0.3).dataSync();
    const zeros = Array.from(y).filter((v) => v === 0).length;
    expect(zeros / 10000).toBeGreaterThan(0.27);
    expect(zeros / 10000).toBeLessThan(0.33);
    expect(Array.from(y).every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-12)).toBe(true);
    expect(T.dropout(x, 0.3, false)).toBe(x);
  });

  it('gather, indexSelect and scatterAdd follow torch semantics with gradients', () => {
    T.use(f64);
    const x = T.tensor([[1, 2, 3], [4, 5, 6]]);
    const idx = T.tensor([[2, 0], [1, 1]], { dtype: 'int32' });
    expect(x.gather(1, idx).arraySync()).toEqual([[3, 1], [5, 5]]);
    expect(x.indexSelect(1, T.tensor([2, 0, 2], { dtype: 'int32' })).arraySync()).toEqual([[3, 1, 3], [6, 4, 6]]);
    expect(x.indexSelect(0, T.tensor([1], { dtype: 'int32' })).arraySync()).toEqual([[4, 5, 6]]);
    expect(T.zeros([2, 3]).scatterAdd(1, idx, T.tensor([[10, 20], [30, 40]])).arraySync()).toEqual([[20, 0, 10], [0, 70, 0]]);
    gradcheck((t) => t.gather(1, idx), [input([2, 3], 1)]);
    gradcheck((t) => t.indexSelect(0, T.tensor([1, 1, 0], { dtype: 'int32' })), [input([2, 3], 2)]);
    gradcheck((t, s) => t.scatterAdd(1, idx, s), [input([2, 3], 3), input([2, 2], 4)]);
    expect(() => x.gather(1, T.tensor([[3]], { dtype: 'int32' }))).toThrow(/gather: index 3 is out of range/);
    expect(() => x.gather(1, T.tensor([[0.5]]))).toThrow(T.DTypeError);
  });

  it('oneHot, tril and triu', () => {
    T.use(f64);
    expect(T.oneHot(T.tensor([0, 2], { dtype: 'int32' }), 3).arraySync()).toEqual([[1, 0, 0], [0, 0, 1]]);
    expect(() => T.oneHot(T.tensor([3], { dtype: 'int32' }), 3)).toThrow(/oneHot: index 3 is out of range/);
    const m = T.ones([3, 3]);
    expect(m.tril().arraySync()).toEqual([[1, 0, 0], [1, 1, 0], [1, 1, 1]]);
    expect(m.triu(1).arraySync()).toEqual([[0, 1, 1], [0, 0, 1], [0, 0, 0]]);
    expect(m.tril(-1).arraySync()).toEqual([[0, 0, 0], [1, 0, 0], [1, 1, 0]]);
    gradcheck((t) => t.tril(), [input([2, 3, 3], 1)]);
  });

  it('sort, argsort and topk are stable and differentiable in their values', () => {
    T.use(f64);
    const x = T.tensor([[3, 1, 2, 1], [0, 5, 5, 4]]);
    const s = x.sort(1);
    expect(s.values.arraySync()).toEqual([[1, 1, 2, 3], [0, 4, 5, 5]]);
    expect(s.indices.arraySync()).toEqual([[1, 3, 2, 0], [0, 3, 1, 2]]);
    expect(x.argsort(1, true).arraySync()).toEqual([[0, 2, 1, 3], [1, 2, 3, 0]]);
    const t = x.topk(2, 1);
    expect(t.values.arraySync()).toEqual([[3, 2], [5, 5]]);
    expect(t.indices.arraySync()).toEqual([[0, 2], [1, 2]]);
    gradcheck((a) => a.sort(1).values, [input([3, 5], 1)]);
    gradcheck((a) => a.topk(2, 0, false).values, [input([4, 3], 2)]);
    expect(() => x.topk(5, 1)).toThrow(/topk: k = 5 is out of range/);
  });
});

describe('neural-network ops as Tensor methods', () => {
  it('linear, conv2d, conv1d, pooling, layerNorm, dropout, oneHot and concat methods equal the functions', () => {
    T.use(f64);
    const x = input([1, 2, 4, 4], 1);
    const w = input([3, 2, 3, 3], 2);
    close(x.conv2d(w, null, { padding: 1 }).dataSync(), T.conv2d(x, w, null, { padding: 1 }).dataSync(), 0);
    close(x.maxPool2d(2).dataSync(), T.maxPool2d(x, 2).dataSync(), 0);
    close(x.avgPool2d(2).dataSync(), T.avgPool2d(x, 2).dataSync(), 0);
    const s = input([2, 3, 5], 3);
    close(s.conv1d(input([2, 3, 2], 4)).dataSync(), T.conv1d(s, input([2, 3, 2], 4)).dataSync(), 0);
    close(s.layerNorm([5]).dataSync(), T.layerNorm(s, [5]).dataSync(), 0);
    close(s.linear(input([4, 5], 5)).dataSync(), T.linear(s, input([4, 5], 5)).dataSync(), 0);
    expect(s.dropout(0.5, false)).toBe(s);
    expect(T.tensor([1, 0], { dtype: 'int32' }).oneHot(2).arraySync()).toEqual([[0, 1], [1, 0]]);
    expect(T.tensor([1]).concat([T.tensor([2, 3])]).arraySync()).toEqual([1, 2, 3]);
  });
});
