/**
 * Seed example 1: a 3-2-1 sigmoid network trained by plain gradient descent on MSE, after
 * standardising its inputs to zero mean and unit variance ((x - mean) / std).
 *
 *   pnpm --filter @tessera/examples seed-gd
 */
import { manualSeed, noGrad, rand, randn, setBackend, type Tensor, tidy } from '@tessera/core';
import '@tessera/backend-cpu';

export interface SeedResult {
  losses: number[];
}

export async function trainSeedGD({ epochs = 300, lr = 0.5, log = console.log } = {}): Promise<SeedResult> {
  await setBackend('cpu');
  manualSeed(42);
  // 64 samples of 3 features on very different scales; the target is a smooth function of them.
  const raw = rand([64, 3]).mul(randn([1, 3]).abs().mul(50).add(1)).keep();
  const inputs = raw.sub(raw.mean(0, true)).div(raw.std(0, { keepdim: true })).keep();
  const y = inputs.select(1, 0).sub(inputs.select(1, 1).mul(0.5)).add(inputs.select(1, 2).mul(0.25)).sigmoid().unsqueeze(1).keep();

  const params = {
    w1: randn([3, 2]).mul(0.5).requiresGrad_(),
    b1: randn([2]).mul(0).requiresGrad_(),
    w2: randn([2, 1]).mul(0.5).requiresGrad_(),
    b2: randn([1]).mul(0).requiresGrad_(),
  };
  for (const p of Object.values(params)) p.keep();
  const forward = (x: Tensor) => x.matmul(params.w1).add(params.b1).sigmoid().matmul(params.w2).add(params.b2).sigmoid();

  const losses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const loss = tidy(() => {
      const l = forward(inputs).sub(y).square().mean();
      l.backward();
      noGrad(() => {
        for (const p of Object.values(params)) {
          const updated = p.sub(p.grad!.mul(lr));
          p.backend.copy(updated.kernelView(), p.kernelView());
          p.zeroGrad();
        }
      });
      return l.itemSync();
    });
    losses.push(loss);
    if (epoch % 50 === 0 || epoch === epochs - 1) log(`epoch ${String(epoch).padStart(3)}  mse ${loss.toFixed(6)}`);
  }
  for (const t of [raw, inputs, y, ...Object.values(params)]) t.dispose();
  return { losses };
}

if (import.meta.url === `file://${process.argv[1]}`) await trainSeedGD();
