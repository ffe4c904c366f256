/** matmul: C = A B for square float32 matrices. */
import { matmul as mm, type Tensor } from '@tessera/core';
import type { Suite } from '../types.js';
import { randnOn, values } from './common.js';

export const matmul: Suite = {
  name: 'matmul',
  description: 'C = A·B, float32, square N×N; one run is the product with its data read back.',
  scaling: { param: 'N', label: 'matrix size N' },
  cases: (o) => values(o, 'N', [128, 256, 512, 1024]).map((N) => ({ name: `N=${N}`, params: { N }, flops: 2 * N ** 3, size: N })),

  tessera(c, { backend }) {
    const N = c.params.N;
    const a = randnOn(backend, [N, N]);
    const b = randnOn(backend, [N, N]);
    return {
      async run() {
        const out: Tensor = mm(a, b);
        await out.data();
        out.dispose();
      },
      dispose: () => void [a, b].forEach((t) => t.dispose()),
    };
  },

  tfjs(c, { tf }) {
    const N = c.params.N;
    const a = tf.randomNormal([N, N]);
    const b = tf.randomNormal([N, N]);
    return {
      async run() {
        const out = tf.matMul(a, b);
        await out.data();
        out.dispose();
      },
      dispose: () => tf.dispose([a, b]),
    };
  },
};
