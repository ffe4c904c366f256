import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCpuBackend } from '@tessera/backend-cpu';
import {
  add, type Backend, data, io, manualSeed, matmul, memory, mseLoss, mul, NonFiniteLossError, nn, optim, randn, type StepInfo,
  type Tensor, tensor, train, trainStep, use, ValueError,
} from '@tessera/core';

const cpu = createCpuBackend();
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-train-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** y = x [1.5, -2, 0.5] + 0.3 + noise, 64 rows. */
function regression(): { x: Tensor; y: Tensor } {
  manualSeed(42);
  const x = randn([64, 3]).keep();
  const y = add(add(matmul(x, tensor([[1.5], [-2], [0.5]])), 0.3), mul(randn([64, 1]), 0.01)).keep();
  return { x, y };
}

class Net extends nn.Module {
  drop = new nn.Dropout(0.1);
  fc = new nn.Linear(3, 1);
  override forward(x: Tensor): Tensor {
    return this.fc.call(this.drop.call(x));
  }
}

type Batch = Tensor[];
const mse = (m: nn.Linear | Net, [xb, yb]: Batch) => mseLoss(m.call(xb), yb);
const bits = (ts: Tensor[]) => ts.map((t) => Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer)));

describe('train', () => {
  it('fits a tiny linear regression: the loss falls 100-fold and the weights approach the true ones', async () => {
    use(cpu);
    const { x, y } = regression();
    manualSeed(1);
    const model = new nn.Linear(3, 1);
    const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 8, shuffle: true, seed: 3 });
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.05 });
    const epochs: number[] = [];
    const result = await train({ model, optimizer, data: loader, loss: mse, epochs: 15, onEpoch: ({ loss }) => void epochs.push(loss) });
    expect(result).toMatchObject({ steps: 15 * 8, epochs: 15, aborted: false });
    expect(result.losses).toHaveLength(120);
    expect(epochs).toHaveLength(15);
    expect(epochs[14]).toBeLessThan(epochs[0] / 100);
    const w = Array.from(model.weight.dataSync());
    [1.5, -2, 0.5].forEach((v, i) => expect(w[i]).toBeCloseTo(v, 1));
    expect(model.bias!.itemSync()).toBeCloseTo(0.3, 1);
  });

  it('stops on a NaN loss with NonFiniteLossError naming epoch, step and value, before the poisoned update', async () => {
    use(cpu);
    const { x, y } = regression();
    const model = new nn.Linear(3, 1);
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 16 });
    let calls = 0;
    let before: number[][] = [];
    const onStep = () => void (before = bits(model.parameters()));
    const poisoned = (m: nn.Linear, b: Batch) => (++calls === 7 ? mul(mse(m, b), Number.NaN) : mse(m, b));
    const err = await train({ model, optimizer, data: loader, loss: poisoned, epochs: 3, onStep }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect(err).toBeInstanceOf(ValueError);
    const e = err as NonFiniteLossError;
    expect([e.epoch, e.step, e.loss]).toEqual([1, 7, Number.NaN]);
    expect(e.message).toContain('loss is NaN at epoch 1, step 7');
    expect(e.message).toContain('detectAnomaly(true)');
    expect(bits(model.parameters())).toEqual(before); // unchanged since step 6
    expect(model.parameters().every((p) => p.grad === null)).toBe(true);
    expect(calls).toBe(7);

    // Without the guard the same loss poisons the parameters.
    calls = 0;
    await train({ model, optimizer, data: loader, loss: poisoned, epochs: 2, stopOnNonFinite: false });
    expect(Array.from(model.weight.dataSync()).some(Number.isNaN)).toBe(true);
  });

  it('an infinite gradient norm with a finite loss also stops it when clipping (sqrt at 0)', async () => {
    use(cpu);
    const model = { w: tensor([0, 1], { requiresGrad: true }).keep() };
    const optimizer = new optim.SGD([model.w], { lr: 0.1 });
    const loss = (m: typeof model) => m.w.sqrt().sum();
    const err = await train({ model, optimizer, data: [null], loss, clipGradNorm: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect((err as Error).message).toContain('gradient norm is Infinity at epoch 0, step 1');
    expect(Array.from(model.w.dataSync())).toEqual([0, 1]);
  });

  it('holds memory steady from step to step (dropout, clipping, accumulation, schedule, shuffled loader, checkpoints)', async () => {
    use(cpu);
    const { x, y } = regression();
    const model = new Net();
    const optimizer = new optim.AdamW(model.parameters(), { lr: 0.01 });
    const scheduler = new optim.CosineAnnealingLR(optimizer, { tMax: 40 });
    const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 4, shuffle: true, seed: 9 });
    const live: number[] = [];
    const bytes: number[] = [];
    await train({
      model, optimizer, scheduler, schedulerStep: 'batch', data: loader, loss: mse, epochs: 3, clipGradNorm: 1, gradAccumulation: 2,
      checkpoint: { path: join(dir, 'steady.safetensors'), everySteps: 2 },
      onStep: () => {
        live.push(memory().tensors);
        bytes.push(memory().bytes);
      },
    });
    expect(live).toHaveLength(24);
    expect(new Set(live.slice(1)).size).toBe(1); // step 1 creates Adam's moments
    expect(new Set(bytes.slice(1)).size).toBe(1);
    const after = memory().tensors;
    optimizer.dispose();
    expect(memory().tensors).toBe(after - 4);
  });

  it('gradient accumulation of 2 x 4 rows matches batches of 8 rows', async () => {
    use(cpu);
    const { x, y } = regression();
    const run = async (batchSize: number, gradAccumulation: number) => {
      manualSeed(5);
      const model = new nn.Linear(3, 1);
      const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize });
      const r = await train({ model, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), data: loader, loss: mse, epochs: 2, gradAccumulation });
      return { steps: r.steps, losses: r.losses, w: Array.from(model.weight.dataSync()) };
    };
    const whole = await run(8, 1);
    const acc = await run(4, 2);
    expect(acc.steps).toBe(whole.steps);
    acc.w.forEach((v, i) => expect(v).toBeCloseTo(whole.w[i], 5));
    acc.losses.forEach((v, i) => expect(v).toBeCloseTo(whole.losses[i], 5));
    // A short last group (64 rows / 4 = 16 micro-batches, groups of 3) is averaged over its own size.
    const short = await run(4, 3);
    expect(short.steps).toBe(2 * 6);
  });

  it('works on a backend that can only read asynchronously, giving the same run as the synchronous one', async () => {
    const asyncOnly = new Proxy(cpu, {
      get(target, prop) {
        if (prop === 'name') return 'cpu-async-only';
        if (prop === 'readSync') return undefined;
        if (prop === 'read') return async (v: Parameters<Backend['read']>[0]) => {
          await new Promise((r) => setTimeout(r, 0));
          return target.read(v);
        };
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as Backend;
    const { x, y } = regression();
    const run = async (backend: Backend) => {
      use(backend);
      manualSeed(2);
      const xs = tensor(Array.from(x.dataSync()), { backend }).reshape([64, 3]).keep();
      const ys = tensor(Array.from(y.dataSync()), { backend }).reshape([64, 1]).keep();
      const model = new nn.Linear(3, 1);
      expect(model.weight.backend).toBe(backend);
      const loader = new data.DataLoader(new data.TensorDataset(xs, ys), { batchSize: 16, shuffle: true, seed: 1 });
      const path = join(dir, `${backend.name}.safetensors`);
      const r = await train({
        model, optimizer: new optim.Adam(model.parameters(), { lr: 0.05 }), data: loader, loss: mse, epochs: 6, clipGradNorm: 10,
        checkpoint: { path, everySteps: 5 },
      });
      expect(r.steps).toBe(24);
      expect((await io.loadCheckpoint(path)).step).toBe(24);
      return { losses: r.losses, w: Array.from(await model.weight.data()) };
    };
    const sync = await run(cpu);
    const asynchronous = await run(asyncOnly);
    expect(() => tensor([1], { backend: asyncOnly }).dataSync()).toThrow(/reads asynchronously/);
    expect(asynchronous).toEqual(sync);
    expect(sync.losses[23]).toBeLessThan(sync.losses[0]);
    use(cpu);
  });

  it('an AbortSignal stops between steps; the run saves a checkpoint and returns aborted', async () => {
    use(cpu);
    const { x, y } = regression();
    const model = new nn.Linear(3, 1);
    const controller = new AbortController();
    const path = join(dir, 'abort.safetensors');
    const r = await train({
      model, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), data: new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 8 }),
      loss: mse, epochs: 5, checkpoint: { path, everySteps: 100 }, gradAccumulation: 2,
      onStep: ({ step }) => void (step === 3 && controller.abort()), signal: controller.signal,
    });
    expect(r).toMatchObject({ steps: 3, epochs: 0, aborted: true });
    const ckpt = await io.loadCheckpoint(path);
    expect(ckpt.step).toBe(3);
    expect(ckpt.extra).toEqual({ train: { epoch: 0, batch: 6, dataEpoch: 0 } });
    io.disposeCheckpoint(ckpt);
  });

  it('checkpoints every N steps; resuming into fresh objects finishes bit-identical to an uninterrupted run', async () => {
    use(cpu);
    const { x, y } = regression();
    const setup = () => {
      manualSeed(11);
      const model = new Net();
      const optimizer = new optim.AdamW(model.parameters(), { lr: 0.02 });
      const scheduler = new optim.StepLR(optimizer, { stepSize: 2, gamma: 0.7 });
      const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 8, shuffle: true, seed: 4 });
      return { model, optimizer, scheduler, data: loader, loss: mse, epochs: 4, clipGradNorm: 0.5, gradAccumulation: 2 };
    };
    const straight = setup();
    const full = await train(straight);
    expect(full.steps).toBe(16);

    const path = join(dir, 'resume.safetensors');
    const saved: number[] = [];
    const onStep = (i: StepInfo) => void (i.checkpointed && saved.push(i.step));
    const first = setup();
    // Stops mid-epoch 1, between checkpoints: the final save records the exact position.
    const part = await train({ ...first, maxSteps: 7, checkpoint: { path, everySteps: 3 }, onStep });
    expect(saved).toEqual([3, 6]);
    expect(part).toMatchObject({ steps: 7, epochs: 1 });
    expect((await io.loadCheckpoint(path)).extra).toEqual({ train: { epoch: 1, batch: 6, dataEpoch: 1 } });
    expect((await readdir(dir)).filter((n) => n.includes('resume'))).toEqual(['resume.safetensors']);

    // A stray temp file from a killed writer is removed on start.
    const stray = join(dir, `.resume.safetensors.${crypto.randomUUID()}.tmp`);
    await writeFile(stray, 'partial');
    manualSeed(999); // the checkpoint restores the generator
    const second = setup();
    const rest = await train({ ...second, checkpoint: { path, everySteps: 3, resume: true } });
    expect(rest.steps).toBe(16);
    expect(rest.losses).toEqual(full.losses.slice(7));
    expect(bits(second.model.parameters())).toEqual(bits(straight.model.parameters()));
    expect(second.scheduler.getLastLr()).toEqual(straight.scheduler.getLastLr());
    expect((await readdir(dir)).filter((n) => n.includes('resume'))).toEqual(['resume.safetensors']);

    // Resuming a finished run does nothing more.
    const third = setup();
    const none = await train({ ...third, checkpoint: { path, everySteps: 3, resume: true } });
    expect(none).toMatchObject({ steps: 16, epochs: 4, losses: [] });
    expect(bits(third.model.parameters())).toEqual(bits(straight.model.parameters()));
  });

  it('trainStep takes one guarded step; bad options are ValueErrors', async () => {
    use(cpu);
    const { x, y } = regression();
    const model = new nn.Linear(3, 1);
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const a = await trainStep({ model, optimizer, batch: [x, y], loss: mse });
    const b = await trainStep({ model, optimizer, batch: [x, y], loss: mse, clipGradNorm: 100 });
    expect(b.loss).toBeLessThan(a.loss);
    expect(b.gradNorm).toBeGreaterThan(0);
    const w = bits(model.parameters());
    await expect(trainStep({ model, optimizer, batch: [x, y], loss: (m, bt) => mse(m, bt).div(0).mul(0), step: 3 })).rejects.toThrow(/NaN at epoch 0, step 3/);
    expect(bits(model.parameters())).toEqual(w);
    await expect(trainStep({ model, optimizer, batch: [x, y], loss: (m) => m.call(x) })).rejects.toThrow(/one-element Tensor, got shape \[64, 1\]/);
    const base = { model, optimizer, data: [[x, y]], loss: mse };
    await expect(train({ ...base, gradAccumulation: 0 })).rejects.toThrow(ValueError);
    await expect(train({ ...base, epochs: 1.5 })).rejects.toThrow(/epochs must be/);
    await expect(train({ ...base, data: 5 as never })).rejects.toThrow(/iterable of batches/);
    await expect(train({ ...base, checkpoint: { path: join(dir, 'x'), everySteps: 0 } })).rejects.toThrow(/everySteps/);
  });
});
