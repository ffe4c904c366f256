/** What every loss shares: the reduction, and the input checks that name the loss. */
import { DTypeError, formatShape, ShapeError, ValueError } from '../errors.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mean, sum } from '../ops/reduce.js';

/** How a loss combines its per-element values: as they are, their mean, or their sum. */
export type Reduction = 'none' | 'mean' | 'sum';

export function reduce(op: string, loss: Tensor, reduction: Reduction | undefined): Tensor {
  switch (reduction ?? 'mean') {
    case 'none':
      return loss;
    case 'mean':
      return mean(loss);
    case 'sum':
      return sum(loss);
    default:
      throw new ValueError(`${op}: reduction must be 'none', 'mean' or 'sum', got '${String(reduction)}'.`);
  }
}

export function checkFloat(op: string, name: string, t: Tensor): void {
  if (t.dtype !== 'float32') throw new DTypeError(`${op}: ${name} must be float32, got ${t.dtype}.`);
}

/** Input and target: float32, one shape. */
export function checkPair(op: string, input: Tensor, target: Tensor): void {
  checkFloat(op, 'input', input);
  checkFloat(op, 'target', target);
  if (!shapesEqual(input.shape, target.shape)) {
    throw new ShapeError(`${op}: input ${formatShape(input.shape)} and target ${formatShape(target.shape)} must have the same shape.`);
  }
}

/** A weight that must broadcast to `shape` (per-element loss weights). */
export function checkBroadcastWeight(op: string, name: string, weight: Tensor, shape: readonly number[]): void {
  checkFloat(op, name, weight);
  const lead = shape.length - weight.rank;
  if (lead < 0 || weight.shape.some((d, i) => d !== 1 && d !== shape[lead + i])) {
    throw new ShapeError(`${op}: ${name} ${formatShape(weight.shape)} does not broadcast to input ${formatShape(shape)}.`);
  }
}

/**
 * Throw a ValueError naming `op` when an int32 target lies outside [0, n) (values equal to
 * `ignore` are allowed). Checked on backends that read synchronously; async backends check in kernels.
 */
export function checkRange(op: string, index: Tensor, n: number, ignore: number | null, what = 'target', noun = 'classes'): void {
  if (!index.backend.readSync || index.size === 0) return;
  const data = index.backend.readSync(index.kernelView());
  for (let i = 0; i < data.length; i++) {
    const t = data[i];
    if (t !== ignore && (t < 0 || t >= n)) {
      const allowed = ignore === null ? '' : ` (or ignoreIndex ${ignore})`;
      throw new ValueError(`${op}: ${what} ${t} is out of range for ${n} ${noun}; expected values in [0, ${n})${allowed}; ${what} shape ${formatShape(index.shape)}.`);
    }
  }
}
