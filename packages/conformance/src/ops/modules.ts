/**
 * Whole-module entries (kind 'module'): core's nn layers (and the GPT-2 block built from them),
 * checked like ops — forward against the float64 reference, gradients against finite
 * differences, values and gradients against torch.nn (tools/fixtures/modules.py).
 *
 * A case's inputs are the module's call inputs (`args.arity` of them, default 1) followed by its
 * state: one input per state-dict key, in the order of the entry's `state`. The entry builds a
 * fresh module, loads the state with `loadStateDict` (strict: the keys are PyTorch's, so a
 * misnamed parameter fails), and asks the runner to differentiate the module's own parameters in
 * place of those inputs — so both sides run identical weights and every parameter's gradient is
 * checked. Buffers (BatchNorm's running statistics) are inputs without gradients; train-mode
 * BatchNorm also returns them after the step.
 *
 * To add a layer: a `moduleEntry` here and a `module(...)` line with the same name, input order
 * and args in modules.py.
 */
import * as T from '@tessera/core';
import type { Tensor } from '@tessera/core';
import { GPT2Block } from '../modules/gpt2-block.js';
import { bool, f32, i32, input, type Rng, transposeView, permuteView } from '../rng.js';
import type { Args, CallContext, CustomResult, OpEntry, OpOutput, Sample, SampleInput, ToleranceSpec, ViewOp } from '../types.js';

const { nn } = T;

const N = (rng: Rng, shape: number[], scale = 1, view?: ViewOp[]) => f32(shape, rng.normal(shape, scale), view);
const U = (rng: Rng, shape: number[], lo: number, hi: number) => f32(shape, rng.uniform(shape, lo, hi));
/** A buffer: no gradient. */
const buffer = (shape: number[], data: number[]) => input('float32', shape, data, undefined, false);
/** [n, n] bool, true above the diagonal: the hidden pairs of a causal mask. */
const triuMask = (n: number) => bool([n, n], Array.from({ length: n * n }, (_, k) => (k % n > Math.floor(k / n) ? 1 : 0)));

/**
 * Replace a module's parameters with the given tensors (the suite's leaves), so gradients
 * reach them; the module's own freshly initialised parameters are released. (The table's
 * entries load their parameters with loadStateDict instead; this stays for extensions.)
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

/** Any module: each entry calls its own through its own signature (`call`). */
type SomeModule = T.nn.AnyModule;

export interface ModuleSpec<M extends SomeModule> {
  /** The entry's name ('nn.Conv1d'); fixtures are filed under it. */
  name: string;
  /** A fresh module for a case's args (in the mode the case asks for). */
  build: (a: Args) => M;
  /** The state-dict keys of the inputs after the call inputs, in order (or a function of the args). */
  state: readonly string[] | ((a: Args) => string[]);
  /** Call the module with its call inputs; default `m.call(xs[0])`. */
  call?: (m: M, xs: Tensor[], a: Args) => OpOutput;
  samples: (rng: Rng) => Sample[];
  tolerance?: ToleranceSpec;
  contiguityExempt?: string;
  differentiable?: boolean;
  custom?: OpEntry['custom'];
}

const TOLERANCE: ToleranceSpec = { float32: { atol: 5e-5, rtol: 5e-5 }, grad: { atol: 2e-4, rtol: 2e-4 } };
/** Deep stacks (two recurrent layers, attention + feed-forward) accumulate more float32 rounding. */
const DEEP: ToleranceSpec = { float32: { atol: 1e-4, rtol: 1e-4 }, grad: { atol: 5e-4, rtol: 5e-4 } };

/**
 * Load `inputs` (after the call inputs) into `m` with loadStateDict and have the runner
 * differentiate the module's parameters in their place; the module's tensors are released
 * when the runner is done. Returns the call inputs.
 */
export function loadInputs(m: SomeModule, keys: readonly string[], inputs: Tensor[], arity: number, call: CallContext): Tensor[] {
  call.release(...m.parameters(), ...m.buffers());
  if (inputs.length !== arity + keys.length) {
    throw new Error(`${m.constructor.name}: ${inputs.length} inputs for ${arity} call inputs and state [${keys.join(', ')}]`);
  }
  m.loadStateDict(Object.fromEntries(keys.map((k, i) => [k, inputs[arity + i]])));
  const params = new Map(m.namedParameters());
  keys.forEach((k, i) => {
    const p = params.get(k);
    if (p) call.differentiate(arity + i, p);
  });
  return inputs.slice(0, arity);
}

export function moduleEntry<M extends SomeModule>(spec: ModuleSpec<M>): OpEntry {
  const e: OpEntry = {
    name: spec.name,
    kind: 'module',
    dtypes: ['float32'],
    differentiable: spec.differentiable ?? true,
    tolerance: spec.tolerance ?? TOLERANCE,
    samples: (rng) => spec.samples(rng),
    fn: (inputs, a, call) => {
      const m = spec.build(a);
      const keys = typeof spec.state === 'function' ? spec.state(a) : spec.state;
      const xs = loadInputs(m, keys, inputs, (a.arity as number | undefined) ?? 1, call);
      return spec.call ? spec.call(m, xs, a) : (m as unknown as T.nn.Module).call(xs[0]);
    },
  };
  if (spec.contiguityExempt) e.contiguityExempt = spec.contiguityExempt;
  if (spec.custom) e.custom = spec.custom;
  return e;
}

const num = (a: Args, k: string) => a[k] as number;
const opt = <V>(a: Args, k: string) => a[k] as V | undefined;

// ---- Linear, convolutions, pooling ----

const linalgEntries = [
  moduleEntry({
    name: 'nn.Linear',
    build: (a) => new nn.Linear(num(a, 'in'), num(a, 'out')),
    state: ['weight', 'bias'],
    contiguityExempt: 'the linear op entry covers strided inputs; these cases check the layer and its state names',
    samples: (rng) => [
      { name: 'in7-out5-batch3', inputs: [N(rng, [3, 7]), N(rng, [5, 7], 0.4), N(rng, [5], 0.4)], args: { in: 7, out: 5 } },
      { name: 'in33-out17-rank3', inputs: [N(rng, [2, 3, 33]), N(rng, [17, 33], 0.2), N(rng, [17], 0.2)], args: { in: 33, out: 17 } },
    ],
  }),
  moduleEntry({
    name: 'nn.Conv2d',
    build: (a) => new nn.Conv2d(num(a, 'in'), num(a, 'out'), num(a, 'kernel'), { stride: num(a, 'stride'), padding: num(a, 'padding'), groups: opt<number>(a, 'groups') ?? 1 }),
    state: ['weight', 'bias'],
    contiguityExempt: 'the conv2d op entry covers strided inputs; these cases check the layer and its state names',
    samples: (rng) => [
      { name: 'c3-o4-k3-pad1', inputs: [N(rng, [2, 3, 6, 6]), N(rng, [4, 3, 3, 3], 0.3), N(rng, [4], 0.3)], args: { in: 3, out: 4, kernel: 3, stride: 1, padding: 1 } },
      { name: 'c4-o6-k3-s2-groups2', inputs: [N(rng, [1, 4, 7, 7]), N(rng, [6, 2, 3, 3], 0.3), N(rng, [6], 0.3)], args: { in: 4, out: 6, kernel: 3, stride: 2, padding: 1, groups: 2 } },
    ],
  }),
  moduleEntry({
    name: 'nn.Conv1d',
    build: (a) =>
      new nn.Conv1d(num(a, 'in'), num(a, 'out'), num(a, 'kernel'), {
        stride: opt(a, 'stride'), padding: opt<number | 'same'>(a, 'padding'), dilation: opt(a, 'dilation'), groups: opt(a, 'groups'), bias: opt(a, 'bias'),
      }),
    state: (a) => (a.bias === false ? ['weight'] : ['weight', 'bias']),
    samples: (rng) => [
      { name: 'c3-o4-k3-p1-transposed', inputs: [N(rng, [2, 9, 3], 1, [transposeView(1, 2)]), N(rng, [4, 3, 3], 0.3), N(rng, [4], 0.3)], args: { in: 3, out: 4, kernel: 3, padding: 1 } },
      { name: 'c4-o6-k3-s2-p2-d2-g2', inputs: [N(rng, [2, 4, 11]), N(rng, [6, 2, 3], 0.3), N(rng, [6], 0.3)], args: { in: 4, out: 6, kernel: 3, stride: 2, padding: 2, dilation: 2, groups: 2 } },
      { name: 'k4-same-no-bias', inputs: [N(rng, [1, 2, 8]), N(rng, [3, 2, 4], 0.3)], args: { in: 2, out: 3, kernel: 4, padding: 'same', bias: false } },
    ],
  }),
];

const poolOptions = (a: Args) => ({ stride: opt<number>(a, 'stride'), padding: opt<number>(a, 'padding'), ...(a.dilation !== undefined ? { dilation: num(a, 'dilation') } : {}) });

const poolEntries = [
  moduleEntry({
    name: 'nn.MaxPool2d',
    build: (a) => new nn.MaxPool2d(num(a, 'kernel'), poolOptions(a)),
    state: [],
    samples: (rng) => [
      { name: 'k2', inputs: [N(rng, [2, 3, 6, 6])], args: { kernel: 2 } },
      { name: 'k3-s2-p1', inputs: [N(rng, [1, 2, 7, 7])], args: { kernel: 3, stride: 2, padding: 1 } },
      { name: 'k2-s1-d2-transposed', inputs: [N(rng, [1, 2, 7, 8], 1, [transposeView(2, 3)])], args: { kernel: 2, stride: 1, dilation: 2 } },
    ],
  }),
  moduleEntry({
    name: 'nn.MaxPool1d',
    build: (a) => new nn.MaxPool1d(num(a, 'kernel'), poolOptions(a)),
    state: [],
    samples: (rng) => [
      { name: 'k3-s2-p1', inputs: [N(rng, [2, 3, 10])], args: { kernel: 3, stride: 2, padding: 1 } },
      { name: 'k2-transposed', inputs: [N(rng, [2, 8, 3], 1, [transposeView(1, 2)])], args: { kernel: 2 } },
    ],
  }),
  moduleEntry({
    name: 'nn.AvgPool2d',
    build: (a) => new nn.AvgPool2d(num(a, 'kernel'), poolOptions(a)),
    state: [],
    samples: (rng) => [
      { name: 'k2', inputs: [N(rng, [2, 3, 6, 6])], args: { kernel: 2 } },
      { name: 'k3-s2-p1-transposed', inputs: [N(rng, [1, 2, 7, 7], 1, [transposeView(2, 3)])], args: { kernel: 3, stride: 2, padding: 1 } },
    ],
  }),
  moduleEntry({
    name: 'nn.AvgPool1d',
    build: (a) => new nn.AvgPool1d(num(a, 'kernel'), poolOptions(a)),
    state: [],
    samples: (rng) => [
      { name: 'k3-s2-p1', inputs: [N(rng, [2, 3, 10])], args: { kernel: 3, stride: 2, padding: 1 } },
      { name: 'k2-transposed', inputs: [N(rng, [2, 8, 3], 1, [transposeView(1, 2)])], args: { kernel: 2 } },
    ],
  }),
  moduleEntry({
    name: 'nn.AdaptiveAvgPool2d',
    build: (a) => new nn.AdaptiveAvgPool2d(a.outputSize as T.nn.functional.OutputSize2d),
    state: [],
    samples: (rng) => [
      { name: 'out3-from-7x7', inputs: [N(rng, [2, 2, 7, 7])], args: { outputSize: 3 } },
      { name: 'out-null-4-transposed', inputs: [N(rng, [1, 3, 6, 5], 1, [transposeView(2, 3)])], args: { outputSize: [null, 4] } },
    ],
  }),
  moduleEntry({
    name: 'nn.AdaptiveAvgPool1d',
    build: (a) => new nn.AdaptiveAvgPool1d(num(a, 'outputSize')),
    state: [],
    samples: (rng) => [
      { name: 'out4-from-10', inputs: [N(rng, [2, 3, 10])], args: { outputSize: 4 } },
      { name: 'out3-transposed', inputs: [N(rng, [2, 7, 3], 1, [transposeView(1, 2)])], args: { outputSize: 3 } },
    ],
  }),
];

// ---- Normalisation ----

const BN_STATE = ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked'];

/** weight, bias, running_mean, running_var (buffers) and num_batches_tracked (int32). */
function bnState(rng: Rng, c: number, nbt = 2): SampleInput[] {
  return [U(rng, [c], 0.5, 1.5), N(rng, [c], 0.3), buffer([c], rng.normal([c])), buffer([c], rng.uniform([c], 0.5, 2)), i32([], [nbt])];
}

function batchNormEntry(name: 'nn.BatchNorm1d' | 'nn.BatchNorm2d', samples: (rng: Rng) => Sample[]): OpEntry {
  const Cls = name === 'nn.BatchNorm1d' ? nn.BatchNorm1d : nn.BatchNorm2d;
  return moduleEntry({
    name,
    build: (a) => new Cls(num(a, 'numFeatures'), { momentum: a.momentum === undefined ? 0.1 : (a.momentum as number | null), eps: opt<number>(a, 'eps') }).train(a.training as boolean),
    state: BN_STATE,
    // Train mode: the output and the running statistics after the step (in-place updates).
    call: (m, [x], a) => {
      const y = m.call(x);
      return a.training ? [y, m.running_mean!.detach(), m.running_var!.detach(), m.num_batches_tracked!.detach()] : y;
    },
    samples,
  });
}

const normEntries = [
  batchNormEntry('nn.BatchNorm1d', (rng) => [
    { name: 'train-NC', inputs: [N(rng, [8, 5]), ...bnState(rng, 5)], args: { numFeatures: 5, training: true } },
    { name: 'train-NCL-cumulative', inputs: [N(rng, [4, 3, 6]), ...bnState(rng, 3, 4)], args: { numFeatures: 3, training: true, momentum: null } },
    { name: 'eval-NCL-transposed', inputs: [N(rng, [4, 6, 3], 1, [transposeView(1, 2)]), ...bnState(rng, 3)], args: { numFeatures: 3, training: false } },
  ]),
  batchNormEntry('nn.BatchNorm2d', (rng) => [
    { name: 'train', inputs: [N(rng, [4, 3, 5, 5]), ...bnState(rng, 3)], args: { numFeatures: 3, training: true, momentum: 0.3 } },
    { name: 'eval-transposed', inputs: [N(rng, [2, 3, 4, 4], 1, [transposeView(2, 3)]), ...bnState(rng, 3)], args: { numFeatures: 3, training: false } },
  ]),
  moduleEntry({
    name: 'nn.LayerNorm',
    build: (a) => new nn.LayerNorm(a.normalizedShape as number[]),
    state: ['weight', 'bias'],
    tolerance: { float32: { atol: 2e-5, rtol: 2e-5 }, grad: { atol: 2e-4, rtol: 2e-4 } },
    contiguityExempt: 'the layerNorm op entry covers strided inputs; these cases check the layer and its state names',
    samples: (rng) => [
      { name: 'dim16', inputs: [N(rng, [4, 16]), N(rng, [16]), N(rng, [16])], args: { normalizedShape: [16] } },
      { name: 'dims-3x8', inputs: [N(rng, [2, 3, 8]), N(rng, [3, 8]), N(rng, [3, 8])], args: { normalizedShape: [3, 8] } },
    ],
  }),
  moduleEntry({
    name: 'nn.GroupNorm',
    build: (a) => new nn.GroupNorm(num(a, 'numGroups'), num(a, 'numChannels'), { eps: opt<number>(a, 'eps') }),
    state: ['weight', 'bias'],
    samples: (rng) => [
      { name: 'g2-c6', inputs: [N(rng, [2, 6, 4, 4]), U(rng, [6], 0.5, 1.5), N(rng, [6], 0.3)], args: { numGroups: 2, numChannels: 6 } },
      { name: 'g3-c6-rank3-transposed', inputs: [N(rng, [3, 5, 6], 1, [transposeView(1, 2)]), U(rng, [6], 0.5, 1.5), N(rng, [6], 0.3)], args: { numGroups: 3, numChannels: 6, eps: 1e-3 } },
    ],
  }),
  // PyTorch 1.13 has no nn.RMSNorm: the fixtures compose it in torch (modules.py's RMSNorm).
  moduleEntry({
    name: 'nn.RMSNorm',
    build: (a) => new nn.RMSNorm(a.normalizedShape as number[], { eps: opt<number>(a, 'eps') ?? null }),
    state: ['weight'],
    samples: (rng) => [
      { name: 'dim16', inputs: [N(rng, [4, 16]), U(rng, [16], 0.5, 1.5)], args: { normalizedShape: [16] } },
      { name: 'dims-3x8-eps1e-3-transposed', inputs: [N(rng, [2, 8, 3], 1, [transposeView(1, 2)]), U(rng, [3, 8], 0.5, 1.5)], args: { normalizedShape: [3, 8], eps: 1e-3 } },
    ],
  }),
];

// ---- Embedding, Dropout, Flatten, Sequential, activations ----

/** nn.Dropout in training: the dropped fraction is p (within 5 standard deviations), kept values are x/(1-p), the gradient is the same mask; eval is the identity. */
async function dropoutModuleStatistics({ backend, size }: { backend: T.Backend; size: string }): Promise<CustomResult[]> {
  T.use(backend);
  const n = size === 'full' ? 32768 : 8192;
  const p = 0.3;
  T.manualSeed(99);
  const { dropped, badScale, gradOk, evalOk } = await T.tidyAsync(async () => {
    const m = new nn.Dropout(p);
    const x = T.full([n], 2, { backend, requiresGrad: true });
    const y = m.call(x);
    const g = T.gradients(y.sum(), [x])[0];
    const ye = m.eval().call(x);
    const [yd, gd, ed] = [await y.data(), await g.data(), await ye.data()];
    let dropped = 0;
    let badScale = 0;
    let gradOk = true;
    for (let i = 0; i < n; i++) {
      if (yd[i] === 0) dropped++;
      else if (Math.abs(yd[i] - 2 / (1 - p)) > 1e-5) badScale++;
      if (Math.abs(gd[i] - yd[i] / 2) > 1e-5) gradOk = false;
    }
    return { dropped, badScale, gradOk, evalOk: ed.every((v) => v === 2) };
  });
  const frac = dropped / n;
  const sd = Math.sqrt((p * (1 - p)) / n);
  const err = Math.abs(frac - p);
  return [{
    case: `statistics-p${p}`,
    check: 'forward',
    pass: err <= 5 * sd && badScale === 0 && gradOk && evalOk,
    maxAbsErr: err,
    maxRelErr: err / p,
    message: `dropped fraction ${frac.toFixed(4)} (expected ${p} +- ${(5 * sd).toFixed(4)}), ${badScale} kept values not scaled by 1/(1-p), gradient ${gradOk ? 'matches' : 'does not match'} the mask, eval ${evalOk ? 'is' : 'is not'} the identity`,
  }];
}

function sequential(kind: string): T.nn.Sequential {
  if (kind === 'mlp') return new nn.Sequential(new nn.Linear(6, 8), new nn.ReLU(), new nn.Linear(8, 3));
  return new nn.Sequential(new nn.Conv2d(2, 3, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(12, 4));
}

const miscEntries = [
  moduleEntry({
    name: 'nn.Embedding',
    build: (a) => new nn.Embedding(num(a, 'num'), num(a, 'dim'), { paddingIdx: opt<number>(a, 'paddingIdx') ?? null }),
    state: ['weight'],
    samples: (rng) => [
      { name: 'ids-2x5', inputs: [i32([2, 5], rng.ints([2, 5], 0, 10)), N(rng, [10, 4])], args: { num: 10, dim: 4 } },
      { name: 'ids-transposed', inputs: [i32([5, 3], rng.ints([5, 3], 0, 10), [transposeView()]), N(rng, [10, 4])], args: { num: 10, dim: 4 } },
      // The padding row gets no gradient by definition (PyTorch's too), so finite differences of
      // the function disagree there; the reference autograd and PyTorch still check it.
      { name: 'padding-idx-1', inputs: [i32([2, 5], [1, 3, 1, 0, 9, 2, 1, 5, 5, 7]), N(rng, [10, 4])], args: { num: 10, dim: 4, paddingIdx: 1 }, finiteDiff: false },
      { name: 'padding-idx-negative', inputs: [i32([2, 3], [9, 3, 9, 0, 9, 4]), N(rng, [10, 3])], args: { num: 10, dim: 3, paddingIdx: -1 }, finiteDiff: false },
    ],
  }),
  // Training-mode masks come from core's seeded generator, so the seeded cases compare with the
  // float64 reference like any op; PyTorch's RNG cannot be matched, so its fixtures are eval and p = 0.
  moduleEntry({
    name: 'nn.Dropout',
    build: (a) => new nn.Dropout(num(a, 'p')).train(a.training as boolean),
    state: [],
    call: (m, [x], a) => {
      if (a.seed !== undefined) T.manualSeed(num(a, 'seed'));
      return m.call(x);
    },
    samples: (rng) => [
      { name: 'eval-identity', inputs: [N(rng, [5, 7])], args: { p: 0.5, training: false } },
      { name: 'train-p0-transposed', inputs: [N(rng, [6, 4], 1, [transposeView()])], args: { p: 0, training: true } },
      { name: 'train-seeded-p0.4', inputs: [N(rng, [6, 9])], args: { p: 0.4, training: true, seed: 5 } },
    ],
    custom: dropoutModuleStatistics,
  }),
  moduleEntry({
    name: 'nn.Identity',
    build: () => new nn.Identity(),
    state: [],
    samples: (rng) => [{ name: 'transposed', inputs: [N(rng, [7, 4], 1, [transposeView()])] }],
  }),
  moduleEntry({
    name: 'nn.Unflatten',
    build: (a) => new nn.Unflatten(num(a, 'dim'), a.sizes as number[]),
    state: [],
    samples: (rng) => [{ name: 'dim1-3x4-transposed', inputs: [N(rng, [12, 2], 1, [transposeView()])], args: { dim: 1, sizes: [3, 4] } }],
  }),
  moduleEntry({
    name: 'nn.Flatten',
    build: (a) => new nn.Flatten(num(a, 'startDim'), num(a, 'endDim')),
    state: [],
    samples: (rng) => [
      { name: 'default-2x3x4x5', inputs: [N(rng, [2, 3, 4, 5])], args: { startDim: 1, endDim: -1 } },
      { name: 'dims-0-1-permuted', inputs: [N(rng, [4, 3, 2], 1, [permuteView([2, 1, 0])])], args: { startDim: 0, endDim: 1 } },
    ],
  }),
  moduleEntry({
    name: 'nn.Sequential',
    build: (a) => sequential(a.kind as string),
    state: (a) => (a.kind === 'mlp' ? ['0.weight', '0.bias', '2.weight', '2.bias'] : ['0.weight', '0.bias', '4.weight', '4.bias']),
    samples: (rng) => [
      { name: 'mlp-linear-relu-linear', inputs: [N(rng, [5, 6]), N(rng, [8, 6], 0.4), N(rng, [8], 0.4), N(rng, [3, 8], 0.4), N(rng, [3], 0.4)], args: { kind: 'mlp' } },
      {
        name: 'cnn-conv-relu-pool-flatten-linear',
        inputs: [N(rng, [2, 2, 4, 4]), N(rng, [3, 2, 3, 3], 0.3), N(rng, [3], 0.3), N(rng, [4, 12], 0.3), N(rng, [4], 0.3)],
        args: { kind: 'cnn' },
      },
    ],
    contiguityExempt: 'a container of layers whose own entries cover strided inputs',
  }),
];

type Case = (rng: Rng) => Sample;
const transposed = (scale: number, away = false): Case => (rng) => ({
  name: 'transposed',
  inputs: [f32([7, 4], away ? rng.awayFrom([7, 4], [0], 0.05) : rng.normal([7, 4], scale), [transposeView()])],
});

/** One entry per activation module; each case's input is non-contiguous. */
const activationEntries = ([
  ['nn.ReLU', () => new nn.ReLU(), [transposed(1, true)]],
  ['nn.GELU', (a) => new nn.GELU({ approximate: a.approximate as 'none' | 'tanh' }), [
    (rng) => ({ name: 'none-transposed', inputs: [N(rng, [7, 4], 2, [transposeView()])], args: { approximate: 'none' } }),
    (rng) => ({ name: 'tanh', inputs: [N(rng, [4, 9], 2)], args: { approximate: 'tanh' } }),
  ]],
  ['nn.SiLU', () => new nn.SiLU(), [transposed(2)]],
  ['nn.Tanh', () => new nn.Tanh(), [transposed(2)]],
  ['nn.Sigmoid', () => new nn.Sigmoid(), [transposed(2)]],
  ['nn.Softplus', () => new nn.Softplus(), [transposed(3)]],
  ['nn.LeakyReLU', (a) => new nn.LeakyReLU(num(a, 'negativeSlope')), [
    (rng) => ({ name: 'slope-0.2-transposed', inputs: [f32([7, 4], rng.awayFrom([7, 4], [0], 0.05), [transposeView()])], args: { negativeSlope: 0.2 } }),
  ]],
  ['nn.ELU', (a) => new nn.ELU(num(a, 'alpha')), [
    (rng) => ({ name: 'alpha-0.5-transposed', inputs: [f32([7, 4], rng.awayFrom([7, 4], [0], 0.05), [transposeView()])], args: { alpha: 0.5 } }),
  ]],
  ['nn.Softmax', (a) => new nn.Softmax(num(a, 'dim')), [
    (rng) => ({ name: 'dim1-transposed', inputs: [N(rng, [7, 4], 2, [transposeView()])], args: { dim: 1 } }),
    (rng) => ({ name: 'dim0', inputs: [N(rng, [3, 5], 2)], args: { dim: 0 } }),
  ]],
  ['nn.LogSoftmax', (a) => new nn.LogSoftmax(num(a, 'dim')), [
    (rng) => ({ name: 'dim-1-transposed', inputs: [N(rng, [7, 4], 2, [transposeView()])], args: { dim: -1 } }),
  ]],
] as [string, (a: Args) => SomeModule, Case[]][]).map(([name, build, cases]) =>
  moduleEntry({ name, build, state: [], samples: (rng) => cases.map((c) => c(rng)) }),
);

// ---- Recurrent layers ----

type Mode = 'RNN' | 'LSTM' | 'GRU';
const GATES: Record<Mode, number> = { RNN: 1, LSTM: 4, GRU: 3 };

/** PyTorch's parameter names for a stacked recurrent layer, in its order. */
function rnnStateKeys(a: Args): string[] {
  const keys: string[] = [];
  for (let layer = 0; layer < ((a.numLayers as number | undefined) ?? 1); layer++) {
    for (let d = 0; d < (a.bidirectional ? 2 : 1); d++) {
      const sfx = `_l${layer}${d ? '_reverse' : ''}`;
      keys.push(`weight_ih${sfx}`, `weight_hh${sfx}`, `bias_ih${sfx}`, `bias_hh${sfx}`);
    }
  }
  return keys;
}

function rnnState(rng: Rng, mode: Mode, a: Args): SampleInput[] {
  const h = num(a, 'hidden');
  const g = GATES[mode] * h;
  const dirs = a.bidirectional ? 2 : 1;
  const out: SampleInput[] = [];
  for (let layer = 0; layer < ((a.numLayers as number | undefined) ?? 1); layer++) {
    for (let d = 0; d < dirs; d++) {
      const ins = layer === 0 ? num(a, 'input') : h * dirs;
      out.push(N(rng, [g, ins], 0.4), N(rng, [g, h], 0.4), N(rng, [g], 0.3), N(rng, [g], 0.3));
    }
  }
  return out;
}

/** Cases given as call inputs; the layer's parameters follow, and args record the call arity. */
function rnnSamples(mode: Mode, cases: [string, (rng: Rng) => SampleInput[], Args][]): (rng: Rng) => Sample[] {
  return (rng) => cases.map(([name, xs, a]) => {
    const inputs = xs(rng);
    return { name, inputs: [...inputs, ...rnnState(rng, mode, a)], args: { ...a, arity: inputs.length } };
  });
}

const rnnOptions = (a: Args) => ({ numLayers: opt<number>(a, 'numLayers'), batchFirst: opt<boolean>(a, 'batchFirst'), bidirectional: opt<boolean>(a, 'bidirectional') });
const RNN_A = { input: 3, hidden: 5, numLayers: 2, batchFirst: true };
const RNN_B = { input: 3, hidden: 4, bidirectional: true, nonlinearity: 'relu' };
const LSTM_A = { input: 3, hidden: 4, numLayers: 2, batchFirst: true };
const LSTM_B = { input: 3, hidden: 3, numLayers: 2, bidirectional: true };
const GRU_A = { input: 3, hidden: 4, numLayers: 2, batchFirst: true };
const GRU_B = { input: 3, hidden: 4, bidirectional: true };
const CELL_KEYS = ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'];

function cellSamples(mode: Mode, cases: [string, (rng: Rng) => SampleInput[], Args][]): (rng: Rng) => Sample[] {
  return (rng) => cases.map(([name, xs, a]) => {
    const inputs = xs(rng);
    const h = num(a, 'hidden');
    const g = GATES[mode] * h;
    const state = [N(rng, [g, num(a, 'input')], 0.4), N(rng, [g, h], 0.4), N(rng, [g], 0.3), N(rng, [g], 0.3)];
    return { name, inputs: [...inputs, ...state], args: { ...a, arity: inputs.length } };
  });
}

const recurrentEntries = [
  moduleEntry({
    name: 'nn.RNN',
    build: (a) => new nn.RNN(num(a, 'input'), num(a, 'hidden'), { ...rnnOptions(a), nonlinearity: opt<'tanh' | 'relu'>(a, 'nonlinearity') }),
    state: rnnStateKeys,
    call: (m, [x, h0]) => m.call(x, h0 ?? null),
    tolerance: DEEP,
    samples: rnnSamples('RNN', [
      ['tanh-2layer-batchfirst-transposed', (rng) => [N(rng, [2, 3, 4], 1, [transposeView(1, 2)])], RNN_A],
      ['relu-bidirectional-h0', (rng) => [N(rng, [3, 2, 3]), N(rng, [2, 2, 4])], RNN_B],
    ]),
  }),
  moduleEntry({
    name: 'nn.LSTM',
    build: (a) => new nn.LSTM(num(a, 'input'), num(a, 'hidden'), rnnOptions(a)),
    state: rnnStateKeys,
    call: (m, [x, h0, c0]) => {
      const [out, [h, c]] = m.call(x, h0 && c0 ? [h0, c0] : null);
      return [out, h, c];
    },
    tolerance: DEEP,
    contiguityExempt: 'nn.RNN and nn.GRU take a transposed input through the same code path',
    samples: rnnSamples('LSTM', [
      ['2layer-batchfirst', (rng) => [N(rng, [2, 4, 3])], LSTM_A],
      ['bidirectional-2layer-h0-c0', (rng) => [N(rng, [3, 2, 3]), N(rng, [4, 2, 3]), N(rng, [4, 2, 3])], LSTM_B],
    ]),
  }),
  moduleEntry({
    name: 'nn.GRU',
    build: (a) => new nn.GRU(num(a, 'input'), num(a, 'hidden'), rnnOptions(a)),
    state: rnnStateKeys,
    call: (m, [x, h0]) => m.call(x, h0 ?? null),
    tolerance: DEEP,
    contiguityExempt: 'nn.RNN takes a transposed input through the same code path',
    samples: rnnSamples('GRU', [
      ['2layer-batchfirst', (rng) => [N(rng, [2, 4, 3])], GRU_A],
      ['bidirectional-h0', (rng) => [N(rng, [3, 2, 3]), N(rng, [2, 2, 4])], GRU_B],
    ]),
  }),
  moduleEntry({
    name: 'nn.RNNCell',
    build: (a) => new nn.RNNCell(num(a, 'input'), num(a, 'hidden'), { nonlinearity: opt<'tanh' | 'relu'>(a, 'nonlinearity') }),
    state: CELL_KEYS,
    call: (m, [x, hx]) => m.call(x, hx ?? null),
    contiguityExempt: 'one step of the recurrent layers, whose entries take a transposed input',
    samples: cellSamples('RNN', [
      ['tanh-hx', (rng) => [N(rng, [3, 4]), N(rng, [3, 5])], { input: 4, hidden: 5 }],
      ['relu-no-hx', (rng) => [N(rng, [2, 4])], { input: 4, hidden: 3, nonlinearity: 'relu' }],
    ]),
  }),
  moduleEntry({
    name: 'nn.LSTMCell',
    build: (a) => new nn.LSTMCell(num(a, 'input'), num(a, 'hidden')),
    state: CELL_KEYS,
    call: (m, [x, hx, cx]) => m.call(x, hx && cx ? [hx, cx] : null),
    contiguityExempt: 'one step of the recurrent layers, whose entries take a transposed input',
    samples: cellSamples('LSTM', [
      ['hx-cx', (rng) => [N(rng, [3, 4]), N(rng, [3, 5]), N(rng, [3, 5])], { input: 4, hidden: 5 }],
      ['no-state', (rng) => [N(rng, [2, 4])], { input: 4, hidden: 3 }],
    ]),
  }),
  moduleEntry({
    name: 'nn.GRUCell',
    build: (a) => new nn.GRUCell(num(a, 'input'), num(a, 'hidden')),
    state: CELL_KEYS,
    call: (m, [x, hx]) => m.call(x, hx ?? null),
    contiguityExempt: 'one step of the recurrent layers, whose entries take a transposed input',
    samples: cellSamples('GRU', [['hx', (rng) => [N(rng, [3, 4]), N(rng, [3, 5])], { input: 4, hidden: 5 }]]),
  }),
];

// ---- Attention and transformer layers ----

function mhaKeys(a: Args): string[] {
  const e = num(a, 'embedDim');
  const packed = ((a.kdim as number | undefined) ?? e) === e && ((a.vdim as number | undefined) ?? e) === e;
  return [...(packed ? ['in_proj_weight'] : ['q_proj_weight', 'k_proj_weight', 'v_proj_weight']), 'in_proj_bias', 'out_proj.weight', 'out_proj.bias'];
}

function mhaState(rng: Rng, a: Args): SampleInput[] {
  const e = num(a, 'embedDim');
  const kd = (a.kdim as number | undefined) ?? e;
  const vd = (a.vdim as number | undefined) ?? e;
  const proj = kd === e && vd === e ? [N(rng, [3 * e, e], 0.35)] : [N(rng, [e, e], 0.35), N(rng, [e, kd], 0.35), N(rng, [e, vd], 0.35)];
  return [...proj, N(rng, [3 * e], 0.1), N(rng, [e, e], 0.35), N(rng, [e], 0.1)];
}

/** Cases given as call inputs; the state follows, and args record the call arity. */
function withState(state: (rng: Rng, a: Args) => SampleInput[], cases: [string, (rng: Rng) => SampleInput[], Args][]): (rng: Rng) => Sample[] {
  return (rng) => cases.map(([name, xs, a]) => {
    const inputs = xs(rng);
    return { name, inputs: [...inputs, ...state(rng, a)], args: { ...a, arity: inputs.length } };
  });
}

const attnState = (rng: Rng, e: number) => [N(rng, [3 * e, e], 0.35), N(rng, [3 * e], 0.1), N(rng, [e, e], 0.35), N(rng, [e], 0.1)];
function ffState(rng: Rng, e: number, f: number, norms: number): SampleInput[] {
  const out = [N(rng, [f, e], 0.35), N(rng, [f], 0.1), N(rng, [e, f], 0.25), N(rng, [e], 0.1)];
  for (let i = 0; i < norms; i++) out.push(U(rng, [e], 0.5, 1.5), N(rng, [e], 0.1));
  return out;
}
const ENC_KEYS = [
  'self_attn.in_proj_weight', 'self_attn.in_proj_bias', 'self_attn.out_proj.weight', 'self_attn.out_proj.bias',
  'linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias', 'norm1.weight', 'norm1.bias', 'norm2.weight', 'norm2.bias',
];
const DEC_KEYS = [...ENC_KEYS.slice(0, 4), ...ENC_KEYS.slice(0, 4).map((k) => k.replace('self_attn', 'multihead_attn')), ...ENC_KEYS.slice(4), 'norm3.weight', 'norm3.bias'];
const ENC = { dModel: 8, nhead: 2, dimFeedforward: 16 };
const layerOptions = (a: Args): T.nn.TransformerLayerOptions => ({
  dimFeedforward: num(a, 'dimFeedforward'), dropout: 0, activation: (a.activation as 'relu' | 'gelu' | undefined) ?? 'relu', batchFirst: true, normFirst: !!a.normFirst,
});

/** A stack made from `layer` (which it copies, like PyTorch); the template's own tensors are freed. */
function stack<L extends SomeModule, M extends SomeModule>(layer: L, make: (layer: L) => M): M {
  const m = make(layer);
  for (const t of [...layer.parameters(), ...layer.buffers()]) t.dispose();
  return m;
}
const stackKeys = (layerKeys: readonly string[]) => (a: Args) =>
  [...Array.from({ length: num(a, 'numLayers') }, (_, i) => layerKeys.map((k) => `layers.${i}.${k}`)).flat(), 'norm.weight', 'norm.bias'];
const stackState = (layer: (rng: Rng, a: Args) => SampleInput[]) => (rng: Rng, a: Args) =>
  [...Array.from({ length: num(a, 'numLayers') }, () => layer(rng, a)).flat(), U(rng, [num(a, 'dModel')], 0.5, 1.5), N(rng, [num(a, 'dModel')], 0.1)];

const GPT2_KEYS = [
  'ln_1.weight', 'ln_1.bias', 'attn.c_attn.weight', 'attn.c_attn.bias', 'attn.c_proj.weight', 'attn.c_proj.bias',
  'ln_2.weight', 'ln_2.bias', 'mlp.c_fc.weight', 'mlp.c_fc.bias', 'mlp.c_proj.weight', 'mlp.c_proj.bias',
];
function gpt2State(rng: Rng, e: number): SampleInput[] {
  return [
    U(rng, [e], 0.5, 1.5), N(rng, [e], 0.1), N(rng, [e, 3 * e], 0.3), N(rng, [3 * e], 0.1), N(rng, [e, e], 0.3), N(rng, [e], 0.1),
    U(rng, [e], 0.5, 1.5), N(rng, [e], 0.1), N(rng, [e, 4 * e], 0.3), N(rng, [4 * e], 0.1), N(rng, [4 * e, e], 0.15), N(rng, [e], 0.1),
  ];
}

const attentionEntries = [
  moduleEntry({
    name: 'nn.MultiHeadAttention',
    build: (a) => new nn.MultiHeadAttention(num(a, 'embedDim'), num(a, 'numHeads'), { batchFirst: opt(a, 'batchFirst'), kdim: opt(a, 'kdim'), vdim: opt(a, 'vdim') }),
    state: mhaKeys,
    call: (m, xs, a) => {
      const averageAttnWeights = opt<boolean>(a, 'averageAttnWeights') ?? true;
      const [x] = xs;
      const [out, w] =
        a.call === 'self-mask' ? m.call(x, x, x, { attnMask: xs[1], averageAttnWeights })
        : a.call === 'self-causal' ? m.call(x, x, x, { isCausal: true, averageAttnWeights })
        : a.call === 'cross-key-padding' ? m.call(xs[0], xs[1], xs[2], { keyPaddingMask: xs[3], averageAttnWeights })
        : m.call(xs[0], xs[1], xs[2], { averageAttnWeights });
      return [out, w!];
    },
    contiguityExempt: 'the attention inputs go through Linear projections; strided inputs are covered by the linear and matmul entries',
    samples: withState(mhaState, [
      ['self-bool-mask-batchfirst', (rng) => [N(rng, [2, 5, 8]), triuMask(5)], { embedDim: 8, numHeads: 2, batchFirst: true, call: 'self-mask' }],
      ['self-causal', (rng) => [N(rng, [2, 5, 8])], { embedDim: 8, numHeads: 2, batchFirst: true, call: 'self-causal' }],
      [
        'cross-key-padding-seqfirst',
        (rng) => [N(rng, [4, 2, 8]), N(rng, [6, 2, 8]), N(rng, [6, 2, 8]), bool([2, 6], [0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1])],
        { embedDim: 8, numHeads: 4, call: 'cross-key-padding' },
      ],
      [
        'kdim5-vdim3-per-head-weights',
        (rng) => [N(rng, [3, 2, 8]), N(rng, [4, 2, 5]), N(rng, [4, 2, 3])],
        { embedDim: 8, numHeads: 2, kdim: 5, vdim: 3, call: 'plain', averageAttnWeights: false },
      ],
    ]),
  }),
  moduleEntry({
    name: 'nn.TransformerEncoderLayer',
    build: (a) => new nn.TransformerEncoderLayer(num(a, 'dModel'), num(a, 'nhead'), layerOptions(a)),
    state: ENC_KEYS,
    call: (m, [x, mask], a) => m.call(x, a.call === 'mask' ? { srcMask: mask } : a.call === 'key-padding' ? { srcKeyPaddingMask: mask } : {}),
    tolerance: DEEP,
    contiguityExempt: 'a composition of Linear, attention and LayerNorm, whose entries cover strided inputs',
    samples: withState((rng, a) => [...attnState(rng, num(a, 'dModel')), ...ffState(rng, num(a, 'dModel'), num(a, 'dimFeedforward'), 2)], [
      ['post-norm-relu', (rng) => [N(rng, [2, 5, 8])], { ...ENC }],
      ['pre-norm-gelu-causal-mask', (rng) => [N(rng, [2, 5, 8]), triuMask(5)], { ...ENC, normFirst: true, activation: 'gelu', call: 'mask' }],
      ['post-norm-key-padding', (rng) => [N(rng, [2, 5, 8]), bool([2, 5], [0, 0, 0, 1, 1, 0, 0, 0, 0, 0])], { ...ENC, call: 'key-padding' }],
    ]),
  }),
  moduleEntry({
    name: 'nn.TransformerDecoderLayer',
    build: (a) => new nn.TransformerDecoderLayer(num(a, 'dModel'), num(a, 'nhead'), layerOptions(a)),
    state: DEC_KEYS,
    call: (m, [tgt, memory, mask], a) => m.call(tgt, memory, a.call === 'tgt-mask' ? { tgtMask: mask } : a.call === 'memory-key-padding' ? { memoryKeyPaddingMask: mask } : {}),
    tolerance: DEEP,
    contiguityExempt: 'a composition of Linear, attention and LayerNorm, whose entries cover strided inputs',
    samples: withState((rng, a) => [...attnState(rng, num(a, 'dModel')), ...attnState(rng, num(a, 'dModel')), ...ffState(rng, num(a, 'dModel'), num(a, 'dimFeedforward'), 3)], [
      ['post-norm-causal-tgt-mask', (rng) => [N(rng, [2, 4, 8]), N(rng, [2, 6, 8]), triuMask(4)], { ...ENC, call: 'tgt-mask' }],
      [
        'pre-norm-gelu-memory-key-padding',
        (rng) => [N(rng, [2, 4, 8]), N(rng, [2, 6, 8]), bool([2, 6], [0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0])],
        { ...ENC, normFirst: true, activation: 'gelu', call: 'memory-key-padding' },
      ],
    ]),
  }),
  moduleEntry({
    name: 'nn.TransformerEncoder',
    build: (a) => stack(new nn.TransformerEncoderLayer(num(a, 'dModel'), num(a, 'nhead'), layerOptions(a)), (l) => new nn.TransformerEncoder(l, num(a, 'numLayers'), { norm: new nn.LayerNorm(num(a, 'dModel')) })),
    state: stackKeys(ENC_KEYS),
    call: (m, [x, mask]) => m.call(x, mask ? { srcMask: mask } : {}),
    tolerance: DEEP,
    contiguityExempt: 'a stack of encoder layers, whose parts have strided-input cases',
    samples: withState(stackState((rng, a) => [...attnState(rng, num(a, 'dModel')), ...ffState(rng, num(a, 'dModel'), num(a, 'dimFeedforward'), 2)]), [
      ['two-post-norm-layers-final-norm', (rng) => [N(rng, [2, 5, 8])], { ...ENC, numLayers: 2 }],
      ['two-pre-norm-layers-causal-mask', (rng) => [N(rng, [2, 4, 8]), triuMask(4)], { ...ENC, numLayers: 2, normFirst: true }],
    ]),
  }),
  moduleEntry({
    name: 'nn.TransformerDecoder',
    build: (a) => stack(new nn.TransformerDecoderLayer(num(a, 'dModel'), num(a, 'nhead'), layerOptions(a)), (l) => new nn.TransformerDecoder(l, num(a, 'numLayers'), { norm: new nn.LayerNorm(num(a, 'dModel')) })),
    state: stackKeys(DEC_KEYS),
    call: (m, [tgt, memory, mask]) => m.call(tgt, memory, { tgtMask: mask }),
    tolerance: DEEP,
    contiguityExempt: 'a stack of decoder layers, whose parts have strided-input cases',
    samples: withState(stackState((rng, a) => [...attnState(rng, num(a, 'dModel')), ...attnState(rng, num(a, 'dModel')), ...ffState(rng, num(a, 'dModel'), num(a, 'dimFeedforward'), 3)]), [
      ['two-layers-causal-tgt-mask-final-norm', (rng) => [N(rng, [2, 4, 8]), N(rng, [2, 5, 8]), triuMask(4)], { ...ENC, numLayers: 2 }],
    ]),
  }),
  // Hugging Face's GPT-2 block, built in this package from core's modules (src/modules/gpt2-block.ts).
  moduleEntry({
    name: 'GPT2Block',
    build: (a) => new GPT2Block(num(a, 'nEmbd'), num(a, 'nHead')),
    state: GPT2_KEYS,
    tolerance: DEEP,
    samples: (rng) => [
      { name: 'e16-h2-len5', inputs: [N(rng, [2, 5, 16]), ...gpt2State(rng, 16)], args: { nEmbd: 16, nHead: 2 } },
      { name: 'e8-h4-len7-transposed', inputs: [N(rng, [7, 2, 8], 1, [transposeView(0, 1)]), ...gpt2State(rng, 8)], args: { nEmbd: 8, nHead: 4 } },
    ],
  }),
];

// ---- Loss modules (the functional losses have their own entries in losses.ts) ----

/** Class or element weights: a buffer, positive. */
const weights = (rng: Rng, shape: number[]) => buffer(shape, rng.uniform(shape, 0.2, 2));

function lossEntry(name: string, make: (options: Record<string, unknown>) => T.nn.Module<[Tensor, Tensor], Tensor>, cases: [string, (rng: Rng) => SampleInput[], Args][]): OpEntry {
  return moduleEntry({
    name,
    // Weighted losses are built with a placeholder buffer that loadStateDict fills, as a PyTorch state dict would.
    build: (a) => {
      const { weighted, posWeight, classes, arity: _arity, ...options } = a;
      const c = classes as number;
      return make({ ...options, ...(weighted ? { weight: T.ones([c]) } : {}), ...(posWeight ? { posWeight: T.ones([c]) } : {}) });
    },
    state: (a) => [...(a.weighted ? ['weight'] : []), ...(a.posWeight ? ['pos_weight'] : [])],
    call: (m, [input, target]) => m.call(input, target),
    samples: (rng) => cases.map(([n, xs, a]) => ({ name: n, inputs: xs(rng), args: { ...a, arity: 2 } })),
  });
}

const lossModuleEntries = [
  lossEntry('nn.MSELoss', (o) => new nn.MSELoss(o), [
    ['mean-4x6', (rng) => [N(rng, [4, 6]), N(rng, [4, 6])], {}],
    ['sum-transposed', (rng) => [N(rng, [6, 4], 1, [transposeView()]), N(rng, [4, 6])], { reduction: 'sum' }],
  ]),
  lossEntry('nn.L1Loss', (o) => new nn.L1Loss(o), [['none-9-transposed', (rng) => [N(rng, [3, 3], 1, [transposeView()]), N(rng, [3, 3])], { reduction: 'none' }]]),
  lossEntry('nn.HuberLoss', (o) => new nn.HuberLoss(o), [['delta-0.5-transposed', (rng) => [N(rng, [6, 4], 1.5, [transposeView()]), N(rng, [4, 6], 1.5)], { delta: 0.5 }]]),
  lossEntry('nn.SmoothL1Loss', (o) => new nn.SmoothL1Loss(o), [['beta-0.5-transposed', (rng) => [N(rng, [6, 4], 1.5, [transposeView()]), N(rng, [4, 6], 1.5)], { beta: 0.5 }]]),
  lossEntry('nn.KLDivLoss', (o) => new nn.KLDivLoss(o), [['batchmean-transposed', (rng) => [N(rng, [5, 4], 1, [transposeView()]), U(rng, [4, 5], 0.05, 1)], { reduction: 'batchmean' }]]),
  lossEntry('nn.CrossEntropyLoss', (o) => new nn.CrossEntropyLoss(o), [
    ['indices-label-smoothing-transposed', (rng) => [N(rng, [5, 4], 2, [transposeView()]), i32([4], rng.ints([4], 0, 5))], { labelSmoothing: 0.1 }],
    ['weight-ignore-index', (rng) => [N(rng, [6, 4], 2), i32([6], [0, 3, -100, 1, 2, -100]), weights(rng, [4])], { weighted: true, classes: 4 }],
  ]),
  lossEntry('nn.NLLLoss', (o) => new nn.NLLLoss(o), [
    ['weight-ignore-index-7-transposed', (rng) => [N(rng, [4, 6], 1, [transposeView()]), i32([6], [0, 7, 1, 7, 2, 3]), weights(rng, [4])], { weighted: true, classes: 4, ignoreIndex: 7 }],
  ]),
  lossEntry('nn.BCELoss', (o) => new nn.BCELoss(o), [['mean-transposed', (rng) => [f32([7, 5], rng.uniform([7, 5], 0.05, 0.95), [transposeView()]), U(rng, [5, 7], 0, 1)], {}]]),
  lossEntry('nn.BCEWithLogitsLoss', (o) => new nn.BCEWithLogitsLoss(o), [
    ['pos-weight-transposed', (rng) => [N(rng, [6, 4], 3, [transposeView()]), U(rng, [4, 6], 0, 1), weights(rng, [6])], { posWeight: true, classes: 6 }],
  ]),
];

export const moduleEntries: OpEntry[] = [
  ...linalgEntries,
  ...poolEntries,
  ...normEntries,
  ...miscEntries,
  ...activationEntries,
  ...recurrentEntries,
  ...attentionEntries,
  ...lossModuleEntries,
];
