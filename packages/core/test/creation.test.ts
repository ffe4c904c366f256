import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@tessera/backend-cpu';
import * as T from '@tessera/core';

describe('creation and the seeded generator', () => {
  it('tensor() infers shape and dtype from nested arrays, typed arrays and numbers', () => {
    T.use(createCpuBackend());
    const a = T.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(a.shape).toEqual([2, 3]);
    expect(a.dtype).toBe('float32');
    expect(T.tensor([true, false]).dtype).toBe('bool');
    expect(T.tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(T.tensor(new Float32Array(6), { shape: [2, 3] }).shape).toEqual([2, 3]);
    expect(T.tensor(5).shape).toEqual([]);
    expect(T.tensor([1.7, -1.7], { dtype: 'int32' }).arraySync()).toEqual([1, -1]);
    expect(() => T.tensor([[1, 2], [3]])).toThrow(/ragged nested array/);
    expect(() => T.tensor(['a' as unknown as number])).toThrow(/is not a number/);
  });

  it('zeros, ones, full, arange, linspace, eye and the *Like functions', () => {
    T.use(createCpuBackend());
    expect(T.zeros([2]).arraySync()).toEqual([0, 0]);
    expect(T.ones([2], { dtype: 'int32' }).arraySync()).toEqual([1, 1]);
    expect(T.full([2], 7).arraySync()).toEqual([7, 7]);
    expect(T.arange(4).arraySync()).toEqual([0, 1, 2, 3]);
    expect(T.arange(4).dtype).toBe('int32');
    expect(T.arange(1, 2, 0.25).arraySync()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(T.arange(5, 0, -2).arraySync()).toEqual([5, 3, 1]);
    expect(T.linspace(0, 1, 5).arraySync()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(T.eye(2, 3).arraySync()).toEqual([[1, 0, 0], [0, 1, 0]]);
    const x = T.tensor([[1, 2]], { dtype: 'int32' });
    expect(T.zerosLike(x).dtype).toBe('int32');
    expect(T.onesLike(x).arraySync()).toEqual([[1, 1]]);
    expect(T.fullLike(x, 3).arraySync()).toEqual([[3, 3]]);
    expect(() => T.zeros([2, -1])).toThrow(/shape \[2, -1\] is invalid/);
    expect(() => T.arange(0, 1, 0)).toThrow(/nonzero step/);
  });

  it('Philox 4x32-10 matches the Random123 known-answer vector', () => {
    const out = new Uint32Array(4);
    T.philox4x32(0, 0, out);
    expect(Array.from(out, (v) => v.toString(16).padStart(8, '0'))).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
  });

  it('manualSeed makes rand/randn/randint/bernoulli reproducible on every backend', () => {
    const draw = (backend: T.Backend) => {
      T.use(backend);
      T.manualSeed(123);
      return [T.rand([5]), T.randn([5]), T.randint(0, 10, [5]), T.bernoulli(0.5, [5])].map((t) => Array.from(t.dataSync(), Number));
    };
    const a = draw(createCpuBackend());
    const b = draw(createCpuBackend({ float64: true }));
    expect(b).toEqual(a.map((xs, i) => (i === 1 || i === 0 ? xs.map((v) => Math.fround(v)) : xs)));
    expect(draw(createCpuBackend())).toEqual(a);
    T.manualSeed(124);
    expect(Array.from(T.rand([5]).dataSync())).not.toEqual(a[0]);
  });

  it('random numbers have the right distribution and range', () => {
    T.use(createCpuBackend());
    T.manualSeed(7);
    const u = T.rand([20000]);
    const n = T.randn([20000]);
    expect(Math.abs(u.mean().itemSync() - 0.5)).toBeLessThan(0.01);
    expect(u.min().itemSync()).toBeGreaterThanOrEqual(0);
    expect(u.max().itemSync()).toBeLessThan(1);
    expect(Math.abs(n.mean().itemSync())).toBeLessThan(0.03);
    expect(Math.abs(n.std().itemSync() - 1)).toBeLessThan(0.03);
    const r = T.randint(-3, 3, [5000]);
    expect(r.min().itemSync()).toBe(-3);
    expect(r.max().itemSync()).toBe(2);
    expect(() => T.randint(3, 3, [1])).toThrow(/low < high/);
    expect(() => T.bernoulli(1.5, [1])).toThrow(/outside \[0, 1\]/);
  });

  it('the RNG state can be saved and restored to continue the same stream', () => {
    T.use(createCpuBackend());
    T.manualSeed(5);
    T.rand([3]);
    const state = T.getRngState();
    const next = Array.from(T.rand([4]).dataSync());
    T.setRngState(state);
    expect(Array.from(T.rand([4]).dataSync())).toEqual(next);
  });

  it('reading: data(), dataSync(), item(), toArray()', async () => {
    T.use(createCpuBackend());
    const x = T.tensor([[1, 2], [3, 4]]);
    expect(Array.from(await x.data())).toEqual([1, 2, 3, 4]);
    expect(await x.T.toArray()).toEqual([[1, 3], [2, 4]]);
    expect(await x.sum().item()).toBe(10);
    await expect(x.item()).rejects.toThrow(/item: tensor of shape \[2, 2\] has 4 elements/);
  });
});

describe('backend registry', () => {
  it('setBackend names the registered backends when one is missing', async () => {
    await expect(T.setBackend('nope')).rejects.toThrow(/no backend named 'nope' is registered; registered: \[.*cpu.*\]/);
    expect(T.listBackends()).toContain('cpu');
    const b = await T.setBackend('cpu');
    expect(T.getBackend()).toBe(b);
    expect(b.info().contract).toBe(1);
  });

  it('mixing tensors from two backends is an error that names both', () => {
    const a = T.ones([2], { backend: createCpuBackend() });
    const b = T.ones([2], { backend: createCpuBackend({ float64: true }) });
    expect(() => a.add(b)).toThrow(/tensors live on different backends \('cpu' and 'cpu-f64'\)/);
  });
});

describe('async backends in the registry', () => {
  it('getBackend never creates an async backend twice; setBackend awaits the one already starting', async () => {
    let made = 0;
    T.registerBackend('slow-test', async () => {
      made++;
      await new Promise((r) => setTimeout(r, 5));
      const cpu = createCpuBackend();
      return new Proxy(cpu, { get: (target, key) => (key === 'name' ? 'slow-test' : Reflect.get(target, key)) });
    }, 100);
    expect(T.getBackend().name).not.toBe('slow-test'); // skips the async one, falls back to cpu
    const b = await T.setBackend('slow-test');
    expect(b.name).toBe('slow-test');
    expect(made).toBe(1);
    T.registerBackend('slow-test', async () => { throw new Error('no adapter'); }, -100);
    await expect(T.setBackend('slow-test')).rejects.toThrow('no adapter');
    await T.setBackend('cpu');
  });
});
