/**
 * The training-memory suite: a training loop must hold steady memory from step to step, on
 * every backend. Three small models — an MLP, a CNN (Conv2d, ReLU, MaxPool2d, Linear) and a GPT
 * (token and position Embeddings, two GPT-2 blocks, a final LayerNorm and an LM head tied to the
 * token embedding, next-token crossEntropy) — train with AdamW for `steps` steps each. Every step
 * runs inside `tidyAsync` and reads its loss with `await loss.item()`, so asynchronous backends
 * (WebGPU) run it as they are. The suite requires
 * - `memory()` for the backend — core's live tensors, buffers and bytes, and every count the
 *   backend's own `memory()` reports (for WebGPU: pooled GPU buffers and the pool's bytes) — to be
 *   identical after every step from the second on (the first step creates the optimizer state),
 * - the loss to decrease (the mean of the last ten steps below 0.9x the mean of the first ten), and
 * - core's live counts to return to where they started once the model, optimizer and data are disposed.
 */
import * as T from '@tessera/core';
import type { Backend, Tensor } from '@tessera/core';
import { GPT2Block } from './modules/gpt2-block.js';
import { Rng } from './rng.js';
import { memoryCounts, memoryDiff } from './memory-counts.js';
import type { CheckResult, SuiteSize } from './types.js';

const { nn } = T;

export type TrainingModel = 'mlp' | 'cnn' | 'gpt';
export const TRAINING_MODELS: readonly TrainingModel[] = ['mlp', 'cnn', 'gpt'];

export interface TrainingMemoryOptions {
  /** AdamW steps per model. Default 200. */
  steps?: number;
  /** 'small' shrinks models and batches further (a CPU-emulated GPU). Default 'full'. */
  size?: SuiteSize;
  /** Which models (default all three). */
  models?: readonly TrainingModel[];
  /** Override every model's learning rate (default 1e-2). */
  lr?: number;
}

export interface TrainingMemoryResult {
  model: TrainingModel;
  backend: string;
  steps: number;
  /** The loss read after each step. */
  losses: number[];
  /** Memory counts after step 2: what every later step must match. */
  steady: Record<string, number>;
  /** The first step whose counts differ from step 2's, and how. */
  firstChange?: { step: number; diff: string };
  lossDecreased: boolean;
  /** What core still counted after everything was disposed, when that differs from the start. */
  leftover?: string;
  pass: boolean;
  message: string;
}

interface Problem {
  model: T.nn.Module<[Tensor], Tensor>;
  /** Kept tensors: the one batch the model overfits. */
  data: Tensor[];
  loss: (model: T.nn.Module<[Tensor], Tensor>, data: Tensor[]) => Tensor;
  lr: number;
}

const up = (values: number[], shape: number[], dtype: 'float32' | 'int32' = 'float32') =>
  T.fromArray(dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values), shape, { dtype }).keep();

function argmaxRows(values: number[], rows: number, cols: number): number[] {
  return Array.from({ length: rows }, (_, r) => {
    let best = 0;
    for (let c = 1; c < cols; c++) if (values[r * cols + c] > values[r * cols + best]) best = c;
    return best;
  });
}

const classification = (model: T.nn.Module<[Tensor], Tensor>, [x, y]: Tensor[]) => T.crossEntropy(model.call(x), y);

/** Classes from a random linear teacher. */
function mlp(size: SuiteSize, rng: Rng): Problem {
  const [b, d, h, c] = size === 'small' ? [16, 8, 16, 3] : [64, 16, 32, 4];
  const x = rng.normal([b, d]);
  const w = rng.normal([d, c]);
  const logits = Array.from({ length: b * c }, (_, k) => {
    const [i, j] = [Math.floor(k / c), k % c];
    let s = 0;
    for (let t = 0; t < d; t++) s += x[i * d + t] * w[t * c + j];
    return s;
  });
  return {
    model: new nn.Sequential(new nn.Linear(d, h), new nn.ReLU(), new nn.Linear(h, c)),
    data: [up(x, [b, d]), up(argmaxRows(logits, b, c), [b], 'int32')],
    loss: classification,
    lr: 1e-2,
  };
}

/** Which quadrant of the image has the largest sum. */
function cnn(size: SuiteSize, rng: Rng): Problem {
  const [b, s, ch] = size === 'small' ? [8, 6, 3] : [16, 8, 4];
  const x = rng.normal([b, 1, s, s]);
  const half = s / 2;
  const sums = Array.from({ length: b * 4 }, (_, k) => {
    const [i, q] = [Math.floor(k / 4), k % 4];
    let t = 0;
    for (let r = 0; r < half; r++) for (let c = 0; c < half; c++) t += x[i * s * s + (r + half * (q >> 1)) * s + c + half * (q & 1)];
    return t;
  });
  return {
    model: new nn.Sequential(new nn.Conv2d(1, ch, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(ch * half * half, 4)),
    data: [up(x, [b, 1, s, s]), up(argmaxRows(sums, b, 4), [b], 'int32')],
    loss: classification,
    lr: 1e-2,
  };
}

/** A GPT: token + position embeddings, GPT-2 blocks, a final LayerNorm, and an LM head tied to the token embedding. */
export class TinyGPT extends nn.Module<[Tensor], Tensor> {
  wte: T.nn.Embedding;
  wpe: T.nn.Embedding;
  h: T.nn.ModuleList<GPT2Block>;
  ln_f: T.nn.LayerNorm;

  constructor(readonly vocabSize: number, readonly nPositions: number, readonly nEmbd: number, nHead: number, nLayer: number) {
    super();
    this.wte = new nn.Embedding(vocabSize, nEmbd);
    this.wpe = new nn.Embedding(nPositions, nEmbd);
    nn.init.normal(this.wte.weight, 0, 0.02);
    nn.init.normal(this.wpe.weight, 0, 0.01);
    this.h = new nn.ModuleList(Array.from({ length: nLayer }, () => new GPT2Block(nEmbd, nHead)));
    this.ln_f = new nn.LayerNorm(nEmbd);
  }

  /** ids [B, L] int32 -> logits [B, L, vocab]. */
  override forward(ids: Tensor): Tensor {
    const pos = T.arange(0, ids.shape[1], 1, { dtype: 'int32', backend: ids.backend });
    let x = T.add(this.wte.call(ids), this.wpe.call(pos));
    for (const block of this.h) x = block.call(x);
    return T.matmul(this.ln_f.call(x), T.transpose(this.wte.weight, 0, 1));
  }
}

/** Next-token prediction on sequences that follow t -> (5t + 3) mod vocab from random starts. */
function gpt(size: SuiteSize, rng: Rng): Problem {
  const [b, l, v, e] = size === 'small' ? [4, 6, 16, 8] : [8, 8, 16, 16];
  const seqs = Array.from({ length: b }, () => {
    const s = [rng.int(0, v)];
    for (let t = 0; t < l; t++) s.push((5 * s[t] + 3) % v);
    return s;
  });
  return {
    model: new TinyGPT(v, l, e, 2, 2),
    data: [up(seqs.flatMap((s) => s.slice(0, l)), [b, l], 'int32'), up(seqs.flatMap((s) => s.slice(1)), [b * l], 'int32')],
    loss: (model, [ids, targets]) => {
      const logits = model.call(ids);
      return T.crossEntropy(T.reshape(logits, [b * l, v]), targets);
    },
    lr: 1e-2,
  };
}

const PROBLEMS: Record<TrainingModel, (size: SuiteSize, rng: Rng) => Problem> = { mlp, cnn, gpt };

const mean = (xs: number[]) => xs.reduce((p, x) => p + x, 0) / xs.length;

/** Core's own live counts only (backend caches such as a buffer pool may keep what they pooled). */
function liveCounts(backend: Backend): Record<string, number> {
  const { tensors = 0, buffers = 0, bytes = 0 } = memoryCounts(backend);
  return { tensors, buffers, bytes };
}

/** Train one model on `backend` and measure memory after every step. */
export async function runTrainingMemory(backend: Backend, model: TrainingModel, options: TrainingMemoryOptions = {}): Promise<TrainingMemoryResult> {
  const steps = options.steps ?? 200;
  if (!Number.isInteger(steps) || steps < 3) throw new T.ValueError(`runTrainingMemory: steps must be an integer >= 3, got ${steps}.`);
  T.use(backend);
  const start = liveCounts(backend);
  const rng = new Rng(`training-memory:${model}`);
  T.manualSeed(1234);
  const problem = PROBLEMS[model](options.size ?? 'full', rng);
  const net = problem.model.train();
  const optimizer = new T.optim.AdamW(net.parameters(), { lr: options.lr ?? problem.lr });
  const losses: number[] = [];
  let steady: Record<string, number> = {};
  let firstChange: TrainingMemoryResult['firstChange'];
  try {
    for (let step = 1; step <= steps; step++) {
      const loss = await T.tidyAsync(async () => {
        optimizer.zeroGrad();
        const l = problem.loss(net, problem.data);
        l.backward();
        optimizer.step();
        return l.item();
      });
      losses.push(loss);
      const counts = memoryCounts(backend);
      if (step === 2) steady = counts;
      else if (step > 2 && !firstChange) {
        const diff = memoryDiff(steady, counts);
        if (diff) firstChange = { step, diff };
      }
    }
  } finally {
    optimizer.dispose();
    for (const p of net.parameters()) {
      p.zeroGrad();
      p.dispose();
    }
    for (const t of [...net.buffers(), ...problem.data]) t.dispose();
  }
  // Only growth counts: fewer than at the start means earlier garbage was collected meanwhile.
  const end = liveCounts(backend);
  const leftover = Object.keys(end).some((k) => end[k] > start[k]) ? memoryDiff(start, end) : undefined;
  const head = mean(losses.slice(0, 10));
  const tail = mean(losses.slice(-10));
  const lossDecreased = Number.isFinite(tail) && tail < 0.9 * head;
  const pass = !firstChange && lossDecreased && !leftover;
  // Counts that only fall mid-run, when the run started with live tensors, are usually earlier
  // code's undisposed tensors being garbage-collected (core's FinalizationRegistry), not this loop.
  const hint = firstChange && start.tensors > 0 && !/\(\+/.test(firstChange.diff)
    ? ` (the run started with ${start.tensors} live tensors on the backend; counts that only fall usually mean earlier undisposed tensors were garbage-collected)`
    : '';
  const problems = [
    firstChange && `memory after step ${firstChange.step} differs from step 2: ${firstChange.diff}${hint}`,
    !lossDecreased && `the loss did not decrease: first ten steps ${head.toFixed(4)}, last ten ${tail.toFixed(4)}`,
    leftover && `after disposing the model, optimizer and data: ${leftover}`,
  ].filter(Boolean);
  return {
    model,
    backend: backend.name,
    steps,
    losses,
    steady,
    firstChange,
    lossDecreased,
    leftover,
    pass,
    message: pass ? `${steps} steps, memory steady from step 2 (${steady.tensors} tensors, ${steady.bytes} bytes), loss ${head.toFixed(4)} -> ${tail.toFixed(4)}` : problems.join('; '),
  };
}

/** A training result as a report line: op `training.<model>`, check 'leak'. */
export function trainingCheckResult(r: TrainingMemoryResult): CheckResult {
  const out: CheckResult = { op: `training.${r.model}`, case: `adamw-${r.steps}-steps`, check: 'leak', pass: r.pass, maxAbsErr: 0, maxRelErr: 0 };
  if (!r.pass) out.message = r.message;
  return out;
}
