import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@tessera/backend-cpu';
import * as T from '@tessera/core';

function liveOn(backend: T.Backend): { tensors: number; bytes: number; buffers: number } {
  const m = T.memory().backends[backend.name];
  return { tensors: m.tensors, bytes: m.bytes, buffers: m.backend.buffers };
}

describe('memory', () => {
  it('tidy frees every intermediate and keeps what is returned', () => {
    const b = T.use(createCpuBackend());
    const before = liveOn(b);
    const kept = T.tidy(() => {
      const x = T.ones([10, 10]);
      const y = x.mul(2).add(1).exp();
      return { y, n: 3 };
    });
    expect(liveOn(b).tensors).toBe(before.tensors + 1);
    expect(kept.y.isDisposed).toBe(false);
    kept.y.dispose();
    expect(liveOn(b)).toEqual(before);
  });

  it('nested tidy hands returned tensors to the outer scope, and keep() exempts a tensor', () => {
    const b = T.use(createCpuBackend());
    const before = liveOn(b);
    let inner!: T.Tensor;
    let kept!: T.Tensor;
    T.tidy(() => {
      inner = T.tidy(() => T.ones([3]).add(1));
      kept = T.ones([2]).keep();
      expect(inner.isDisposed).toBe(false);
    });
    expect(inner.isDisposed).toBe(true);
    expect(kept.isDisposed).toBe(false);
    kept.dispose();
    expect(liveOn(b)).toEqual(before);
  });

  it('tidy cleans up when fn throws, and tidyAsync survives await', async () => {
    const b = T.use(createCpuBackend());
    const before = liveOn(b);
    expect(() => T.tidy(() => { T.ones([4]); throw new Error('boom'); })).toThrow('boom');
    expect(liveOn(b)).toEqual(before);
    const out = await T.tidyAsync(async () => {
      const x = T.ones([4]).mul(3);
      const v = await x.data();
      return T.tensor(Array.from(v)).add(x);
    });
    expect(Array.from(await out.data())).toEqual([6, 6, 6, 6]);
    out.dispose();
    expect(liveOn(b)).toEqual(before);
  });

  it('views share one buffer, freed when the last view is disposed; `using` disposes at block end', () => {
    const b = T.use(createCpuBackend());
    const before = liveOn(b);
    const x = T.ones([4, 4]);
    const v = x.T;
    expect(liveOn(b).buffers).toBe(before.buffers + 1);
    x.dispose();
    expect(liveOn(b).buffers).toBe(before.buffers + 1);
    expect(T.tidy(() => v.sum().itemSync())).toBe(16);
    v.dispose();
    {
      using t = T.zeros([8]);
      expect(t.size).toBe(8);
    }
    const base = T.ones([2]);
    const parts = base.split(1);
    T.dispose(base, parts);
    expect(parts.every((p) => p.isDisposed)).toBe(true);
    expect(liveOn(b)).toEqual(before);
  });

  it('a disposed tensor cannot be used again: clear BackendError, not a wrong result', () => {
    T.use(createCpuBackend());
    const x = T.ones([2]);
    x.dispose();
    expect(() => x.add(1)).toThrow(/add: input \[2\] float32 was disposed/);
    expect(() => x.dataSync()).toThrow(/was disposed/);
    x.dispose(); // twice is harmless
  });

  it('200 MLP training steps hold memory() steady after every step', () => {
    const b = T.use(createCpuBackend());
    T.manualSeed(3);
    const x = T.randn([32, 8]).keep();
    const y = T.randint(0, 4, [32]).keep();
    const params = [T.randn([8, 16]).mul(0.3), T.zeros([16]), T.randn([16, 4]).mul(0.3), T.zeros([4])].map((p) => p.requiresGrad_().keep());
    const step = () =>
      T.tidy(() => {
        const [w1, b1, w2, b2] = params;
        const logits = x.matmul(w1).add(b1).relu().matmul(w2).add(b2);
        const loss = logits.logSoftmax(-1).gather(1, y.unsqueeze(1)).mean().neg();
        loss.backward();
        T.noGrad(() => {
          for (const p of params) {
            b.copy(p.sub(p.grad!.mul(0.1)).kernelView(), p.kernelView());
            p.zeroGrad();
          }
        });
        return loss.itemSync();
      });
    const first = step();
    const baseline = liveOn(b);
    let last = first;
    for (let i = 0; i < 200; i++) {
      last = step();
      expect(liveOn(b)).toEqual(baseline);
    }
    expect(last).toBeLessThan(first);
  });

  it('the FinalizationRegistry frees buffers of tensors dropped without dispose', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) return; // only checkable with --expose-gc; tidy/dispose are the deterministic paths
    const b = T.use(createCpuBackend());
    const before = liveOn(b).buffers;
    (() => { for (let i = 0; i < 50; i++) T.ones([100]); })();
    gc();
    await new Promise((r) => setTimeout(r, 50));
    gc();
    expect(liveOn(b).buffers).toBeLessThan(before + 50);
  });
});
