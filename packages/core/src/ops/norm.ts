/** Normalisation and regularisation: layerNorm and dropout. */
import { composite, noGrad, record } from '../autograd.js';
import { formatShape, ShapeError, ValueError } from '../errors.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { bernoulli } from './creation.js';
import { add, div, mul, rsqrt, sub } from './elementwise.js';
import { backendOf, empty } from './helpers.js';
import { mean, variance } from './reduce.js';
import { contiguous, reshape } from './views.js';

/**
 * Layer norm over the trailing `normalizedShape` axes, like `torch.nn.functional.layer_norm`.
 * Uses the backend's fused kernel when it has one.
 */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  const params = [weight, bias].filter((t): t is Tensor => !!t);
  const backend = backendOf('layerNorm', [x, ...params]);
  const k = normalizedShape.length;
  if (k === 0 || k > x.rank || !shapesEqual(x.shape.slice(x.rank - k), normalizedShape)) {
    throw new ShapeError(`layerNorm: normalizedShape ${formatShape(normalizedShape)} must match the trailing axes of input ${formatShape(x.shape)}.`);
  }
  for (const p of params) {
    if (!shapesEqual(p.shape, normalizedShape)) throw new ShapeError(`layerNorm: weight/bias ${formatShape(p.shape)} must have shape ${formatShape(normalizedShape)}.`);
  }
  const axes = normalizedShape.map((_, i) => x.rank - k + i);
  const features = normalizedShape.reduce((p, d) => p * d, 1);
  const rows = x.size / Math.max(features, 1);
  return composite(() => {
    const fused = backend.fused?.layerNorm;
    let normalized: Tensor;
    let rstd: Tensor;
    if (fused && x.size > 0 && x.dtype === 'float32') {
      const dense = contiguous(x);
      const out = empty(backend, x.shape, 'float32');
      const meanT = empty(backend, [rows], 'float32');
      rstd = empty(backend, [rows], 'float32');
      fused.call(backend.fused, { ...dense.kernelView(), shape: [rows, features], strides: [features, 1] }, null, null, eps,
        { ...out.kernelView(), shape: [rows, features], strides: [features, 1] }, meanT.kernelView(), rstd.kernelView());
      if (dense !== x) dense.dispose();
      meanT.dispose();
      normalized = out;
      const stdShape = [...x.shape.slice(0, x.rank - k), ...normalizedShape.map(() => 1)];
      const r = reshape(rstd, stdShape);
      rstd = r;
    } else {
      [normalized, rstd] = noGrad(() => {
        const r = rsqrt(add(variance(x, axes, { correction: 0, keepdim: true }), eps));
        return [mul(sub(x, mean(x, axes, true)), r), r];
      });
    }
    // d/dx of (x - mu) * rstd: rstd * (g - mean(g) - xhat * mean(g * xhat)).
    const xhat = record('layerNorm', normalized, [x], (g) => [
      mul(rstd, sub(sub(g, mean(g, axes, true)), mul(normalized, mean(mul(g, normalized), axes, true)))),
    ]);
    let out = xhat;
    if (weight) out = mul(out, weight);
    if (bias) out = add(out, bias);
    return out;
  });
}

/**
 * Zero each element with probability p and scale the rest by 1/(1-p) while `training`;
 * identity otherwise. The mask comes from the default generator.
 */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  backendOf('dropout', [x]);
  if (!(p >= 0 && p <= 1)) throw new ValueError(`dropout: p must be in [0, 1], got ${p}.`);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  return composite(() => mul(x, div(bernoulli(1 - p, x.shape, { backend: x.backend }), 1 - p)));
}

