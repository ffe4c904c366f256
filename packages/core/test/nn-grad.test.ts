import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@tessera/backend-cpu';
import { crossEntropy, manualSeed, nn, type Tensor, tensor, use } from '@tessera/core';
import { checkGradients, det } from './nn-helpers.js';

// Layer gradients (input and every parameter) against central finite differences, in float64.
use(createCpuBackend({ float64: true }));

/** Check d(sum(f(x) * r))/d(x, params) for a fixed random-looking r. */
function checkLayer(m: nn.AnyModule, x: Tensor, f: (x: Tensor) => Tensor = (v) => (m as nn.Module).call(v), maxPerInput = 40): number {
  const leaf = x.detach().requiresGrad_(true);
  let r: Tensor | null = null;
  const loss = () => {
    const y = f(leaf);
    r ??= det(y.shape, 9).keep();
    return y.mul(r).sum();
  };
  return checkGradients(loss, [leaf, ...m.parameters()], { maxPerInput });
}

describe('layer gradients match finite differences (cpu-f64)', () => {
  it('Conv2d with stride, padding and groups', () => {
    manualSeed(1);
    expect(checkLayer(new nn.Conv2d(4, 2, 3, { stride: 2, padding: 1, groups: 2 }), det([2, 4, 5, 5], 0))).toBeLessThan(1e-6);
  });
  it('BatchNorm2d in training (batch statistics) and GroupNorm', () => {
    const bn = new nn.BatchNorm2d(3);
    nn.init.uniform(bn.weight!, 0.5, 1.5);
    nn.init.uniform(bn.bias!, -0.5, 0.5);
    checkLayer(bn, det([2, 3, 2, 2], 0, 2));
    const gn = new nn.GroupNorm(2, 4);
    nn.init.uniform(gn.weight!, 0.5, 1.5);
    checkLayer(gn, det([2, 4, 3], 1, 2));
  });
  it('MaxPool2d and AdaptiveAvgPool2d', () => {
    checkLayer(new nn.MaxPool2d(2, { stride: 1 }), det([1, 2, 4, 4], 0));
    checkLayer(new nn.AdaptiveAvgPool2d([2, 3]), det([1, 2, 5, 7], 1));
  });
  it('LSTM (two layers, bidirectional) and GRU', () => {
    manualSeed(2);
    const lstm = new nn.LSTM(2, 2, { numLayers: 2, bidirectional: true });
    checkLayer(lstm, det([3, 2, 2], 0), (x) => lstm.call(x)[0], 6);
    const gru = new nn.GRU(2, 3, { batchFirst: true });
    checkLayer(gru, det([2, 3, 2], 1), (x) => gru.call(x)[1], 10);
  });
  it('MultiHeadAttention with masks, and a pre-norm TransformerEncoderLayer', () => {
    manualSeed(3);
    const mha = new nn.MultiHeadAttention(4, 2);
    const kpm = tensor([[false, true, false], [false, false, false]]);
    checkLayer(mha, det([3, 2, 4], 0), (x) => mha.call(x, x, x, { keyPaddingMask: kpm, isCausal: true })[0]);
    const enc = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 5, dropout: 0, normFirst: true, activation: 'gelu' });
    checkLayer(enc, det([3, 2, 4], 1));
  });
  it('Embedding through crossEntropy; with paddingIdx the padding row alone gets no gradient', () => {
    manualSeed(4);
    const emb = new nn.Embedding(6, 4);
    const ids = tensor([[1, 0, 5], [2, 2, 0]], { dtype: 'int32' });
    const target = tensor([[0, 1, 2], [3, 0, 1]], { dtype: 'int32' });
    const loss = (e: nn.Embedding) => crossEntropy(e.call(ids).permute(0, 2, 1), target);
    checkGradients(() => loss(emb), emb.parameters());
    const padded = new nn.Embedding(6, 4, { paddingIdx: 0 });
    padded.loadStateDict(emb.stateDict());
    loss(padded).backward();
    const g = Array.from(padded.weight.grad!.dataSync());
    expect(g.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(g.slice(4)).toEqual(Array.from(emb.weight.grad!.dataSync()).slice(4));
  });
});
