/** One invocation: measure the peaks, load the contestants, run every case of every suite. */
import { loadavg } from 'node:os';
import { ValueError } from '@tessera/core';
import { machineInfo } from './machine.js';
import { type MeasureOptions, measureCase } from './measure.js';
import { measurePeak } from './peak.js';
import { loadPythonPeer } from './peers/python.js';
import { measureGpuPeak, prepareWebGpuEnv, sharedGpu } from './gpu.js';
import { loadTfjsPeer, type TfjsPeerId } from './peers/tfjs.js';
import { findSuite, SUITES } from './suites/index.js';
import { loadTesseraBackend } from './tessera.js';
import type { Absent, BenchReport, Contestant, GpuPeakInfo } from './types.js';

export const PEERS = ['tfjs', 'tfjs-wasm', 'tfjs-webgpu', 'tfjs-node', 'torch', 'numpy'] as const;
export type PeerId = (typeof PEERS)[number];

export interface BenchOptions extends MeasureOptions {
  suites: readonly string[];
  /** Our backends, by registered name: `cpu`, `webgpu`... */
  backends: readonly string[];
  peers: readonly string[];
  /**
   * `--param N=64,128`: replaces a parameter's default values in every suite that has it;
   * a key `suite.N` does so in that suite only (and wins over the plain key there).
   */
  params?: Readonly<Record<string, readonly number[]>>;
  /** Measure the FMA peak and memory bandwidth first. */
  peak?: boolean;
  allowEmulatedGpu?: boolean;
  /** Threads for torch and numpy (default: every core). */
  pythonThreads?: number;
  /** The command line, for the report. */
  command?: string;
}

export const DEFAULT_OPTIONS: Omit<BenchOptions, 'log'> = {
  suites: SUITES.map((s) => s.name),
  backends: ['cpu'],
  peers: [...PEERS],
  warmup: 2,
  minRuns: 3,
  maxRuns: 20,
  caseBudgetMs: 8000,
  maxRunMs: 10000,
  peak: true,
};

function isAbsent(x: Contestant | Absent): x is Absent {
  return 'reason' in x;
}

async function loadPeer(id: string, opts: BenchOptions): Promise<Contestant | Absent> {
  if (id === 'torch' || id === 'numpy') return loadPythonPeer(id, { threads: opts.pythonThreads });
  return loadTfjsPeer(id as TfjsPeerId, { allowEmulatedGpu: opts.allowEmulatedGpu });
}

/** The parameter overrides that apply to `suite`: plain keys, then `suite.`-scoped ones over them. */
export function paramsFor(suite: string, params: Readonly<Record<string, readonly number[]>>): Record<string, readonly number[]> {
  const out: Record<string, readonly number[]> = {};
  for (const [k, v] of Object.entries(params)) if (!k.includes('.')) out[k] = v;
  for (const [k, v] of Object.entries(params)) {
    const dot = k.lastIndexOf('.');
    if (dot > 0 && k.slice(0, dot) === suite) out[k.slice(dot + 1)] = v;
  }
  return out;
}

/** Check names before spending minutes: unknown suites and peers are errors. */
export function validate(opts: Pick<BenchOptions, 'suites' | 'peers' | 'params'>): void {
  for (const s of opts.suites) {
    if (!findSuite(s)) throw new ValueError(`bench: unknown suite '${s}'; expected some of ${SUITES.map((x) => x.name).join(', ')}.`);
  }
  for (const p of opts.peers) {
    if (!(PEERS as readonly string[]).includes(p)) throw new ValueError(`bench: unknown peer '${p}'; expected some of ${PEERS.join(', ')}.`);
  }
  for (const k of Object.keys(opts.params ?? {})) {
    const dot = k.lastIndexOf('.');
    if (dot > 0 && !findSuite(k.slice(0, dot))) throw new ValueError(`bench: --param ${k} names an unknown suite '${k.slice(0, dot)}'.`);
  }
}

export async function runBench(options: Partial<BenchOptions> = {}): Promise<BenchReport> {
  const opts: BenchOptions = { ...DEFAULT_OPTIONS, ...options };
  validate(opts);
  const log = opts.log ?? (() => {});
  const started = new Date().toISOString();
  const machine = machineInfo();
  log(`machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);

  const peak = opts.peak ? measurePeak(machine.cores) : null;
  if (peak) {
    log(
      `peak: FMA ${peak.fma_gflops_1t ?? '?'} GFLOP/s/core (${peak.fma_gflops_all ?? '?'} all cores), copy ${peak.copy_gbs_native_1t ?? '?'} GB/s native, ${peak.copy_gbs_js_1t} GB/s TypedArray.set` +
        (peak.notice ? ` (${peak.notice})` : ''),
    );
  }

  prepareWebGpuEnv({ allowEmulatedGpu: opts.allowEmulatedGpu });
  // One Dawn instance for every WebGPU contestant, made before any of them loads.
  const wantsGpu = opts.backends.some((b) => /gpu/i.test(b)) || opts.peers.includes('tfjs-webgpu');
  if (wantsGpu) await sharedGpu().catch(() => undefined);
  const contestants: Contestant[] = [];
  const absent: Absent[] = [];
  for (const name of opts.backends) {
    const c = await loadTesseraBackend(name, { allowEmulatedGpu: opts.allowEmulatedGpu });
    (isAbsent(c) ? absent : contestants).push(c as never);
  }
  for (const id of opts.peers) {
    const c = await loadPeer(id, opts);
    (isAbsent(c) ? absent : contestants).push(c as never);
  }
  for (const c of contestants) log(`contestant ${c.id} (${c.kind}, ${c.threads} thread${c.threads === 1 ? '' : 's'}): ${c.detail}`);
  for (const a of absent) log(`unavailable ${a.id}: ${a.reason}`);

  let gpuPeak: GpuPeakInfo | { notice: string } | null = null;
  if (opts.peak && contestants.some((c) => c.device === 'gpu')) {
    try {
      gpuPeak = await measureGpuPeak({ allowEmulatedGpu: opts.allowEmulatedGpu });
      log(`WebGPU peak: FMA ${gpuPeak.fma_gflops} GFLOP/s on ${gpuPeak.adapter}${gpuPeak.emulated ? ' (CPU-emulated)' : ''}`);
    } catch (err) {
      gpuPeak = { notice: `no WebGPU peak: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
      log(gpuPeak.notice);
    }
  }
  const adapterPeak = gpuPeak && 'fma_gflops' in gpuPeak ? gpuPeak : null;

  const report: BenchReport = {
    command: opts.command ?? '',
    started,
    finished: started,
    machine,
    peak,
    ...(gpuPeak ? { gpu_peak: gpuPeak } : {}),
    options: {
      suites: opts.suites, backends: opts.backends, peers: opts.peers, params: opts.params ?? {},
      warmup: opts.warmup, minRuns: opts.minRuns, maxRuns: opts.maxRuns, caseBudgetMs: opts.caseBudgetMs, maxRunMs: opts.maxRunMs,
    },
    contestants: contestants.map(({ id, kind, threads, detail }) => ({ id, kind, threads, detail })),
    absent,
    records: [],
    unavailable: [],
    suites: [],
  };
  try {
    for (const name of opts.suites) {
      const suite = findSuite(name)!;
      report.suites.push({ name: suite.name, description: suite.description, ...(suite.scaling ? { scaling: { ...suite.scaling } } : {}) });
      if (suite.unavailable) {
        report.unavailable.push({ suite: suite.name, reason: suite.unavailable });
        log(`${suite.name}: ${suite.unavailable}`);
        continue;
      }
      for (const c of suite.cases(paramsFor(suite.name, opts.params ?? {}))) {
        log(`${suite.name} ${c.name}`);
        const { records, unavailable } = await measureCase(suite, c, contestants, opts, peak, adapterPeak);
        report.records.push(...records);
        report.unavailable.push(...unavailable);
      }
    }
  } finally {
    for (const c of contestants) await c.close();
  }
  report.finished = new Date().toISOString();
  report.machine.load_end = Math.round(loadavg()[0] * 100) / 100;
  return report;
}
