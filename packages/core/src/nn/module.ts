/**
 * `Module`: the base class of every layer. A module's parameters, buffers and submodules are
 * its own enumerable fields, found by value — a {@link Parameter}, a tensor registered with
 * `registerBuffer`, or a `Module` — in the order the fields were defined (integer-like names
 * such as `'0'` come first, in numeric order, as JavaScript orders them). Names follow
 * PyTorch's, so `layers.0.weight` and `weight_ih_l0` in a PyTorch state dict load as they are.
 * Keep a tensor or module out of the tree by holding it in a `#private` field.
 */
import type { Backend } from '../backend.js';
import { noGrad } from '../autograd.js';
import { BackendError, formatShape, ShapeError, ValueError } from '../errors.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { fromArray } from '../ops/creation.js';
import { cast } from '../ops/elementwise.js';

/**
 * A leaf tensor that a module trains: it requires grad (unless frozen) and is kept, so `tidy`
 * scopes never free it. It shares the storage of the tensor it is made from.
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) throw new ValueError(`Parameter: expected a Tensor, got ${data === null ? 'null' : typeof data}.`);
    super(data.storage, data.shape, data.strides, data.offset, data.dtype);
    if (requiresGrad) this.requiresGrad_(true);
    this.keep();
  }
}

/**
 * Copy `src` into `target` in place (same shape; dtype converted), so every holder of `target`
 * — an optimizer, a tied module — sees the new values. Not recorded for autograd.
 */
export function copyInto(target: Tensor, src: Tensor, op = 'copyInto'): void {
  if (!shapesEqual(target.shape, src.shape)) {
    throw new ShapeError(`${op}: cannot copy a tensor of shape ${formatShape(src.shape)} into one of shape ${formatShape(target.shape)}.`);
  }
  if (target.size === 0) return;
  noGrad(() => {
    if (src.backend !== target.backend) {
      const read = src.backend.readSync;
      if (!read || !target.isContiguous) {
        throw new BackendError(`${op}: source lives on backend '${src.backend.name}' and target on '${target.backend.name}'; move the source first (await tensor.data(), then tensor(...)).`);
      }
      const data = read.call(src.backend, src.kernelView());
      const moved = fromArray(data, src.shape, { dtype: src.dtype, backend: target.backend });
      copyInto(target, moved, op);
      moved.dispose();
      return;
    }
    const s = src.dtype === target.dtype ? src : cast(src, target.dtype);
    target.backend.copy(s.kernelView(), target.kernelView());
    if (s !== src) s.dispose();
  });
}

/** A `Module` of any signature, for containers and tree walks (call it through its own type). */
export type AnyModule = Module<never, unknown>;

/** What {@link Module.loadStateDict} reports when not strict. */
export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** A state dict: names to tensors, as a record (insertion-ordered) or a Map. */
export type StateDict = Record<string, Tensor> | Map<string, Tensor>;

/**
 * Base class of layers. Subclasses define `forward`; call a module with `m.call(x)` or
 * `m.forward(x)` (the same thing: there are no hooks).
 *
 * @example
 * class MLP extends nn.Module {
 *   fc1 = new nn.Linear(4, 8);
 *   fc2 = new nn.Linear(8, 2);
 *   forward(x: Tensor) { return this.fc2.call(this.fc1.call(x).relu()); }
 * }
 */
export class Module<Args extends unknown[] = [Tensor], Out = Tensor> {
  /** Training mode (dropout active, batch statistics); see {@link train} and {@link eval}. */
  training = true;
  /** Buffer names -> persistent (included in the state dict). */
  readonly #buffers = new Map<string, boolean>();

  /** The module's computation. */
  forward(..._args: Args): Out {
    throw new ValueError(`${this.constructor.name}: forward() is not implemented.`);
  }

  /** Run `forward`: `model.call(x)` reads like PyTorch's `model(x)`. */
  call(...args: Args): Out {
    return this.forward(...args);
  }

  // ---- Registration ----

  /** Set field `name` to a parameter (wrapping a plain tensor in {@link Parameter}); null clears it. */
  registerParameter(name: string, value: Tensor | null): Parameter | null {
    checkName('registerParameter', name);
    const p = value === null || value instanceof Parameter ? value : new Parameter(value, value.dtype === 'float32');
    (this as Record<string, unknown>)[name] = p;
    return p;
  }

  /**
   * Set field `name` to a buffer: state that is not trained (BatchNorm running statistics).
   * Persistent buffers appear in the state dict. The tensor is kept out of `tidy` scopes.
   */
  registerBuffer(name: string, value: Tensor | null, { persistent = true }: { persistent?: boolean } = {}): Tensor | null {
    checkName('registerBuffer', name);
    value?.keep();
    this.#buffers.set(name, persistent);
    (this as Record<string, unknown>)[name] = value;
    return value;
  }

  /** Set field `name` to a submodule. */
  registerModule<M extends AnyModule | null>(name: string, module: M): M {
    checkName('registerModule', name);
    (this as Record<string, unknown>)[name] = module;
    return module;
  }

  /** This module's own (name, value) slots; containers with their own ordering override it. */
  protected ownEntries(): [string, unknown][] {
    return Object.entries(this);
  }

  #isBuffer(name: string): boolean {
    return this.#buffers.has(name);
  }

  // ---- Walking the tree ----

  /** Immediate submodules with their field names. */
  *namedChildren(): Generator<[string, AnyModule]> {
    const seen = new Set<AnyModule>();
    for (const [name, v] of this.ownEntries()) {
      if (v instanceof Module && !seen.has(v)) {
        seen.add(v);
        yield [name, v];
      }
    }
  }

  *children(): Generator<AnyModule> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /** This module and every descendant, depth first, each once, with dotted names ('' for this one). */
  *namedModules(prefix = '', memo = new Set<AnyModule>()): Generator<[string, AnyModule]> {
    if (memo.has(this)) return;
    memo.add(this);
    yield [prefix, this];
    for (const [name, child] of this.ownEntries()) {
      if (child instanceof Module) yield* child.namedModules(prefix ? `${prefix}.${name}` : name, memo);
    }
  }

  *modules(): Generator<AnyModule> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** Parameters with dotted names, each tensor once (a tied weight appears under its first name). */
  *namedParameters({ prefix = '', recurse = true }: { prefix?: string; recurse?: boolean } = {}): Generator<[string, Parameter]> {
    const seen = new Set<Tensor>();
    const mods: Iterable<[string, AnyModule]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [modName, m] of mods) {
      for (const [name, v] of m.ownEntries()) {
        if (v instanceof Parameter && !seen.has(v)) {
          seen.add(v);
          yield [modName ? `${modName}.${name}` : name, v];
        }
      }
    }
  }

  /** Every parameter, each once; what an optimizer takes. */
  parameters(options: { recurse?: boolean } = {}): Parameter[] {
    return [...this.namedParameters(options)].map(([, p]) => p);
  }

  /** Buffers with dotted names (persistent and not), each once. */
  *namedBuffers({ prefix = '', recurse = true }: { prefix?: string; recurse?: boolean } = {}): Generator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    const mods: Iterable<[string, AnyModule]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [modName, m] of mods) {
      for (const [name, v] of m.ownEntries()) {
        if (v instanceof Tensor && !(v instanceof Parameter) && m.#isBuffer(name) && !seen.has(v)) {
          seen.add(v);
          yield [modName ? `${modName}.${name}` : name, v];
        }
      }
    }
  }

  buffers(options: { recurse?: boolean } = {}): Tensor[] {
    return [...this.namedBuffers(options)].map(([, b]) => b);
  }

  /** Number of parameter elements (only those requiring grad with `{ trainable: true }`). */
  numParameters({ trainable = false }: { trainable?: boolean } = {}): number {
    return this.parameters().reduce((n, p) => n + (trainable && !p.requiresGrad ? 0 : p.size), 0);
  }

  /** Call `fn` on every submodule (children first) and then on this one, like PyTorch. */
  apply(fn: (m: AnyModule) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /** The submodule at a dotted path such as `'layers.0'` ('' is this module). */
  getSubmodule(target: string): AnyModule {
    if (target === '') return this;
    let m: AnyModule = this;
    for (const part of target.split('.')) {
      const next = m.ownEntries().find(([n]) => n === part)?.[1];
      if (!(next instanceof Module)) throw new ValueError(`getSubmodule: ${m.constructor.name} has no submodule '${part}' (path '${target}').`);
      m = next;
    }
    return m;
  }

  /** The parameter at a dotted path such as `'layers.0.weight'`. */
  getParameter(target: string): Parameter {
    const cut = target.lastIndexOf('.');
    const owner = this.getSubmodule(cut < 0 ? '' : target.slice(0, cut));
    const name = target.slice(cut + 1);
    const p = owner.ownEntries().find(([n]) => n === name)?.[1];
    if (!(p instanceof Parameter)) throw new ValueError(`getParameter: ${owner.constructor.name} has no parameter '${name}' (path '${target}').`);
    return p;
  }

  // ---- Modes and gradients ----

  /** Set training mode on this module and every descendant. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: dropout off, normalisation uses running statistics. */
  eval(): this {
    return this.train(false);
  }

  /** Freeze (`false`) or unfreeze every parameter. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Drop every parameter's gradient (PyTorch's `set_to_none` behaviour). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  // ---- State dicts ----

  /**
   * Names to tensors for every parameter and persistent buffer, with dotted PyTorch names.
   * The tensors are detached views sharing the module's storage (disposing them is safe;
   * writing into them changes the module).
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    this.#collectState('', out, new Set());
    return out;
  }

  #collectState(prefix: string, out: Record<string, Tensor>, memo: Set<AnyModule>): void {
    if (memo.has(this)) return;
    memo.add(this);
    // PyTorch's order: own parameters, then own buffers, then each child's entries.
    const entries = this.ownEntries();
    for (const [name, v] of entries) if (v instanceof Parameter) out[prefix + name] = v.detach();
    for (const [name, v] of entries) {
      if (v instanceof Tensor && !(v instanceof Parameter) && this.#buffers.get(name) === true) out[prefix + name] = v.detach();
    }
    for (const [name, v] of entries) if (v instanceof Module) v.#collectState(`${prefix + name}.`, out, memo);
  }

  /** The tensors a state dict holds for this module, by key (parameters and persistent buffers). */
  #stateTargets(): Map<string, Tensor> {
    const targets = new Map<string, Tensor>();
    const walk = (m: AnyModule, prefix: string, memo: Set<AnyModule>) => {
      if (memo.has(m)) return;
      memo.add(m);
      for (const [name, v] of m.ownEntries()) {
        const key = prefix + name;
        if (v instanceof Parameter || (v instanceof Tensor && m.#buffers.get(name) === true)) targets.set(key, v as Tensor);
        else if (v instanceof Module) walk(v, `${key}.`, memo);
      }
    };
    walk(this, '', new Set());
    return targets;
  }

  /**
   * Copy a state dict's values into this module's parameters and buffers in place (optimizers
   * keep their references). Strict (the default) throws on missing or unexpected keys; shape
   * mismatches always throw. Nothing is copied unless every check passes.
   */
  loadStateDict(stateDict: StateDict, { strict = true }: { strict?: boolean } = {}): LoadResult {
    const entries = stateDict instanceof Map ? [...stateDict.entries()] : Object.entries(stateDict);
    const source = new Map(entries);
    const targets = this.#stateTargets();
    const missingKeys = [...targets.keys()].filter((k) => !source.has(k));
    const unexpectedKeys = [...source.keys()].filter((k) => !targets.has(k));
    const mismatches: string[] = [];
    const badTypes: string[] = [];
    for (const [key, target] of targets) {
      const src = source.get(key);
      if (!src) continue;
      if (!(src instanceof Tensor)) badTypes.push(`${key} is ${src === null ? 'null' : typeof src}, not a Tensor`);
      else if (!shapesEqual(src.shape, target.shape)) mismatches.push(`${key}: checkpoint ${formatShape(src.shape)}, model ${formatShape(target.shape)}`);
    }
    const problems: string[] = [];
    if (strict && missingKeys.length) problems.push(`missing keys: ${missingKeys.join(', ')}`);
    if (strict && unexpectedKeys.length) problems.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
    if (mismatches.length) problems.push(`shape mismatches: ${mismatches.join('; ')}`);
    if (badTypes.length) problems.push(`bad values: ${badTypes.join('; ')}`);
    if (problems.length) {
      const message = `loadStateDict: ${this.constructor.name} cannot load the state dict; ${problems.join('. ')}.`;
      throw mismatches.length ? new ShapeError(message) : new ValueError(message);
    }
    for (const [key, target] of targets) {
      const src = source.get(key);
      if (src) copyInto(target, src, `loadStateDict (${key})`);
    }
    return { missingKeys, unexpectedKeys };
  }

  // ---- Moving ----

  /**
   * Move every parameter and buffer to `backend` (new tensors; gradients dropped). Create the
   * optimizer after moving. Needs a source backend that reads synchronously.
   */
  to(backend: Backend): this {
    // One replacement per tensor, so tied weights stay tied.
    const moved = new Map<Tensor, Tensor>();
    for (const m of this.modules()) {
      for (const [name, v] of m.ownEntries()) {
        if (!(v instanceof Tensor) || v.backend === backend) continue;
        const isParam = v instanceof Parameter;
        if (!isParam && !m.#buffers.has(name)) continue;
        let replacement = moved.get(v);
        if (!replacement) {
          if (!v.backend.readSync) throw new BackendError(`Module.to: backend '${v.backend.name}' reads asynchronously; move tensors with await tensor.data() instead.`);
          const copy = fromArray(v.backend.readSync(v.kernelView()), v.shape, { dtype: v.dtype, backend });
          replacement = isParam ? new Parameter(copy, v.requiresGrad) : copy.keep();
          if (isParam) copy.dispose();
          moved.set(v, replacement);
        }
        (m as unknown as Record<string, unknown>)[name] = replacement;
      }
    }
    for (const old of moved.keys()) {
      old.zeroGrad();
      old.dispose();
    }
    return this;
  }

  // ---- Printing ----

  /** Extra text shown between the parentheses of `toString()`, like PyTorch's `extra_repr`. */
  extraRepr(): string {
    return '';
  }

  toString(): string {
    const kids = [...this.namedChildren()];
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (kids.length === 0) return `${head})`;
    const body = kids.map(([n, m]) => `  (${n}): ${m.toString().replace(/\n/g, '\n  ')}`).join('\n');
    return `${head}\n${body}\n)`;
  }
}

function checkName(op: string, name: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new ValueError(`${op}: name must be a non-empty string without dots, got ${JSON.stringify(name)}.`);
  }
}
