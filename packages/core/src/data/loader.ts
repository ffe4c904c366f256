/** DataLoader: batching, seeded shuffling, drop-last, collation; sync and async iteration. */
import { ValueError } from '../errors.js';
import { tidy } from '../memory.js';
import { tensor } from '../ops/creation.js';
import { stack } from '../ops/combine.js';
import { Tensor } from '../tensor.js';
import type { Dataset } from './dataset.js';
import { drawSeed, randperm } from './random.js';

/** What the default collate makes of a list of items of type T. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean
    ? Tensor
    : T extends string
      ? string[]
      : T extends readonly unknown[]
        ? { [K in keyof T]: Collated<T[K]> }
        : T extends object
          ? { [K in keyof T]: Collated<T[K]> }
          : T[];

/**
 * Stack items into a batch, like PyTorch's `default_collate`: tensors are stacked along a new
 * first axis; numbers become a tensor (int32 when all are integers, else float32); booleans a
 * bool tensor; arrays and objects are collated position by position / key by key; strings
 * and anything else are gathered into an array.
 */
export function defaultCollate<T>(items: readonly T[]): Collated<T> {
  if (items.length === 0) throw new ValueError('defaultCollate: cannot collate an empty batch.');
  const first = items[0] as unknown;
  if (first instanceof Tensor) return stack(items as unknown as Tensor[]) as Collated<T>;
  if (typeof first === 'number') {
    const nums = items as unknown as number[];
    return tensor(nums, { dtype: nums.every(Number.isInteger) ? 'int32' : 'float32' }) as Collated<T>;
  }
  if (typeof first === 'boolean') return tensor(items as unknown as boolean[]) as Collated<T>;
  if (Array.isArray(first)) {
    const width = first.length;
    for (const it of items) {
      if (!Array.isArray(it) || it.length !== width) throw new ValueError(`defaultCollate: every item must be an array of length ${width}.`);
    }
    return first.map((_, k) => defaultCollate((items as unknown as unknown[][]).map((it) => it[k]))) as Collated<T>;
  }
  if (first && typeof first === 'object' && Object.getPrototypeOf(first) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) out[key] = defaultCollate((items as unknown as Record<string, unknown>[]).map((it) => it[key]));
    return out as Collated<T>;
  }
  return [...items] as Collated<T>;
}

export interface DataLoaderOptions<T, B> {
  /** Items per batch (default 1). */
  batchSize?: number;
  /** Reshuffle at the start of every epoch (default false). */
  shuffle?: boolean;
  /**
   * Seed for shuffling: epoch e uses the permutation for (seed, e), independent of the global
   * generator. Without a seed each epoch draws one from the global generator.
   */
  seed?: number;
  /** Drop the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Turn a list of items into a batch (default {@link defaultCollate}, or the dataset's getBatch). */
  collate?: (items: T[]) => B;
}

/**
 * Iterates over a dataset in batches. Each `for (const batch of loader)` is one epoch; with
 * `shuffle` the order changes every epoch. Batches are new tensors: dispose them (or run the
 * step in `tidy`). Intermediate item tensors made while collating are freed.
 *
 * ```ts
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true, seed: 0 });
 * for (const [xb, yb] of loader) tidy(() => step(xb, yb));
 * ```
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B>, AsyncIterable<Awaited<B>> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly seed: number | undefined;
  /** The epoch the next iteration runs (advanced when an iteration starts). */
  epoch = 0;
  private readonly collate: ((items: T[]) => B) | undefined;

  constructor(readonly dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const { batchSize = 1, shuffle = false, seed, dropLast = false, collate } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new ValueError(`DataLoader: batchSize must be a positive integer, got ${batchSize}.`);
    if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
      throw new ValueError(`DataLoader: seed must be an integer in [0, 2^32), got ${seed}.`);
    }
    if (!dataset || typeof dataset.get !== 'function' || !Number.isInteger(dataset.length)) {
      throw new ValueError('DataLoader: expected a dataset with a length and get(index).');
    }
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.seed = seed;
    this.dropLast = dropLast;
    this.collate = collate;
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The batches' indices for the next epoch (advances the epoch). */
  nextEpochIndices(): number[][] {
    const n = this.dataset.length;
    const epoch = this.epoch++;
    const order = this.shuffle
      ? this.seed !== undefined
        ? randperm(n, this.seed, epoch)
        : randperm(n, drawSeed())
      : Array.from({ length: n }, (_, i) => i);
    const batches: number[][] = [];
    for (let at = 0; at < n; at += this.batchSize) {
      const idx = order.slice(at, at + this.batchSize);
      if (this.dropLast && idx.length < this.batchSize) break;
      batches.push(idx);
    }
    return batches;
  }

  private batchFrom(indices: number[], items?: T[]): B {
    if (!items && !this.collate && this.dataset.getBatch) return this.dataset.getBatch(indices) as B;
    return tidy(() => {
      const list = items ?? indices.map((i) => this.dataset.get(i));
      return this.collate ? this.collate(list) : (defaultCollate(list) as B);
    });
  }

  *[Symbol.iterator](): Iterator<B> {
    for (const indices of this.nextEpochIndices()) yield this.batchFrom(indices);
  }

  /**
   * Async iteration: items may be promises (a dataset reading files or the network), and so may
   * the batch a custom `collate` returns; each is awaited before it is yielded.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<Awaited<B>> {
    for (const indices of this.nextEpochIndices()) {
      if (!this.collate && this.dataset.getBatch) {
        yield (await this.dataset.getBatch(indices)) as Awaited<B>;
        continue;
      }
      const items = (await Promise.all(indices.map((i) => this.dataset.get(i)))) as Awaited<T>[] as T[];
      yield this.collate ? await this.collate(items) : (this.batchFrom(indices, items) as Awaited<B>);
    }
  }

  /** Make the next iteration run epoch `epoch` (e.g. when resuming). */
  setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0) throw new ValueError(`DataLoader.setEpoch: expected a non-negative integer, got ${epoch}.`);
    this.epoch = epoch;
  }

  stateDict(): { epoch: number } {
    return { epoch: this.epoch };
  }

  loadStateDict(sd: { epoch: number }): void {
    this.setEpoch(sd.epoch);
  }
}
