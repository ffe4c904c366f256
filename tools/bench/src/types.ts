/**
 * The shapes the harness passes around: suites and their cases, the contestants (our
 * backends and the peers), prepared workloads, and the records written out.
 */
import type { Backend } from '@tessera/core';
import type { TfModule } from './peers/tfjs.js';

/** One problem size of a suite. */
export interface CaseSpec {
  /** Short label, unique within the suite: `N=512`, `b128`. */
  readonly name: string;
  /** The numbers that define the case; also sent to the Python peers. */
  readonly params: Readonly<Record<string, number>>;
  /** Floating-point operations one run performs (multiply-add = 2), for GFLOP/s. */
  readonly flops?: number;
  /** Tokens one run processes, for tokens/s. */
  readonly tokens?: number;
  /** The x value of the scaling plot (matmul N, mlp batch size). */
  readonly size?: number;
}

/**
 * One prepared problem on one contestant. `run` does one timed unit of work and resolves
 * only when its result is complete (data read back); it may return its own in-process
 * timing in ms (the Python peers do, so pipe latency is not counted).
 */
export interface Workload {
  /** Untimed work before each run, e.g. switching the active TensorFlow.js backend. */
  before?(): Promise<void> | void;
  run(): Promise<number | void>;
  dispose(): Promise<void> | void;
}

/** Raised by a suite or contestant that cannot run a case; reported, never fatal. */
export class Unavailable extends Error {
  override readonly name = 'Unavailable';
}

/** What a suite's Tessera implementation receives. */
export interface TesseraContext {
  backend: Backend;
}

/** What a suite's TensorFlow.js implementation receives. */
export interface TfjsContext {
  tf: TfModule;
  /** The tfjs backend name: `cpu`, `wasm`, `webgpu`, `tensorflow`. */
  tfBackend: string;
}

/**
 * A suite: its cases and one implementation per engine family. The Python peers (torch,
 * numpy) run `assets/python/suites/<python>.py`, named by `python` (defaults to `name`
 * with '-' as '_'). A suite that cannot run yet sets `unavailable`.
 */
export interface Suite {
  readonly name: string;
  /** One line for the report: what is measured. */
  readonly description: string;
  /** Set when the suite cannot run at all yet; the reason is reported. */
  readonly unavailable?: string;
  /** Parameter swept on the scaling plot, when there is one. */
  readonly scaling?: { readonly param: string; readonly label: string };
  /** The cases, with `overrides` (from `--param K=v1,v2`) replacing the defaults of a parameter. */
  cases(overrides: Readonly<Record<string, readonly number[]>>): CaseSpec[];
  tessera?(c: CaseSpec, ctx: TesseraContext): Promise<Workload> | Workload;
  tfjs?(c: CaseSpec, ctx: TfjsContext): Promise<Workload> | Workload;
  /** Python module under assets/python/suites, or null when the Python peers do not take part. */
  readonly python?: string | null;
}

export type ContestantKind = 'backend' | 'peer';

/** Something that is timed: one of our backends or one peer. */
export interface Contestant {
  /** `cpu`, `webgpu`, `tfjs`, `tfjs-wasm`, `torch`, `numpy`... */
  readonly id: string;
  readonly kind: ContestantKind;
  /** Threads it computes with, as far as it can tell. */
  readonly threads: number;
  /** Where it computes; GPU results are not read against the CPU's FMA peak. */
  readonly device?: 'cpu' | 'gpu';
  /** Free-form detail for the report: version, adapter, BLAS kernel. */
  readonly detail: string;
  prepare(suite: Suite, c: CaseSpec): Promise<Workload>;
  close(): Promise<void> | void;
}

/** A contestant that could not be set up, with the reason. */
export interface Absent {
  readonly id: string;
  readonly kind: ContestantKind;
  readonly reason: string;
}

/** One measured (suite, case, contestant). Times in milliseconds. */
export interface BenchRecord {
  suite: string;
  case: string;
  backend?: string;
  peer?: string;
  threads: number;
  median_ms: number;
  p10_ms: number;
  p90_ms: number;
  runs: number;
  gflops?: number;
  tokens_per_s?: number;
  /** GFLOP/s over the measured FMA peak of `threads` cores (0..1); CPU contestants. */
  fraction_of_fma_peak?: number;
  /** GFLOP/s over the WebGPU adapter's measured FMA peak (0..1); GPU contestants. */
  fraction_of_adapter_peak?: number;
  /** The x value of the scaling plot. */
  size?: number;
  /** Set when fewer runs than asked were made (one run was slower than --max-run-s). */
  note?: string;
}

/** A (suite, case, contestant) that produced no timing, and why. */
export interface UnavailableRecord {
  suite: string;
  case?: string;
  backend?: string;
  peer?: string;
  reason: string;
}

/** The machine's measured physical limits. */
export interface PeakInfo {
  /** GFLOP/s of independent float32 FMA chains (AVX2, 8 lanes), one thread. */
  fma_gflops_1t?: number;
  /** The same on every core at once. */
  fma_gflops_all?: number;
  fma_threads?: number;
  /** Which instructions gave the peak figure. */
  fma_isa?: string;
  avx2_fma_gflops_1t?: number;
  avx512_fma_gflops_1t?: number;
  /** Copy bandwidth in GB/s (bytes read + bytes written), one thread, native memcpy. */
  copy_gbs_native_1t?: number;
  copy_gbs_native_all?: number;
  /** Copy bandwidth through TypedArray.set in Node, one thread. */
  copy_gbs_js_1t: number;
  /** Why the native figures are missing, when they are. */
  notice?: string;
}

/** A WebGPU adapter's float32 FMA throughput, from assets/peak.wgsl. */
export interface GpuPeakInfo {
  adapter: string;
  /** A CPU emulation (SwiftShader): the figure is that of the CPU running it. */
  emulated: boolean;
  fma_gflops: number;
  /** The dispatch that gave it: workgroups of 256 invocations, loop iterations, best time. */
  workgroups: number;
  iterations: number;
  best_ms: number;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memory_gib: number;
  node: string;
  platform: string;
  flags: string[];
  /** 1-minute load average when the run started and when it finished: how busy the shared machine was. */
  load_start: number;
  load_end?: number;
}

/** Everything one invocation produced: what `--json` writes. */
export interface BenchReport {
  command: string;
  started: string;
  finished: string;
  machine: MachineInfo;
  peak: PeakInfo | null;
  /** The WebGPU adapter's peak, when a GPU contestant ran; a notice when it could not be measured. */
  gpu_peak?: GpuPeakInfo | { notice: string } | null;
  options: Record<string, unknown>;
  contestants: { id: string; kind: ContestantKind; threads: number; detail: string }[];
  absent: Absent[];
  records: BenchRecord[];
  unavailable: UnavailableRecord[];
  suites: { name: string; description: string; scaling?: { param: string; label: string } }[];
}
