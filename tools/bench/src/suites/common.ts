/** Pieces the suites share: case lists from defaults and `--param` overrides, and small training helpers. */
import { type Backend, mul, noGrad, type optim, randint, randn, Tensor } from '@tessera/core';

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

/** Class labels in [0, classes) as an int32 [batch] tensor, as core's crossEntropy takes them. */
export function labelsOn(backend: Backend, batch: number, classes: number): Tensor {
  return randint(0, classes, [batch], { backend });
}

/** Free an optimizer's state tensors (moments), which it holds until then. */
export function disposeOptimizer(opt: optim.Optimizer): void {
  for (const state of opt.state.values()) {
    for (const v of Object.values(state)) if (v instanceof Tensor) v.dispose();
  }
  opt.state.clear();
}
