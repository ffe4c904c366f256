import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@tessera/backend-cpu';
import {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, huberLoss, klDiv, logSoftmax, sigmoid,
  smoothL1Loss, softmax, tensor, use,
} from '@tessera/core';
import { checkGradients, det } from './nn-helpers.js';

// Gradients of every loss against central finite differences on the float64 reference backend.
use(createCpuBackend({ float64: true }));

describe('loss gradients match finite differences (cpu-f64)', () => {
  it('crossEntropy with weights, ignoreIndex and label smoothing, on [N, C, d] logits', () => {
    const x = det([3, 4, 2], 0, 2, true);
    const t = tensor([[0, 3], [-100, 1], [2, 2]], { dtype: 'int32' });
    const w = tensor([0.5, 1, 2, 1.5]);
    checkGradients(() => crossEntropy(x, t, { weight: w, labelSmoothing: 0.15 }), [x]);
  });

  it('crossEntropy with probability targets', () => {
    const x = det([3, 4], 1, 2, true);
    const p = softmax(det([3, 4], 2), 1);
    checkGradients(() => crossEntropy(x, p, { labelSmoothing: 0.1, weight: tensor([1, 2, 3, 4]) }), [x]);
  });

  it('binaryCrossEntropy in the input and the target', () => {
    const x = sigmoid(det([2, 3], 0, 2)).detach().requiresGrad_();
    const y = det([2, 3], 5).mul(0.4).add(0.5).detach().requiresGrad_();
    checkGradients(() => binaryCrossEntropy(x, y, { weight: tensor([1, 2, 0.5]) }), [x, y]);
  });

  it('binaryCrossEntropyWithLogits with posWeight, in the logits and the target', () => {
    const x = det([2, 3], 1, 3, true);
    const y = det([2, 3], 4).mul(0.4).add(0.5).detach().requiresGrad_();
    checkGradients(() => binaryCrossEntropyWithLogits(x, y, { posWeight: tensor([2, 0.5, 1]) }), [x, y]);
  });

  it('huber and smoothL1 on both branches; klDiv in the input and the target', () => {
    const x = det([3, 4], 0, 2, true);
    const t = det([3, 4], 1, 1);
    checkGradients(() => huberLoss(x, t, { delta: 0.7 }).add(smoothL1Loss(x, t, { beta: 0.4, reduction: 'sum' })), [x]);
    const inp = logSoftmax(det([3, 4], 2), 1).detach().requiresGrad_();
    const tp = softmax(det([3, 4], 6, 2), 1).detach().requiresGrad_();
    const worst = checkGradients(() => klDiv(inp, tp, { reduction: 'batchmean' }), [inp, tp]);
    expect(worst).toBeLessThan(1e-6);
  });
});
