/**
 * Seed example 1: a 3-2-1 sigmoid network trained by plain gradient descent on MSE, after
 * standardising its inputs to zero mean and unit variance ((x - mean) / std).
 *
 *   pnpm --filter @tessera/examples seed-gd
 */
import { data, manualSeed, mseLoss, nn, optim, rand, randn, setBackend, tidy } from '@tessera/core';
import '@tessera/backend-cpu';

export interface SeedResult {
  losses: number[];
}

export async function trainSeedGD({ epochs = 300, lr = 0.5, log = console.log } = {}): Promise<SeedResult> {
  await setBackend('cpu');
  manualSeed(42);
  // 64 samples of 3 features on very different scales; the target is a smooth function of them.
  const raw = tidy(() => rand([64, 3]).mul(randn([1, 3]).abs().mul(50).add(1)));
  const { train: inputs, scaler } = data.standardise(raw);
  inputs.keep();
  const y = tidy(() => inputs.select(1, 0).sub(inputs.select(1, 1).mul(0.5)).add(inputs.select(1, 2).mul(0.25)).sigmoid().unsqueeze(1)).keep();

  const model = new nn.Sequential(new nn.Linear(3, 2), new nn.Sigmoid(), new nn.Linear(2, 1), new nn.Sigmoid());
  // Plain gradient descent: the whole batch every step, no momentum.
  const optimizer = new optim.SGD(model.parameters(), { lr });
  const losses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const loss = tidy(() => {
      const l = mseLoss(model.call(inputs), y);
      l.backward();
      optimizer.step();
      optimizer.zeroGrad();
      return l.itemSync();
    });
    losses.push(loss);
    if (epoch % 50 === 0 || epoch === epochs - 1) log(`epoch ${String(epoch).padStart(3)}  mse ${loss.toFixed(6)}`);
  }
  for (const t of [raw, inputs, y, scaler.mean, scaler.std]) t?.dispose();
  return { losses };
}

if (import.meta.url === `file://${process.argv[1]}`) await trainSeedGD();
