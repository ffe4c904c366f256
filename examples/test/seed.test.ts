import { describe, expect, it } from 'vitest';
import { trainSeedGD } from '../seed-gd.js';
import { trainSeedSGD } from '../seed-sgd.js';

describe('seed examples', () => {
  it('the 3-2-1 sigmoid network learns under plain gradient descent on standardised inputs', async () => {
    const { losses } = await trainSeedGD({ log: () => {} });
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.2);
  });

  it('the 10-20-1 ReLU network trained with SGD lr 0.01 lowers its loss and logs every 10 epochs', async () => {
    const lines: string[] = [];
    const { losses } = await trainSeedSGD({ log: (l) => lines.push(l) });
    expect(losses).toHaveLength(100);
    expect(lines.filter((l) => l.startsWith('epoch'))).toHaveLength(10);
    expect(losses[99]).toBeLessThan(losses[0]);
    for (let i = 10; i < 100; i += 10) expect(losses[i]).toBeLessThanOrEqual(losses[i - 10]);
  });
});
