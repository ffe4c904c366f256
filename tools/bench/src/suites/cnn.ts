/**
 * cnn: one SGD train step of a small CNN on 28×28 single-channel images:
 * conv3×3(1→16) relu maxpool2 conv3×3(16→32) relu maxpool2 linear(1568→10), cross-entropy.
 */
import { conv2d, crossEntropy, linear, maxPool2d, optim, relu, reshape, type Tensor, tidy, zeros } from '@tessera/core';
import type { Suite } from '../types.js';
import { labelsOn, randnOn, values } from './common.js';

const LR = 0.01;

function stepFlops(B: number): number {
  const c1 = 2 * B * 16 * 28 * 28 * 1 * 9;
  const c2 = 2 * B * 32 * 14 * 14 * 16 * 9;
  const fc = 2 * B * 1568 * 10;
  return 3 * (c1 + c2 + fc) - c1;
}

export const cnn: Suite = {
  name: 'cnn',
  description:
    'One train step of a small CNN (conv3×3 1→16, relu, maxpool 2, conv3×3 16→32, relu, maxpool 2, linear 1568→10) on B×1×28×28, softmax cross-entropy, SGD; the updated last bias is read back.',
  cases: (o) => values(o, 'B', [64]).map((B) => ({ name: `b${B}`, params: { B }, flops: stepFlops(B), size: B })),

  tessera(c, { backend }) {
    const B = c.params.B;
    const w1 = randnOn(backend, [16, 1, 3, 3], 1 / 3, true);
    const b1 = zeros([16], { backend, requiresGrad: true });
    const w2 = randnOn(backend, [32, 16, 3, 3], 1 / 12, true);
    const b2 = zeros([32], { backend, requiresGrad: true });
    const w3 = randnOn(backend, [10, 1568], 1 / Math.sqrt(1568), true);
    const b3 = zeros([10], { backend, requiresGrad: true });
    const params = [w1, b1, w2, b2, w3, b3];
    const x = randnOn(backend, [B, 1, 28, 28]);
    const y = labelsOn(backend, B, 10);
    const optimizer = new optim.SGD(params, { lr: LR });
    return {
      async run() {
        tidy(() => {
          let h: Tensor = maxPool2d(relu(conv2d(x, w1, b1, { padding: 1 })), 2);
          h = maxPool2d(relu(conv2d(h, w2, b2, { padding: 1 })), 2);
          crossEntropy(linear(reshape(h, [B, 1568]), w3, b3), y).backward();
          optimizer.step();
          optimizer.zeroGrad();
        });
        await b3.data();
      },
      dispose: () => void [...params, x, y].forEach((t) => t.dispose()),
    };
  },

  tfjs(c, { tf }) {
    type T4 = import('@tensorflow/tfjs').Tensor4D;
    const B = c.params.B;
    const w1 = tf.variable(tf.mul(tf.randomNormal([3, 3, 1, 16]), 1 / 3)) as unknown as T4;
    const b1 = tf.variable(tf.zeros([16]));
    const w2 = tf.variable(tf.mul(tf.randomNormal([3, 3, 16, 32]), 1 / 12)) as unknown as T4;
    const b2 = tf.variable(tf.zeros([32]));
    const w3 = tf.variable(tf.mul(tf.randomNormal([1568, 10]), 1 / Math.sqrt(1568)));
    const b3 = tf.variable(tf.zeros([10]));
    const x = tf.randomNormal([B, 28, 28, 1]) as T4;
    const y = tf.oneHot(tf.randomUniformInt([B], 0, 10), 10);
    const opt = tf.train.sgd(LR);
    return {
      async run() {
        opt.minimize(() => {
          let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, w1, 1, 'same'), b1)) as T4, 2, 2, 'valid');
          h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, w2, 1, 'same'), b2)) as T4, 2, 2, 'valid');
          const logits = tf.add(tf.matMul(tf.reshape(h, [B, 1568]), w3), b3);
          return tf.losses.softmaxCrossEntropy(y, logits) as import('@tensorflow/tfjs').Scalar;
        });
        await b3.data();
      },
      dispose: () => {
        tf.dispose([w1, b1, w2, b2, w3, b3, x, y]);
        opt.dispose();
      },
    };
  },
};
