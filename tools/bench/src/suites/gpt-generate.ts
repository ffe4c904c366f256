/**
 * gpt-generate: greedy generation with a KV cache from a GPT-2-family model, in tokens/s
 * (memory-bound, so read it against the measured bandwidth). Waits for @tessera/models;
 * once it lands this file gets `cases` and `tessera`, and assets/python/suites/gpt_generate.py
 * the torch twin.
 */
import type { Suite } from '../types.js';

export const gptGenerate: Suite = {
  name: 'gpt-generate',
  description: 'Greedy generation of 32 tokens with a KV cache from a GPT-2-family model; tokens/s.',
  unavailable: 'not yet available: the GPT model (@tessera/models) does not exist yet',
  cases: () => [],
  python: null,
};
