/** mlp: one SGD train step of a 784-512-512-10 ReLU MLP with softmax cross-entropy. */
import { crossEntropy, linear, optim, relu, type Tensor, tidy, zeros } from '@tessera/core';
import type { Suite } from '../types.js';
import { labelsOn, randnOn, values } from './common.js';

const SIZES = [784, 512, 512, 10];
const LR = 0.01;

/** Multiply-adds of the step: forward, input gradients (none for the first layer's input), weight gradients. */
function stepFlops(batch: number): number {
  const layers = SIZES.slice(1).map((o, i) => 2 * batch * SIZES[i] * o);
  const forward = layers.reduce((s, f) => s + f, 0);
  return 3 * forward - layers[0];
}

export const mlp: Suite = {
  name: 'mlp',
  description:
    'One train step of a 784-512-512-10 ReLU MLP, batch B: forward, softmax cross-entropy, backward, SGD update; the updated last-layer bias is read back.',
  scaling: { param: 'B', label: 'batch size' },
  cases: (o) => values(o, 'B', [32, 128, 256]).map((B) => ({ name: `b${B}`, params: { B }, flops: stepFlops(B), size: B })),

  tessera(c, { backend }) {
    const B = c.params.B;
    // Weights [out, in] as in PyTorch, so `linear` uses the matmul-with-bias epilogue.
    const params: Tensor[] = [];
    for (let i = 0; i + 1 < SIZES.length; i++) {
      params.push(randnOn(backend, [SIZES[i + 1], SIZES[i]], 1 / Math.sqrt(SIZES[i]), true));
      params.push(zeros([SIZES[i + 1]], { backend, requiresGrad: true }));
    }
    const x = randnOn(backend, [B, SIZES[0]]);
    const y = labelsOn(backend, B, SIZES[SIZES.length - 1]);
    const last = params[params.length - 1];
    const optimizer = new optim.SGD(params, { lr: LR });
    return {
      async run() {
        tidy(() => {
          let h = x;
          for (let i = 0; i < params.length; i += 2) {
            h = linear(h, params[i], params[i + 1]);
            if (i + 2 < params.length) h = relu(h);
          }
          crossEntropy(h, y).backward();
          optimizer.step();
          optimizer.zeroGrad();
        });
        await last.data();
      },
      dispose: () => void [...params, x, y].forEach((t) => t.dispose()),
    };
  },

  tfjs(c, { tf }) {
    const B = c.params.B;
    const vars: import('@tensorflow/tfjs').Variable[] = [];
    for (let i = 0; i + 1 < SIZES.length; i++) {
      vars.push(tf.variable(tf.mul(tf.randomNormal([SIZES[i], SIZES[i + 1]]), 1 / Math.sqrt(SIZES[i]))));
      vars.push(tf.variable(tf.zeros([SIZES[i + 1]])));
    }
    const x = tf.randomNormal([B, SIZES[0]]);
    const y = tf.oneHot(tf.randomUniformInt([B], 0, SIZES[SIZES.length - 1]), SIZES[SIZES.length - 1]);
    const opt = tf.train.sgd(LR);
    const last = vars[vars.length - 1];
    return {
      async run() {
        opt.minimize(() => {
          let h: import('@tensorflow/tfjs').Tensor = x;
          for (let i = 0; i < vars.length; i += 2) {
            h = tf.add(tf.matMul(h, vars[i]), vars[i + 1]);
            if (i + 2 < vars.length) h = tf.relu(h);
          }
          return tf.losses.softmaxCrossEntropy(y, h) as import('@tensorflow/tfjs').Scalar;
        });
        await last.data();
      },
      dispose: () => {
        tf.dispose([...vars, x, y]);
        opt.dispose();
      },
    };
  },
};
