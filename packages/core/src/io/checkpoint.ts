/**
 * Training checkpoints in one safetensors file: model tensors under `model.<name>`, optimizer
 * state tensors under `optimizer.state.<index>.<key>`, and everything else (step, RNG state,
 * optimizer hyper-parameters and step counts, scheduler state, extra JSON) as JSON in the
 * header's `__metadata__`. Written atomically, so a crash mid-save keeps the previous file.
 */
import type { Backend } from '../backend.js';
import { formatShape, ValueError } from '../errors.js';
import { noGrad } from '../autograd.js';
import { fromArray } from '../ops/creation.js';
import { type Disposable, getRngState, scopeStack, setRngState } from '../runtime.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { OptimizerStateDict, ParamState } from '../optim/optimizer.js';
import { loadSafetensorsWithMetadata, saveSafetensors } from './files.js';
import { brief, named, setEntry } from './safetensors.js';

/** What a model needs to be checkpointed: PyTorch-style state dicts whose load copies values in. */
export interface StateDictModule {
  stateDict(): Record<string, Tensor>;
  /** Must copy the values into the module's own tensors: `resume` disposes the loaded ones afterwards. */
  loadStateDict(sd: Record<string, Tensor>): void;
}

/** What an optimizer needs: {@link OptimizerStateDict} in and out (every Tessera optimizer). */
export interface StateDictOptimizer {
  stateDict(): OptimizerStateDict;
  loadStateDict(sd: OptimizerStateDict): void;
}

/** What a scheduler needs: JSON-able state in and out (every Tessera scheduler). */
export interface StateDictScheduler {
  stateDict(): Record<string, unknown>;
  loadStateDict(sd: Record<string, unknown>): void;
}

/** The RNG snapshot `getRngState()` returns. */
export interface RngState {
  seed: number;
  counter: number;
}

export interface CheckpointContents {
  /** A module, or a plain record of named tensors (parameters), loaded back in place. */
  model?: StateDictModule | Record<string, Tensor>;
  optimizer?: StateDictOptimizer;
  scheduler?: StateDictScheduler;
  /** The training step (or anything numeric the loop resumes from). */
  step?: number;
  /** Generator state to restore; defaults to the current `getRngState()`. Pass null to store none. */
  rng?: RngState | null;
  /** Any JSON-able value (non-finite numbers survive). */
  extra?: unknown;
}

/** A checkpoint as loaded: tensors are new (dispose them, or let `resume` do it). */
export interface Checkpoint {
  model: Record<string, Tensor>;
  optimizer: OptimizerStateDict | null;
  scheduler: Record<string, unknown> | null;
  step: number | null;
  rng: RngState | null;
  extra: unknown;
}

const FORMAT = 'tessera.checkpoint';
const VERSION = '1';
const MODEL = 'model.';
const OPT = 'optimizer.state.';

/** JSON with ±Infinity and NaN kept (ReduceLROnPlateau's `best` starts at Infinity). */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? { $number: String(v) } : v));
}

function fromJson(text: string): unknown {
  return JSON.parse(text, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof v.$number === 'string' ? Number(v.$number) : v));
}

/**
 * Run `fn`, also returning the tensors it created. `Module.stateDict()` returns new detached
 * views; the caller disposes them when done (a module-like object's own tensors are not new
 * and are left alone).
 */
function withCreated<T>(fn: () => T): { value: T; created: Set<Disposable> } {
  const created = new Set<Disposable>();
  scopeStack.push(created);
  try {
    return { value: fn(), created };
  } finally {
    scopeStack.splice(scopeStack.lastIndexOf(created), 1);
  }
}

function isModule(m: unknown): m is StateDictModule {
  return !!m && typeof (m as StateDictModule).stateDict === 'function' && typeof (m as StateDictModule).loadStateDict === 'function';
}

/**
 * Save model, optimizer, scheduler, step, RNG state and extra data to one safetensors file,
 * atomically (temp file, fsync, rename, fsync of the directory).
 */
export async function saveCheckpoint(path: string, contents: CheckpointContents): Promise<void> {
  const { value: modelSd, created } = withCreated(() => (contents.model ? (isModule(contents.model) ? contents.model.stateDict() : contents.model) : {}));
  try {
    await saveWith(path, contents, modelSd);
  } finally {
    for (const t of created) t.dispose();
  }
}

async function saveWith(path: string, contents: CheckpointContents, modelSd: Record<string, Tensor>): Promise<void> {
  const tensors: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(modelSd)) {
    if (!(t instanceof Tensor)) throw new ValueError(`saveCheckpoint '${path}': model entry '${name}' is not a Tensor.`);
    tensors[MODEL + name] = t;
  }
  let optimizer: { paramGroups: unknown; state: Record<string, Record<string, number>> } | null = null;
  if (contents.optimizer) {
    const sd = contents.optimizer.stateDict();
    const numbers: Record<string, Record<string, number>> = {};
    for (const [idx, s] of Object.entries(sd.state)) {
      numbers[idx] = {};
      for (const [key, v] of Object.entries(s)) {
        if (key.includes('.')) throw new ValueError(`saveCheckpoint '${path}': optimizer state key '${key}' may not contain '.'.`);
        if (v instanceof Tensor) tensors[`${OPT}${idx}.${key}`] = v;
        else numbers[idx][key] = v;
      }
    }
    optimizer = { paramGroups: sd.paramGroups, state: numbers };
  }
  const meta = {
    step: contents.step ?? null,
    rng: contents.rng === undefined ? getRngState() : contents.rng,
    model: contents.model !== undefined,
    optimizer,
    scheduler: contents.scheduler ? contents.scheduler.stateDict() : null,
    extra: contents.extra ?? null,
  };
  await saveSafetensors(path, tensors, { format: FORMAT, version: VERSION, checkpoint: toJson(meta) });
}

/** Load a checkpoint written by {@link saveCheckpoint}; tensors go to `backend` (default: active). */
export async function loadCheckpoint(path: string, options: { backend?: Backend } = {}): Promise<Checkpoint> {
  const { tensors, metadata } = await loadSafetensorsWithMetadata(path, { backend: options.backend });
  const bad = (what: string): never => {
    for (const t of Object.values(tensors)) t.dispose();
    throw new ValueError(`loadCheckpoint '${path}': ${what}`);
  };
  if (metadata.format !== FORMAT) bad(`not a Tessera checkpoint (metadata format is ${brief(metadata.format ?? null)}, expected '${FORMAT}'); load plain tensors with loadSafetensors.`);
  if (metadata.version !== VERSION) bad(`checkpoint version ${brief(metadata.version)} is not supported (expected '${VERSION}').`);
  let meta: Record<string, unknown> = {};
  try {
    meta = fromJson(metadata.checkpoint ?? '') as Record<string, unknown>;
  } catch (e) {
    bad(`the checkpoint metadata is not valid JSON (${(e as Error).message}).`);
  }
  if (!meta || typeof meta !== 'object') bad('the checkpoint metadata is not an object.');
  const model: Record<string, Tensor> = {};
  const optState: Record<number, ParamState> = {};
  const optMeta = meta.optimizer as { paramGroups: OptimizerStateDict['paramGroups']; state: Record<string, Record<string, number>> } | null;
  if (optMeta) for (const [idx, nums] of Object.entries(optMeta.state ?? {})) optState[Number(idx)] = { ...nums };
  for (const [name, t] of Object.entries(tensors)) {
    if (name.startsWith(MODEL)) {
      setEntry(model, name.slice(MODEL.length), t);
    } else if (name.startsWith(OPT) && optMeta) {
      const rest = name.slice(OPT.length);
      const dot = rest.indexOf('.');
      const idx = Number(rest.slice(0, dot));
      if (dot <= 0 || !Number.isInteger(idx)) bad(`tensor ${named(name)} is not named optimizer.state.<index>.<key>.`);
      setEntry<Tensor | number>((optState[idx] ??= {}), rest.slice(dot + 1), t);
    } else {
      bad(`unexpected tensor ${named(name)}.`);
    }
  }
  const rng = meta.rng as RngState | null;
  if (rng !== null && rng !== undefined && !(Number.isFinite(rng.seed) && Number.isSafeInteger(rng.counter) && rng.counter >= 0)) {
    bad(`invalid rng state ${brief(rng)}; expected { seed, counter } with a non-negative integer counter.`);
  }
  return {
    model,
    optimizer: optMeta ? { paramGroups: optMeta.paramGroups, state: optState } : null,
    scheduler: (meta.scheduler as Record<string, unknown> | null) ?? null,
    step: typeof meta.step === 'number' ? meta.step : null,
    rng: rng ?? null,
    extra: meta.extra ?? null,
  };
}

/** Copy `source` tensors into `target`'s own tensors, in place; names and shapes must match. */
export function loadTensorsInto(target: Record<string, Tensor>, source: Record<string, Tensor>, what = 'loadTensorsInto'): void {
  const missing = Object.keys(target).filter((k) => !(k in source));
  const unexpected = Object.keys(source).filter((k) => !(k in target));
  if (missing.length || unexpected.length) {
    throw new ValueError(`${what}: state dict keys differ; missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}].`);
  }
  for (const [k, t] of Object.entries(target)) {
    const s = source[k];
    if (!shapesEqual(s.shape, t.shape) || s.dtype !== t.dtype) {
      throw new ValueError(`${what}: '${k}' is ${formatShape(s.shape)} ${s.dtype} in the state dict, ${formatShape(t.shape)} ${t.dtype} here.`);
    }
  }
  noGrad(() => {
    for (const [k, t] of Object.entries(target)) {
      const s = source[k];
      if (t.size === 0) continue;
      if (s.backend === t.backend) {
        t.backend.copy(s.kernelView(), t.kernelView());
      } else {
        const moved = fromArray(s.dataSync(), s.shape, { dtype: s.dtype, backend: t.backend });
        t.backend.copy(moved.kernelView(), t.kernelView());
        moved.dispose();
      }
    }
  });
}

export interface ResumeTargets {
  model?: StateDictModule | Record<string, Tensor>;
  optimizer?: StateDictOptimizer;
  scheduler?: StateDictScheduler;
  /** Restore the global generator (default true). */
  restoreRng?: boolean;
  /** Where to load tensors (default: the model's or the active backend). */
  backend?: Backend;
}

/**
 * Load a checkpoint into freshly built objects: model (in place), optimizer, scheduler and the
 * global RNG. Build the optimizer and scheduler first (constructing a scheduler steps it once),
 * then resume. Returns the saved step and extra data; the loaded tensors are disposed.
 */
export async function resume(path: string, targets: ResumeTargets): Promise<{ step: number | null; extra: unknown }> {
  let backend = targets.backend;
  if (!backend && targets.model) {
    const model = targets.model;
    const { value, created } = withCreated(() => Object.values(isModule(model) ? model.stateDict() : model)[0]?.backend);
    for (const t of created) t.dispose();
    backend = value;
  }
  const ckpt = await loadCheckpoint(path, { backend });
  try {
    if (targets.model) {
      if (isModule(targets.model)) targets.model.loadStateDict(ckpt.model);
      else loadTensorsInto(targets.model, ckpt.model, `resume '${path}'`);
    }
    if (targets.optimizer) {
      if (!ckpt.optimizer) throw new ValueError(`resume '${path}': the checkpoint has no optimizer state.`);
      targets.optimizer.loadStateDict(ckpt.optimizer);
    }
    if (targets.scheduler) {
      if (!ckpt.scheduler) throw new ValueError(`resume '${path}': the checkpoint has no scheduler state.`);
      targets.scheduler.loadStateDict(ckpt.scheduler);
    }
    if (targets.restoreRng !== false && ckpt.rng) setRngState(ckpt.rng);
  } finally {
    disposeCheckpoint(ckpt);
  }
  return { step: ckpt.step, extra: ckpt.extra };
}

/** Free a loaded checkpoint's tensors. */
export function disposeCheckpoint(ckpt: Checkpoint): void {
  for (const t of Object.values(ckpt.model)) t.dispose();
  for (const s of Object.values(ckpt.optimizer?.state ?? {})) for (const v of Object.values(s)) if (v instanceof Tensor) v.dispose();
}
