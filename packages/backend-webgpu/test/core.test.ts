import { createCpuBackend } from '@tessera/backend-cpu';
import {
  BackendError, type Backend, ValueError, gather, manualSeed, matmul, memory, nn, optim, randn, setBackend, sum, tensor, tidyAsync, use,
} from '@tessera/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebGPUBackend } from '../src/index.js';
import { expectArraysClose } from './helpers.js';

let gpu: Backend;
beforeAll(async () => {
  gpu = await setBackend('webgpu');
});
afterAll(() => (gpu as WebGPUBackend).destroy());

describe('through core', () => {
  it("registers as 'webgpu' with an async factory", () => {
    expect(gpu).toBeInstanceOf(WebGPUBackend);
    expect(gpu.name).toBe('webgpu');
  });

  it('dataSync throws a clear error; data() and item() work', async () => {
    use(gpu);
    const t = tensor([1, 2, 3]);
    expect(() => t.dataSync()).toThrow(BackendError);
    expect(() => t.dataSync()).toThrow(/await/);
    expect([...(await t.data())]).toEqual([1, 2, 3]);
    expect(await sum(t).item()).toBe(6);
    t.dispose();
  });

  it('an out-of-range gather index surfaces as a ValueError when the result is read', async () => {
    use(gpu);
    const x = tensor([1, 2, 3]);
    const idx = tensor([0, 5], { dtype: 'int32' });
    const y = gather(x, 0, idx);
    await expect(y.data()).rejects.toThrow(ValueError);
    for (const t of [x, idx, y]) t.dispose();
  });

  it('an MLP trains with AdamW like the cpu backend, with steady memory from step to step', async () => {
    const run = async (be: Backend) => {
      use(be);
      manualSeed(3);
      const model = new nn.Sequential(new nn.Linear(12, 16), new nn.GELU(), new nn.LayerNorm(16), new nn.Linear(16, 3));
      const opt = new optim.AdamW(model.parameters(), { lr: 0.01, weightDecay: 0.1 });
      const x = randn([9, 12]).keep();
      const w = randn([3, 3]).keep();
      const losses: number[] = [];
      const bytes: number[] = [];
      const gpuBytes: number[] = [];
      for (let step = 0; step < 8; step++) {
        losses.push(
          await tidyAsync(async () => {
            opt.zeroGrad();
            const y = model.call(x);
            const loss = sum(matmul(y, w).square()).div(27);
            loss.backward();
            opt.step();
            return loss.item();
          }),
        );
        const m = memory().backends[be.name];
        bytes.push(m.bytes, m.tensors);
        gpuBytes.push(Number(m.backend.gpuBytes ?? 0));
      }
      x.dispose();
      w.dispose();
      return { losses, bytes, gpuBytes };
    };
    const cpu = createCpuBackend();
    const want = await run(cpu);
    const got = await run(gpu);
    expectArraysClose(got.losses, want.losses, { rtol: 1e-4, atol: 1e-5 });
    expect(got.losses[7]).toBeLessThan(got.losses[0]);
    // Live bytes and tensors identical from the second step on.
    const steady = got.bytes.slice(2);
    for (let i = 2; i < steady.length; i += 2) expect([steady[i], steady[i + 1]]).toEqual([steady[0], steady[1]]);
    // GPU memory (live plus pooled) stops growing once the pool holds a step's worth.
    expect(got.gpuBytes.slice(3).every((b) => b === got.gpuBytes[3])).toBe(true);
  });
});
