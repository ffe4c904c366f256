/**
 * Shared by the nn-* and losses-* tests: deterministic inputs that PyTorch can rebuild, value
 * comparison, and a central finite-difference gradient check for the float64 backend.
 *
 * The golden numbers in those tests come from /usr/bin/python3 with torch 1.13 and this
 * Python twin of `det`:
 *   def det(shape, seed, scale=1.0):
 *       n = math.prod(shape)
 *       return torch.tensor([math.sin(1.3 * i + seed) * scale for i in range(n)], dtype=torch.float32).reshape(shape)
 */
import { expect } from 'vitest';
import { fromArray, type Tensor, tidy } from '@tessera/core';

/** sin(1.3 i + seed) * scale, reshaped: the same numbers `det` gives in Python. */
export function det(shape: readonly number[], seed: number, scale = 1, requiresGrad = false): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.sin(1.3 * i + seed) * scale;
  return fromArray(v, shape, { requiresGrad });
}

/** Flat values of a tensor as plain numbers. */
export function values(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

/** Elementwise |a - b| <= atol + rtol |b|, with a message that shows the first failures. */
export function expectClose(actual: Tensor | ArrayLike<number> | number, expected: ArrayLike<number> | number, { rtol = 1e-4, atol = 1e-5 } = {}): void {
  const a = typeof actual === 'number' ? [actual] : 'dataSync' in (actual as object) ? values(actual as Tensor) : Array.from(actual as ArrayLike<number>);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  expect(a.length, 'number of elements').toBe(e.length);
  const bad: string[] = [];
  for (let i = 0; i < a.length; i++) {
    const ok = Number.isNaN(e[i]) ? Number.isNaN(a[i]) : Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]);
    if (!ok) bad.push(`[${i}] got ${a[i]}, expected ${e[i]}`);
  }
  expect(bad.slice(0, 5).join('; ')).toBe('');
}

/**
 * Compare autograd gradients of scalar `f()` with respect to `inputs` (dense, on a float64
 * backend) against central differences. Returns the largest absolute error seen.
 */
export function checkGradients(f: () => Tensor, inputs: readonly Tensor[], { eps = 1e-6, tol = 1e-6, maxPerInput = 40 } = {}): number {
  for (const x of inputs) x.zeroGrad();
  tidy(() => f().backward());
  let worst = 0;
  for (const x of inputs) {
    const analytic = values(x.grad!);
    const data = x.dataSync();
    const n = data.length;
    const step = Math.max(1, Math.floor(n / maxPerInput));
    for (let i = 0; i < n; i += step) {
      const orig = data[i];
      const at = (v: number) => {
        data[i] = v;
        x.backend.write(x.storage.buffer, data);
        return tidy(() => f().itemSync());
      };
      const numeric = (at(orig + eps) - at(orig - eps)) / (2 * eps);
      at(orig);
      const err = Math.abs(numeric - analytic[i]);
      worst = Math.max(worst, err / Math.max(1, Math.abs(numeric)));
      expect(err, `d/d${x.name ?? 'x'}[${i}]: autograd ${analytic[i]}, finite difference ${numeric}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(numeric)));
    }
  }
  return worst;
}
