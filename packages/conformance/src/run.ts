/**
 * The checks, and `runConformance`, which runs them for every entry on one backend:
 * - forward: the op's outputs against the float64 cpu reference on the same inputs;
 * - finiteDiff: the backend's gradients against central finite differences computed in
 *   float64 on the reference, and against the reference's own autograd gradients;
 * - torch: values and gradients against the PyTorch fixtures in tools/fixtures.
 */
import { type Backend, type DType, gradients, noGrad, type Tensor, tidy, use } from '@tessera/core';
import { createCpuBackend } from '@tessera/backend-cpu';
import { memoryCounts, memoryDiff } from './memory-counts.js';
import { type Comparison, compareValues, mergeComparisons, toleranceFor } from './compare.js';
import { type FixtureCase, type FixtureSet, fixtureInputs, fixtureTensor, loadFixtures } from './fixtures.js';
import { Rng, numel } from './rng.js';
import { type OptimizerEntry, optimizerOpName, optimizerTable, runOptimizer } from './optim.js';
import { opTable } from './table.js';
import { runTrainingMemory, trainingCheckResult, TRAINING_MODELS, type TrainingMemoryOptions } from './training-memory.js';
import { outputList, readF64, uploadInputs } from './tensors.js';
import type { CallContext, CheckName, CheckResult, OpEntry, Sample, SampleInput, SuiteSize } from './types.js';

export interface RunOptions {
  /** Entry names to run (default: the whole table). */
  ops?: readonly string[];
  /** 'small' drops the large cases (CPU-emulated GPUs, quick runs). Default 'full'. */
  size?: SuiteSize;
  /** Which checks to run (default: all three). */
  checks?: readonly CheckName[];
  /** Loaded fixtures; by default they are read from tools/fixtures. `null` skips the torch check. */
  fixtures?: FixtureSet | null;
  /** The float64 reference; by default a fresh `createCpuBackend({ float64: true })`. */
  reference?: Backend;
  /** The table to run (default: the built-in one); lets tests and extensions add entries. */
  table?: readonly OpEntry[];
  /** Optimizer trajectories checked against PyTorch (default: the built-in ones; op names `optim.<Name>`). */
  optimizers?: readonly OptimizerEntry[];
  /** Called with each result as it is produced (progress output). */
  onResult?: (result: CheckResult) => void;
  /**
   * Also run the 'leak' check on every case: the case's forward (and backward, when it is
   * differentiable) on the backend under test, outputs and gradients disposed, must leave
   * `memory()` as it found it. Same as adding 'leak' to `checks`. Default false.
   */
  leakCheck?: boolean;
  /**
   * Also run the training-memory suite (MLP, CNN, GPT with AdamW; `runTrainingMemory`) and
   * report each model as op `training.<model>`, check 'leak'. `true` uses the defaults (200
   * steps, the run's size). Default false.
   */
  trainingMemory?: boolean | TrainingMemoryOptions;
}

/** Per-element finite differences up to this many differentiable input elements; directional above. */
const FD_FULL_LIMIT = 64;
const FD_DIRECTIONS = 3;
const FD_STEP = 1e-6;

/** The default checks; 'leak' is opt-in (`leakCheck: true`). */
export const ALL_CHECKS: readonly CheckName[] = ['forward', 'finiteDiff', 'torch'];

/** `checks` with 'leak' added when `leakCheck` asks for it. */
export function withLeak(checks: readonly CheckName[], leakCheck: boolean | undefined): readonly CheckName[] {
  return leakCheck && !checks.includes('leak') ? [...checks, 'leak'] : checks;
}

/** The samples of an entry at a size, one generator call per dtype; names get a dtype prefix when there are several. */
export function samplesFor(entry: OpEntry, size: SuiteSize = 'full'): Sample[] {
  const out: Sample[] = [];
  for (const dtype of entry.dtypes) {
    const rng = new Rng(`${entry.name}:${dtype}`);
    for (const s of entry.samples(rng, { dtype, size })) {
      if (s.large && size !== 'full') continue;
      out.push(entry.dtypes.length > 1 ? { ...s, name: `${dtype}/${s.name}` } : s);
    }
  }
  return out;
}

/** The reason `backend` skips `check` of `caseName`, if it does. */
export function skipReason(entry: OpEntry, backendName: string, check: CheckName, caseName: string): string | undefined {
  for (const s of entry.skips ?? []) {
    const backendHit = typeof s.backend === 'string' ? s.backend === backendName : s.backend.test(backendName);
    if (!backendHit) continue;
    if (s.checks && !s.checks.includes(check)) continue;
    if (s.cases && !s.cases.some((c) => (typeof c === 'string' ? c === caseName : c.test(caseName)))) continue;
    return s.reason;
  }
  return undefined;
}

/** Which inputs of a sample are differentiated. */
export function gradMask(entry: OpEntry, sample: Sample): boolean[] {
  const on = entry.differentiable && sample.grad !== false;
  return sample.inputs.map((inp) => on && inp.dtype === 'float32' && inp.grad !== false);
}

// ---- Evaluation ----

interface HostTensor {
  dtype: DType;
  shape: number[];
  data: Float64Array;
}

interface Evaluation {
  outputs: HostTensor[];
  /** Gradients of sum(out_i * cot_i) with respect to each differentiated leaf (null elsewhere). */
  grads: (HostTensor | null)[];
}

async function toHost(t: Tensor): Promise<HostTensor> {
  return { dtype: t.dtype, shape: [...t.shape], data: await readF64(t) };
}

/** Cotangents for an op's float outputs: deterministic in (entry, case, output shapes). */
function cotangentsFor(entry: OpEntry, caseName: string, outputs: readonly { dtype: DType; shape: readonly number[] }[]): (number[] | null)[] {
  const rng = new Rng(`${entry.name}:${caseName}:cotangent`);
  return outputs.map((o) => (o.dtype === 'float32' ? rng.normal(o.shape) : null));
}

/**
 * The runner's side of {@link CallContext}: gradient targets that replace inputs (module
 * parameters filled by loadStateDict), and tensors to free once the call's results are read.
 */
class Call implements CallContext {
  readonly #targets = new Map<number, Tensor>();
  readonly #owned: Tensor[] = [];

  constructor(private readonly entry: OpEntry, private readonly inputs: readonly SampleInput[]) {}

  differentiate(index: number, t: Tensor): void {
    const inp = this.inputs[index];
    if (!inp) throw new Error(`${this.entry.name}: differentiate(${index}) names no input (the case has ${this.inputs.length})`);
    if (inp.view?.length) throw new Error(`${this.entry.name}: input ${index} has views; a substituted gradient target must stand for a dense input`);
    if (t.shape.join(',') !== inp.shape.join(',')) {
      throw new Error(`${this.entry.name}: gradient target for input ${index} has shape [${t.shape.join(', ')}], the input [${inp.shape.join(', ')}]`);
    }
    this.#targets.set(index, t);
  }

  release(...tensors: Tensor[]): void {
    this.#owned.push(...tensors);
  }

  /** What to differentiate for input `i`. */
  target(i: number, leaf: Tensor): Tensor {
    return this.#targets.get(i) ?? leaf;
  }

  dispose(): void {
    for (const t of this.#owned) {
      t.zeroGrad();
      t.dispose();
    }
    this.#owned.length = 0;
  }
}

/**
 * Run the op on `backend`: outputs, and (when `cotangents` is given) gradients of
 * sum(out_i * cot_i) with respect to the differentiated leaves. Outputs that do not require
 * grad get no cotangent (BatchNorm's running statistics, say), here and in the fixtures.
 */
async function evaluate(
  backend: Backend,
  entry: OpEntry,
  inputs: readonly SampleInput[],
  args: Record<string, unknown>,
  opts: { exact64: boolean; mask?: readonly boolean[]; cotangents?: (ArrayLike<number> | null)[] | 'auto'; caseName?: string },
): Promise<Evaluation & { cotangents?: (ArrayLike<number> | null)[] }> {
  use(backend);
  const wantGrad = !!opts.mask?.some(Boolean) && !!opts.cotangents;
  let cots: (ArrayLike<number> | null)[] | undefined;
  const call = new Call(entry, inputs);
  let outs: Tensor[] = [];
  let grads: (Tensor | null)[] = [];
  try {
    ({ outs, grads } = tidy(() => {
      const { leaves, operands } = uploadInputs(backend, inputs, { exact64: opts.exact64, requiresGrad: wantGrad ? opts.mask : undefined });
      const outs = outputList(entry.fn(operands, args, call));
      let grads: (Tensor | null)[] = inputs.map(() => null);
      if (wantGrad) {
        cots = opts.cotangents === 'auto' ? cotangentsFor(entry, opts.caseName ?? '', outs).map((c, i) => (outs[i].requiresGrad ? c : null)) : opts.cotangents;
        const loss = lossOf(backend, outs, cots!, opts.exact64);
        const targets = leaves.map((leaf, i) => call.target(i, leaf)).filter((_, i) => opts.mask![i]);
        const g = loss ? gradients(loss, targets) : targets.map(() => null);
        let k = 0;
        grads = leaves.map((_, i) => (opts.mask![i] ? g[k++] : null));
      }
      return { outs, grads };
    }));
    const outputs: HostTensor[] = [];
    for (const o of outs) outputs.push(await toHost(o));
    const hostGrads: (HostTensor | null)[] = [];
    for (const g of grads) hostGrads.push(g ? await toHost(g) : null);
    return { outputs, grads: hostGrads, cotangents: cots };
  } finally {
    for (const t of [...outs, ...grads]) t?.dispose();
    call.dispose();
  }
}

/** sum_i sum(out_i * cot_i) over the float outputs, or null when no output carries a gradient. */
function lossOf(backend: Backend, outs: readonly Tensor[], cots: readonly (ArrayLike<number> | null)[], exact64: boolean): Tensor | null {
  let loss: Tensor | null = null;
  outs.forEach((o, i) => {
    const c = cots[i];
    if (!c || o.dtype !== 'float32' || !o.requiresGrad) return;
    const cot = uploadInputs(backend, [{ dtype: 'float32', shape: [...o.shape], data: c }], { exact64 }).leaves[0];
    const term = o.mul(cot).sum();
    loss = loss ? loss.add(term) : term;
  });
  return loss;
}

/** The scalar sum(out_i * cot_i) in float64 on the reference, with perturbed inputs. */
async function lossValue(reference: Backend, entry: OpEntry, sample: Sample, cots: readonly (ArrayLike<number> | null)[], override: Map<number, ArrayLike<number>>): Promise<number> {
  use(reference);
  const call = new Call(entry, sample.inputs);
  try {
    return noGrad(() =>
      tidy(() => {
        const { operands } = uploadInputs(reference, sample.inputs, { exact64: true, override });
        const outs = outputList(entry.fn(operands, sample.args ?? {}, call));
        let total = 0;
        outs.forEach((o, i) => {
          const c = cots[i];
          if (!c || o.dtype !== 'float32') return;
          const data = o.dataSync();
          for (let j = 0; j < data.length; j++) total += data[j] * c[j];
        });
        return total;
      }),
    );
  } finally {
    call.dispose();
  }
}

// ---- Checks ----

function result(op: string, caseName: string, check: CheckName, c: Comparison, message?: string): CheckResult {
  const r: CheckResult = { op, case: caseName, check, pass: c.pass, maxAbsErr: finiteOr(c.maxAbsErr), maxRelErr: finiteOr(c.maxRelErr) };
  if (!c.pass) r.message = message ?? describeWorst(c);
  return r;
}

function finiteOr(x: number): number {
  return Number.isFinite(x) ? x : Number.MAX_VALUE;
}

function describeWorst(c: Comparison): string {
  return c.worst ? `worst element ${c.worst.index}: got ${c.worst.actual}, expected ${c.worst.expected}` : 'mismatch';
}

function failure(op: string, caseName: string, check: CheckName, message: string): CheckResult {
  return { op, case: caseName, check, pass: false, maxAbsErr: Number.MAX_VALUE, maxRelErr: Number.MAX_VALUE, message };
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Compare output lists: count, dtype, shape, then values under the dtype's tolerance. */
function compareOutputs(entry: OpEntry, sample: Sample | undefined, actual: readonly HostTensor[], expected: readonly HostTensor[]): { c: Comparison; message?: string } {
  if (actual.length !== expected.length) {
    return { c: { pass: false, maxAbsErr: Infinity, maxRelErr: Infinity }, message: `${actual.length} outputs, expected ${expected.length}` };
  }
  const parts: Comparison[] = [];
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (a.dtype !== e.dtype) return { c: { pass: false, maxAbsErr: Infinity, maxRelErr: Infinity }, message: `output ${i} has dtype ${a.dtype}, expected ${e.dtype}` };
    if (a.shape.join(',') !== e.shape.join(',')) {
      return { c: { pass: false, maxAbsErr: Infinity, maxRelErr: Infinity }, message: `output ${i} has shape [${a.shape.join(', ')}], expected [${e.shape.join(', ')}]` };
    }
    const c = compareValues(a.data, e.data, toleranceFor(e.dtype, sample?.tolerance, entry.tolerance));
    parts.push(c);
    if (!c.pass) return { c: mergeComparisons(parts), message: `output ${i}: ${describeWorst(c)}` };
  }
  return { c: mergeComparisons(parts) };
}

function compareGrads(entry: OpEntry, sample: Sample | undefined, actual: readonly (HostTensor | null)[], expected: readonly (HostTensor | null)[], what: string): { c: Comparison; message?: string } {
  const parts: Comparison[] = [];
  const tol = toleranceFor('grad', sample?.tolerance, entry.tolerance);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    if (!e) continue;
    const a = actual[i];
    if (!a) return { c: { pass: false, maxAbsErr: Infinity, maxRelErr: Infinity }, message: `no gradient for input ${i} (${what})` };
    if (a.shape.join(',') !== e.shape.join(',')) {
      return { c: { pass: false, maxAbsErr: Infinity, maxRelErr: Infinity }, message: `gradient ${i} has shape [${a.shape.join(', ')}], expected [${e.shape.join(', ')}] (${what})` };
    }
    const c = compareValues(a.data, e.data, tol);
    parts.push(c);
    if (!c.pass) return { c: mergeComparisons(parts), message: `gradient of input ${i} vs ${what}: ${describeWorst(c)}` };
  }
  return { c: mergeComparisons(parts) };
}

export async function forwardCheck(entry: OpEntry, sample: Sample, backend: Backend, reference: Backend): Promise<CheckResult> {
  let expected: Evaluation;
  try {
    expected = await evaluate(reference, entry, sample.inputs, sample.args ?? {}, { exact64: true });
  } catch (e) {
    return failure(entry.name, sample.name, 'forward', `the float64 reference threw (a bug in the op or its table entry): ${errorMessage(e)}`);
  }
  let actual: Evaluation;
  try {
    actual = await evaluate(backend, entry, sample.inputs, sample.args ?? {}, { exact64: false });
  } catch (e) {
    return failure(entry.name, sample.name, 'forward', `threw: ${errorMessage(e)}`);
  }
  const { c, message } = compareOutputs(entry, sample, actual.outputs, expected.outputs);
  return result(entry.name, sample.name, 'forward', c, message);
}

/** Finite differences of the reference's float64 loss, per element or along random directions. */
async function finiteDifferences(
  reference: Backend, entry: OpEntry, sample: Sample, mask: readonly boolean[], cots: readonly (ArrayLike<number> | null)[], grads: readonly (HostTensor | null)[],
): Promise<{ c: Comparison; message?: string }> {
  const total = sample.inputs.reduce((p, inp, i) => p + (mask[i] ? numel(inp.shape) : 0), 0);
  const tol = toleranceFor('grad', sample.tolerance, entry.tolerance);
  if (total <= FD_FULL_LIMIT) {
    const fd: (HostTensor | null)[] = [];
    for (let i = 0; i < sample.inputs.length; i++) {
      const inp = sample.inputs[i];
      if (!mask[i]) {
        fd.push(null);
        continue;
      }
      const base = Float64Array.from(inp.data);
      const g = new Float64Array(base.length);
      for (let j = 0; j < base.length; j++) {
        const plus = Float64Array.from(base);
        const minus = Float64Array.from(base);
        plus[j] += FD_STEP;
        minus[j] -= FD_STEP;
        const lp = await lossValue(reference, entry, sample, cots, new Map([[i, plus]]));
        const lm = await lossValue(reference, entry, sample, cots, new Map([[i, minus]]));
        g[j] = (lp - lm) / (2 * FD_STEP);
      }
      fd.push({ dtype: 'float32', shape: [...inp.shape], data: g });
    }
    return compareGrads(entry, sample, grads, fd, 'finite differences');
  }
  // Directional: d with sum |d_i| = 1, so d . grad is a weighted mean of gradient elements.
  const rng = new Rng(`${entry.name}:${sample.name}:directions`);
  const parts: Comparison[] = [];
  for (let k = 0; k < FD_DIRECTIONS; k++) {
    const dirs = sample.inputs.map((inp, i) => (mask[i] ? rng.normal(inp.shape) : null));
    const l1 = dirs.reduce((p, d) => p + (d ? d.reduce((q, v) => q + Math.abs(v), 0) : 0), 0);
    let predicted = 0;
    let scale = 0;
    const plus = new Map<number, ArrayLike<number>>();
    const minus = new Map<number, ArrayLike<number>>();
    dirs.forEach((d, i) => {
      if (!d) return;
      const base = sample.inputs[i].data;
      const g = grads[i]!.data;
      const p = new Float64Array(d.length);
      const m = new Float64Array(d.length);
      for (let j = 0; j < d.length; j++) {
        const dj = d[j] / l1;
        predicted += g[j] * dj;
        scale += Math.abs(g[j] * dj);
        p[j] = base[j] + FD_STEP * dj;
        m[j] = base[j] - FD_STEP * dj;
      }
      plus.set(i, p);
      minus.set(i, m);
    });
    const lp = await lossValue(reference, entry, sample, cots, plus);
    const lm = await lossValue(reference, entry, sample, cots, minus);
    const fd = (lp - lm) / (2 * FD_STEP);
    const err = Math.abs(predicted - fd);
    const allowed = tol.atol + tol.rtol * scale;
    parts.push({ pass: err <= allowed, maxAbsErr: err, maxRelErr: fd !== 0 ? err / Math.abs(fd) : 0, worst: { index: k, actual: predicted, expected: fd } });
  }
  const c = mergeComparisons(parts);
  const bad = parts.find((p) => !p.pass);
  return { c, message: bad ? `directional derivative ${bad.worst!.index}: autograd ${bad.worst!.actual}, finite differences ${bad.worst!.expected}` : undefined };
}

export async function finiteDiffCheck(entry: OpEntry, sample: Sample, backend: Backend, reference: Backend): Promise<CheckResult | null> {
  const mask = gradMask(entry, sample);
  if (!mask.some(Boolean)) return null;
  let ref: Evaluation & { cotangents?: (ArrayLike<number> | null)[] };
  try {
    ref = await evaluate(reference, entry, sample.inputs, sample.args ?? {}, { exact64: true, mask, cotangents: 'auto', caseName: sample.name });
  } catch (e) {
    return failure(entry.name, sample.name, 'finiteDiff', `the float64 reference threw (a bug in the op, its VJP or its table entry): ${errorMessage(e)}`);
  }
  const cots = ref.cotangents ?? cotangentsFor(entry, sample.name, ref.outputs);
  let actual: Evaluation;
  try {
    actual = await evaluate(backend, entry, sample.inputs, sample.args ?? {}, { exact64: false, mask, cotangents: cots });
  } catch (e) {
    return failure(entry.name, sample.name, 'finiteDiff', `threw: ${errorMessage(e)}`);
  }
  const vsRef = compareGrads(entry, sample, actual.grads, ref.grads, 'the float64 reference autograd');
  if (!vsRef.c.pass) return result(entry.name, sample.name, 'finiteDiff', vsRef.c, vsRef.message);
  if (sample.finiteDiff === false || sample.large) return result(entry.name, sample.name, 'finiteDiff', vsRef.c);
  const vsFd = await finiteDifferences(reference, entry, sample, mask, cots, actual.grads);
  return result(entry.name, sample.name, 'finiteDiff', mergeComparisons([vsRef.c, vsFd.c]), vsFd.message);
}

export async function torchCheck(entry: OpEntry, fc: FixtureCase, fixtures: FixtureSet, backend: Backend): Promise<CheckResult> {
  const inputs = fixtureInputs(fc, fixtures);
  const mask = fc.inputs.map((inp) => inp.grad !== undefined && inp.grad !== null);
  const cots = fc.cotangents.map((c) => (c ? fixtureTensor(c, fixtures).data : null));
  const wantGrad = mask.some(Boolean) && cots.some((c) => c);
  let actual: Evaluation;
  try {
    actual = await evaluate(backend, entry, inputs, fc.args, { exact64: false, mask, cotangents: wantGrad ? cots : undefined });
  } catch (e) {
    return failure(entry.name, fc.case, 'torch', `threw: ${errorMessage(e)}`);
  }
  const expected = fc.outputs.map((o) => fixtureTensor(o, fixtures));
  const out = compareOutputs(entry, undefined, actual.outputs, expected);
  if (!out.c.pass || !wantGrad) return result(entry.name, fc.case, 'torch', out.c, out.message);
  const expectedGrads = fc.inputs.map((inp) => (inp.grad ? fixtureTensor(inp.grad, fixtures) : null));
  const g = compareGrads(entry, undefined, actual.grads, expectedGrads, 'PyTorch');
  return result(entry.name, fc.case, 'torch', mergeComparisons([out.c, g.c]), g.message);
}

/**
 * The 'leak' check, like TensorFlow.js's checkKernelForMemLeak: evaluate the case on the
 * backend (forward, and backward when it is differentiable), dispose the outputs and
 * gradients, and require memory() for that backend — core's live tensors, buffers and bytes
 * and the backend's own counts (pooled buffers included) — to be what it was before. One
 * warm-up evaluation runs first, so caches that fill on first use (pipelines, a pool's size
 * classes) are not counted as leaks.
 */
export async function leakCheck(entry: OpEntry, sample: Sample, backend: Backend): Promise<CheckResult> {
  const mask = gradMask(entry, sample);
  const wantGrad = mask.some(Boolean);
  const run = () => evaluate(backend, entry, sample.inputs, sample.args ?? {}, { exact64: false, mask: wantGrad ? mask : undefined, cotangents: wantGrad ? 'auto' : undefined, caseName: sample.name });
  let before: Record<string, number>;
  try {
    await run();
    before = memoryCounts(backend);
    await run();
  } catch (e) {
    return failure(entry.name, sample.name, 'leak', `threw: ${errorMessage(e)}`);
  }
  const diff = memoryDiff(before, memoryCounts(backend));
  if (diff) return failure(entry.name, sample.name, 'leak', `memory changed over one ${wantGrad ? 'forward and backward' : 'forward'} with everything disposed: ${diff}`);
  return { op: entry.name, case: sample.name, check: 'leak', pass: true, maxAbsErr: 0, maxRelErr: 0 };
}

// ---- Running entries ----

export interface EntryRunContext {
  backend: Backend;
  reference: Backend;
  size: SuiteSize;
  checks: readonly CheckName[];
  fixtures: FixtureSet | null;
}

function skipped(op: string, caseName: string, check: CheckName, reason: string): CheckResult {
  return { op, case: caseName, check, pass: true, maxAbsErr: 0, maxRelErr: 0, skipped: reason };
}

/** The forward and finite-difference results of one sample (custom entries excluded). */
export async function runSample(entry: OpEntry, sample: Sample, ctx: EntryRunContext, checks: readonly CheckName[] = ctx.checks): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  if (checks.includes('forward')) {
    const why = skipReason(entry, ctx.backend.name, 'forward', sample.name);
    out.push(why ? skipped(entry.name, sample.name, 'forward', why) : await forwardCheck(entry, sample, ctx.backend, ctx.reference));
  }
  if (checks.includes('finiteDiff') && gradMask(entry, sample).some(Boolean)) {
    const why = skipReason(entry, ctx.backend.name, 'finiteDiff', sample.name);
    const r = why ? skipped(entry.name, sample.name, 'finiteDiff', why) : await finiteDiffCheck(entry, sample, ctx.backend, ctx.reference);
    if (r) out.push(r);
  }
  if (checks.includes('leak')) {
    // A case the backend skips forward for cannot be measured either.
    const why = skipReason(entry, ctx.backend.name, 'leak', sample.name) ?? skipReason(entry, ctx.backend.name, 'forward', sample.name);
    out.push(why ? skipped(entry.name, sample.name, 'leak', why) : await leakCheck(entry, sample, ctx.backend));
  }
  return out;
}

/** The torch results of one entry: one per fixture case, or a failure when it has none (and no exemption). */
export async function runTorch(entry: OpEntry, ctx: EntryRunContext): Promise<CheckResult[]> {
  if (entry.fixtureExempt) return [skipped(entry.name, '(fixtures)', 'torch', `no PyTorch fixture: ${entry.fixtureExempt}`)];
  if (!ctx.fixtures) return [skipped(entry.name, '(fixtures)', 'torch', 'fixtures not loaded')];
  const cases = ctx.fixtures.index.cases.filter((c) => c.op === entry.name);
  if (cases.length === 0) {
    return [failure(entry.name, '(fixtures)', 'torch', `no PyTorch fixture for '${entry.name}' in tools/fixtures; add cases to tools/fixtures/ops.py and run make fixtures, or give the entry a fixtureExempt reason`)];
  }
  const out: CheckResult[] = [];
  for (const fc of cases) {
    const why = skipReason(entry, ctx.backend.name, 'torch', fc.case);
    out.push(why ? skipped(entry.name, fc.case, 'torch', why) : await torchCheck(entry, fc, ctx.fixtures, ctx.backend));
  }
  return out;
}

export async function runCustom(entry: OpEntry, ctx: EntryRunContext): Promise<CheckResult[]> {
  if (!entry.custom) return [];
  const why = skipReason(entry, ctx.backend.name, 'forward', 'statistics');
  if (why) return [skipped(entry.name, 'statistics', 'forward', why)];
  try {
    const rs = await entry.custom({ backend: ctx.backend, reference: ctx.reference, rng: new Rng(`${entry.name}:custom`), size: ctx.size });
    return rs
      .filter((r) => ctx.checks.includes(r.check))
      .map((r) => ({ op: entry.name, maxAbsErr: 0, maxRelErr: 0, ...r }));
  } catch (e) {
    return [failure(entry.name, 'statistics', 'forward', `threw: ${errorMessage(e)}`)];
  }
}

/** Every result of one entry on one backend. */
export async function runEntry(entry: OpEntry, ctx: EntryRunContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const s of samplesFor(entry, ctx.size)) out.push(...(await runSample(entry, s, ctx)));
  if (entry.custom) out.push(...(await runCustom(entry, ctx)));
  if (ctx.checks.includes('torch')) out.push(...(await runTorch(entry, ctx)));
  return out;
}

/** Run the suite on `backend` and return every result (the CLI and the vitest suite both use this). */
export async function runConformance(backend: Backend, options: RunOptions = {}): Promise<CheckResult[]> {
  const table = options.table ?? opTable;
  const optimizers = options.optimizers ?? optimizerTable;
  const wanted = options.ops ? new Set(options.ops) : null;
  if (wanted) {
    const unknown = [...wanted].filter((n) => !table.some((e) => e.name === n) && !optimizers.some((o) => optimizerOpName(o.name) === n));
    if (unknown.length) throw new Error(`runConformance: no table entry named ${unknown.join(', ')}`);
  }
  const checks = withLeak(options.checks ?? ALL_CHECKS, options.leakCheck);
  const ctx: EntryRunContext = {
    backend,
    reference: options.reference ?? createCpuBackend({ float64: true }),
    size: options.size ?? 'full',
    checks,
    fixtures: options.fixtures !== undefined ? options.fixtures : checks.includes('torch') ? await loadFixtures() : null,
  };
  const results: CheckResult[] = [];
  for (const entry of table) {
    if (wanted && !wanted.has(entry.name)) continue;
    for (const r of await runEntry(entry, ctx)) {
      results.push(r);
      options.onResult?.(r);
    }
  }
  if (checks.includes('torch') && ctx.fixtures) {
    for (const o of optimizers) {
      if (wanted && !wanted.has(optimizerOpName(o.name))) continue;
      for (const r of await runOptimizer(o, ctx.fixtures, backend)) {
        results.push(r);
        options.onResult?.(r);
      }
    }
  }
  if (options.trainingMemory) {
    const tm: TrainingMemoryOptions = { size: ctx.size, ...(options.trainingMemory === true ? {} : options.trainingMemory) };
    for (const model of tm.models ?? TRAINING_MODELS) {
      const r = trainingCheckResult(await runTrainingMemory(backend, model, tm));
      results.push(r);
      options.onResult?.(r);
    }
  }
  return results;
}
