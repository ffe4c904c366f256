/**
 * A small training loop: forward, backward, optional clipping, the optimizer step, schedules,
 * gradient accumulation, periodic atomic checkpoints with exact resume, and a guard that stops
 * on a NaN/Inf loss before it reaches the parameters.
 *
 * Each step's forward and backward run inside `tidy`, the loss is read back once (with
 * `await loss.item()`, so asynchronous backends such as WebGPU work), and the batch is
 * disposed afterwards, so memory holds steady from step to step.
 */
import { noGrad } from '../autograd.js';
import { ValueError } from '../errors.js';
import { dispose, tidy } from '../memory.js';
import { mul } from '../ops/elementwise.js';
import { Tensor } from '../tensor.js';
import { resume, saveCheckpoint, type StateDictModule, type StateDictOptimizer, type StateDictScheduler } from '../io/checkpoint.js';
import { clipGradNorm as clipNorm } from '../optim/clip.js';
import { assign } from '../optim/optimizer.js';

/** What the loop needs of an optimizer (every Tessera optimizer). */
export interface TrainOptimizer extends StateDictOptimizer {
  readonly paramGroups: readonly { params: Tensor[]; lr: number }[];
  step(): unknown;
  zeroGrad(setToNone?: boolean): void;
}

/** What the loop needs of a scheduler: `step()`; its state dict is checkpointed when it has one. */
export interface TrainScheduler extends Partial<StateDictScheduler> {
  step(): void;
}

/** A model: anything the loss function knows how to call. Modules are put in training mode. */
export type TrainModel = object & { train?(mode?: boolean): unknown };

/** Computes a step's scalar loss from the model and one batch. */
export type LossFn<M, B> = (model: M, batch: B) => Tensor;

export interface StepInfo {
  /** Epoch index (0-based). */
  epoch: number;
  /** Optimizer steps taken so far, this one included (1 after the first step). */
  step: number;
  /** The step's loss (the mean over its micro-batches with gradient accumulation). */
  loss: number;
  /** The first parameter group's learning rate used for this step. */
  lr: number;
  /** Total gradient norm before clipping (only with `clipGradNorm`). */
  gradNorm?: number;
  /** Whether a checkpoint was written (and renamed into place) after this step. */
  checkpointed: boolean;
}

export interface EpochInfo {
  epoch: number;
  /** Optimizer steps taken so far. */
  step: number;
  /** Mean step loss over the epoch (over the part run by this call when it resumed mid-epoch). */
  loss: number;
}

export interface CheckpointOptions {
  /** File to write (atomically: temp file, fsync, rename); its directory is created if missing. */
  path: string;
  /** Save after every `everySteps` optimizer steps, and once more when training ends or is aborted. */
  everySteps: number;
  /**
   * Resume from `path` when it exists: model, optimizer, scheduler, RNG and the position in the
   * data, so the run continues as if never interrupted (default false).
   */
  resume?: boolean;
}

export interface TrainOptions<M extends TrainModel, B> {
  model: M;
  optimizer: TrainOptimizer;
  /**
   * Batches, iterated once per epoch: a DataLoader, an array, or any (async) iterable. Batches
   * from anything but an array are disposed after their step (DataLoader batches are new
   * tensors); an array's batches are reused every epoch and left alone.
   */
  data: Iterable<B> | AsyncIterable<B>;
  loss: LossFn<M, B>;
  /** Epochs to run (default 1); a resumed run counts the epochs already done. */
  epochs?: number;
  /** Stop after this many optimizer steps in total (default: no limit). */
  maxSteps?: number;
  scheduler?: TrainScheduler;
  /** When `scheduler.step()` runs: after every optimizer step or after every epoch (default 'epoch'). */
  schedulerStep?: 'batch' | 'epoch';
  /** Clip the total gradient 2-norm to this before each optimizer step. */
  clipGradNorm?: number;
  /** Micro-batches per optimizer step (default 1); each micro-batch loss is divided by it. */
  gradAccumulation?: number;
  onStep?(info: StepInfo): void | Promise<void>;
  onEpoch?(info: EpochInfo): void | Promise<void>;
  checkpoint?: CheckpointOptions;
  /** Throw {@link NonFiniteLossError} on a NaN/Inf loss (or gradient norm) before the update (default true). */
  stopOnNonFinite?: boolean;
  /** Abort between steps; the loop returns with `aborted: true` after saving a checkpoint if configured. */
  signal?: AbortSignal;
}

export interface TrainResult {
  /** Loss of every optimizer step this call ran, in order. */
  losses: number[];
  /** Optimizer steps taken in total (including those before a resume). */
  steps: number;
  /** Epochs completed in total. */
  epochs: number;
  aborted: boolean;
}

/**
 * A NaN or infinite loss stopped training before the optimizer applied it: the parameters
 * (and optimizer state) still hold their values from the previous step.
 */
export class NonFiniteLossError extends ValueError {
  constructor(
    readonly epoch: number,
    readonly step: number,
    readonly loss: number,
    what = 'loss',
  ) {
    super(
      `train: the ${what} is ${loss} at epoch ${epoch}, step ${step}; training stopped before the optimizer step, so the parameters ` +
        `still hold their values from step ${step - 1}. Run with detectAnomaly(true) to find the op that produced it, ` +
        'or lower the learning rate / clip gradients (clipGradNorm).',
    );
  }
}

/** Where a resumed run picks up; stored in the checkpoint's `extra.train`. */
interface Position {
  epoch: number;
  /** Batches of `epoch` already consumed. */
  batch: number;
  /** `data.epoch` of a DataLoader while it iterated `epoch` (its shuffle order depends on it). */
  dataEpoch: number | null;
}

interface Reloadable {
  epoch: number;
  setEpoch(epoch: number): void;
}

const isReloadable = (d: unknown): d is Reloadable =>
  !!d && typeof (d as Reloadable).setEpoch === 'function' && typeof (d as Reloadable).epoch === 'number';

function checkPositiveInt(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new ValueError(`train: ${name} must be a positive integer, got ${v}.`);
}

/** Run one micro-batch: forward and backward in a tidy scope. Returns the (unscaled) loss value. */
async function forwardBackward<M extends TrainModel, B>(model: M, batch: B, loss: LossFn<M, B>, scale: number): Promise<number> {
  const l = tidy(() => {
    const out = loss(model, batch);
    if (!(out instanceof Tensor) || out.size !== 1) {
      throw new ValueError(`train: the loss function must return a one-element Tensor, got ${out instanceof Tensor ? `shape [${out.shape.join(', ')}]` : typeof out}.`);
    }
    (scale === 1 ? out : out.mul(scale)).backward();
    return out.detach();
  });
  try {
    return await l.item();
  } finally {
    l.dispose();
  }
}

function params(optimizer: TrainOptimizer): Tensor[] {
  return optimizer.paramGroups.flatMap((g) => g.params);
}

/** Clip (optionally), check, and apply the accumulated gradients; returns the gradient norm. */
async function applyStep(optimizer: TrainOptimizer, clip: number | undefined, guard: (value: number, what: string) => void): Promise<number | undefined> {
  let gradNorm: number | undefined;
  if (clip !== undefined) {
    const norm = clipNorm(params(optimizer), clip);
    try {
      gradNorm = await norm.item();
    } finally {
      norm.dispose();
    }
    guard(gradNorm, 'gradient norm');
  }
  optimizer.step();
  optimizer.zeroGrad();
  return gradNorm;
}

export interface TrainStepOptions<M extends TrainModel, B> {
  model: M;
  optimizer: TrainOptimizer;
  batch: B;
  loss: LossFn<M, B>;
  clipGradNorm?: number;
  /** Throw {@link NonFiniteLossError} instead of applying a NaN/Inf update (default true). */
  stopOnNonFinite?: boolean;
  /** Where this step is, for the error message (default epoch 0, step 1). */
  epoch?: number;
  step?: number;
}

/**
 * One optimizer step on one batch: zero the gradients, forward, backward, clip, step. The loss
 * is read once; with `stopOnNonFinite` a NaN/Inf loss throws before the parameters change.
 */
export async function trainStep<M extends TrainModel, B>(options: TrainStepOptions<M, B>): Promise<{ loss: number; gradNorm?: number }> {
  const { model, optimizer, batch, loss, clipGradNorm, stopOnNonFinite = true, epoch = 0, step = 1 } = options;
  const guard = (value: number, what: string) => {
    if (stopOnNonFinite && !Number.isFinite(value)) {
      optimizer.zeroGrad();
      throw new NonFiniteLossError(epoch, step, value, what);
    }
  };
  optimizer.zeroGrad();
  const value = await forwardBackward(model, batch, loss, 1);
  guard(value, 'loss');
  const gradNorm = await applyStep(optimizer, clipGradNorm, guard);
  return gradNorm === undefined ? { loss: value } : { loss: value, gradNorm };
}

/**
 * Remove temporary files that an interrupted atomic write of `path` left behind (the
 * `.<name>.<uuid>.tmp` files `writeFileAtomic` creates next to it). Assumes one writer per path.
 */
export async function removeStaleTempFiles(path: string): Promise<number> {
  const { readdir, rm } = await import('node:fs/promises');
  const { basename, dirname, join } = await import('node:path');
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;
  let removed = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (name.startsWith(prefix) && uuid.test(name.slice(prefix.length))) {
      await rm(join(dir, name), { force: true });
      removed++;
    }
  }
  return removed;
}

async function fileExists(path: string): Promise<boolean> {
  const { stat } = await import('node:fs/promises');
  return stat(path).then(() => true, () => false);
}

/** The position saved in a checkpoint's extra data (the start, when it holds none). */
function readPosition(extra: unknown): Position {
  const p = (extra as { train?: Partial<Position> } | null)?.train;
  const ok = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  if (!p || !ok(p.epoch) || !ok(p.batch)) return { epoch: 0, batch: 0, dataEpoch: null };
  return { epoch: p.epoch!, batch: p.batch!, dataEpoch: ok(p.dataEpoch) ? p.dataEpoch! : null };
}

/**
 * Train `model` for `epochs` passes over `data`. Per optimizer step: `gradAccumulation`
 * micro-batches of forward + backward (each in `tidy`, its loss read once), optional gradient
 * clipping, `optimizer.step()`, `zeroGrad`, the scheduler (per batch or per epoch), a
 * checkpoint every `checkpoint.everySteps` steps, then `onStep`.
 *
 * ```ts
 * const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 32, shuffle: true, seed: 0 });
 * const { losses } = await train({
 *   model, optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }), data: loader, epochs: 10,
 *   loss: (m, [xb, yb]) => mseLoss(m.call(xb), yb),
 * });
 * ```
 *
 * Exact resume (`checkpoint.resume`) needs data whose order is reproducible: an array, an
 * unshuffled DataLoader, or a shuffled one with a `seed`.
 */
export async function train<M extends TrainModel, B>(options: TrainOptions<M, B>): Promise<TrainResult> {
  const {
    model, optimizer, data, loss, epochs = 1, maxSteps = Infinity, scheduler, schedulerStep = 'epoch', clipGradNorm,
    gradAccumulation = 1, onStep, onEpoch, checkpoint, stopOnNonFinite = true, signal,
  } = options;
  if (typeof loss !== 'function') throw new ValueError('train: loss must be a function (model, batch) => scalar Tensor.');
  if (!data || (typeof (data as Iterable<B>)[Symbol.iterator] !== 'function' && typeof (data as AsyncIterable<B>)[Symbol.asyncIterator] !== 'function')) {
    throw new ValueError('train: data must be an iterable of batches (a DataLoader, an array, a generator).');
  }
  if (!(Number.isInteger(epochs) && epochs >= 0)) throw new ValueError(`train: epochs must be a non-negative integer, got ${epochs}.`);
  if (maxSteps !== Infinity) checkPositiveInt('maxSteps', maxSteps);
  checkPositiveInt('gradAccumulation', gradAccumulation);
  if (clipGradNorm !== undefined && !(clipGradNorm >= 0)) throw new ValueError(`train: clipGradNorm must be >= 0, got ${clipGradNorm}.`);
  if (schedulerStep !== 'batch' && schedulerStep !== 'epoch') throw new ValueError(`train: schedulerStep must be 'batch' or 'epoch', got ${String(schedulerStep)}.`);
  if (checkpoint) {
    if (!checkpoint.path) throw new ValueError('train: checkpoint.path is required.');
    checkPositiveInt('checkpoint.everySteps', checkpoint.everySteps);
  }
  const ownBatches = !Array.isArray(data);
  const ckptModel = model as unknown as StateDictModule | Record<string, Tensor>;
  const ckptScheduler = scheduler?.stateDict && scheduler.loadStateDict ? (scheduler as StateDictScheduler) : undefined;

  let steps = 0;
  let start: Position = { epoch: 0, batch: 0, dataEpoch: null };
  if (checkpoint) {
    const { mkdir } = await import('node:fs/promises');
    const { dirname } = await import('node:path');
    await mkdir(dirname(checkpoint.path), { recursive: true });
    await removeStaleTempFiles(checkpoint.path);
    if (checkpoint.resume && (await fileExists(checkpoint.path))) {
      const r = await resume(checkpoint.path, { model: ckptModel, optimizer, scheduler: ckptScheduler });
      if (r.step !== null && !(Number.isSafeInteger(r.step) && r.step >= 0)) {
        throw new ValueError(`train: checkpoint '${checkpoint.path}' holds step ${r.step}; expected a non-negative integer.`);
      }
      steps = r.step ?? 0;
      start = readPosition(r.extra);
    }
  }
  if (start.dataEpoch !== null && isReloadable(data)) data.setEpoch(start.dataEpoch);

  const losses: number[] = [];
  // The position a checkpoint records: batches of `epoch` consumed, and the DataLoader epoch
  // that `epoch` iterates (its shuffle order depends on it).
  let epoch = start.epoch;
  let batchInEpoch = 0;
  let dataEpoch: number | null = isReloadable(data) ? data.epoch : null;
  let lastSaved = steps;
  const save = async () => {
    if (!checkpoint) return;
    const position: Position = { epoch, batch: batchInEpoch, dataEpoch };
    await saveCheckpoint(checkpoint.path, { model: ckptModel, optimizer, scheduler: ckptScheduler, step: steps, extra: { train: position } });
    lastSaved = steps;
  };
  const guard = (value: number, what: string) => {
    if (stopOnNonFinite && !Number.isFinite(value)) {
      optimizer.zeroGrad();
      throw new NonFiniteLossError(epoch, steps + 1, value, what);
    }
  };
  const stop = () => steps >= maxSteps || signal?.aborted === true;

  for (; epoch < epochs && !stop(); epoch++) {
    if (typeof (model as TrainModel).train === 'function') (model as TrainModel).train!(true);
    const skip = epoch === start.epoch ? start.batch : 0; // consumed before the checkpoint
    dataEpoch = isReloadable(data) ? data.epoch : null; // iterators start lazily: read it before
    const iterator = Symbol.asyncIterator in data ? (data as AsyncIterable<B>)[Symbol.asyncIterator]() : (data as Iterable<B>)[Symbol.iterator]();
    batchInEpoch = 0;
    const epochLosses: number[] = [];
    let exhausted = false;
    let pending = 0; // micro-batches accumulated toward the next step
    let pendingLoss = 0;
    const finishStep = async () => {
      if (pending < gradAccumulation) rescaleGrads(optimizer, gradAccumulation / pending); // a short last group
      const lr = optimizer.paramGroups[0]?.lr ?? Number.NaN;
      const value = pendingLoss / pending;
      const gradNorm = await applyStep(optimizer, clipGradNorm, guard);
      pending = 0;
      pendingLoss = 0;
      steps++;
      losses.push(value);
      epochLosses.push(value);
      if (scheduler && schedulerStep === 'batch') scheduler.step();
      const checkpointed = !!checkpoint && steps % checkpoint.everySteps === 0;
      if (checkpointed) await save();
      await onStep?.({ epoch, step: steps, loss: value, lr, ...(gradNorm === undefined ? {} : { gradNorm }), checkpointed });
    };
    try {
      optimizer.zeroGrad();
      // Stop only between optimizer steps, so a checkpoint never holds half an accumulation.
      while (pending > 0 || !stop()) {
        const next = await iterator.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        const batch = next.value;
        try {
          batchInEpoch++;
          if (batchInEpoch <= skip) continue;
          const value = await forwardBackward(model, batch, loss, 1 / gradAccumulation);
          pending++;
          pendingLoss += value;
          guard(value, 'loss');
        } finally {
          if (ownBatches) dispose(batch);
        }
        if (pending === gradAccumulation) await finishStep();
      }
      if (pending > 0) await finishStep();
    } finally {
      await iterator.return?.();
    }
    if (!exhausted) break; // stopped mid-epoch: the epoch is not complete
    if (scheduler && schedulerStep === 'epoch') scheduler.step();
    const mean = epochLosses.length ? epochLosses.reduce((a, b) => a + b, 0) / epochLosses.length : Number.NaN;
    await onEpoch?.({ epoch, step: steps, loss: mean });
    batchInEpoch = 0;
    dataEpoch = isReloadable(data) ? data.epoch : null;
  }
  if (checkpoint && steps !== lastSaved) await save();
  return { losses, steps, epochs: epoch, aborted: signal?.aborted === true };
}

/** Multiply every gradient by `factor` in place (a short accumulation group at an epoch's end). */
function rescaleGrads(optimizer: TrainOptimizer, factor: number): void {
  noGrad(() =>
    tidy(() => {
      for (const p of params(optimizer)) if (p.grad) assign(p.grad, mul(p.grad, factor));
    }),
  );
}
