/**
 * gpt-train: one AdamW train step of a small GPT (4 layers, 4 heads, 256 wide, context 128,
 * batch 16), reported in tokens/s. Waits for the GPT model of @tessera/models; once it
 * lands, this file gets `cases`, `tessera` (and `tfjs` if wanted), and
 * assets/python/suites/gpt_train.py the torch twin, and `unavailable` goes.
 */
import type { Suite } from '../types.js';

export const gptTrain: Suite = {
  name: 'gpt-train',
  description: 'One AdamW train step of a small GPT (4 layers, 4 heads, d=256, context 128, batch 16); tokens/s.',
  unavailable: 'not yet available: the GPT model (@tessera/models) does not exist yet',
  cases: () => [],
  python: null,
};
