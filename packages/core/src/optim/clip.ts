/** Gradient clipping, in place on each parameter's `.grad`. */
import { noGrad } from '../autograd.js';
import { ValueError } from '../errors.js';
import { tidy } from '../memory.js';
import { abs, clamp, div, mul, pow, sqrt, add } from '../ops/elementwise.js';
import { max, sum } from '../ops/reduce.js';
import { scalar } from '../ops/creation.js';
import { stack } from '../ops/combine.js';
import { Tensor } from '../tensor.js';
import { assign } from './optimizer.js';

function gradsOf(params: Iterable<Tensor> | Tensor): Tensor[] {
  const list = params instanceof Tensor ? [params] : [...params];
  return list.filter((p) => p.grad).map((p) => p.grad!);
}

function vectorNorm(x: Tensor, normType: number): Tensor {
  if (normType === Infinity) return max(abs(x));
  if (normType === 2) return sqrt(sum(mul(x, x)));
  if (normType === 1) return sum(abs(x));
  return pow(sum(pow(abs(x), normType)), 1 / normType);
}

export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite (it has to read the norm back; sync backends only). */
  errorIfNonfinite?: boolean;
}

/**
 * `torch.nn.utils.clip_grad_norm_`: scale every gradient by `min(1, maxNorm / (total + 1e-6))`,
 * where `total` is the `normType`-norm of all gradients together (`Infinity` for the max norm).
 * Returns the total norm before clipping as a 0-d tensor; nothing is read back to the host.
 */
export function clipGradNorm(params: Iterable<Tensor> | Tensor, maxNorm: number, normType = 2, options: ClipGradNormOptions = {}): Tensor {
  if (!(normType > 0)) throw new ValueError(`clipGradNorm: normType must be positive (or Infinity), got ${normType}.`);
  if (!(maxNorm >= 0)) throw new ValueError(`clipGradNorm: maxNorm must be >= 0, got ${maxNorm}.`);
  const grads = gradsOf(params);
  if (grads.length === 0) return scalar(0);
  return noGrad(() =>
    tidy(() => {
      const norms = grads.map((g) => vectorNorm(g, normType));
      const total = norms.length === 1 ? norms[0] : vectorNorm(stack(norms), normType);
      if (options.errorIfNonfinite) {
        const value = total.itemSync();
        if (!Number.isFinite(value)) {
          throw new ValueError(`clipGradNorm: the total norm of order ${normType} of the gradients is ${value}; pass errorIfNonfinite: false to clip anyway.`);
        }
      }
      const coef = clamp(div(maxNorm, add(total, 1e-6)), null, 1);
      for (const g of grads) assign(g, mul(g, coef));
      return total;
    }),
  );
}

/** `torch.nn.utils.clip_grad_value_`: clamp every gradient element to [-clipValue, clipValue]. */
export function clipGradValue(params: Iterable<Tensor> | Tensor, clipValue: number): void {
  if (!(clipValue >= 0)) throw new ValueError(`clipGradValue: clipValue must be >= 0, got ${clipValue}.`);
  noGrad(() =>
    tidy(() => {
      for (const g of gradsOf(params)) assign(g, clamp(g, -clipValue, clipValue));
    }),
  );
}
