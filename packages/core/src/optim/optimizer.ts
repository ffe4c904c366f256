/**
 * The optimizer base: parameter groups, per-parameter state, in-place updates, state dicts.
 *
 * Updates follow PyTorch's single-tensor (`foreach=False`) code op for op, composed from core
 * ops under `noGrad` inside a `tidy` scope, and are written back into each parameter's own
 * buffer, so modules and optimizers keep holding the same tensors.
 */
import { enableGrad, noGrad } from '../autograd.js';
import { BackendError, formatShape, ValueError } from '../errors.js';
import { tidy } from '../memory.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { fromArray } from '../ops/creation.js';
import { clone } from '../ops/views.js';

/** Per-parameter optimizer state: tensors (moments, buffers) and numbers (step counts). */
export type ParamState = Record<string, Tensor | number>;

/**
 * One parameter group: its parameters and the hyper-parameters that apply to them.
 * Schedulers read and write `lr` (and record `initialLr`); other keys they add live here too,
 * as in PyTorch's `param_groups` dicts.
 */
export interface BaseParamGroup {
  params: Tensor[];
  lr: number;
  /** Set by LR schedulers: the learning rate a schedule starts from. */
  initialLr?: number;
  [key: string]: unknown;
}

export type ParamGroup<H> = BaseParamGroup & H;

/** What a constructor accepts for one group: its parameters and any hyper-parameters to override. */
export type ParamGroupSpec<H> = { params: Iterable<Tensor> } & Partial<H> & Record<string, unknown>;

/** Either a flat list of parameters (one group) or a list of groups. */
export type ParamsArg<H> = Iterable<Tensor> | readonly ParamGroupSpec<H>[];

/**
 * A serialisable snapshot, like PyTorch's `optimizer.state_dict()`: state keyed by the
 * parameter's index in group order, and each group's hyper-parameters with `params` as indices.
 * The tensors are the optimizer's own (references, not copies): do not dispose them.
 */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

/** Anything with parameter groups: what LR schedulers drive. */
export interface HasParamGroups {
  readonly paramGroups: BaseParamGroup[];
  readonly defaults: Readonly<Record<string, unknown>>;
}

/** Write `value` into `target`'s buffer (same shape); `target` keeps its identity. */
export function assign(target: Tensor, value: Tensor): void {
  if (!shapesEqual(target.shape, value.shape) || target.dtype !== value.dtype) {
    throw new ValueError(`assign: cannot write ${formatShape(value.shape)} ${value.dtype} into ${formatShape(target.shape)} ${target.dtype}.`);
  }
  if (target.size > 0) target.backend.copy(value.kernelView(), target.kernelView());
}

/** A kept, dense copy of `t` on `like`'s backend (moving it across backends when needed). */
export function copyLike(t: Tensor, like: Tensor): Tensor {
  if (t.backend === like.backend) return noGrad(() => clone(t)).keep();
  if (!t.backend.readSync) {
    throw new BackendError(`copyLike: tensor on '${t.backend.name}' must be read asynchronously before moving it to '${like.backend.name}'; load it onto '${like.backend.name}' instead.`);
  }
  return fromArray(t.dataSync(), t.shape, { dtype: t.dtype, backend: like.backend }).keep();
}

/**
 * For {@link Optimizer.checkState}: a stepped state (`step` set) needs a step count that is a
 * non-negative integer and a tensor for each of `tensors`.
 */
export function missingState(state: ParamState, tensors: readonly string[]): string | undefined {
  if (state.step === undefined) {
    // Never stepped: the next step initialises everything (and would drop tensors given here).
    const given = Object.keys(state).filter((k) => state[k] instanceof Tensor);
    return given.length ? `has tensors ${given.map((k) => `'${k}'`).join(', ')} but no step count` : undefined;
  }
  if (!(Number.isInteger(state.step) && (state.step as number) >= 0)) return `has step ${String(state.step)}; expected a non-negative integer`;
  const missing = tensors.filter((k) => !(state[k] instanceof Tensor));
  return missing.length ? `has no tensor ${missing.map((k) => `'${k}'`).join(', ')}` : undefined;
}

function isTensorIterable(params: ParamsArg<unknown>): params is Iterable<Tensor> {
  return !Array.isArray(params) || params.length === 0 || params[0] instanceof Tensor;
}

/**
 * Base class of every optimizer. Subclasses implement {@link Optimizer.updateParam}, which
 * runs under `noGrad` inside one `tidy` scope per step: temporaries are freed, state tensors
 * are `keep()`-ed, and parameters are written in place with {@link assign}.
 */
export abstract class Optimizer<H extends { lr: number } = { lr: number }> implements HasParamGroups {
  readonly defaults: Readonly<H>;
  readonly paramGroups: ParamGroup<H>[] = [];
  /** State per parameter, created on its first step. */
  readonly state = new Map<Tensor, ParamState>();

  constructor(params: ParamsArg<H>, defaults: H, private readonly opName: string) {
    this.defaults = { ...defaults };
    const specs: ParamGroupSpec<H>[] = isTensorIterable(params as ParamsArg<unknown>)
      ? [{ params: params as Iterable<Tensor> } as ParamGroupSpec<H>]
      : [...(params as readonly ParamGroupSpec<H>[])];
    for (const spec of specs) this.addParamGroup(spec);
    if (this.paramGroups.every((g) => g.params.length === 0)) throw new ValueError(`${opName}: got an empty parameter list.`);
  }

  /** Add a group; hyper-parameters it omits come from the defaults. */
  addParamGroup(spec: ParamGroupSpec<H>): void {
    if (!spec || typeof spec !== 'object' || !spec.params) {
      throw new ValueError(`${this.opName}: a parameter group must be an object with a 'params' list.`);
    }
    const params = spec.params instanceof Tensor ? [spec.params] : [...spec.params];
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new ValueError(`${this.opName}: parameters must be Tensors, got ${p === null ? 'null' : typeof p}.`);
      if (!p.isLeaf) throw new ValueError(`${this.opName}: cannot optimize a non-leaf tensor ${formatShape(p.shape)}; optimize the leaf it was computed from, or detach() it.`);
      if (p.dtype !== 'float32') throw new ValueError(`${this.opName}: parameters must be float32, got ${p.dtype} ${formatShape(p.shape)}.`);
      if (seen.has(p)) throw new ValueError(`${this.opName}: parameter ${formatShape(p.shape)}${p.name ? ` '${p.name}'` : ''} appears in more than one group (or twice in one).`);
      seen.add(p);
    }
    const group = { ...structuredClone(this.defaults), ...spec, params } as ParamGroup<H>;
    this.checkHyper(group);
    this.paramGroups.push(group);
  }

  /** Validate a group's hyper-parameters; subclasses extend. */
  protected checkHyper(group: ParamGroup<H>): void {
    if (!(group.lr >= 0)) throw new ValueError(`${this.opName}: invalid learning rate ${group.lr}; expected lr >= 0.`);
  }

  /**
   * One optimization step over every parameter that has a gradient. With a closure (which
   * recomputes the loss and calls backward), it is run first, with grad enabled, and its
   * result returned.
   */
  step<T>(closure?: () => T): T | undefined {
    const result = closure ? enableGrad(closure) : undefined;
    noGrad(() =>
      tidy(() => {
        for (const group of this.paramGroups) {
          for (const p of group.params) {
            if (!p.grad) continue;
            if (p.grad.backend !== p.backend) {
              throw new BackendError(`${this.opName}: parameter ${formatShape(p.shape)} lives on '${p.backend.name}' but its gradient on '${p.grad.backend.name}'.`);
            }
            if (!shapesEqual(p.grad.shape, p.shape)) {
              throw new ValueError(`${this.opName}: gradient ${formatShape(p.grad.shape)} does not match parameter ${formatShape(p.shape)}.`);
            }
            let state = this.state.get(p);
            if (!state) this.state.set(p, (state = {}));
            this.updateParam(p, p.grad, group, state);
          }
        }
      }),
    );
    return result;
  }

  /** Update one parameter in place. Runs under noGrad inside the step's tidy scope. */
  protected abstract updateParam(param: Tensor, grad: Tensor, group: ParamGroup<H>, state: ParamState): void;

  /**
   * Drop every parameter's gradient (`setToNone`, the default, frees it), or fill it with
   * zeros in place.
   */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (!p.grad) continue;
        if (setToNone) p.zeroGrad();
        else if (p.grad.size > 0) p.grad.backend.fill(p.grad.kernelView(), 0);
      }
    }
  }

  /** State and hyper-parameters, for checkpoints (see {@link OptimizerStateDict}). */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...hyper } = g;
      return {
        ...structuredClone(hyper),
        params: params.map((p) => {
          if (!index.has(p)) index.set(p, index.size);
          return index.get(p)!;
        }),
      };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, paramGroups };
  }

  /**
   * Restore a {@link Optimizer.stateDict} snapshot: hyper-parameters replace the groups' own
   * (parameters stay), state tensors are copied (onto each parameter's backend), so the source
   * may be disposed afterwards. A resumed run then continues bit for bit.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    if (!sd || !Array.isArray(sd.paramGroups) || typeof sd.state !== 'object' || sd.state === null) {
      throw new ValueError(`${this.opName}.loadStateDict: expected { state, paramGroups }, got ${JSON.stringify(Object.keys(sd ?? {}))}.`);
    }
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new ValueError(`${this.opName}.loadStateDict: the state dict has ${sd.paramGroups.length} parameter groups, this optimizer ${this.paramGroups.length}.`);
    }
    const byIndex = new Map<number, Tensor>();
    sd.paramGroups.forEach((saved, gi) => {
      const own = this.paramGroups[gi];
      if (!saved || typeof saved !== 'object') {
        throw new ValueError(`${this.opName}.loadStateDict: parameter group ${gi} must be an object, got ${saved === null ? 'null' : typeof saved}.`);
      }
      if (!Array.isArray(saved.params) || saved.params.length !== own.params.length) {
        throw new ValueError(`${this.opName}.loadStateDict: group ${gi} has ${saved.params?.length} parameters in the state dict, ${own.params.length} here.`);
      }
      saved.params.forEach((idx, k) => byIndex.set(idx, own.params[k]));
      const { params: _params, ...hyper } = saved;
      this.checkHyper({ ...own, ...hyper, params: own.params }); // e.g. lr: 'x' would poison every step
    });
    // Validate everything before changing anything.
    const incoming = new Map<Tensor, ParamState>();
    for (const [key, entry] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(key));
      if (!p) throw new ValueError(`${this.opName}.loadStateDict: state for parameter index ${key}, which no group lists.`);
      if (!entry || typeof entry !== 'object') throw new ValueError(`${this.opName}.loadStateDict: state of parameter ${key} must be an object, got ${entry === null ? 'null' : typeof entry}.`);
      for (const [name, v] of Object.entries(entry)) {
        if (v instanceof Tensor) {
          if (v.isDisposed) throw new ValueError(`${this.opName}.loadStateDict: state '${name}' of parameter ${key} was disposed.`);
          if (!shapesEqual(v.shape, p.shape)) {
            throw new ValueError(`${this.opName}.loadStateDict: state '${name}' of parameter ${key} has shape ${formatShape(v.shape)}, the parameter ${formatShape(p.shape)}.`);
          }
          if (v.dtype !== p.dtype) {
            throw new ValueError(`${this.opName}.loadStateDict: state '${name}' of parameter ${key} is ${v.dtype}, the parameter ${p.dtype}.`);
          }
        } else if (typeof v !== 'number') {
          throw new ValueError(`${this.opName}.loadStateDict: state '${name}' of parameter ${key} must be a Tensor or a number, got ${typeof v}.`);
        }
      }
      const problem = this.checkState(entry);
      if (problem) throw new ValueError(`${this.opName}.loadStateDict: state of parameter ${key} ${problem}.`);
      incoming.set(p, entry);
    }
    for (const s of this.state.values()) for (const v of Object.values(s)) if (v instanceof Tensor) v.dispose();
    this.state.clear();
    for (const [p, entry] of incoming) {
      const s: ParamState = {};
      for (const [name, v] of Object.entries(entry)) s[name] = v instanceof Tensor ? copyLike(v, p) : v;
      this.state.set(p, s);
    }
    sd.paramGroups.forEach((saved, gi) => {
      const { params: _ignored, ...hyper } = saved;
      Object.assign(this.paramGroups[gi], structuredClone(hyper));
    });
  }

  /**
   * What is wrong with one parameter's incoming state (a {@link loadStateDict} entry), or
   * undefined: subclasses name the entries their update reads, so a truncated or corrupt
   * checkpoint fails on load instead of with a TypeError at the next step.
   */
  protected checkState(_state: ParamState): string | undefined {
    return undefined;
  }

  /** Free every state tensor (the optimizer can still step; state is recreated). */
  dispose(): void {
    for (const s of this.state.values()) for (const v of Object.values(s)) if (v instanceof Tensor) v.dispose();
    this.state.clear();
  }
}
