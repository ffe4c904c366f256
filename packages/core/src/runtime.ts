/**
 * All of core's module-level mutable state, in one place: the backend registry, the active
 * backend, the default random generator's state, gradient mode, anomaly mode and the stack
 * of tidy scopes. Everything else in core is stateless.
 */
import type { Backend, BackendFactory } from './backend.js';
import { BackendError } from './errors.js';

interface Registration {
  factory: BackendFactory;
  priority: number;
  instance?: Backend;
  /** An async factory's result while it is being created (so it is only ever created once). */
  pending?: Promise<Backend>;
}

const registry = new Map<string, Registration>();
let active: Backend | null = null;

/**
 * Make a backend available under `name`. Higher `priority` wins when no backend was chosen
 * with {@link setBackend}. Registering a name again replaces the factory.
 */
export function registerBackend(name: string, factory: BackendFactory, priority = 0): void {
  registry.set(name, { factory, priority });
  if (active?.name === name) active = null;
}

/** Names of the registered backends. */
export function listBackends(): string[] {
  return [...registry.keys()];
}

/** Create (once) and activate the backend registered as `name`. */
export async function setBackend(name: string): Promise<Backend> {
  const reg = registry.get(name);
  if (!reg) {
    throw new BackendError(`setBackend: no backend named '${name}' is registered; registered: [${listBackends().join(', ')}]. Import its package first, e.g. import '@tessera/backend-${name}'.`);
  }
  try {
    reg.instance ??= await (reg.pending ??= Promise.resolve(reg.factory()));
  } catch (err) {
    reg.pending = undefined; // let a later call try again
    throw err;
  }
  active = reg.instance;
  return active;
}

/** Activate a backend instance directly (it need not be registered). */
export function use(backend: Backend): Backend {
  active = backend;
  return backend;
}

/**
 * The active backend. When none was chosen, the highest-priority registered backend with a
 * synchronous factory is created and activated.
 */
export function getBackend(): Backend {
  if (active) return active;
  const candidates = [...registry.entries()].sort((a, b) => b[1].priority - a[1].priority);
  for (const [, reg] of candidates) {
    if (reg.instance) return (active = reg.instance);
    if (reg.pending) continue;
    const made = reg.factory();
    if (made instanceof Promise) {
      // Keep it: a later setBackend(name) awaits this one instead of creating a second device.
      reg.pending = made;
      made.catch(() => {});
      continue;
    }
    reg.instance = made;
    return (active = made);
  }
  throw new BackendError(
    candidates.length === 0
      ? "getBackend: no backend is registered; import one, e.g. import '@tessera/backend-cpu'."
      : `getBackend: registered backends [${listBackends().join(', ')}] need async set-up; call await setBackend(name) first.`,
  );
}

// ---- Gradient and anomaly modes ----

let gradEnabled = true;
let anomalyDetection = false;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Set gradient recording on or off; returns the previous setting. */
export function setGradEnabled(on: boolean): boolean {
  const prev = gradEnabled;
  gradEnabled = on;
  return prev;
}

export function isAnomalyDetectionEnabled(): boolean {
  return anomalyDetection;
}

/** When on, every op checks its outputs (forward and backward) for NaN/Inf and throws naming the op. */
export function detectAnomaly(on: boolean): void {
  anomalyDetection = on;
}

// ---- Random generator state ----

/** Philox key and counter of the default generator. */
export const rngState = { seed: 0x2545f491, counter: 0 };

/** Seed the default generator: every backend then draws the same numbers. */
export function manualSeed(seed: number): void {
  rngState.seed = seed >>> 0;
  rngState.counter = 0;
}

/** Snapshot of the generator, for checkpoints. */
export function getRngState(): { seed: number; counter: number } {
  return { ...rngState };
}

export function setRngState(state: { seed: number; counter: number }): void {
  rngState.seed = state.seed >>> 0;
  rngState.counter = state.counter;
}

// ---- Memory scopes (tidy) ----

/** Something a scope can release: a tensor. */
export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
}

/** The stack of open tidy scopes; each records the tensors created inside it. */
export const scopeStack: Set<Disposable>[] = [];

// ---- Live-object accounting, per backend name ----

export interface LiveStats {
  tensors: number;
  buffers: number;
  bytes: number;
}

const live = new Map<string, LiveStats>();

/** The counters for one backend, created on first use. */
export function liveStats(backendName: string): LiveStats {
  let s = live.get(backendName);
  if (!s) live.set(backendName, (s = { tensors: 0, buffers: 0, bytes: 0 }));
  return s;
}

/** Snapshot of every backend's counters. */
export function allLiveStats(): Record<string, LiveStats> {
  const out: Record<string, LiveStats> = {};
  for (const [name, s] of live) out[name] = { ...s };
  return out;
}

/** Backends created so far (registered ones that were instantiated, and any passed to `use`). */
export function createdBackends(): Backend[] {
  const out = new Set<Backend>();
  for (const reg of registry.values()) if (reg.instance) out.add(reg.instance);
  if (active) out.add(active);
  return [...out];
}
