import type { Backend, BackendBuffer } from '@tessera/core';
import * as T from '@tessera/core';
import { createCpuBackend } from '@tessera/backend-cpu';
import { describe, expect, it } from 'vitest';
import {
  entry, f32, type FixtureSet, loadFixtures, moduleEntry, runConformance, runTrainingMemory, torchCheck, type OpEntry,
} from '../src/index.js';

/** A copy of the fixtures with one float of one stored tensor nudged by `delta`. */
function nudged(fixtures: FixtureSet, offset: number, delta: number): FixtureSet {
  const blob = fixtures.blob.slice();
  const view = new DataView(blob.buffer);
  view.setFloat32(offset, view.getFloat32(offset, true) + delta, true);
  return { index: fixtures.index, blob };
}

function fixtureCase(fixtures: FixtureSet, op: string, name: string) {
  const fc = fixtures.index.cases.find((c) => c.op === op && c.case === name);
  if (!fc) throw new Error(`no fixture ${op}/${name}`);
  return fc;
}

describe('module entries', () => {
  it('load parameters by their PyTorch state-dict names, strictly: a misnamed key fails every check', async () => {
    const bad = moduleEntry({
      name: 'nn.Linear',
      build: (a) => new T.nn.Linear(a.in as number, a.out as number),
      state: ['weight', 'bais'],
      samples: (rng) => [{ name: 'in3-out2', inputs: [f32([2, 3], rng.normal([2, 3])), f32([2, 3], rng.normal([2, 3])), f32([2], rng.normal([2]))], args: { in: 3, out: 2 } }],
    });
    const results = await runConformance(createCpuBackend(), { table: [bad], optimizers: [], checks: ['forward', 'torch'] });
    expect(results.length).toBeGreaterThan(2);
    for (const r of results) {
      expect(r.pass, `${r.case}/${r.check}`).toBe(false);
      expect(r.message).toMatch(/loadStateDict.*(missing keys: bias|unexpected keys: bais)/);
    }
  });

  it('check every parameter gradient against PyTorch: a nudged gradient of attn.c_attn.weight fails GPT2Block', async () => {
    const fixtures = await loadFixtures();
    const fc = fixtureCase(fixtures, 'GPT2Block', 'e16-h2-len5');
    // Inputs: x, ln_1.weight, ln_1.bias, attn.c_attn.weight, ...
    const grad = fc.inputs[3].grad!;
    const backend = createCpuBackend();
    expect((await torchCheck(entry('GPT2Block'), fc, fixtures, backend)).pass).toBe(true);
    const r = await torchCheck(entry('GPT2Block'), fc, nudged(fixtures, grad.offset + 4 * 7, 0.01), backend);
    expect(r.pass).toBe(false);
    expect(r.message).toMatch(/gradient of input 3 vs PyTorch/);
  });

  it('differentiate the module parameters that loadStateDict filled: without that, LSTM parameter gradients are zeros and fail', async () => {
    const lstm = entry('nn.LSTM');
    const blind: OpEntry = { ...lstm, fn: (inputs, a, call) => lstm.fn(inputs, a, { differentiate: () => {}, release: (...ts) => call.release(...ts) }) };
    const fixtures = await loadFixtures();
    const fc = fixtureCase(fixtures, 'nn.LSTM', '2layer-batchfirst');
    const backend = createCpuBackend();
    expect((await torchCheck(lstm, fc, fixtures, backend)).pass).toBe(true);
    const r = await torchCheck(blind, fc, fixtures, backend);
    expect(r.pass).toBe(false);
    expect(r.message).toMatch(/gradient of input 1 vs PyTorch/);
  });

  it("compare train-mode BatchNorm's running statistics after the step: a nudged running_mean fails", async () => {
    const fixtures = await loadFixtures();
    const fc = fixtureCase(fixtures, 'nn.BatchNorm1d', 'train-NC');
    expect(fc.outputs.map((o) => o.dtype)).toEqual(['float32', 'float32', 'float32', 'int32']);
    const backend = createCpuBackend();
    expect((await torchCheck(entry('nn.BatchNorm1d'), fc, fixtures, backend)).pass).toBe(true);
    const r = await torchCheck(entry('nn.BatchNorm1d'), fc, nudged(fixtures, fc.outputs[1].offset, 1e-3), backend);
    expect(r.pass).toBe(false);
    expect(r.message).toMatch(/^output 1/);
  });
});

describe('the leak check', () => {
  const leakyOp: OpEntry = {
    name: 'leaky',
    dtypes: ['float32'],
    differentiable: true,
    fixtureExempt: 'a test entry that leaks on purpose',
    contiguityExempt: 'a test entry that leaks on purpose',
    samples: (rng) => [{ name: 'x5', inputs: [f32([5], rng.normal([5]))] }],
    fn: ([x]) => {
      T.mul(x, 2).keep();
      return T.add(x, 1);
    },
  };

  it('fails an op that keeps a tensor it never frees, and names the counts that grew', async () => {
    const [r] = await runConformance(createCpuBackend(), { table: [leakyOp], optimizers: [], checks: ['leak'] });
    expect(r).toMatchObject({ op: 'leaky', case: 'x5', check: 'leak', pass: false });
    expect(r.message).toMatch(/tensors \d+ -> \d+ \(\+1\)/);
    expect(r.message).toMatch(/bytes \d+ -> \d+ \(\+20\)/);
  });

  it('fails a module entry that does not release its module, and passes the real entry', async () => {
    const linear = entry('nn.Linear');
    const unreleased: OpEntry = { ...linear, fn: (inputs, a, call) => linear.fn(inputs, a, { differentiate: (i, t) => call.differentiate(i, t), release: () => {} }) };
    const backend = createCpuBackend();
    const good = await runConformance(backend, { table: [linear], optimizers: [], checks: ['leak'] });
    expect(good.map((r) => r.pass)).toEqual([true, true]);
    const bad = await runConformance(backend, { table: [unreleased], optimizers: [], leakCheck: true, checks: [] });
    expect(bad.every((r) => r.check === 'leak' && !r.pass)).toBe(true);
  });
});

/** The cpu backend, except that it forgets to free every 5th buffer (the backend's own count grows). */
function forgetfulBackend(): Backend {
  const inner = createCpuBackend();
  const wrapper: Backend = Object.create(inner) as Backend;
  Object.defineProperty(wrapper, 'name', { value: 'cpu-forgetful' });
  let frees = 0;
  wrapper.free = (b: BackendBuffer) => {
    if (++frees % 5 !== 0) inner.free(b);
  };
  return wrapper;
}

describe('the training-memory suite', () => {
  it('holds steady and learns on cpu (small MLP and GPT)', async () => {
    const backend = createCpuBackend();
    for (const model of ['mlp', 'gpt'] as const) {
      const r = await runTrainingMemory(backend, model, { size: 'small', steps: 40 });
      expect(r.pass, r.message).toBe(true);
      expect(r.losses).toHaveLength(40);
      expect(r.steady.tensors).toBeGreaterThan(0);
    }
  });

  it('fails a backend whose own memory() grows from step to step', async () => {
    const r = await runTrainingMemory(forgetfulBackend(), 'mlp', { size: 'small', steps: 10 });
    expect(r.pass).toBe(false);
    expect(r.firstChange?.step).toBe(3);
    expect(r.firstChange?.diff).toMatch(/backend\.buffers/);
  });

  it('fails when the loss does not go down (learning rate 0)', async () => {
    const r = await runTrainingMemory(createCpuBackend(), 'cnn', { size: 'small', steps: 12, lr: 0 });
    expect(r.firstChange).toBeUndefined();
    expect(r.lossDecreased).toBe(false);
    expect(r.pass).toBe(false);
    expect(r.message).toMatch(/did not decrease/);
  });
});
