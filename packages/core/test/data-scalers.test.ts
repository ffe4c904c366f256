import { beforeAll, describe, expect, it } from 'vitest';
import { data, memory, setBackend, tensor, type Tensor } from '@tessera/core';
import '@tessera/backend-cpu';

beforeAll(async () => {
  await setBackend('cpu');
});

const arr = (t: Tensor) => t.arraySync() as number[][];
const close = (got: number[][], want: number[][]) => got.forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(want[i][j], 5)));

describe('Standardizer', () => {
  const train = [[1, 10, 5], [3, 20, 5], [5, 60, 5]];

  it('fits per-feature mean and population std on train and applies them to any split', () => {
    const s = new data.Standardizer().fit(tensor(train));
    expect(s.mean!.shape).toEqual([1, 3]);
    const sd1 = Math.sqrt(8 / 3), sd2 = Math.sqrt(((10 - 30) ** 2 + (20 - 30) ** 2 + 30 ** 2) / 3);
    close(arr(s.mean!), [[3, 30, 5]]);
    close(arr(s.std!), [[sd1, sd2, 1]]); // a constant feature is left unscaled
    close(arr(s.transform(tensor(train))), train.map((r) => [(r[0] - 3) / sd1, (r[1] - 30) / sd2, 0]));
    close(arr(s.transform(tensor([[7, 0, 6]]))), [[4 / sd1, -30 / sd2, 1]]);
    close(arr(s.inverseTransform(s.transform(tensor([[7, 0, 6]])))), [[7, 0, 6]]);
  });

  it('fits over other axes (per channel of [N, C, L]) and with Bessel correction', () => {
    const x = tensor([[[1, 3], [10, 10]], [[5, 7], [20, 40]]]);
    const s = new data.Standardizer({ axis: [0, 2], correction: 1 }).fit(x);
    expect(s.mean!.shape).toEqual([1, 2, 1]);
    expect(Array.from(s.mean!.dataSync())).toEqual([4, 20]);
    expect(s.std!.dataSync()[0]).toBeCloseTo(Math.sqrt(20 / 3), 5);
  });

  it('standardise(train, ...others) returns scaled splits and the scaler; state dicts round-trip', () => {
    const { train: tr, others: [val], scaler } = data.standardise(tensor(train), tensor([[3, 30, 5]]));
    close(arr(val), [[0, 0, 0]]);
    expect(arr(tr)[1][0]).toBeCloseTo(0, 6);
    const copy = new data.Standardizer();
    copy.loadStateDict(scaler.stateDict());
    scaler.dispose();
    close(arr(copy.transform(tensor([[5, 60, 5]]))), [[2 / Math.sqrt(8 / 3), 30 / Math.sqrt(1400 / 3), 0]]);
    expect(() => new data.Standardizer().transform(tensor([1]))).toThrow(/fit\(\) first/);
  });

  it('frees its temporaries and the statistics it replaces', () => {
    const s = new data.Standardizer().fit(tensor(train));
    const x = tensor(train);
    const before = memory().tensors;
    s.fit(x);
    s.fit(x);
    s.transform(x).dispose();
    expect(memory().tensors).toBe(before);
  });
});

describe('MinMaxScaler and normalise', () => {
  it('maps the training range of each feature to [0, 1] (or featureRange) and inverts', () => {
    const x = tensor([[0, -1], [5, 1], [10, 0]]);
    const { train, others: [test], scaler } = data.normalise(x, tensor([[20, 3]]));
    close(arr(train), [[0, 0], [0.5, 1], [1, 0.5]]);
    close(arr(test), [[2, 2]]);
    close(arr(scaler.inverseTransform(train)), [[0, -1], [5, 1], [10, 0]]);
    const s = new data.MinMaxScaler({ featureRange: [-1, 1] }).fit(x);
    close(arr(s.transform(x)), [[-1, -1], [0, 1], [1, 0]]);
    close(arr(new data.MinMaxScaler().fitTransform(tensor([[4, 1], [4, 2]]))), [[0, 0], [0, 1]]);
    expect(() => new data.MinMaxScaler({ featureRange: [1, 0] })).toThrow(/increasing/);
  });
});
