/**
 * Seeded permutations for shuffling and splitting. With a seed they come from their own Philox
 * stream (seed, epoch), independent of the global generator; without one, a seed is drawn from
 * the global generator, so `manualSeed` makes them reproducible too.
 */
import { ValueError } from '../errors.js';
import { philox4x32, uniformInts } from '../random.js';

/** Largest stream index whose counters stay exact in a double (stream * 2^32 + block < 2^53). */
const MAX_STREAM = 2 ** 21 - 1;

/** A seed for one use, drawn from the global generator (advancing it). */
export function drawSeed(): number {
  return uniformInts(1, 0, 0x7fffffff)[0];
}

/**
 * A uniformly random permutation of 0..n-1 (Fisher-Yates with 53-bit draws), a pure function
 * of (seed, stream): the same seed and stream give the same order on every machine.
 */
export function randperm(n: number, seed: number, stream = 0): number[] {
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`randperm: n must be a non-negative integer, got ${n}.`);
  if (!Number.isInteger(stream) || stream < 0 || stream > MAX_STREAM) throw new ValueError(`randperm: stream must be an integer in [0, ${MAX_STREAM}], got ${stream}.`);
  const order = Array.from({ length: n }, (_, i) => i);
  const words = new Uint32Array(4);
  let block = 0;
  let used = 4;
  const next = (): number => {
    if (used === 4) {
      philox4x32(seed >>> 0, stream * 2 ** 32 + block++, words);
      used = 0;
    }
    return words[used++];
  };
  for (let i = n - 1; i > 0; i--) {
    const u = ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992; // 53 bits in [0, 1)
    const j = Math.floor(u * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}
