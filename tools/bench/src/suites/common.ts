/** Pieces the suites share: case lists from defaults and `--param` overrides, and small training helpers. */
import { type Backend, gather, logSoftmax, mean, mul, neg, noGrad, type optim, randint, randn, Tensor } from '@tessera/core';

/** The values of parameter `name`: the override when given, else the defaults. */
export function values(overrides: Readonly<Record<string, readonly number[]>>, name: string, defaults: readonly number[]): number[] {
  return [...(overrides[name] ?? defaults)];
}

/** A float32 tensor of N(0, scale^2) values on `backend`. */
export function randnOn(backend: Backend, shape: readonly number[], scale = 1, requiresGrad = false): Tensor {
  const t = randn(shape, { backend });
  if (scale === 1) return requiresGrad ? t.requiresGrad_() : t;
  const s = noGrad(() => mul(t, scale));
  t.dispose();
  return requiresGrad ? s.requiresGrad_() : s;
}

/** Class labels in [0, classes) as an int32 [batch, 1] index, ready for gather along axis 1. */
export function labelsOn(backend: Backend, batch: number, classes: number): Tensor {
  return randint(0, classes, [batch, 1], { backend });
}

/** Mean negative log-likelihood of `labels` ([B, 1] int32) under softmax(logits [B, C]). */
export function crossEntropy(logits: Tensor, labels: Tensor): Tensor {
  return neg(mean(gather(logSoftmax(logits, 1), 1, labels)));
}

/**
 * Plain SGD, in place: p -= lr * p.grad through the backend's binary kernel (out aliasing
 * an input is allowed when it is the same view), then the gradient is dropped.
 */
export function sgdStep(params: readonly Tensor[], lr: number): void {
  noGrad(() => {
    for (const p of params) {
      if (!p.grad) continue;
      const step = mul(p.grad, lr);
      const view = p.kernelView();
      p.backend.binary('sub', view, step.kernelView(), view);
      step.dispose();
      p.zeroGrad();
    }
  });
}

/** Free an optimizer's state tensors (moments), which it holds until then. */
export function disposeOptimizer(opt: optim.Optimizer): void {
  for (const state of opt.state.values()) {
    for (const v of Object.values(state)) if (v instanceof Tensor) v.dispose();
  }
  opt.state.clear();
}
