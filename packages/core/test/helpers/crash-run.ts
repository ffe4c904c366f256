/**
 * The training run the crash test kills: shared by the child process (crash-child.ts) and the
 * test itself (the uninterrupted reference and the resumes), so both run exactly this code.
 * Dropout draws from the global generator and the loader shuffles by seed, so an exact resume
 * needs the model, optimizer, scheduler, RNG and data position all restored.
 */
import { data, manualSeed, mseLoss, nn, optim, randn, type Tensor, tidy } from '@tessera/core';

export const TOTAL_STEPS = 80;
export const CHECKPOINT = 'run.ckpt';

export function setupRun() {
  return tidy(() => {
    manualSeed(2024);
    const x = randn([32, 4]).keep();
    const y = x.sum(1, true).mul(0.5).sin().keep();
    const model = new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Dropout(0.1), new nn.Linear(16, 1));
    const optimizer = new optim.AdamW(model.parameters(), { lr: 0.01 });
    const scheduler = new optim.StepLR(optimizer, { stepSize: 7, gamma: 0.8 });
    const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 8, shuffle: true, seed: 5 });
    return {
      model, optimizer, scheduler, schedulerStep: 'batch' as const, data: loader, epochs: TOTAL_STEPS / 4, clipGradNorm: 1,
      loss: (m: typeof model, [xb, yb]: Tensor[]) => mseLoss(m.call(xb), yb),
    };
  });
}
