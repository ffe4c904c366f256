import { describe, expect, it } from 'vitest';
import { manualSeed, randn, setBackend } from '@tessera/core';
import '@tessera/backend-cpu';

describe('quickstart', () => {
  it('runs the README example: matmul, relu, square, mean, backward', async () => {
    await setBackend('cpu');
    manualSeed(0);
    const x = randn([4, 3], { requiresGrad: true });
    const w = randn([3, 2], { requiresGrad: true });
    const loss = x.matmul(w).relu().square().mean();
    loss.backward();
    const value = await loss.item();
    const g = await w.grad!.data();
    expect(Number.isFinite(value)).toBe(true);
    expect(g.length).toBe(6);
  });
});
