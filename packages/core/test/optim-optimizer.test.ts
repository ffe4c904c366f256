import { beforeAll, describe, expect, it } from 'vitest';
import {
  add, manualSeed, matmul, memory, mean, mul, noGrad, optim, randn, setBackend, square, sub, tensor, tidy, ValueError, type Tensor,
} from '@tessera/core';
import '@tessera/backend-cpu';

beforeAll(async () => {
  await setBackend('cpu');
});

function quadraticGrads(params: Tensor[], targets: Tensor[]): void {
  noGrad(() => params.forEach((p, i) => {
    p.zeroGrad();
    p.grad = mul(sub(p, targets[i]), 2).keep();
  }));
}

describe('Optimizer parameter groups', () => {
  it('takes a flat parameter list as one group with the defaults', () => {
    const a = randn([3], { requiresGrad: true });
    const opt = new optim.SGD([a], { lr: 0.3, momentum: 0.5 });
    expect(opt.paramGroups).toHaveLength(1);
    expect(opt.paramGroups[0].params[0]).toBe(a);
    expect(opt.paramGroups[0]).toMatchObject({ lr: 0.3, momentum: 0.5, dampening: 0, nesterov: false });
  });

  it('fills hyper-parameters a group omits from the defaults and keeps the ones it sets', () => {
    const a = randn([3], { requiresGrad: true });
    const b = randn([2, 2], { requiresGrad: true });
    const opt = new optim.Adam([{ params: [a] }, { params: [b], lr: 0.1, betas: [0.5, 0.9] }], { lr: 0.01, weightDecay: 0.2 });
    expect(opt.paramGroups[0]).toMatchObject({ lr: 0.01, betas: [0.9, 0.999], weightDecay: 0.2 });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.1, betas: [0.5, 0.9], weightDecay: 0.2 });
  });

  it('applies each group its own learning rate', () => {
    const a = tensor([1, 1], { requiresGrad: true });
    const b = tensor([1, 1], { requiresGrad: true });
    const opt = new optim.SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    a.grad = tensor([1, 2]).keep();
    b.grad = tensor([1, 2]).keep();
    opt.step();
    expect(Array.from(a.dataSync())).toEqual([0.9, 0.8].map(Math.fround));
    expect(Array.from(b.dataSync())).toEqual([0.5, 0]);
  });

  it('rejects duplicated, non-leaf and non-float parameters, and bad hyper-parameters', () => {
    const a = randn([2], { requiresGrad: true });
    expect(() => new optim.SGD([{ params: [a] }, { params: [a] }])).toThrow(/more than one group/);
    expect(() => new optim.SGD([mul(a, 2)])).toThrow(/non-leaf/);
    expect(() => new optim.SGD([tensor([1, 2], { dtype: 'int32' })])).toThrow(ValueError);
    expect(() => new optim.SGD([a], { lr: -1 })).toThrow(/learning rate/);
    expect(() => new optim.SGD([a], { nesterov: true })).toThrow(/nesterov/);
    expect(() => new optim.Adam([a], { betas: [1, 0.9] })).toThrow(/betas/);
    expect(() => new optim.SGD([])).toThrow(/empty/);
  });

  it('updates parameters in place: same tensor, same storage, skipping ones without a gradient', () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = tensor([4, 5], { requiresGrad: true });
    const storage = a.storage;
    const opt = new optim.AdamW([a, b], { lr: 0.1 });
    a.grad = tensor([1, -1, 1]).keep();
    opt.step();
    expect(a.storage).toBe(storage);
    expect(opt.paramGroups[0].params[0]).toBe(a);
    expect(Array.from(a.dataSync()).every((v, i) => v !== [1, 2, 3][i])).toBe(true);
    expect(Array.from(b.dataSync())).toEqual([4, 5]);
    expect(opt.state.has(b)).toBe(false);
  });

  it('zeroGrad frees gradients by default, or zeroes them in place', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const opt = new optim.SGD([a], { lr: 0.1 });
    a.grad = tensor([3, 4]).keep();
    const g = a.grad;
    opt.zeroGrad(false);
    expect(a.grad).toBe(g);
    expect(Array.from(a.grad!.dataSync())).toEqual([0, 0]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    expect(g.isDisposed).toBe(true);
  });

  it('runs a closure that recomputes the loss, with grad enabled even inside noGrad', () => {
    const w = tensor([2], { requiresGrad: true });
    const opt = new optim.SGD([w], { lr: 0.25 });
    const loss = noGrad(() =>
      opt.step(() => {
        opt.zeroGrad();
        const l = square(w).sum();
        l.backward();
        return l.itemSync();
      }),
    );
    expect(loss).toBe(4);
    expect(w.itemSync()).toBe(1); // 2 - 0.25 * 4
  });

  it('keeps its state alive through an enclosing tidy scope', () => {
    const a = randn([4], { requiresGrad: true });
    const opt = new optim.Adam([a], { lr: 0.01 });
    const target = tensor([0, 0, 0, 0]);
    tidy(() => {
      quadraticGrads([a], [target]);
      opt.step();
    });
    const m = opt.state.get(a)!.expAvg as Tensor;
    expect(m.isDisposed).toBe(false);
    quadraticGrads([a], [target]);
    expect(() => opt.step()).not.toThrow();
    expect(opt.state.get(a)!.step).toBe(2);
  });
});

describe('Optimizer state dicts', () => {
  const makers: Record<string, (p: Tensor[]) => optim.Optimizer<{ lr: number }>> = {
    sgd: (p) => new optim.SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true }),
    adam: (p) => new optim.Adam(p, { lr: 0.05, amsgrad: true }),
    adamw: (p) => new optim.AdamW(p, { lr: 0.05 }),
    rmsprop: (p) => new optim.RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5 }),
    adagrad: (p) => new optim.Adagrad(p, { lr: 0.1, lrDecay: 0.1 }),
  };
  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: 10 steps straight equal 5 steps, state dict into a fresh optimizer, 5 steps, bit for bit`, () => {
      manualSeed(3);
      const init = [randn([3, 2]), randn([5])];
      const targets = [randn([3, 2]), randn([5])];
      const straight = init.map((t) => t.clone().requiresGrad_());
      const opt1 = make(straight);
      for (let i = 0; i < 10; i++) { quadraticGrads(straight, targets); opt1.step(); }

      const first = init.map((t) => t.clone().requiresGrad_());
      const opt2 = make(first);
      for (let i = 0; i < 5; i++) { quadraticGrads(first, targets); opt2.step(); }
      const sd = opt2.stateDict();
      const resumed = first.map((t) => t.detach().clone().requiresGrad_());
      const opt3 = make(resumed);
      opt3.paramGroups[0].lr = 123; // overwritten by the state dict
      opt3.loadStateDict(sd);
      opt2.dispose(); // the loaded state must be a copy
      expect(opt3.paramGroups[0].lr).not.toBe(123);
      for (let i = 0; i < 5; i++) { quadraticGrads(resumed, targets); opt3.step(); }
      resumed.forEach((p, i) => expect(Array.from(p.dataSync())).toEqual(Array.from(straight[i].dataSync())));
    });
  }

  it('indexes state by parameter position across groups, with params as indices', () => {
    const a = randn([2], { requiresGrad: true });
    const b = randn([3], { requiresGrad: true });
    const opt = new optim.Adam([{ params: [a] }, { params: [b], lr: 0.5 }]);
    b.grad = randn([3]).keep();
    opt.step();
    const sd = opt.stateDict();
    expect(sd.paramGroups.map((g) => g.params)).toEqual([[0], [1]]);
    expect(sd.paramGroups[1].lr).toBe(0.5);
    expect(Object.keys(sd.state)).toEqual(['1']);
    expect(sd.state[1].step).toBe(1);
    expect((sd.state[1].expAvg as Tensor).shape).toEqual([3]);
    expect(JSON.parse(JSON.stringify(sd.paramGroups))).toEqual(sd.paramGroups);
  });

  it('rejects state dicts that do not fit, without changing anything', () => {
    const a = randn([2], { requiresGrad: true });
    const opt = new optim.Adam([a]);
    a.grad = randn([2]).keep();
    opt.step();
    const sd = opt.stateDict();
    const other = new optim.Adam([randn([3], { requiresGrad: true })]);
    expect(() => other.loadStateDict(sd)).toThrow(/shape \[2\], the parameter \[3\]/);
    expect(() => other.loadStateDict({ ...sd, paramGroups: [...sd.paramGroups, sd.paramGroups[0]] })).toThrow(/2 parameter groups/);
    expect(() => other.loadStateDict({ state: {}, paramGroups: [{ lr: 1, params: [0, 1] }] })).toThrow(/2 parameters/);
    expect(other.state.size).toBe(0);
  });
});

describe('gradient clipping', () => {
  it('clipGradNorm scales all gradients together and returns the total 2-norm as a 0-d tensor', () => {
    const a = tensor([1, 1], { requiresGrad: true });
    const b = tensor([1], { requiresGrad: true });
    a.grad = tensor([3, 4]).keep();
    b.grad = tensor([12]).keep();
    const total = optim.clipGradNorm([a, b], 6.5);
    expect(total.shape).toEqual([]);
    expect(total.itemSync()).toBeCloseTo(13, 5);
    const coef = 6.5 / (13 + 1e-6);
    expect(Array.from(a.grad.dataSync())).toEqual([3 * coef, 4 * coef].map(Math.fround));
    expect(b.grad.dataSync()[0]).toBeCloseTo(12 * coef, 5);
  });

  it('clipGradNorm leaves gradients under the limit alone and supports the max and 1-norms', () => {
    const a = tensor([0, 0], { requiresGrad: true });
    a.grad = tensor([-3, 1]).keep();
    expect(optim.clipGradNorm(a, 10).itemSync()).toBeCloseTo(Math.sqrt(10), 5);
    expect(Array.from(a.grad.dataSync())).toEqual([-3, 1]);
    expect(optim.clipGradNorm(a, 10, Infinity).itemSync()).toBe(3);
    expect(optim.clipGradNorm(a, 2, 1).itemSync()).toBe(4);
    expect(a.grad.dataSync()[0]).toBeCloseTo(-1.5, 5);
    expect(() => optim.clipGradNorm(a, 1, 0)).toThrow(ValueError);
  });

  it('clipGradNorm with errorIfNonfinite throws on an infinite norm and returns 0 without gradients', () => {
    const a = tensor([0], { requiresGrad: true });
    expect(optim.clipGradNorm([a], 1).itemSync()).toBe(0);
    a.grad = tensor([Infinity]).keep();
    expect(() => optim.clipGradNorm([a], 1, 2, { errorIfNonfinite: true })).toThrow(/Infinity/);
  });

  it('clipGradValue clamps every element in place', () => {
    const a = tensor([0, 0, 0], { requiresGrad: true });
    a.grad = tensor([-5, 0.5, 7]).keep();
    const g = a.grad;
    optim.clipGradValue([a], 1);
    expect(a.grad).toBe(g);
    expect(Array.from(g.dataSync())).toEqual([-1, 0.5, 1]);
  });

  it('does not leak tensors', () => {
    const a = randn([4], { requiresGrad: true });
    a.grad = randn([4]).keep();
    optim.clipGradNorm(a, 0.1).dispose();
    const before = memory().tensors;
    optim.clipGradNorm(a, 0.1).dispose();
    optim.clipGradValue(a, 0.05);
    expect(memory().tensors).toBe(before);
  });
});

describe('gradient accumulation', () => {
  it('backward twice accumulates into .grad; loss / steps over two half batches equals one full batch', () => {
    manualSeed(11);
    const x = randn([8, 3]);
    const y = randn([8, 1]);
    const w0 = randn([3, 1]);
    const loss = (w: Tensor, xb: Tensor, yb: Tensor) => mean(square(sub(matmul(xb, w), yb)));

    const wFull = w0.clone().requiresGrad_();
    const optFull = new optim.SGD([wFull], { lr: 0.1, momentum: 0.9 });
    loss(wFull, x, y).backward();
    const fullGrad = Array.from(wFull.grad!.dataSync());
    optFull.step();

    const wAcc = w0.clone().requiresGrad_();
    const optAcc = new optim.SGD([wAcc], { lr: 0.1, momentum: 0.9 });
    const halves = [[0, 4], [4, 8]] as const;
    let afterFirst: number[] = [];
    halves.forEach(([s, e], k) => {
      const l = mul(loss(wAcc, x.narrow(0, s, e - s), y.narrow(0, s, e - s)), 1 / halves.length);
      l.backward();
      if (k === 0) afterFirst = Array.from(wAcc.grad!.dataSync());
    });
    const accGrad = Array.from(wAcc.grad!.dataSync());
    expect(accGrad).not.toEqual(afterFirst);
    accGrad.forEach((g, i) => expect(g).toBeCloseTo(fullGrad[i], 5));
    optAcc.step();
    const a = wAcc.dataSync();
    wFull.dataSync().forEach((v, i) => expect(a[i]).toBeCloseTo(v, 5));
    expect(add(wAcc, 0).shape).toEqual([3, 1]);
  });
});
