/**
 * Containers: Sequential, ModuleList, ModuleDict. Children are named '0', '1', ... (or by
 * key), so state-dict keys read `layers.0.weight`, as in PyTorch.
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { type AnyModule, Module } from './module.js';

/** A module that maps one tensor to one tensor: what Sequential chains. */
export type TensorModule = Module<[Tensor], Tensor>;

function indexOf(op: string, i: number, length: number): number {
  const j = i < 0 ? i + length : i;
  if (!Number.isInteger(j) || j < 0 || j >= length) throw new ValueError(`${op}: index ${i} is out of range for ${length} modules.`);
  return j;
}

/** An indexable list of submodules, named '0', '1', ... in the tree. */
export class ModuleList<M extends AnyModule = AnyModule> extends Module<never, never> {
  #length = 0;

  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  get length(): number {
    return this.#length;
  }

  /** The module at `i` (negative counts from the end). */
  get(i: number): M {
    return (this as unknown as Record<string, M>)[String(indexOf('ModuleList.get', i, this.#length))];
  }

  set(i: number, m: M): void {
    this.#check(m);
    this.registerModule(String(indexOf('ModuleList.set', i, this.#length)), m);
  }

  append(m: M): this {
    this.#check(m);
    this.registerModule(String(this.#length++), m);
    return this;
  }

  extend(ms: Iterable<M>): this {
    for (const m of ms) this.append(m);
    return this;
  }

  /** Insert before `i`, renumbering the rest. */
  insert(i: number, m: M): this {
    const items = [...this];
    const j = i < 0 ? Math.max(0, items.length + i) : Math.min(i, items.length);
    items.splice(j, 0, m);
    this.#reset(items);
    return this;
  }

  /** Remove and return the module at `i`, renumbering the rest. */
  pop(i = -1): M {
    const items = [...this];
    const [m] = items.splice(indexOf('ModuleList.pop', i, items.length), 1);
    this.#reset(items);
    return m;
  }

  #reset(items: M[]): void {
    for (let k = 0; k < this.#length; k++) delete (this as unknown as Record<string, unknown>)[String(k)];
    this.#length = 0;
    for (const m of items) this.append(m);
  }

  #check(m: unknown): void {
    if (!(m instanceof Module)) throw new ValueError(`${this.constructor.name}: expected a Module, got ${m === null ? 'null' : typeof m}.`);
  }

  *[Symbol.iterator](): Iterator<M> {
    for (let k = 0; k < this.#length; k++) yield this.get(k);
  }

  override forward(): never {
    throw new ValueError(`${this.constructor.name}: a ModuleList has no forward(); iterate over it and call its modules.`);
  }
}

/** Modules applied one after another: `new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 1))`. */
export class Sequential extends Module {
  #length = 0;

  constructor(...modules: TensorModule[]) {
    super();
    for (const m of modules) this.append(m);
  }

  get length(): number {
    return this.#length;
  }

  get(i: number): TensorModule {
    return (this as unknown as Record<string, TensorModule>)[String(indexOf('Sequential.get', i, this.#length))];
  }

  append(m: TensorModule): this {
    if (!(m instanceof Module)) throw new ValueError(`Sequential: expected a Module, got ${m === null ? 'null' : typeof m}.`);
    this.registerModule(String(this.#length++), m);
    return this;
  }

  *[Symbol.iterator](): Iterator<TensorModule> {
    for (let k = 0; k < this.#length; k++) yield this.get(k);
  }

  override forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this) y = m.call(y);
    return y;
  }
}

/** Submodules by string key, in insertion order. */
export class ModuleDict<M extends AnyModule = AnyModule> extends Module<never, never> {
  readonly #modules = new Map<string, M>();

  constructor(modules: Record<string, M> | Iterable<[string, M]> = {}) {
    super();
    const entries = Symbol.iterator in modules ? [...(modules as Iterable<[string, M]>)] : Object.entries(modules);
    for (const [k, m] of entries) this.set(k, m);
  }

  protected override ownEntries(): [string, unknown][] {
    return [...Object.entries(this), ...this.#modules.entries()];
  }

  get size(): number {
    return this.#modules.size;
  }

  get(key: string): M {
    const m = this.#modules.get(key);
    if (!m) throw new ValueError(`ModuleDict: no module under '${key}'; keys: [${[...this.#modules.keys()].join(', ')}].`);
    return m;
  }

  has(key: string): boolean {
    return this.#modules.has(key);
  }

  set(key: string, m: M): this {
    if (typeof key !== 'string' || key === '' || key.includes('.')) throw new ValueError(`ModuleDict: key must be a non-empty string without dots, got ${JSON.stringify(key)}.`);
    if (!(m instanceof Module)) throw new ValueError(`ModuleDict: expected a Module under '${key}', got ${m === null ? 'null' : typeof m}.`);
    this.#modules.set(key, m);
    return this;
  }

  delete(key: string): boolean {
    return this.#modules.delete(key);
  }

  keys(): IterableIterator<string> {
    return this.#modules.keys();
  }

  values(): IterableIterator<M> {
    return this.#modules.values();
  }

  entries(): IterableIterator<[string, M]> {
    return this.#modules.entries();
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.#modules.keys();
  }

  override forward(): never {
    throw new ValueError('ModuleDict: a ModuleDict has no forward(); call its modules.');
  }
}
