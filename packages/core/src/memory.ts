/**
 * Deterministic memory: backend buffers are not collected in time by the JS garbage
 * collector, so scopes free every tensor made inside them that is not returned or kept.
 */
import { allLiveStats, createdBackends, type LiveStats, scopeStack } from './runtime.js';
import { Tensor } from './tensor.js';

/** Every tensor found in a returned value: a tensor, or arrays/objects/maps holding tensors. */
function collect(value: unknown, into: Set<Tensor>, seen = new Set<unknown>()): Set<Tensor> {
  if (value instanceof Tensor) {
    into.add(value);
  } else if (value && typeof value === 'object' && !seen.has(value) && !ArrayBuffer.isView(value)) {
    seen.add(value);
    const items = value instanceof Map ? value.values() : Array.isArray(value) ? value : Object.values(value);
    for (const v of items) collect(v, into, seen);
  }
  return into;
}

function openScope(): Set<Tensor> {
  const scope = new Set<Tensor>();
  scopeStack.push(scope);
  return scope;
}

const disposeAll = (tensors: Iterable<Tensor>): void => {
  for (const t of tensors) t.dispose();
};

/**
 * Close `scope`: the tensors it recorded that `result` holds move to the enclosing scope; the
 * rest (created inside, neither returned nor kept) go to `settle`.
 */
function closeScope<T>(scope: Set<Tensor>, result: T, settle: (leftovers: Tensor[], result: T) => void): void {
  const i = scopeStack.lastIndexOf(scope);
  if (i >= 0) scopeStack.splice(i, 1);
  const survivors = collect(result, new Set());
  const parent = scopeStack[scopeStack.length - 1];
  const leftovers: Tensor[] = [];
  for (const t of scope) {
    if (survivors.has(t)) parent?.add(t);
    else leftovers.push(t);
  }
  settle(leftovers, result);
}

/**
 * Run `fn` in a scope of its own and hand `settle` the tensors it created but did not return
 * (returned ones move to the enclosing scope). If `fn` throws, everything it made is disposed.
 * `tidy` disposes the leftovers; composite ops keep them for their backward pass.
 */
export function withScope<T>(fn: () => T, settle: (leftovers: Tensor[], result: T) => void): T {
  const scope = openScope();
  let result: T;
  try {
    result = fn();
  } catch (err) {
    closeScope(scope, undefined, disposeAll);
    throw err;
  }
  closeScope(scope, result, settle);
  return result;
}

/**
 * Run `fn` and dispose every tensor it created except those it returns (which move to the
 * enclosing scope) and those marked with `keep()`. Like `tf.tidy`. Run backward inside.
 */
export function tidy<T>(fn: () => T): T {
  return withScope(fn, (leftovers, result) => {
    disposeAll(leftovers);
    if (result instanceof Promise) throw new TypeError('tidy: fn returned a Promise; use await tidyAsync(fn) for async work.');
  });
}

/**
 * `tidy` for async functions: the scope stays open across `await`. Tensors that unrelated
 * concurrent code creates meanwhile are tracked by this scope too, so do not interleave two
 * independent tidyAsync calls that return tensors the other needs.
 */
export async function tidyAsync<T>(fn: () => Promise<T>): Promise<T> {
  const scope = openScope();
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    closeScope(scope, undefined, disposeAll);
    throw err;
  }
  closeScope(scope, result, disposeAll);
  return result;
}

/** Exempt a tensor from every enclosing tidy scope. */
export function keep<T extends Tensor>(t: T): T {
  return t.keep();
}

/** Dispose every tensor found in `values` (tensors, arrays, objects). */
export function dispose(...values: unknown[]): void {
  for (const t of collect(values, new Set())) t.dispose();
}

export interface BackendMemory extends LiveStats {
  /** What the backend itself counts (for WebGPU: including pooled buffers). */
  backend: { buffers: number; bytes: number } & Record<string, number>;
}

export interface MemoryInfo extends LiveStats {
  backends: Record<string, BackendMemory>;
}

/** Live tensors, buffers and bytes, in total and per backend (with the backend's own count). */
export function memory(): MemoryInfo {
  const per = allLiveStats();
  const total: MemoryInfo = { tensors: 0, buffers: 0, bytes: 0, backends: {} };
  for (const b of createdBackends()) per[b.name] ??= { tensors: 0, buffers: 0, bytes: 0 };
  const byName = new Map(createdBackends().map((b) => [b.name, b]));
  for (const [name, s] of Object.entries(per)) {
    total.tensors += s.tensors;
    total.buffers += s.buffers;
    total.bytes += s.bytes;
    total.backends[name] = { ...s, backend: byName.get(name)?.memory() ?? { buffers: 0, bytes: 0 } };
  }
  return total;
}
