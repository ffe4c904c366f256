import { describe, expect, it } from 'vitest';
import { trainLstmParity } from '../lstm-parity.js';

describe('lstm-parity example', () => {
  it('an LSTM learns running parity to >= 99% held-out accuracy, and keeps it on longer strings', async () => {
    const lines: string[] = [];
    const { accuracy, longAccuracy, steps, losses } = await trainLstmParity({ log: (l) => lines.push(l) });
    expect(accuracy).toBeGreaterThanOrEqual(0.99);
    expect(longAccuracy).toBeGreaterThan(0.9);
    expect(steps).toBeLessThan(600);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] / 4);
    expect(lines.some((l) => l.includes('held-out accuracy'))).toBe(true);
  });
});
