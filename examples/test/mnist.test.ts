import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from '@tessera/core';
import { trainMnist } from '../mnist-cnn.js';
import { transferLearning } from '../mnist-transfer.js';

// These run the examples at full size (8,000 training images): the thresholds are the issue's.
describe('MNIST examples', () => {
  it('the CNN reaches >= 97% on 2,000 held-out digits and saves a checkpoint that loads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-mnist-'));
    try {
      const path = join(dir, 'cnn.safetensors');
      const { accuracy, losses } = await trainMnist({ model: 'cnn', quiet: true, log: () => {}, checkpoint: path });
      expect(accuracy).toBeGreaterThanOrEqual(0.97);
      expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
      expect(existsSync(path)).toBe(true);
      const ckpt = await io.loadCheckpoint(path);
      expect(ckpt.step).toBe(3);
      io.disposeCheckpoint(ckpt);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('the MLP reaches >= 94% on the same held-out digits', async () => {
    const { accuracy } = await trainMnist({ model: 'mlp', quiet: true, log: () => {} });
    expect(accuracy).toBeGreaterThanOrEqual(0.94);
  }, 300_000);

  it('transfer learning from digits 0-4 beats training from scratch on 500 labels of 5-9, head-only and full', async () => {
    const r = await transferLearning({ quiet: true, log: () => {} });
    expect(r.pretrainAccuracy).toBeGreaterThan(0.95);
    expect(r.headOnly).toBeGreaterThan(r.scratch);
    expect(r.fullFineTune).toBeGreaterThan(r.scratch);
  }, 300_000);
});
