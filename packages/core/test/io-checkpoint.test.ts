import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, truncate, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  add, dropout, getRngState, io, manualSeed, matmul, mean, memory, mul, optim, randn, setBackend, square, sub, tensor, tidy, zeros,
  ValueError, type Tensor,
} from '@tessera/core';
import '@tessera/backend-cpu';

let dir = '';
let x: Tensor;
let y: Tensor;

beforeAll(async () => {
  await setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'tessera-ckpt-'));
  manualSeed(123);
  x = randn([32, 3]).keep();
  const wTrue = tensor([[1.5], [-2], [0.5]]);
  y = add(matmul(x, wTrue), mul(randn([32, 1]), 0.1)).keep();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  model: { w: Tensor; b: Tensor };
  opt: optim.AdamW;
  sched: optim.OneCycleLR;
}

function fresh(): Run {
  const model = { w: zeros([3, 1], { requiresGrad: true }), b: zeros([1], { requiresGrad: true }) };
  const opt = new optim.AdamW([{ params: [model.w] }, { params: [model.b], weightDecay: 0 }], { lr: 0.05, weightDecay: 0.01 });
  const sched = new optim.OneCycleLR(opt, { maxLr: 0.2, totalSteps: 20 });
  return { model, opt, sched };
}

/** One step: dropout draws from the global generator, so the RNG state must resume too. */
function trainStep({ model, opt, sched }: Run): void {
  tidy(() => {
    opt.zeroGrad();
    const pred = add(matmul(x, model.w), model.b);
    const loss = mean(square(sub(dropout(pred, 0.25), y)));
    loss.backward();
    optim.clipGradNorm([model.w, model.b], 1.0);
  });
  opt.step();
  sched.step();
}

const bits = (t: Tensor) => Array.from(t.dataSync());

describe('checkpoints resume training bit for bit', () => {
  it('20 steps straight equal 10 steps + save + resume into fresh objects + 10 steps (AdamW, OneCycleLR, dropout)', async () => {
    manualSeed(7);
    const straight = fresh();
    for (let i = 0; i < 20; i++) trainStep(straight);
    const rngAfter = getRngState();

    manualSeed(7);
    const first = fresh();
    for (let i = 0; i < 10; i++) trainStep(first);
    const path = join(dir, 'run.ckpt.safetensors');
    await io.saveCheckpoint(path, { model: first.model, optimizer: first.opt, scheduler: first.sched, step: 10, rng: getRngState(), extra: { note: 'half way', best: Infinity } });
    expect(await readdir(dir)).toEqual(['run.ckpt.safetensors']);

    // Knock the world over: other draws, another seed, new objects.
    randn([100]);
    manualSeed(999);
    const resumed = fresh();
    const before = memory().tensors;
    const { step, extra } = await io.resume(path, { model: resumed.model, optimizer: resumed.opt, scheduler: resumed.sched });
    const stateTensors = [...resumed.opt.state.values()].flatMap((s) => Object.values(s)).filter((v) => typeof v !== 'number').length;
    expect(stateTensors).toBe(4);
    expect(memory().tensors).toBe(before + stateTensors); // the loaded copies were disposed
    expect(step).toBe(10);
    expect(extra).toEqual({ note: 'half way', best: Infinity });
    expect(resumed.sched.getLastLr()).toEqual(first.sched.getLastLr());
    expect(bits(resumed.model.w)).toEqual(bits(first.model.w));
    for (let i = 10; i < 20; i++) trainStep(resumed);

    expect(bits(resumed.model.w)).toEqual(bits(straight.model.w));
    expect(bits(resumed.model.b)).toEqual(bits(straight.model.b));
    expect(getRngState()).toEqual(rngAfter);
    expect(resumed.opt.paramGroups.map((g) => g.lr)).toEqual(straight.opt.paramGroups.map((g) => g.lr));
    expect(bits(straight.model.w)).not.toEqual([0, 0, 0]);
  });

  it('works with a module-like object (stateDict/loadStateDict) and a ReduceLROnPlateau state holding Infinity', async () => {
    const w = randn([2, 2], { requiresGrad: true });
    const module = {
      stateDict: () => ({ 'linear.weight': w }),
      loadStateDict: (sd: Record<string, Tensor>) => io.loadTensorsInto({ 'linear.weight': w }, sd),
    };
    const opt = new optim.SGD([w], { lr: 0.1, momentum: 0.9 });
    const plateau = new optim.ReduceLROnPlateau(opt, { patience: 0 });
    const path = join(dir, 'module.ckpt');
    await io.saveCheckpoint(path, { model: module, optimizer: opt, scheduler: plateau, step: 0 });
    const header = await io.readSafetensorsHeader(path);
    expect(Object.keys(header.tensors)).toEqual(['model.linear.weight']);
    expect(header.metadata.format).toBe('tessera.checkpoint');

    const w2 = zeros([2, 2], { requiresGrad: true });
    const module2 = { stateDict: () => ({ 'linear.weight': w2 }), loadStateDict: (sd: Record<string, Tensor>) => io.loadTensorsInto({ 'linear.weight': w2 }, sd) };
    const plateau2 = new optim.ReduceLROnPlateau(new optim.SGD([w2], { lr: 0.1, momentum: 0.9 }), { patience: 0 });
    plateau2.best = 5;
    await io.resume(path, { model: module2, scheduler: plateau2 });
    expect(bits(w2)).toEqual(bits(w));
    expect(plateau2.best).toBe(Infinity);
  });

  it('loadCheckpoint returns everything; the model loader checks names and shapes', async () => {
    const path = join(dir, 'plain.ckpt');
    const w = tensor([[1, 2]], { requiresGrad: true });
    const opt = new optim.Adam([w]);
    w.grad = tensor([[0.5, -0.5]]).keep();
    opt.step();
    await io.saveCheckpoint(path, { model: { w }, optimizer: opt, step: 3, rng: { seed: 5, counter: 9 } });
    const ckpt = await io.loadCheckpoint(path);
    expect(ckpt.step).toBe(3);
    expect(ckpt.rng).toEqual({ seed: 5, counter: 9 });
    expect(ckpt.scheduler).toBeNull();
    expect(Object.keys(ckpt.optimizer!.state[0]).sort()).toEqual(['expAvg', 'expAvgSq', 'step']);
    expect(ckpt.optimizer!.state[0].step).toBe(1);
    expect(bits(ckpt.model.w)).toEqual(bits(w));
    io.disposeCheckpoint(ckpt);
    expect(ckpt.model.w.isDisposed).toBe(true);
    await expect(io.resume(path, { model: { w: zeros([2, 1]) } })).rejects.toThrow(/'w' is \[1, 2\] float32 in the state dict, \[2, 1\] float32 here/);
    await expect(io.resume(path, { model: { v: zeros([1, 2]) } })).rejects.toThrow(/missing \[v\], unexpected \[w\]/);
    await expect(io.resume(path, { scheduler: new optim.StepLR(opt, { stepSize: 2 }) })).rejects.toThrow(/no scheduler state/);
  });

  it('corrupt or foreign checkpoints give clear errors', async () => {
    const plain = join(dir, 'weights.safetensors');
    await io.saveSafetensors(plain, { a: tensor([1]) });
    await expect(io.loadCheckpoint(plain)).rejects.toThrow(/not a Tessera checkpoint/);
    const bad = join(dir, 'badmeta.ckpt');
    await io.saveSafetensors(bad, { 'model.a': tensor([1]) }, { format: 'tessera.checkpoint', version: '1', checkpoint: '{oops' });
    const err = await io.loadCheckpoint(bad).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ValueError);
    expect((err as Error).message).toMatch(/badmeta\.ckpt.*not valid JSON/);
    const cut = join(dir, 'cut.ckpt');
    await io.saveCheckpoint(cut, { model: { a: randn([64]) }, step: 1 });
    await truncate(cut, (await stat(cut)).size - 10);
    await expect(io.loadCheckpoint(cut)).rejects.toThrow(/cut\.ckpt.*run past the \d+-byte data area/);
  });
});
