/**
 * Whole-module entries (kind 'module'): a layer's forward with its parameters as inputs, so
 * gradients of the input and of every parameter are checked, against PyTorch's torch.nn
 * modules too. Written with the functional ops for now; when core's nn layers land, an entry's
 * fn builds the module, loads the parameters and calls it — the samples and fixtures stay.
 */
import * as T from '@tessera/core';
import { f32, type Rng } from '../rng.js';
import type { OpEntry } from '../types.js';

const N = (rng: Rng, shape: number[], scale = 1) => f32(shape, rng.normal(shape, scale));

export const moduleEntries: OpEntry[] = [
  {
    name: 'nn.Linear',
    kind: 'module',
    dtypes: ['float32'],
    differentiable: true,
    tolerance: { float32: { atol: 5e-5, rtol: 5e-5 }, grad: { atol: 2e-4, rtol: 2e-4 } },
    contiguityExempt: 'module inputs are dense parameters; the linear op entry covers views',
    samples: (rng) => [
      { name: 'in7-out5-batch3', inputs: [N(rng, [3, 7]), N(rng, [5, 7], 0.4), N(rng, [5], 0.4)] },
      { name: 'in33-out17-rank3', inputs: [N(rng, [2, 3, 33]), N(rng, [17, 33], 0.2), N(rng, [17], 0.2)] },
    ],
    fn: ([x, w, b]) => T.linear(x, w, b),
  },
  {
    name: 'nn.Conv2d',
    kind: 'module',
    dtypes: ['float32'],
    differentiable: true,
    tolerance: { float32: { atol: 5e-5, rtol: 5e-5 }, grad: { atol: 2e-4, rtol: 2e-4 } },
    contiguityExempt: 'module inputs are dense parameters; the conv2d op entry covers views',
    samples: (rng) => [
      { name: 'c3-o4-k3-pad1', inputs: [N(rng, [2, 3, 6, 6]), N(rng, [4, 3, 3, 3], 0.3), N(rng, [4], 0.3)], args: { stride: 1, padding: 1 } },
      { name: 'c4-o6-k3-s2-groups2', inputs: [N(rng, [1, 4, 7, 7]), N(rng, [6, 2, 3, 3], 0.3), N(rng, [6], 0.3)], args: { stride: 2, padding: 1, groups: 2 } },
    ],
    fn: ([x, w, b], a) => T.conv2d(x, w, b, a as T.Conv2dOptions),
  },
  {
    name: 'nn.LayerNorm',
    kind: 'module',
    dtypes: ['float32'],
    differentiable: true,
    tolerance: { float32: { atol: 2e-5, rtol: 2e-5 }, grad: { atol: 2e-4, rtol: 2e-4 } },
    contiguityExempt: 'module inputs are dense parameters; the layerNorm op entry covers views',
    samples: (rng) => [
      { name: 'dim16', inputs: [N(rng, [4, 16]), N(rng, [16]), N(rng, [16])], args: { normalizedShape: [16] } },
      { name: 'dims-3x8', inputs: [N(rng, [2, 3, 8]), N(rng, [3, 8]), N(rng, [3, 8])], args: { normalizedShape: [3, 8] } },
    ],
    fn: ([x, w, b], a) => T.layerNorm(x, a.normalizedShape as number[], w, b),
  },
];
