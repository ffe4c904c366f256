/** Matrix products: matmul (1-D, 2-D, batched with broadcast batch axes) and linear. */
import { composite, record } from '../autograd.js';
import { formatShape, ShapeError } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { cast } from './elementwise.js';
import { backendOf, empty } from './helpers.js';
import { sumToShape } from './reduce.js';
import { broadcastView, reshape, squeeze, transpose, unsqueeze } from './views.js';

function floatOperand(x: Tensor): Tensor {
  return x.dtype === 'float32' ? x : cast(x, 'float32');
}

/** a [..., M, K] @ b [..., K, N] with batch broadcasting, and an optional bias added to the result. */
function batchedMatmul(op: string, a: Tensor, b: Tensor, bias?: Tensor): Tensor {
  const backend = backendOf(op, bias ? [a, b, bias] : [a, b]);
  const [m, k] = a.shape.slice(-2);
  const [k2, n] = b.shape.slice(-2);
  if (k !== k2) {
    throw new ShapeError(`${op}: inner dimensions differ: ${formatShape(a.shape)} @ ${formatShape(b.shape)} (${k} vs ${k2}); expected a [..., M, K] and b [..., K, N].`);
  }
  const batch = broadcastShapes(op, a.shape.slice(0, -2), b.shape.slice(0, -2));
  const outShape = [...batch, m, n];
  const af = floatOperand(a);
  const bf = floatOperand(b);
  const biasF = bias && floatOperand(bias);
  const out = empty(backend, outShape, 'float32');
  if (out.size > 0) {
    const epilogue = biasF ? { bias: broadcastView(biasF, outShape) } : undefined;
    backend.matmul(broadcastView(af, [...batch, m, k]), broadcastView(bf, [...batch, k, n]), out.kernelView(), epilogue);
  }
  for (const [t, orig] of [[af, a], [bf, b], [biasF, bias]] as const) if (t && t !== orig) t.dispose();
  const inputs = bias ? [a, b, bias] : [a, b];
  return record(op, out, inputs, (g) => [
    a.requiresGrad ? sumToShape(matmul(g, transpose(b)), a.shape) : null,
    b.requiresGrad ? sumToShape(matmul(transpose(a), g), b.shape) : null,
    bias?.requiresGrad ? sumToShape(g, bias.shape) : null,
  ]);
}

function checkOperands(op: string, a: Tensor, b: Tensor): void {
  backendOf(op, [a, b]);
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError(`${op}: both operands need at least one dimension, got ${formatShape(a.shape)} and ${formatShape(b.shape)}.`);
  }
}

/**
 * Matrix product with NumPy/PyTorch semantics: 1-D operands are promoted to matrices and the
 * added axis removed afterwards; leading axes broadcast as batch axes.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkOperands('matmul', a, b);
  if (a.rank === 1 && b.rank === 1) {
    if (a.shape[0] !== b.shape[0]) throw new ShapeError(`matmul: vectors of different lengths: ${formatShape(a.shape)} and ${formatShape(b.shape)}.`);
    return composite(() => reshape(batchedMatmul('matmul', unsqueeze(a, 0), unsqueeze(b, -1)), []));
  }
  if (a.rank === 1) return composite(() => squeeze(matmul(unsqueeze(a, 0), b), -2));
  if (b.rank === 1) return composite(() => squeeze(matmul(a, unsqueeze(b, -1)), -1));
  return batchedMatmul('matmul', a, b);
}

/** x @ weight^T + bias, like `torch.nn.functional.linear` (weight is [out, in]). */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkOperands('linear', x, weight);
  if (weight.rank !== 2) throw new ShapeError(`linear: weight must be 2-D [out, in], got ${formatShape(weight.shape)}.`);
  if (x.shape[x.rank - 1] !== weight.shape[1]) {
    throw new ShapeError(`linear: input ${formatShape(x.shape)} has ${x.shape[x.rank - 1]} features but weight ${formatShape(weight.shape)} expects ${weight.shape[1]}.`);
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new ShapeError(`linear: bias ${formatShape(bias.shape)} does not match weight ${formatShape(weight.shape)}; expected [${weight.shape[0]}].`);
  }
  if (x.rank === 1) return composite(() => squeeze(linear(unsqueeze(x, 0), weight, bias), 0));
  return composite(() => batchedMatmul('linear', x, transpose(weight), bias ?? undefined));
}
