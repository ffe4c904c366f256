import { beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '@tessera/backend-cpu';
import { manualSeed, memory, nn, ShapeError, type Tensor, tidy, use, ValueError, zeros } from '@tessera/core';
import { det, expectClose, values } from './nn-helpers.js';

const cpu = createCpuBackend();
beforeAll(() => {
  use(cpu);
});

class MLP extends nn.Module {
  layers = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
  scale = new nn.Parameter(zeros([2]).add(1));
  override forward(x: Tensor): Tensor {
    return this.layers.call(x).mul(this.scale);
  }
}

describe('nn.Module tree', () => {
  it('finds parameters, buffers and submodules by field, with PyTorch dotted names in definition order', () => {
    const m = new MLP();
    expect([...m.namedParameters()].map(([n]) => n)).toEqual(['scale', 'layers.0.weight', 'layers.0.bias', 'layers.2.weight', 'layers.2.bias']);
    // Own entries first, then children's: PyTorch's state_dict order.
    expect(Object.keys(m.stateDict())).toEqual(['scale', 'layers.0.weight', 'layers.0.bias', 'layers.2.weight', 'layers.2.bias']);
    expect([...m.namedModules()].map(([n]) => n)).toEqual(['', 'layers', 'layers.0', 'layers.1', 'layers.2']);
    expect([...m.children()]).toHaveLength(1);
    expect(m.numParameters()).toBe(3 * 4 + 4 + 4 * 2 + 2 + 2);
    const bn = new nn.BatchNorm1d(3);
    expect([...bn.namedBuffers()].map(([n]) => n)).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
  });

  it('counts a tied parameter once in parameters() but under both names in the state dict', () => {
    const a = new nn.Linear(2, 2);
    const b = new nn.Linear(2, 2);
    b.weight = a.weight;
    const m = new nn.Sequential(a, b);
    expect(m.parameters()).toHaveLength(3);
    expect(Object.keys(m.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
  });

  it('keeps parameters alive through tidy scopes and frees the intermediates', () => {
    const m = new MLP();
    const x = det([5, 3], 0);
    const before = memory().tensors;
    const loss = tidy(() => {
      const l = m.call(x).square().sum();
      l.backward();
      return l.itemSync();
    });
    expect(Number.isFinite(loss)).toBe(true);
    for (const p of m.parameters()) {
      expect(p.isDisposed).toBe(false);
      expect(p.grad).not.toBeNull();
    }
    // Only the gradients (kept on the parameters) outlive the scope.
    expect(memory().tensors - before).toBe(m.parameters().length);
    m.zeroGrad();
    expect(memory().tensors).toBe(before);
  });

  it('train() and eval() set the mode on every descendant; apply visits children first', () => {
    const m = new MLP();
    m.eval();
    expect([...m.modules()].every((x) => !x.training)).toBe(true);
    m.train();
    expect([...m.modules()].every((x) => x.training)).toBe(true);
    const seen: string[] = [];
    m.apply((x) => seen.push(x.constructor.name));
    expect(seen).toEqual(['Linear', 'ReLU', 'Linear', 'Sequential', 'MLP']);
  });

  it('requiresGrad_(false) freezes: no gradients reach frozen parameters', () => {
    const m = new MLP();
    m.layers.get(0).requiresGrad_(false);
    expect(m.numParameters({ trainable: true })).toBe(4 * 2 + 2 + 2);
    tidy(() => m.call(det([2, 3], 1)).sum().backward());
    const first = m.layers.get(0) as nn.Linear;
    expect(first.weight.grad).toBeNull();
    expect((m.layers.get(2) as nn.Linear).weight.grad).not.toBeNull();
  });

  it('registers explicitly too; non-persistent buffers and #private fields stay out of the state dict', () => {
    class Custom extends nn.Module {
      readonly #cache = new nn.Linear(2, 2);
      constructor() {
        super();
        this.registerParameter('alpha', zeros([3]));
        this.registerBuffer('stats', zeros([2]));
        this.registerBuffer('mask', zeros([4]), { persistent: false });
        this.registerModule('proj', new nn.Linear(3, 1));
      }
      get cache(): nn.Linear {
        return this.#cache;
      }
    }
    const m = new Custom();
    expect(m.cache.weight.requiresGrad).toBe(true);
    expect(Object.keys(m.stateDict())).toEqual(['alpha', 'stats', 'proj.weight', 'proj.bias']);
    expect([...m.namedBuffers()].map(([n]) => n)).toEqual(['stats', 'mask']);
    expect(m.getParameter('proj.weight').shape).toEqual([1, 3]);
    expect(m.getSubmodule('proj')).toBeInstanceOf(nn.Linear);
    expect(() => m.getParameter('proj.nope')).toThrow(ValueError);
    const survivors = tidy(() => {
      m.registerBuffer('made', zeros([1]));
      return 0;
    });
    expect(survivors).toBe(0);
    expect((m as unknown as { made: Tensor }).made.isDisposed).toBe(false);
  });

  it('ModuleList and ModuleDict name their children by index and key', () => {
    const list = new nn.ModuleList([new nn.Linear(1, 2), new nn.Linear(2, 3)]);
    list.insert(0, new nn.Linear(4, 1));
    expect(Object.keys(list.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '2.weight', '2.bias']);
    expect((list.get(-1) as nn.Linear).outFeatures).toBe(3);
    list.pop(0);
    expect([...list].map((l) => (l as nn.Linear).inFeatures)).toEqual([1, 2]);
    // Entries keep insertion order even for integer-like keys (a plain object literal would not).
    const dict = new nn.ModuleDict<nn.AnyModule>([['encoder', new nn.Linear(2, 2)], ['10', new nn.ReLU()], ['decoder', new nn.Linear(2, 1)]]);
    expect([...dict.namedChildren()].map(([k]) => k)).toEqual(['encoder', '10', 'decoder']);
    expect(Object.keys(dict.stateDict())).toEqual(['encoder.weight', 'encoder.bias', 'decoder.weight', 'decoder.bias']);
    expect(() => dict.get('missing')).toThrow(ValueError);
  });

  it('prints the tree like PyTorch', () => {
    expect(new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU()).toString()).toBe(
      'Sequential(\n  (0): Linear(inFeatures=2, outFeatures=3, bias=true)\n  (1): ReLU()\n)',
    );
  });
});

describe('stateDict and loadStateDict', () => {
  it('round-trips: a second model loads the first one in place and computes the same outputs', () => {
    manualSeed(1);
    const a = new MLP();
    manualSeed(2);
    const b = new MLP();
    const x = det([3, 3], 0.5);
    expect(values(a.call(x))).not.toEqual(values(b.call(x)));
    const refs = b.parameters();
    const result = b.loadStateDict(a.stateDict());
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(values(b.call(x))).toEqual(values(a.call(x)));
    // Same parameter objects: an optimizer holding them sees the loaded values.
    expect(b.parameters()).toEqual(refs);
    expect(b.parameters().every((p, i) => p === refs[i])).toBe(true);
    // The state dict is a view: loading copied values, so changing a no longer changes b.
    nn.init.zeros(a.scale);
    expect(values(b.scale)).toEqual([1, 1]);
  });

  it('loads from a Map, and copies BatchNorm buffers too', () => {
    const a = new nn.BatchNorm1d(2);
    a.call(det([4, 2], 0));
    const b = new nn.BatchNorm1d(2);
    b.loadStateDict(new Map(Object.entries(a.stateDict())));
    expect(values(b.running_mean!)).toEqual(values(a.running_mean!));
    expect(values(b.num_batches_tracked!)).toEqual([1]);
  });

  it('strict mode lists missing and unexpected keys and copies nothing', () => {
    const m = new nn.Linear(2, 2);
    const before = values(m.weight);
    const sd = { weight: zeros([2, 2]), extra: zeros([1]) };
    expect(() => m.loadStateDict(sd)).toThrow(ValueError);
    expect(() => m.loadStateDict(sd)).toThrow(/missing keys: bias\. unexpected keys: extra/);
    expect(values(m.weight)).toEqual(before);
    const result = m.loadStateDict(sd, { strict: false });
    expect(result).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['extra'] });
    expect(values(m.weight)).toEqual([0, 0, 0, 0]);
  });

  it('reports shape mismatches with both shapes, even when not strict', () => {
    const m = new nn.Linear(2, 3);
    const sd = { weight: zeros([3, 4]), bias: zeros([3]) };
    expect(() => m.loadStateDict(sd, { strict: false })).toThrow(ShapeError);
    expect(() => m.loadStateDict(sd)).toThrow('weight: checkpoint [3, 4], model [3, 2]');
  });
});

describe('nn.Linear', () => {
  it('matches torch.nn.Linear in value and gradient', () => {
    const lin = new nn.Linear(3, 2);
    lin.loadStateDict({ weight: det([2, 3], 1, 0.5), bias: det([2], 2, 0.1) });
    const x = det([4, 3], 0, 1, true);
    const y = lin.call(x);
    y.square().sum().backward();
    // torch: see tools comment in nn-helpers.ts; Linear(3, 2) with these weights.
    expectClose(y, [0.33613497, 0.18596484, -0.57543373, 0.45966837, 0.81319404, -0.90779275, -0.2913368, 0.80387211]);
    expectClose(lin.weight.grad!, [2.8595343, 1.9386679, -1.8223516, -3.6703043, -0.35764566, 3.4789646]);
    expectClose(lin.bias!.grad!, [0.56511694, 1.0834252]);
    expectClose(x.grad!, [0.10014617, 0.23520587, 0.025688415, -0.93581313, -0.46729749, 0.68581009, 1.5761425, 0.68183094, -1.2113645, -1.0349177, -0.28404462, 0.88295448]);
  });

  it('initialises like PyTorch: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias, reproducibly from the seed', () => {
    manualSeed(7);
    const a = new nn.Linear(100, 50);
    manualSeed(7);
    const b = new nn.Linear(100, 50);
    expect(values(a.weight)).toEqual(values(b.weight));
    const w = values(a.weight);
    const bound = 1 / Math.sqrt(100);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(variance).toBeCloseTo((bound * bound) / 3, 4);
    expect(Math.max(...values(a.bias!).map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(new nn.Linear(3, 2, { bias: false }).bias).toBeNull();
  });
});
