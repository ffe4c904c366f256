/** Datasets: the interface, tensors as a dataset, subsets, random splits. */
import { formatShape, ShapeError, ValueError } from '../errors.js';
import { fromArray } from '../ops/creation.js';
import { indexSelect } from '../ops/indexing.js';
import { narrow, select } from '../ops/views.js';
import type { Tensor } from '../tensor.js';
import { drawSeed, randperm } from './random.js';

/** Anything indexable with a length, like `torch.utils.data.Dataset`. */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
  /**
   * Optional fast path: a whole batch at once (e.g. one gather instead of a stack of rows).
   * DataLoader uses it when no custom `collate` is given.
   */
  getBatch?(indices: readonly number[]): unknown;
}

function checkIndex(op: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new ValueError(`${op}: index ${index} is out of range for a dataset of length ${length}.`);
  }
}

/**
 * Tensors that share their first dimension; item i is `[t0[i], t1[i], ...]` (views). Batches
 * are gathered in one op per tensor (a view when the indices are a contiguous run).
 */
export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];
  readonly length: number;

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new ValueError('TensorDataset: expected at least one tensor.');
    const n = tensors[0].shape[0];
    for (const t of tensors) {
      if (t.rank === 0 || t.shape[0] !== n) {
        throw new ShapeError(`TensorDataset: every tensor needs the same first dimension; got shapes ${tensors.map((x) => formatShape(x.shape)).join(', ')}.`);
      }
    }
    this.tensors = tensors;
    this.length = n;
  }

  get(index: number): Tensor[] {
    checkIndex('TensorDataset.get', index, this.length);
    return this.tensors.map((t) => select(t, 0, index));
  }

  getBatch(indices: readonly number[]): Tensor[] {
    for (const i of indices) checkIndex('TensorDataset.getBatch', i, this.length);
    const run = indices.length > 0 && indices.every((v, k) => v === indices[0] + k);
    if (run) return this.tensors.map((t) => narrow(t, 0, indices[0], indices.length));
    const idx = fromArray(Int32Array.from(indices), [indices.length], { backend: this.tensors[0].backend });
    const out = this.tensors.map((t) => indexSelect(t, 0, idx));
    idx.dispose();
    return out;
  }
}

/** The items of `dataset` at `indices`, in that order. */
export class Subset<T> implements Dataset<T> {
  readonly indices: readonly number[];

  constructor(readonly dataset: Dataset<T>, indices: readonly number[]) {
    for (const i of indices) checkIndex('Subset', i, dataset.length);
    this.indices = [...indices];
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    checkIndex('Subset.get', index, this.length);
    return this.dataset.get(this.indices[index]);
  }

  getBatch(indices: readonly number[]): unknown {
    for (const i of indices) checkIndex('Subset.getBatch', i, this.length);
    if (!this.dataset.getBatch) throw new ValueError('Subset.getBatch: the underlying dataset has no getBatch.');
    return this.dataset.getBatch(indices.map((i) => this.indices[i]));
  }
}

/** Several datasets one after another. */
export class ConcatDataset<T> implements Dataset<T> {
  private readonly offsets: number[] = [];
  readonly length: number;

  constructor(readonly datasets: readonly Dataset<T>[]) {
    let total = 0;
    for (const d of datasets) {
      this.offsets.push(total);
      total += d.length;
    }
    this.length = total;
  }

  get(index: number): T {
    checkIndex('ConcatDataset.get', index, this.length);
    let k = this.datasets.length - 1;
    while (this.offsets[k] > index) k--;
    return this.datasets[k].get(index - this.offsets[k]);
  }
}

/** Split sizes from counts (summing to n) or fractions (summing to 1; remainders go to the first splits, as in PyTorch). */
function splitSizes(n: number, lengths: readonly number[]): number[] {
  if (lengths.length === 0) throw new ValueError('randomSplit: expected at least one length.');
  const total = lengths.reduce((a, b) => a + b, 0);
  if (lengths.every((l) => Number.isInteger(l) && l >= 0) && total === n) return [...lengths];
  if (lengths.every((l) => l >= 0 && l <= 1) && Math.abs(total - 1) < 1e-9) {
    const sizes = lengths.map((f) => Math.floor(n * f));
    let rest = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0; i = (i + 1) % sizes.length, rest--) sizes[i]++;
    return sizes;
  }
  throw new ValueError(`randomSplit: lengths [${lengths.join(', ')}] must be counts summing to the dataset length ${n} or fractions summing to 1.`);
}

/**
 * Randomly split a dataset into non-overlapping subsets of the given sizes (counts or
 * fractions). With a seed the split is independent of the global generator.
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], seed?: number): Subset<T>[] {
  const sizes = splitSizes(dataset.length, lengths);
  const order = randperm(dataset.length, seed ?? drawSeed());
  const out: Subset<T>[] = [];
  let at = 0;
  for (const s of sizes) {
    out.push(new Subset(dataset, order.slice(at, at + s)));
    at += s;
  }
  return out;
}

export interface TrainValSplitOptions {
  /** Fraction held out for validation (default 0.2). */
  valFraction?: number;
  /** Shuffle before splitting (default true); otherwise the last items are the validation set. */
  shuffle?: boolean;
  seed?: number;
}

/** A train / validation split (rounded validation size, at least one item each when possible). */
export function trainValSplit<T>(dataset: Dataset<T>, options: TrainValSplitOptions = {}): { train: Subset<T>; val: Subset<T> } {
  const { valFraction = 0.2, shuffle = true, seed } = options;
  if (!(valFraction >= 0 && valFraction <= 1)) throw new ValueError(`trainValSplit: valFraction must be in [0, 1], got ${valFraction}.`);
  const n = dataset.length;
  let nVal = Math.round(n * valFraction);
  if (valFraction > 0 && valFraction < 1 && n >= 2) nVal = Math.min(n - 1, Math.max(1, nVal));
  const order = shuffle ? randperm(n, seed ?? drawSeed()) : Array.from({ length: n }, (_, i) => i);
  return { train: new Subset(dataset, order.slice(0, n - nVal)), val: new Subset(dataset, order.slice(n - nVal)) };
}
