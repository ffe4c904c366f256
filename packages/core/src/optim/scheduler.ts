/**
 * Learning-rate schedules with PyTorch's semantics (`torch.optim.lr_scheduler`): the
 * constructor performs the initial step (so `lastEpoch` is 0 and the groups hold the first
 * learning rate), `step()` is called after `optimizer.step()`, and the chainable (recursive)
 * formulas are the ones PyTorch uses, so the learning rates agree with PyTorch's to rounding.
 */
import { ValueError } from '../errors.js';
import { powi } from './functional.js';
import type { BaseParamGroup, HasParamGroups } from './optimizer.js';

/** What every schedule offers; checkpoints save and restore it through its state dict. */
export interface Scheduler {
  step(): void;
  getLastLr(): number[];
  stateDict(): Record<string, unknown>;
  loadStateDict(sd: Record<string, unknown>): void;
}

/** Keys of a scheduler that are wiring, not state. */
const NOT_STATE = new Set(['optimizer', 'schedulers']);

function plainState(obj: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (NOT_STATE.has(k) || typeof v === 'function' || (Array.isArray(v) && v.some((x) => typeof x === 'function'))) continue;
    out[k] = structuredClone(v);
  }
  return out;
}

function loadPlainState(obj: object, sd: Record<string, unknown>, name: string): void {
  if (!sd || typeof sd !== 'object') throw new ValueError(`${name}.loadStateDict: expected an object, got ${sd === null ? 'null' : typeof sd}.`);
  for (const [k, v] of Object.entries(sd)) {
    if (NOT_STATE.has(k) || typeof v === 'function') continue;
    (obj as Record<string, unknown>)[k] = structuredClone(v);
  }
}

function bisectRight(sorted: readonly number[], x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < sorted[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Base of the epoch/step-indexed schedules. Subclasses set their fields, then call
 * `this.initialStep()` at the end of their constructor (as PyTorch's base constructor does).
 */
export abstract class LRScheduler implements Scheduler {
  /** Index of the last step taken (0 after construction). */
  lastEpoch: number;
  /** Each group's `initialLr`. */
  baseLrs: number[];
  protected lastLr: number[] = [];
  protected stepCount = 0;

  constructor(readonly optimizer: HasParamGroups, lastEpoch = -1) {
    const name = new.target.name;
    if (!optimizer || !Array.isArray(optimizer.paramGroups)) throw new ValueError(`${name}: expected an optimizer with paramGroups.`);
    optimizer.paramGroups.forEach((g, i) => {
      if (lastEpoch === -1) g.initialLr ??= g.lr;
      else if (g.initialLr === undefined) {
        throw new ValueError(`${name}: param group ${i} has no initialLr; resuming with lastEpoch ${lastEpoch} needs the optimizer state of the original run.`);
      }
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  protected get groups(): BaseParamGroup[] {
    return this.optimizer.paramGroups;
  }

  protected currentLrs(): number[] {
    return this.groups.map((g) => g.lr);
  }

  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** The chainable learning rates for `lastEpoch` (already advanced). */
  protected abstract computeLr(): number[];

  /** A closed form in `lastEpoch`, where the schedule has one (used when jumping to an epoch). */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /** Advance one step and set each group's lr. */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    this.apply(this.computeLr());
  }

  /** Jump to `epoch` (PyTorch's deprecated `step(epoch)`; SequentialLR uses it at milestones). */
  stepTo(epoch: number): void {
    this.stepCount++;
    this.lastEpoch = epoch;
    this.apply(this.closedFormLr() ?? this.computeLr());
  }

  private apply(values: number[]): void {
    this.groups.forEach((g, i) => (g.lr = values[i]));
    this.lastLr = this.currentLrs();
  }

  /** The learning rates the last step set, one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Every field except the optimizer (and functions), as plain JSON-able values. */
  stateDict(): Record<string, unknown> {
    return plainState(this);
  }

  loadStateDict(sd: Record<string, unknown>): void {
    loadPlainState(this, sd, this.constructor.name);
  }
}

export interface StepLROptions { stepSize: number; gamma?: number; lastEpoch?: number }

/** Multiply the lr by `gamma` every `stepSize` steps. */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;
  constructor(optimizer: HasParamGroups, { stepSize, gamma = 0.1, lastEpoch = -1 }: StepLROptions) {
    super(optimizer, lastEpoch);
    if (!(Number.isInteger(stepSize) && stepSize > 0)) throw new ValueError(`StepLR: stepSize must be a positive integer, got ${stepSize}.`);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }
  protected computeLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.currentLrs();
    return this.groups.map((g) => g.lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * powi(this.gamma, Math.floor(this.lastEpoch / this.stepSize)));
  }
}

export interface MultiStepLROptions { milestones: readonly number[]; gamma?: number; lastEpoch?: number }

/** Multiply the lr by `gamma` at each milestone (a milestone listed twice multiplies twice). */
export class MultiStepLR extends LRScheduler {
  milestones: number[];
  gamma: number;
  constructor(optimizer: HasParamGroups, { milestones, gamma = 0.1, lastEpoch = -1 }: MultiStepLROptions) {
    super(optimizer, lastEpoch);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = gamma;
    this.initialStep();
  }
  protected computeLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (hits === 0) return this.currentLrs();
    return this.groups.map((g) => g.lr * powi(this.gamma, hits));
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * powi(this.gamma, bisectRight(this.milestones, this.lastEpoch)));
  }
}

export interface ConstantLROptions { factor?: number; totalIters?: number; lastEpoch?: number }

/** Scale the lr by `factor` for the first `totalIters` steps, then restore it. */
export class ConstantLR extends LRScheduler {
  factor: number;
  totalIters: number;
  constructor(optimizer: HasParamGroups, { factor = 1 / 3, totalIters = 5, lastEpoch = -1 }: ConstantLROptions = {}) {
    super(optimizer, lastEpoch);
    if (!(factor >= 0 && factor <= 1)) throw new ValueError(`ConstantLR: factor must be in [0, 1], got ${factor}.`);
    this.factor = factor;
    this.totalIters = totalIters;
    this.initialStep();
  }
  protected computeLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return this.currentLrs();
    return this.groups.map((g) => g.lr * (1 / this.factor));
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (this.factor + (this.lastEpoch >= this.totalIters ? 1 : 0) * (1 - this.factor)));
  }
}

export interface LinearLROptions { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number }

/** Scale the lr linearly from `startFactor` to `endFactor` over `totalIters` steps (linear warm-up). */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;
  constructor(optimizer: HasParamGroups, { startFactor = 1 / 3, endFactor = 1, totalIters = 5, lastEpoch = -1 }: LinearLROptions = {}) {
    super(optimizer, lastEpoch);
    if (!(startFactor > 0 && startFactor <= 1)) throw new ValueError(`LinearLR: startFactor must be in (0, 1], got ${startFactor}.`);
    if (!(endFactor >= 0 && endFactor <= 1)) throw new ValueError(`LinearLR: endFactor must be in [0, 1], got ${endFactor}.`);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }
  protected computeLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n, lastEpoch: t } = this;
    if (t === 0) return this.groups.map((g) => g.lr * s);
    if (t > n) return this.currentLrs();
    return this.groups.map((g) => g.lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }
  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n, lastEpoch: t } = this;
    return this.baseLrs.map((b) => b * (s + ((e - s) * Math.min(n, t)) / n));
  }
}

export interface ExponentialLROptions { gamma: number; lastEpoch?: number }

/** Multiply the lr by `gamma` every step. */
export class ExponentialLR extends LRScheduler {
  gamma: number;
  constructor(optimizer: HasParamGroups, { gamma, lastEpoch = -1 }: ExponentialLROptions) {
    super(optimizer, lastEpoch);
    this.gamma = gamma;
    this.initialStep();
  }
  protected computeLr(): number[] {
    if (this.lastEpoch === 0) return this.currentLrs();
    return this.groups.map((g) => g.lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * powi(this.gamma, this.lastEpoch));
  }
}

export interface PolynomialLROptions { totalIters?: number; power?: number; lastEpoch?: number }

/** Decay the lr to 0 over `totalIters` steps as `(1 - t / totalIters) ** power`. */
export class PolynomialLR extends LRScheduler {
  totalIters: number;
  power: number;
  constructor(optimizer: HasParamGroups, { totalIters = 5, power = 1, lastEpoch = -1 }: PolynomialLROptions = {}) {
    super(optimizer, lastEpoch);
    this.totalIters = totalIters;
    this.power = power;
    this.initialStep();
  }
  protected computeLr(): number[] {
    const { totalIters: n, lastEpoch: t } = this;
    if (t === 0 || t > n) return this.currentLrs();
    const decay = ((1 - t / n) / (1 - (t - 1) / n)) ** this.power;
    return this.groups.map((g) => g.lr * decay);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (1 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
}

export interface CosineAnnealingLROptions { tMax: number; etaMin?: number; lastEpoch?: number }

/** Cosine annealing from the initial lr to `etaMin` over `tMax` steps (then back up, periodically). */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;
  constructor(optimizer: HasParamGroups, { tMax, etaMin = 0, lastEpoch = -1 }: CosineAnnealingLROptions) {
    super(optimizer, lastEpoch);
    if (!(tMax > 0)) throw new ValueError(`CosineAnnealingLR: tMax must be positive, got ${tMax}.`);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }
  protected computeLr(): number[] {
    const { tMax: T, etaMin: eta, lastEpoch: t } = this;
    if (t === 0) return this.currentLrs();
    if (this.stepCount === 1 && t > 0) {
      return this.baseLrs.map((b) => eta + ((b - eta) * (1 + Math.cos((t * Math.PI) / T))) / 2);
    }
    if ((t - 1 - T) % (2 * T) === 0) {
      return this.groups.map((g, i) => g.lr + ((this.baseLrs[i] - eta) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return this.groups.map((g) => ((1 + Math.cos((Math.PI * t) / T)) / (1 + Math.cos((Math.PI * (t - 1)) / T))) * (g.lr - eta) + eta);
  }
  protected override closedFormLr(): number[] {
    const { tMax: T, etaMin: eta, lastEpoch: t } = this;
    return this.baseLrs.map((b) => eta + ((b - eta) * (1 + Math.cos((Math.PI * t) / T))) / 2);
  }
}

export interface LambdaLROptions {
  /** The factor on the initial lr at each step: one function, or one per group. */
  lrLambda: ((epoch: number) => number) | readonly ((epoch: number) => number)[];
  lastEpoch?: number;
}

/** lr = initialLr * lrLambda(step). The functions are not part of the state dict. */
export class LambdaLR extends LRScheduler {
  private readonly lambdas: readonly ((epoch: number) => number)[];
  constructor(optimizer: HasParamGroups, { lrLambda, lastEpoch = -1 }: LambdaLROptions) {
    super(optimizer, lastEpoch);
    const n = optimizer.paramGroups.length;
    if (typeof lrLambda === 'function') this.lambdas = Array.from({ length: n }, () => lrLambda);
    else if (lrLambda.length === n) this.lambdas = [...lrLambda];
    else throw new ValueError(`LambdaLR: expected ${n} lrLambda functions (one per group), got ${lrLambda.length}.`);
    this.initialStep();
  }
  protected computeLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lambdas[i](this.lastEpoch));
  }
}

export interface WarmupCosineLROptions {
  warmupSteps: number;
  totalSteps: number;
  /** The final lr as a fraction of the initial one (default 0). */
  minLrRatio?: number;
  lastEpoch?: number;
}

/**
 * Linear warm-up from 0 over `warmupSteps`, then cosine decay to `minLrRatio * initialLr` at
 * `totalSteps` (Hugging Face's `get_cosine_schedule_with_warmup` when `minLrRatio` is 0):
 * factor `t / warmupSteps` while warming up, then `r + (1 - r) * (1 + cos(pi * progress)) / 2`.
 */
export class WarmupCosineLR extends LRScheduler {
  warmupSteps: number;
  totalSteps: number;
  minLrRatio: number;
  constructor(optimizer: HasParamGroups, { warmupSteps, totalSteps, minLrRatio = 0, lastEpoch = -1 }: WarmupCosineLROptions) {
    super(optimizer, lastEpoch);
    if (!(Number.isInteger(warmupSteps) && warmupSteps >= 0)) throw new ValueError(`WarmupCosineLR: warmupSteps must be a non-negative integer, got ${warmupSteps}.`);
    if (!(Number.isInteger(totalSteps) && totalSteps >= warmupSteps)) throw new ValueError(`WarmupCosineLR: totalSteps (${totalSteps}) must be an integer >= warmupSteps (${warmupSteps}).`);
    if (!(minLrRatio >= 0 && minLrRatio <= 1)) throw new ValueError(`WarmupCosineLR: minLrRatio must be in [0, 1], got ${minLrRatio}.`);
    this.warmupSteps = warmupSteps;
    this.totalSteps = totalSteps;
    this.minLrRatio = minLrRatio;
    this.initialStep();
  }
  /** The multiplier on the initial lr at step t. */
  factor(t: number): number {
    if (t < this.warmupSteps) return t / Math.max(1, this.warmupSteps);
    const progress = Math.min(1, (t - this.warmupSteps) / Math.max(1, this.totalSteps - this.warmupSteps));
    const r = this.minLrRatio;
    return r + (1 - r) * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
  }
  protected computeLr(): number[] {
    return this.baseLrs.map((b) => b * this.factor(this.lastEpoch));
  }
}

export interface OneCycleLROptions {
  maxLr: number | readonly number[];
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
  lastEpoch?: number;
}

interface Phase { endStep: number; startLr: string; endLr: string; startMomentum: string; endMomentum: string }

/**
 * The 1cycle policy: lr rises from `maxLr / divFactor` to `maxLr` over `pctStart` of the steps,
 * then anneals to `initialLr / finalDivFactor`; momentum (or Adam's beta1) cycles inversely.
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  useBeta1: boolean;
  phases: Phase[];

  constructor(optimizer: HasParamGroups, options: OneCycleLROptions) {
    const {
      maxLr, totalSteps, epochs, stepsPerEpoch, pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true,
      baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false, lastEpoch = -1,
    } = options;
    const groups = optimizer.paramGroups;
    const perGroup = (name: string, v: number | readonly number[]): number[] => {
      if (typeof v === 'number') return groups.map(() => v);
      if (v.length !== groups.length) throw new ValueError(`OneCycleLR: expected ${groups.length} values for ${name}, got ${v.length}.`);
      return [...v];
    };
    let total: number;
    if (totalSteps !== undefined) {
      if (!(Number.isInteger(totalSteps) && totalSteps > 0)) throw new ValueError(`OneCycleLR: totalSteps must be a positive integer, got ${totalSteps}.`);
      total = totalSteps;
    } else if (epochs !== undefined && stepsPerEpoch !== undefined) {
      if (!(Number.isInteger(epochs) && epochs > 0) || !(Number.isInteger(stepsPerEpoch) && stepsPerEpoch > 0)) {
        throw new ValueError(`OneCycleLR: epochs and stepsPerEpoch must be positive integers, got ${epochs} and ${stepsPerEpoch}.`);
      }
      total = epochs * stepsPerEpoch;
    } else {
      throw new ValueError('OneCycleLR: pass totalSteps, or both epochs and stepsPerEpoch.');
    }
    if (!(pctStart >= 0 && pctStart <= 1)) throw new ValueError(`OneCycleLR: pctStart must be in [0, 1], got ${pctStart}.`);
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') throw new ValueError(`OneCycleLR: annealStrategy must be 'cos' or 'linear', got '${annealStrategy}'.`);
    const maxLrs = perGroup('maxLr', maxLr);
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = g.initialLr / finalDivFactor;
      });
    }
    const useBeta1 = 'betas' in optimizer.defaults;
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !useBeta1) throw new ValueError('OneCycleLR: cycleMomentum needs an optimizer with momentum or betas; pass cycleMomentum: false.');
      const maxM = perGroup('maxMomentum', maxMomentum);
      const baseM = perGroup('baseMomentum', baseMomentum);
      if (lastEpoch === -1) {
        groups.forEach((g, i) => {
          if (useBeta1) g.betas = [maxM[i], (g.betas as number[])[1]];
          else g.momentum = maxM[i];
          g.maxMomentum = maxM[i];
          g.baseMomentum = baseM[i];
        });
      }
    }
    super(optimizer, lastEpoch);
    this.totalSteps = total;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.phases = threePhase
      ? [
          { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * pctStart * total - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  protected computeLr(): number[] {
    const t = this.lastEpoch;
    if (t > this.totalSteps) throw new ValueError(`OneCycleLR: tried to step ${t + 1} times; the schedule has ${this.totalSteps} steps.`);
    return this.groups.map((g) => {
      let start = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const phase = this.phases[i];
        if (t <= phase.endStep || i === this.phases.length - 1) {
          const pct = (t - start) / (phase.endStep - start);
          const lr = this.anneal(g[phase.startLr] as number, g[phase.endLr] as number, pct);
          if (this.cycleMomentum) {
            const m = this.anneal(g[phase.startMomentum] as number, g[phase.endMomentum] as number, pct);
            if (this.useBeta1) g.betas = [m, (g.betas as number[])[1]];
            else g.momentum = m;
          }
          return lr;
        }
        start = phase.endStep;
      }
      return g.lr;
    });
  }
}

export interface SequentialLROptions { schedulers: readonly LRScheduler[]; milestones: readonly number[]; lastEpoch?: number }

/** Run `schedulers[i]` between `milestones[i - 1]` and `milestones[i]` (e.g. warm-up, then decay). */
export class SequentialLR implements Scheduler {
  lastEpoch: number;
  milestones: number[];
  private lastLr: number[];
  readonly schedulers: readonly LRScheduler[];

  constructor(readonly optimizer: HasParamGroups, { schedulers, milestones, lastEpoch = -1 }: SequentialLROptions) {
    if (schedulers.length === 0) throw new ValueError('SequentialLR: expected at least one scheduler.');
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) throw new ValueError(`SequentialLR: scheduler ${i} drives a different optimizer than the one passed in.`);
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new ValueError(`SequentialLR: expected ${schedulers.length - 1} milestones for ${schedulers.length} schedulers, got ${milestones.length}.`);
    }
    this.schedulers = schedulers;
    this.milestones = [...milestones];
    this.lastEpoch = lastEpoch + 1;
    for (const g of optimizer.paramGroups) g.lr = g.initialLr ?? g.lr;
    for (const s of schedulers) s.lastEpoch -= 1;
    (schedulers[0] as unknown as { initialStep(): void }).initialStep();
    this.lastLr = schedulers[0].getLastLr();
  }

  step(): void {
    this.lastEpoch++;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const s = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.stepTo(0);
    else s.step();
    this.lastLr = s.getLastLr();
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): Record<string, unknown> {
    return { ...plainState(this), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  loadStateDict(sd: Record<string, unknown>): void {
    loadPlainState(this, sd, 'SequentialLR');
    const subs = sd.schedulers;
    if (!Array.isArray(subs) || subs.length !== this.schedulers.length) {
      throw new ValueError(`SequentialLR.loadStateDict: expected ${this.schedulers.length} scheduler states, got ${Array.isArray(subs) ? subs.length : typeof subs}.`);
    }
    this.schedulers.forEach((s, i) => s.loadStateDict(subs[i] as Record<string, unknown>));
  }
}

export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number | readonly number[];
  eps?: number;
}

/** Reduce the lr by `factor` when a metric (passed to `step(metric)`) stops improving for `patience` steps. */
export class ReduceLROnPlateau {
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];

  constructor(readonly optimizer: HasParamGroups, options: ReduceLROnPlateauOptions = {}) {
    const { mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = 'rel', cooldown = 0, minLr = 0, eps = 1e-8 } = options;
    if (!(factor < 1)) throw new ValueError(`ReduceLROnPlateau: factor must be < 1, got ${factor}.`);
    if (mode !== 'min' && mode !== 'max') throw new ValueError(`ReduceLROnPlateau: mode must be 'min' or 'max', got '${mode}'.`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new ValueError(`ReduceLROnPlateau: thresholdMode must be 'rel' or 'abs', got '${thresholdMode}'.`);
    const n = optimizer.paramGroups.length;
    if (typeof minLr !== 'number' && minLr.length !== n) throw new ValueError(`ReduceLROnPlateau: expected ${n} minLr values, got ${minLr.length}.`);
    this.minLrs = typeof minLr === 'number' ? Array.from({ length: n }, () => minLr) : [...minLr];
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.eps = eps;
    this.best = mode === 'min' ? Infinity : -Infinity;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** Record this step's metric (e.g. the validation loss) and reduce the lr if it plateaued. */
  step(metric: number): void {
    const current = Number(metric);
    this.lastEpoch++;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const newLr = Math.max(g.lr * this.factor, this.minLrs[i]);
        if (g.lr - newLr > this.eps) g.lr = newLr;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Every field except the optimizer; `best` may be ±Infinity (checkpoints encode it). */
  stateDict(): Record<string, unknown> {
    return plainState(this);
  }

  loadStateDict(sd: Record<string, unknown>): void {
    loadPlainState(this, sd, 'ReduceLROnPlateau');
  }
}
