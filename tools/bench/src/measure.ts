/**
 * Timing one case on every contestant, interleaved: warm-up rounds, then timed rounds
 * A B C A B C ..., so drift of a shared, noisy machine (another job starting, the CPU
 * clocking down) lands on every contestant alike and cancels in their ratio.
 */
import { summarize } from './stats.js';
import type { BenchRecord, CaseSpec, Contestant, GpuPeakInfo, PeakInfo, Suite, UnavailableRecord, Workload } from './types.js';

export interface MeasureOptions {
  /** Untimed runs of each contestant before timing (at least 1: the first run pays for JIT, packing, shader builds). */
  warmup: number;
  /** Timed runs of each contestant, at least and at most; in between, as many as `caseBudgetMs` allows. */
  minRuns: number;
  maxRuns: number;
  /** Time the timed runs of one case may take, all contestants together. */
  caseBudgetMs: number;
  /** A contestant whose warm-up run takes longer than this is reported from that one run. */
  maxRunMs: number;
  log?: (line: string) => void;
}

interface Lane {
  contestant: Contestant;
  workload: Workload;
  samples: number[];
  target: number;
  failed?: string;
  note?: string;
  lastMs: number;
}

async function timeOnce(w: Workload): Promise<number> {
  await w.before?.();
  const t0 = performance.now();
  const own = await w.run();
  const t1 = performance.now();
  return typeof own === 'number' ? own : t1 - t0;
}

function message(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0].slice(0, 300);
}

function label(c: Contestant): Pick<BenchRecord, 'backend' | 'peer'> {
  return c.kind === 'backend' ? { backend: c.id } : { peer: c.id };
}

/**
 * The FMA peak (GFLOP/s) of `threads` cores: the one-core figure times the cores used. The
 * all-core measurement is only a check; on a shared machine it comes out low whenever
 * another job holds a core, which would flatter every multi-threaded contestant.
 */
export function peakFor(peak: PeakInfo | null, threads: number): number | undefined {
  if (!peak?.fma_gflops_1t) return undefined;
  return peak.fma_gflops_1t * Math.min(Math.max(1, threads), peak.fma_threads ?? threads);
}

/** Measure `c` of `suite` on every contestant, interleaved; failures become unavailable records. */
export async function measureCase(
  suite: Suite,
  c: CaseSpec,
  contestants: readonly Contestant[],
  opts: MeasureOptions,
  peak: PeakInfo | null = null,
  gpuPeak: GpuPeakInfo | null = null,
): Promise<{ records: BenchRecord[]; unavailable: UnavailableRecord[] }> {
  const unavailable: UnavailableRecord[] = [];
  const lanes: Lane[] = [];
  for (const contestant of contestants) {
    try {
      const workload = await contestant.prepare(suite, c);
      lanes.push({ contestant, workload, samples: [], target: 0, lastMs: 0 });
    } catch (err) {
      unavailable.push({ suite: suite.name, case: c.name, ...label(contestant), reason: message(err) });
    }
  }

  const live = () => lanes.filter((l) => !l.failed);
  const fail = (lane: Lane, err: unknown) => {
    lane.failed = message(err);
    unavailable.push({ suite: suite.name, case: c.name, ...label(lane.contestant), reason: lane.failed });
  };

  // Warm-up, interleaved too: shared caches and the allocator see the same mix as later.
  const slow = new Set<Lane>();
  for (let round = 0; round < Math.max(1, opts.warmup); round++) {
    for (const lane of live()) {
      if (slow.has(lane)) continue;
      try {
        lane.lastMs = await timeOnce(lane.workload);
      } catch (err) {
        fail(lane, err);
        continue;
      }
      if (lane.lastMs > opts.maxRunMs) {
        slow.add(lane);
        lane.samples.push(lane.lastMs);
        lane.note = `1 run only: a run took ${(lane.lastMs / 1000).toFixed(1)} s (over --max-run-s ${opts.maxRunMs / 1000}); includes first-run costs`;
      }
    }
  }

  // How many timed runs each lane gets: its share of the case budget, within [minRuns, maxRuns].
  const timed = live().filter((l) => !slow.has(l));
  const share = opts.caseBudgetMs / Math.max(1, timed.length);
  for (const lane of timed) {
    const fit = Math.floor(share / Math.max(lane.lastMs, 1e-3));
    lane.target = Math.min(opts.maxRuns, Math.max(opts.minRuns, fit));
  }
  const rounds = Math.max(0, ...timed.map((l) => l.target));
  for (let round = 0; round < rounds; round++) {
    for (const lane of timed) {
      if (lane.failed || lane.samples.length >= lane.target) continue;
      try {
        lane.samples.push(await timeOnce(lane.workload));
      } catch (err) {
        fail(lane, err);
      }
    }
  }

  const records: BenchRecord[] = [];
  for (const lane of lanes) {
    try {
      await lane.workload.dispose();
    } catch {
      // A failed dispose must not lose the timings already taken.
    }
    if (lane.failed || lane.samples.length === 0) continue;
    const s = summarize(lane.samples);
    const rec: BenchRecord = {
      suite: suite.name,
      case: c.name,
      ...label(lane.contestant),
      threads: lane.contestant.threads,
      median_ms: round4(s.median),
      p10_ms: round4(s.p10),
      p90_ms: round4(s.p90),
      runs: s.n,
    };
    if (c.flops) {
      rec.gflops = round4(c.flops / (s.median * 1e6));
      if (lane.contestant.device === 'gpu') {
        if (gpuPeak?.fma_gflops) rec.fraction_of_adapter_peak = round4(rec.gflops / gpuPeak.fma_gflops);
      } else {
        const p = peakFor(peak, lane.contestant.threads);
        if (p) rec.fraction_of_fma_peak = round4(rec.gflops / p);
      }
    }
    if (c.tokens) rec.tokens_per_s = round4(c.tokens / (s.median / 1000));
    if (c.size !== undefined) rec.size = c.size;
    if (lane.note) rec.note = lane.note;
    records.push(rec);
    opts.log?.(
      `  ${suite.name} ${c.name} ${lane.contestant.id}: ${s.median.toFixed(3)} ms (p10 ${s.p10.toFixed(3)}, p90 ${s.p90.toFixed(3)}, ${s.n} runs)` +
        (rec.gflops !== undefined ? `, ${rec.gflops.toFixed(2)} GFLOP/s` : ''),
    );
  }
  for (const u of unavailable) opts.log?.(`  ${suite.name} ${c.name} ${u.backend ?? u.peer}: unavailable: ${u.reason}`);
  return { records, unavailable };
}

function round4(x: number): number {
  return Number(x.toPrecision(4));
}
