import { beforeAll, describe, expect, it } from 'vitest';
import { arange, data, getRngState, manualSeed, memory, randn, setBackend, tensor, tidy, type Tensor } from '@tessera/core';
import '@tessera/backend-cpu';

beforeAll(async () => {
  await setBackend('cpu');
});

const rows = (t: Tensor) => Array.from(t.dataSync() as ArrayLike<number>);

function numbered(n: number): data.TensorDataset {
  const x = arange(n * 2, undefined, 1, { dtype: 'float32' }).reshape([n, 2]);
  const y = arange(n);
  return new data.TensorDataset(x, y);
}

describe('TensorDataset', () => {
  it('indexes rows of every tensor and checks the first dimensions agree', () => {
    const ds = numbered(5);
    expect(ds.length).toBe(5);
    const [x, y] = ds.get(3);
    expect(rows(x)).toEqual([6, 7]);
    expect(y.shape).toEqual([]);
    expect(y.itemSync()).toBe(3);
    expect(() => ds.get(5)).toThrow(/out of range/);
    expect(() => new data.TensorDataset(randn([3, 2]), randn([4]))).toThrow(/\[3, 2\], \[4\]/);
  });
});

describe('DataLoader', () => {
  it('batches in order without shuffling, keeping or dropping the short last batch', () => {
    const ds = numbered(7);
    const loader = new data.DataLoader(ds, { batchSize: 3 });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    expect(batches.map(([, y]) => rows(y))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(batches[0][0].shape).toEqual([3, 2]);
    expect(rows(batches[2][0])).toEqual([12, 13]);
    const dropping = new data.DataLoader(ds, { batchSize: 3, dropLast: true });
    expect(dropping.length).toBe(2);
    expect([...dropping].map(([, y]) => rows(y))).toEqual([[0, 1, 2], [3, 4, 5]]);
  });

  it('shuffles with a seed: reproducible, a new order each epoch, independent of the global generator', () => {
    const ds = numbered(20);
    const epochOrders = (seed: number) => {
      const loader = new data.DataLoader(ds, { batchSize: 6, shuffle: true, seed });
      return [0, 1, 2].map(() => [...loader].flatMap(([, y]) => rows(y)));
    };
    manualSeed(1);
    const a = epochOrders(42);
    const rngBefore = getRngState();
    randn([10]);
    const b = epochOrders(42);
    expect(getRngState()).not.toEqual(rngBefore);
    expect(b).toEqual(a);
    for (const order of a) expect([...order].sort((p, q) => p - q)).toEqual([...Array(20).keys()]);
    expect(a[0]).not.toEqual(a[1]);
    expect(a[1]).not.toEqual(a[2]);
    expect(epochOrders(43)[0]).not.toEqual(a[0]);
    // The seeded stream does not touch the global generator.
    const s = getRngState();
    epochOrders(42);
    expect(getRngState()).toEqual(s);
  });

  it('shuffles from the global generator without a seed, so manualSeed reproduces it', () => {
    const ds = numbered(12);
    const order = () => [...new data.DataLoader(ds, { batchSize: 12, shuffle: true })].flatMap(([, y]) => rows(y));
    manualSeed(5);
    const a = order();
    manualSeed(5);
    expect(order()).toEqual(a);
    expect(order()).not.toEqual(a);
  });

  it('resumes at an epoch with setEpoch / stateDict', () => {
    const ds = numbered(10);
    const l1 = new data.DataLoader(ds, { batchSize: 4, shuffle: true, seed: 7 });
    [...l1];
    const third = () => [...l1].flatMap(([, y]) => rows(y));
    const sd = l1.stateDict();
    const wanted = third();
    const l2 = new data.DataLoader(ds, { batchSize: 4, shuffle: true, seed: 7 });
    l2.loadStateDict(sd);
    expect([...l2].flatMap(([, y]) => rows(y))).toEqual(wanted);
  });

  it('shuffled permutations are close to uniform (each item lands in each slot about equally often)', () => {
    const n = 5;
    const counts = Array.from({ length: n }, () => new Array(n).fill(0));
    for (let e = 0; e < 2000; e++) data.randperm(n, 9, e).forEach((item, slot) => counts[item][slot]++);
    for (const row of counts) for (const c of row) expect(Math.abs(c - 400)).toBeLessThan(80);
  });

  it('collates generic datasets: tensors stacked, numbers and booleans to tensors, objects by key', async () => {
    const ds: data.Dataset<{ x: Tensor; label: number; w: number; ok: boolean; id: string }> = {
      length: 5,
      get: (i) => ({ x: tensor([i, -i]), label: i % 2, w: i / 2, ok: i > 2, id: `item${i}` }),
    };
    const batches = [...new data.DataLoader(ds, { batchSize: 2 })];
    expect(batches).toHaveLength(3);
    const b = batches[1];
    expect(b.x.shape).toEqual([2, 2]);
    expect(rows(b.x)).toEqual([2, -2, 3, -3]);
    expect(b.label.dtype).toBe('int32');
    expect(rows(b.label)).toEqual([0, 1]);
    expect(b.w.dtype).toBe('float32');
    expect(b.ok.dtype).toBe('bool');
    expect(b.id).toEqual(['item2', 'item3']);

  });

  it('takes a custom collate, which may be async in async iteration', async () => {
    const ds: data.Dataset<number> = { length: 5, get: (i) => i * i };
    const sums = [...new data.DataLoader(ds, { batchSize: 2, collate: (items) => items.reduce((a, b) => a + b, 0) })];
    expect(sums).toEqual([1, 13, 16]);
    const seen: number[][] = [];
    for await (const b of new data.DataLoader(ds, { batchSize: 3, collate: async (items) => items.map((v) => -v) })) seen.push(b);
    expect(seen).toEqual([[-0, -1, -4], [-9, -16]]);
  });

  it('iterates asynchronously over a dataset whose items are promises', async () => {
    const ds: data.Dataset<Promise<[Tensor, number]> | [Tensor, number]> = { length: 5, get: async (i) => [tensor([i * 10]), i] };
    const labels: number[][] = [];
    for await (const batch of new data.DataLoader(ds, { batchSize: 2 })) {
      const [x, y] = batch as unknown as [Tensor, Tensor];
      labels.push(rows(y));
      expect(x.shape[0]).toBe(y.shape[0]);
    }
    expect(labels).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('a training epoch over a TensorDataset holds memory steady once batches are disposed', () => {
    const ds = new data.TensorDataset(randn([64, 4]), randn([64, 1]));
    const loader = new data.DataLoader(ds, { batchSize: 8, shuffle: true, seed: 3 });
    const epoch = () => {
      for (const batch of loader) tidy(() => { batch[0].sum(); batch.forEach((t) => t.dispose()); });
    };
    epoch();
    const before = memory().tensors;
    epoch();
    epoch();
    expect(memory().tensors).toBe(before);
  });

  it('rejects bad options', () => {
    const ds = numbered(3);
    expect(() => new data.DataLoader(ds, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => new data.DataLoader(ds, { seed: -1 })).toThrow(/seed/);
  });
});

describe('splits', () => {
  it('randomSplit by counts or fractions covers the dataset without overlap, reproducibly with a seed', () => {
    const ds = numbered(10);
    const [a, b, c] = data.randomSplit(ds, [0.5, 0.3, 0.2], 11);
    expect([a.length, b.length, c.length]).toEqual([5, 3, 2]);
    const all = [...a.indices, ...b.indices, ...c.indices].sort((p, q) => p - q);
    expect(all).toEqual([...Array(10).keys()]);
    expect(data.randomSplit(ds, [0.5, 0.3, 0.2], 11).map((s) => s.indices)).toEqual([a.indices, b.indices, c.indices]);
    expect(data.randomSplit(ds, [7, 3], 11).map((s) => s.length)).toEqual([7, 3]);
    expect(data.randomSplit(ds, [0.33, 0.33, 0.34], 1).map((s) => s.length)).toEqual([4, 3, 3]);
    expect(() => data.randomSplit(ds, [4, 4])).toThrow(/summing to the dataset length 10/);
    const [x, y] = a.get(0);
    expect(y.itemSync()).toBe(a.indices[0]);
    expect(rows(x)).toEqual([2 * a.indices[0], 2 * a.indices[0] + 1]);
  });

  it('trainValSplit holds out a fraction; subsets batch through the fast path', () => {
    const ds = numbered(10);
    const { train, val } = data.trainValSplit(ds, { valFraction: 0.3, seed: 2 });
    expect([train.length, val.length]).toEqual([7, 3]);
    expect(new Set([...train.indices, ...val.indices]).size).toBe(10);
    const ordered = data.trainValSplit(ds, { valFraction: 0.2, shuffle: false });
    expect(ordered.val.indices).toEqual([8, 9]);
    const [xb, yb] = [...new data.DataLoader(val, { batchSize: 3 })][0];
    expect(rows(yb)).toEqual([...val.indices]);
    expect(xb.shape).toEqual([3, 2]);
  });

  it('oneHot is available from data', () => {
    expect(data.oneHot(tensor(new Int32Array([2, 0])), 3).arraySync()).toEqual([[0, 0, 1], [1, 0, 0]]);
  });
});
