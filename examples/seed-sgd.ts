/**
 * Seed example 2: a 10-20-1 ReLU network trained with SGD (lr 0.01) on MSE for 100 epochs
 * on one fixed random batch of 64, printing the loss every 10 epochs.
 *
 *   make demo        (or: pnpm --filter @tessera/examples seed-sgd)
 */
import { manualSeed, mseLoss, nn, optim, randn, setBackend, tidy } from '@tessera/core';
import '@tessera/backend-cpu';

export async function trainSeedSGD({ epochs = 100, lr = 0.01, log = console.log } = {}): Promise<{ losses: number[] }> {
  await setBackend('cpu');
  manualSeed(0);
  const x = randn([64, 10]).keep();
  const y = randn([64, 1]).keep();
  const model = new nn.Sequential(new nn.Linear(10, 20), new nn.ReLU(), new nn.Linear(20, 1));
  const optimizer = new optim.SGD(model.parameters(), { lr });

  const losses: number[] = [];
  log('10-20-1 ReLU network, SGD lr 0.01, MSE, batch 64');
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const loss = tidy(() => {
      const l = mseLoss(model.call(x), y);
      l.backward();
      optimizer.step();
      optimizer.zeroGrad();
      return l.itemSync();
    });
    losses.push(loss);
    if (epoch % 10 === 0) log(`epoch ${String(epoch).padStart(3)}  loss ${loss.toFixed(6)}  ${'#'.repeat(Math.round(loss * 40))}`);
  }
  x.dispose();
  y.dispose();
  return { losses };
}

if (import.meta.url === `file://${process.argv[1]}`) await trainSeedSGD();
