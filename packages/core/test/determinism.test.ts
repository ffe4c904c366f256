import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@tessera/backend-cpu';
import * as T from '@tessera/core';

/** 30 steps of an MLP with dropout from a given seed; returns the final parameters' bits. */
function train(backend: T.Backend, seed: number): Uint32Array[] {
  T.use(backend);
  T.manualSeed(seed);
  const x = T.randn([16, 6]).keep();
  const y = T.randint(0, 3, [16]).keep();
  const params = [T.randn([6, 12]).mul(0.4), T.zeros([12]), T.randn([12, 3]).mul(0.4), T.zeros([3])].map((p) => p.requiresGrad_().keep());
  for (let step = 0; step < 30; step++) {
    T.tidy(() => {
      const [w1, b1, w2, b2] = params;
      const h = T.dropout(x.matmul(w1).add(b1).relu(), 0.2);
      const loss = h.matmul(w2).add(b2).logSoftmax(-1).gather(1, y.unsqueeze(1)).mean().neg();
      loss.backward();
      T.noGrad(() => {
        for (const p of params) {
          backend.copy(p.sub(p.grad!.mul(0.2)).kernelView(), p.kernelView());
          p.zeroGrad();
        }
      });
    });
  }
  const bits = params.map((p) => new Uint32Array(new Float32Array(p.dataSync()).buffer));
  T.dispose(x, y, params);
  return bits;
}

describe('determinism', () => {
  it('the same seed on the same backend gives a bit-identical training run (dropout included)', () => {
    const a = train(createCpuBackend(), 11);
    const b = train(createCpuBackend(), 11);
    expect(b).toEqual(a);
    const c = train(createCpuBackend(), 12);
    expect(c).not.toEqual(a);
  });
});
