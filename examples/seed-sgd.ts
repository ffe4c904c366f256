/**
 * Seed example 2: a 10-20-1 ReLU network trained with SGD (lr 0.01) on MSE for 100 epochs
 * on one fixed random batch of 64, printing the loss every 10 epochs.
 *
 *   make demo        (or: pnpm --filter @tessera/examples seed-sgd)
 */
import { manualSeed, noGrad, rand, randn, setBackend, type Tensor, tidy } from '@tessera/core';
import '@tessera/backend-cpu';

export async function trainSeedSGD({ epochs = 100, lr = 0.01, log = console.log } = {}): Promise<{ losses: number[] }> {
  await setBackend('cpu');
  manualSeed(0);
  const x = randn([64, 10]).keep();
  const y = randn([64, 1]).keep();
  // PyTorch's default Linear init: U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
  const uniform = (shape: number[], fanIn: number) => rand(shape).mul(2 / Math.sqrt(fanIn)).sub(1 / Math.sqrt(fanIn));
  const params = [uniform([10, 20], 10), uniform([20], 10), uniform([20, 1], 20), uniform([1], 20)].map((p) => p.requiresGrad_().keep());
  const [w1, b1, w2, b2] = params;
  const forward = (input: Tensor) => input.matmul(w1).add(b1).relu().matmul(w2).add(b2);

  const losses: number[] = [];
  log('10-20-1 ReLU network, SGD lr 0.01, MSE, batch 64');
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const loss = tidy(() => {
      const l = forward(x).sub(y).square().mean();
      l.backward();
      noGrad(() => {
        for (const p of params) {
          p.backend.copy(p.sub(p.grad!.mul(lr)).kernelView(), p.kernelView());
          p.zeroGrad();
        }
      });
      return l.itemSync();
    });
    losses.push(loss);
    if (epoch % 10 === 0) log(`epoch ${String(epoch).padStart(3)}  loss ${loss.toFixed(6)}  ${'#'.repeat(Math.round(loss * 40))}`);
  }
  return { losses };
}

if (import.meta.url === `file://${process.argv[1]}`) await trainSeedSGD();
