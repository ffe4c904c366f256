/**
 * Philox 4x32-10, the counter-based generator PyTorch and JAX use: the stream is a pure
 * function of (seed, counter), so every backend draws identical numbers and a run resumes
 * exactly from a saved (seed, counter).
 */
import { rngState } from './runtime.js';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

function mulhilo(a: number, b: number): [number, number] {
  // 32x32 -> 64-bit product, split in 16-bit halves to stay exact in doubles.
  const aH = a >>> 16, aL = a & 0xffff, bH = b >>> 16, bL = b & 0xffff;
  const ll = aL * bL, lh = aL * bH, hl = aH * bL, hh = aH * bH;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  const lo = ((mid & 0xffff) << 16) | (ll & 0xffff);
  const hi = hh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16);
  return [hi >>> 0, lo >>> 0];
}

/** Four 32-bit words for block `counter` under `seed`. */
export function philox4x32(seed: number, counter: number, out: Uint32Array): void {
  let c0 = counter >>> 0, c1 = Math.floor(counter / 0x100000000) >>> 0, c2 = 0, c3 = 0;
  let k0 = seed >>> 0, k1 = 0;
  for (let r = 0; r < 10; r++) {
    const [hi0, lo0] = mulhilo(M0, c0);
    const [hi1, lo1] = mulhilo(M1, c2);
    const n0 = (hi1 ^ c1 ^ k0) >>> 0, n2 = (hi0 ^ c3 ^ k1) >>> 0;
    c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
    k0 = (k0 + W0) >>> 0; k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

/** Take `n` 32-bit words from the default generator, advancing its counter. */
function takeWords(n: number): Uint32Array {
  const blocks = Math.ceil(n / 4);
  const words = new Uint32Array(blocks * 4);
  const tmp = new Uint32Array(4);
  for (let b = 0; b < blocks; b++) {
    philox4x32(rngState.seed, rngState.counter + b, tmp);
    words.set(tmp, b * 4);
  }
  rngState.counter += blocks;
  return words;
}

/** `n` uniform floats in [0, 1), 24 random bits each. */
export function uniformFloats(n: number): Float32Array {
  const words = takeWords(n);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (words[i] >>> 8) / 16777216;
  return out;
}

/** `n` standard normal floats (Box-Muller on pairs of words). */
export function normalFloats(n: number): Float32Array {
  const words = takeWords(n + (n & 1));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = ((words[i] >>> 8) + 1) / 16777217; // (0, 1]: log stays finite
    const u2 = (words[i + 1] >>> 8) / 16777216;
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

/** `n` integers uniform in [low, high). */
export function uniformInts(n: number, low: number, high: number): Int32Array {
  const words = takeWords(n);
  const span = high - low;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = low + Math.floor((words[i] / 4294967296) * span);
  return out;
}
