/**
 * Whole-module entries (kind 'module'): core's nn layers with their parameters as inputs, so
 * gradients of the input and of every parameter are checked — against torch.nn's modules too
 * (tools/fixtures/modules.py runs them through functional_call with the same parameters).
 *
 * To add a layer: an entry here whose `fn` builds the module from `args`, swaps in the input
 * tensors as its parameters (`withParams`) and calls it, and a `module(...)` line with the same
 * name, input order and args in modules.py.
 */
import * as T from '@tessera/core';
import type { Tensor } from '@tessera/core';
import { f32, type Rng } from '../rng.js';
import type { OpEntry } from '../types.js';

const N = (rng: Rng, shape: number[], scale = 1) => f32(shape, rng.normal(shape, scale));

/**
 * Replace a module's parameters with the given tensors (the suite's leaves), so gradients
 * reach them; the module's own freshly initialised parameters are released.
 */
export function withParams<M extends object>(m: M, params: Record<string, Tensor | undefined>): M {
  const slots = m as Record<string, unknown>;
  for (const [name, value] of Object.entries(params)) {
    if (!value) continue;
    (slots[name] as Tensor | null)?.dispose();
    slots[name] = value;
  }
  return m;
}

const TOLERANCE = { float32: { atol: 5e-5, rtol: 5e-5 }, grad: { atol: 2e-4, rtol: 2e-4 } };
const DENSE = 'module parameters are dense; the op entries (linear, conv2d, layerNorm) cover views';

export const moduleEntries: OpEntry[] = [
  {
    name: 'nn.Linear',
    kind: 'module',
    dtypes: ['float32'],
    differentiable: true,
    tolerance: TOLERANCE,
    contiguityExempt: DENSE,
    samples: (rng) => [
      { name: 'in7-out5-batch3', inputs: [N(rng, [3, 7]), N(rng, [5, 7], 0.4), N(rng, [5], 0.4)], args: { in: 7, out: 5 } },
      { name: 'in33-out17-rank3', inputs: [N(rng, [2, 3, 33]), N(rng, [17, 33], 0.2), N(rng, [17], 0.2)], args: { in: 33, out: 17 } },
    ],
    fn: ([x, weight, bias], a) => withParams(new T.nn.Linear(a.in as number, a.out as number), { weight, bias }).call(x),
  },
  {
    name: 'nn.Conv2d',
    kind: 'module',
    dtypes: ['float32'],
    differentiable: true,
    tolerance: TOLERANCE,
    contiguityExempt: DENSE,
    samples: (rng) => [
      { name: 'c3-o4-k3-pad1', inputs: [N(rng, [2, 3, 6, 6]), N(rng, [4, 3, 3, 3], 0.3), N(rng, [4], 0.3)], args: { in: 3, out: 4, kernel: 3, stride: 1, padding: 1 } },
      { name: 'c4-o6-k3-s2-groups2', inputs: [N(rng, [1, 4, 7, 7]), N(rng, [6, 2, 3, 3], 0.3), N(rng, [6], 0.3)], args: { in: 4, out: 6, kernel: 3, stride: 2, padding: 1, groups: 2 } },
    ],
    fn: ([x, weight, bias], a) =>
      withParams(
        new T.nn.Conv2d(a.in as number, a.out as number, a.kernel as number, { stride: a.stride as number, padding: a.padding as number, groups: (a.groups as number | undefined) ?? 1 }),
        { weight, bias },
      ).call(x),
  },
  {
    name: 'nn.LayerNorm',
    kind: 'module',
    dtypes: ['float32'],
    differentiable: true,
    tolerance: { float32: { atol: 2e-5, rtol: 2e-5 }, grad: { atol: 2e-4, rtol: 2e-4 } },
    contiguityExempt: DENSE,
    samples: (rng) => [
      { name: 'dim16', inputs: [N(rng, [4, 16]), N(rng, [16]), N(rng, [16])], args: { normalizedShape: [16] } },
      { name: 'dims-3x8', inputs: [N(rng, [2, 3, 8]), N(rng, [3, 8]), N(rng, [3, 8])], args: { normalizedShape: [3, 8] } },
    ],
    fn: ([x, weight, bias], a) => withParams(new T.nn.LayerNorm(a.normalizedShape as number[]), { weight, bias }).call(x),
  },
];
