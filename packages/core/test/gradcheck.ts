/** Test helpers: central finite differences on the float64 cpu backend. */
import { createCpuBackend } from '@tessera/backend-cpu';
import { type Backend, fromArray, noGrad, type Tensor, use } from '@tessera/core';
import { expect } from 'vitest';

export const f64: Backend = createCpuBackend({ float64: true });

/** Deterministic pseudo-random values in [lo, hi), for test inputs. */
export function values(n: number, seed = 1, lo = -1, hi = 1): Float64Array {
  const out = new Float64Array(n);
  let s = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = lo + ((s / 2147483648) * (hi - lo));
  }
  return out;
}

export function input(shape: number[], seed = 1, lo = -1, hi = 1): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  return fromArray(values(n, seed, lo, hi), shape, { backend: f64, dtype: 'float32', requiresGrad: true });
}

/**
 * Check the autograd gradient of sum(f(...xs) * w) for a fixed random w against central
 * differences, on the float64 backend.
 */
export function gradcheck(f: (...xs: Tensor[]) => Tensor, xs: Tensor[], { eps = 1e-6, tol = 1e-6 } = {}): void {
  use(f64);
  const out0 = f(...xs);
  const w = fromArray(values(out0.size, 99), out0.shape, { backend: f64, dtype: 'float32' });
  const objective = (): number => noGrad(() => (f(...xs).mul(w).sum().itemSync()));
  for (const x of xs) x.zeroGrad();
  out0.mul(w).sum().backward();
  for (const x of xs) {
    if (!x.requiresGrad) continue;
    const analytic = x.grad ? Array.from(x.grad.dataSync()) : new Array(x.size).fill(0);
    const buf = x.dataSync() as Float64Array;
    const numeric: number[] = [];
    for (let i = 0; i < x.size; i++) {
      const orig = buf[i];
      buf[i] = orig + eps;
      f64.write(x.storage.buffer, buf);
      const plus = objective();
      buf[i] = orig - eps;
      f64.write(x.storage.buffer, buf);
      const minus = objective();
      buf[i] = orig;
      f64.write(x.storage.buffer, buf);
      numeric.push((plus - minus) / (2 * eps));
    }
    for (let i = 0; i < numeric.length; i++) {
      expect(Math.abs(analytic[i] - numeric[i]), `grad[${i}]: analytic ${analytic[i]} vs numeric ${numeric[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(numeric[i])));
    }
  }
}

export function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (Number.isNaN(e)) expect(Number.isNaN(a), `[${i}] expected NaN, got ${a}`).toBe(true);
    else if (!Number.isFinite(e)) expect(a, `[${i}]`).toBe(e);
    else expect(Math.abs(a - e), `[${i}] ${a} vs ${e}`).toBeLessThanOrEqual(tol * (1 + Math.abs(e)));
  }
}
