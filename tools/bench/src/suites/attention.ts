/** attention: softmax(Q K^T / sqrt(d)) V forward, no mask. */
import { matmul, mul, softmax, tidy, transpose } from '@tessera/core';
import type { Suite } from '../types.js';
import { randnOn, values } from './common.js';

export const attention: Suite = {
  name: 'attention',
  description: 'softmax(Q·Kᵀ/√d)·V forward, float32, Q, K, V of [BH, T, D] (BH = batch × heads), no mask.',
  cases: (o) => {
    const [BH] = values(o, 'BH', [8]);
    const [D] = values(o, 'D', [64]);
    return values(o, 'T', [128, 256, 512]).map((T) => ({
      name: `BH=${BH} T=${T} D=${D}`,
      params: { BH, T, D },
      flops: 4 * BH * T * T * D,
      size: T,
    }));
  },

  tessera(c, { backend }) {
    const { BH, T, D } = c.params;
    const [q, k, v] = [0, 1, 2].map(() => randnOn(backend, [BH, T, D]));
    const scale = 1 / Math.sqrt(D);
    return {
      async run() {
        const out = tidy(() => matmul(softmax(mul(matmul(q, transpose(k, -2, -1)), scale), -1), v));
        await out.data();
        out.dispose();
      },
      dispose: () => void [q, k, v].forEach((t) => t.dispose()),
    };
  },

  tfjs(c, { tf }) {
    const { BH, T, D } = c.params;
    const [q, k, v] = [0, 1, 2].map(() => tf.randomNormal([BH, T, D]));
    const scale = 1 / Math.sqrt(D);
    return {
      async run() {
        const out = tf.tidy(() => tf.matMul(tf.softmax(tf.mul(tf.matMul(q, k, false, true), scale)), v));
        await out.data();
        out.dispose();
      },
      dispose: () => tf.dispose([q, k, v]),
    };
  },
};
