/** conv: one conv2d layer forward and backward (input and weight gradients). */
import { conv2d, type Tensor, tidy } from '@tessera/core';
import type { CaseSpec, Suite } from '../types.js';
import { randnOn } from './common.js';

/** The two convolutions of the cnn suite's network, batch 64. */
const DEFAULTS = [
  { B: 64, C: 1, O: 16, H: 28, K: 3 },
  { B: 64, C: 16, O: 32, H: 14, K: 3 },
];

function convCase(p: { B: number; C: number; O: number; H: number; K: number }): CaseSpec {
  const forward = 2 * p.B * p.O * p.H * p.H * p.C * p.K * p.K;
  return { name: `b${p.B} ${p.C}→${p.O} ${p.H}×${p.H} k${p.K}`, params: p, flops: 3 * forward };
}

export const conv: Suite = {
  name: 'conv',
  description:
    "conv2d, stride 1, 'same' padding, forward then backward with a given output gradient (input and weight gradients; the weight gradient is read back). NCHW for Tessera and torch, NHWC for tfjs (its native layout).",
  cases: (o) => {
    if (!o.B && !o.C && !o.O && !o.H && !o.K) return DEFAULTS.map(convCase);
    const base = DEFAULTS[1];
    const pick = (k: keyof typeof base) => o[k]?.[0] ?? base[k];
    return [convCase({ B: pick('B'), C: pick('C'), O: pick('O'), H: pick('H'), K: pick('K') })];
  },

  tessera(c, { backend }) {
    const { B, C, O, H, K } = c.params;
    const x = randnOn(backend, [B, C, H, H], 1, true);
    const w = randnOn(backend, [O, C, K, K], 1 / Math.sqrt(C * K * K), true);
    const g = randnOn(backend, [B, O, H, H]);
    return {
      async run() {
        tidy(() => conv2d(x, w, null, { padding: Math.floor(K / 2) }).backward(g));
        const dw = w.grad as Tensor;
        await dw.data();
        x.zeroGrad();
        w.zeroGrad();
      },
      dispose: () => void [x, w, g].forEach((t) => t.dispose()),
    };
  },

  tfjs(c, { tf }) {
    const { B, C, O, H, K } = c.params;
    const x = tf.randomNormal([B, H, H, C]) as import('@tensorflow/tfjs').Tensor4D;
    const w = tf.mul(tf.randomNormal([K, K, C, O]), 1 / Math.sqrt(C * K * K)) as import('@tensorflow/tfjs').Tensor4D;
    const g = tf.randomNormal([B, H, H, O]) as import('@tensorflow/tfjs').Tensor4D;
    const grads = tf.grads((xi, wi) => tf.conv2d(xi as import('@tensorflow/tfjs').Tensor4D, wi as import('@tensorflow/tfjs').Tensor4D, 1, 'same'));
    return {
      async run() {
        const [dx, dw] = grads([x, w], g);
        await dw.data();
        tf.dispose([dx, dw]);
      },
      dispose: () => tf.dispose([x, w, g]),
    };
  },
};
