/** The markdown report: machine, physical limits, contestants, a summary of ratios, one table per suite. */
import type { BenchRecord, BenchReport, GpuPeakInfo, UnavailableRecord } from '../types.js';
import { backendRatios, bestPeers, ratioToBest, who } from './ratios.js';

export interface MarkdownOptions {
  /** Title of the document. */
  title?: string;
  /** Paragraphs placed under the title (e.g. the noisy-machine warning). */
  preface?: string;
  /** Image links, relative to where the markdown is written. */
  images?: { ratios?: string; scaling?: Record<string, string> };
  /** Heading level of the title (1: `#`); the sections go one below. For a report inside another. */
  level?: number;
}

/** Issue 5's goal: Tessera's webgpu backend at least this many times faster than tfjs-webgpu. */
export const WEBGPU_GOAL = 1.5;

/** The adapter peak of a report, when it was measured. */
export function adapterPeak(report: Pick<BenchReport, 'gpu_peak'>): GpuPeakInfo | null {
  const g = report.gpu_peak;
  return g && 'fma_gflops' in g ? g : null;
}

/** True when a report's GPU figures come from a CPU emulation (SwiftShader). */
export function emulatedGpu(report: Pick<BenchReport, 'gpu_peak' | 'contestants'>): boolean {
  if (adapterPeak(report)?.emulated) return true;
  return report.contestants.some((c) => /swiftshader|llvmpipe|lavapipe/i.test(c.detail));
}

/** Milliseconds with three significant digits (whole numbers from 100 up). */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toPrecision(3);
}

function fmtNum(x: number | undefined, digits = 3): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  return x >= 10 ** digits ? x.toFixed(0) : String(Number(x.toPrecision(digits)));
}

function fmtRatio(x: number | undefined): string {
  if (x === undefined) return '–';
  return x >= 100 ? `${x.toFixed(0)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(head: string[], rows: string[][]): string {
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const r of rows) lines.push(`| ${r.map(cell).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

function unavailableLines(items: readonly UnavailableRecord[]): string {
  // The same reason for many cases of one contestant reads once.
  const grouped = new Map<string, string[]>();
  for (const u of items) {
    const key = `${u.backend ?? u.peer ?? ''}\u0000${u.reason}`;
    if (!grouped.has(key)) grouped.set(key, []);
    if (u.case) grouped.get(key)!.push(u.case);
  }
  return [...grouped.entries()]
    .map(([key, cases]) => {
      const [id, reason] = key.split('\u0000');
      if (!id) return `_${reason[0].toUpperCase()}${reason.slice(1)}._`;
      return `- **${id}**${cases.length ? ` (${cases.join(', ')})` : ''}: ${reason}`;
    })
    .join('\n');
}

function suiteTable(records: readonly BenchRecord[], best: Map<string, BenchRecord>): string {
  const hasFlops = records.some((r) => r.gflops !== undefined);
  const hasPeak = records.some((r) => r.fraction_of_fma_peak !== undefined);
  const hasAdapterPeak = records.some((r) => r.fraction_of_adapter_peak !== undefined);
  const hasTokens = records.some((r) => r.tokens_per_s !== undefined);
  const head = ['case', 'contestant', 'threads', 'median ms', 'p10–p90 ms', 'runs'];
  if (hasFlops) head.push('GFLOP/s');
  if (hasPeak) head.push('% of FMA peak');
  if (hasAdapterPeak) head.push('% of adapter peak');
  if (hasTokens) head.push('tokens/s');
  head.push('÷ best peer');
  const rows = records.map((r) => {
    const row = [
      r.case,
      r.backend ? `**${r.backend}** (Tessera)` : r.peer!,
      String(r.threads),
      fmtMs(r.median_ms) + (r.note ? ' †' : ''),
      `${fmtMs(r.p10_ms)}–${fmtMs(r.p90_ms)}`,
      String(r.runs),
    ];
    if (hasFlops) row.push(fmtNum(r.gflops));
    if (hasPeak) row.push(r.fraction_of_fma_peak === undefined ? '–' : `${fmtNum(r.fraction_of_fma_peak * 100, 2)} %`);
    if (hasAdapterPeak) row.push(r.fraction_of_adapter_peak === undefined ? '–' : `${fmtNum(r.fraction_of_adapter_peak * 100, 2)} %`);
    if (hasTokens) row.push(fmtNum(r.tokens_per_s));
    row.push(fmtRatio(ratioToBest(r, best)));
    return row;
  });
  let s = table(head, rows);
  const notes = records.filter((r) => r.note);
  if (notes.length) s += `\n${notes.map((r) => `† ${r.case}, ${who(r)}: ${r.note}.`).join('\n')}\n`;
  return s;
}

/**
 * The goal table: each case both Tessera's webgpu backend and tfjs-webgpu ran, the speed-up
 * (tfjs time ÷ ours) against {@link WEBGPU_GOAL}, and both as a fraction of the adapter peak.
 */
export function webgpuGoal(report: BenchReport, heading: string): string | null {
  const ours = report.records.filter((r) => r.backend === 'webgpu');
  const theirs = new Map(report.records.filter((r) => r.peer === 'tfjs-webgpu').map((r) => [`${r.suite}\u0000${r.case}`, r]));
  const pairs = ours.flatMap((r) => {
    const t = theirs.get(`${r.suite}\u0000${r.case}`);
    return t ? [{ r, t, speedup: t.median_ms / r.median_ms }] : [];
  });
  if (pairs.length === 0) return null;
  const pct = (x: number | undefined) => (x === undefined ? '–' : `${fmtNum(x * 100, 2)} %`);
  const met = pairs.filter((p) => p.speedup >= WEBGPU_GOAL).length;
  const emulated = emulatedGpu(report);
  const rows = pairs.map(({ r, t, speedup }) => [
    r.suite, r.case, fmtMs(r.median_ms), fmtMs(t.median_ms), fmtRatio(speedup), speedup >= WEBGPU_GOAL ? 'yes' : 'no',
    fmtNum(r.gflops), pct(r.fraction_of_adapter_peak), pct(t.fraction_of_adapter_peak),
  ]);
  const geo = Math.exp(pairs.reduce((acc, p) => acc + Math.log(p.speedup), 0) / pairs.length);
  let s = `${heading} Goal: Tessera webgpu at least ${WEBGPU_GOAL}× as fast as TensorFlow.js WebGPU\n\n`;
  s += `Speed-up = tfjs-webgpu's median time ÷ ours, same adapter, same process, interleaved. % of adapter peak = GFLOP/s ÷ the adapter's FMA peak measured by assets/peak.wgsl.\n\n`;
  s += table(['suite', 'case', 'webgpu ms', 'tfjs-webgpu ms', 'speed-up', `≥ ${WEBGPU_GOAL}×`, 'webgpu GFLOP/s', 'webgpu % of adapter peak', 'tfjs-webgpu % of adapter peak'], rows);
  s += `\n${met} of ${pairs.length} cases meet the goal on this adapter (geometric-mean speed-up ${fmtRatio(geo)}).`;
  s += emulated
    ? ' **The adapter is a CPU emulation (SwiftShader), so this says nothing about whether the goal is met on a GPU**: on SwiftShader dispatch overhead and the CPU\'s caches decide, not the GPU\'s memory system and cores. `tools/bench/webgpu-on-gpu.sh` runs the same comparison on a real GPU.\n'
    : '\n';
  return s;
}

export function renderMarkdown(report: BenchReport, opts: MarkdownOptions = {}): string {
  const best = bestPeers(report.records);
  const out: string[] = [];
  const h1 = '#'.repeat(opts.level ?? 1);
  const h2 = `${h1}#`;
  out.push(`${h1} ${opts.title ?? 'Tessera benchmarks'}\n`);
  if (opts.preface) out.push(`${opts.preface.trim()}\n`);
  out.push(`Run ${report.started} – ${report.finished} with:\n\n\`\`\`\n${report.command || 'pnpm bench'}\n\`\`\`\n`);

  const m = report.machine;
  out.push(`${h2} Machine\n`);
  const load = `${m.load_start ?? '–'} / ${m.load_end ?? '–'}`;
  out.push(
    table(
      ['CPU', 'cores', 'memory', 'Node', 'platform', 'SIMD flags', 'load average at start / end'],
      [[m.cpu, String(m.cores), `${m.memory_gib} GiB`, m.node, m.platform, m.flags.join(' ') || '–', load]],
    ),
  );

  const p = report.peak;
  const gp = adapterPeak(report);
  if (gp) {
    out.push(`${h2} WebGPU adapter peak (measured at bench time)\n`);
    out.push(
      `assets/peak.wgsl: every invocation runs 8 independent chains of vec4 FMAs; ${gp.workgroups} workgroups of 256 × ${gp.iterations} iterations, best of 5 dispatches (${fmtMs(gp.best_ms)} ms), wall clock from submit to onSubmittedWorkDone. "% of adapter peak" in the tables is GFLOP/s over this figure.\n`,
    );
    out.push(table(['adapter', 'FMA peak', 'note'], [[gp.adapter, `${fmtNum(gp.fma_gflops)} GFLOP/s`, gp.emulated ? 'CPU-emulated (SwiftShader): the CPU running the emulation, not a GPU' : '']]));
  } else if (report.gpu_peak && 'notice' in report.gpu_peak) {
    out.push(`Note: ${report.gpu_peak.notice}.\n`);
  }
  if (p) {
    out.push(`${h2} Physical limits (measured at bench time)\n`);
    out.push(
      'FMA peak: independent float32 FMA chains in C (assets/peak.c, `gcc -O3 -mavx2 -mfma`), best of 7. Copy bandwidth: a 256 MiB copy, counting bytes read plus bytes written (the STREAM convention). "% of FMA peak" in the tables is GFLOP/s over the one-core peak times the contestant\'s thread count.\n',
    );
    const rows: string[][] = [];
    if (p.fma_gflops_1t !== undefined) {
      rows.push(['FMA peak, 1 core', `${fmtNum(p.fma_gflops_1t)} GFLOP/s`, p.fma_isa ?? '']);
      rows.push([`FMA peak, ${p.fma_threads} cores`, `${fmtNum(p.fma_gflops_all)} GFLOP/s`, '']);
      if (p.avx2_fma_gflops_1t !== undefined && p.avx512_fma_gflops_1t !== undefined) {
        rows.push(['FMA, 1 core, AVX2 / AVX-512', `${fmtNum(p.avx2_fma_gflops_1t)} / ${fmtNum(p.avx512_fma_gflops_1t)} GFLOP/s`, '']);
      }
      rows.push(['copy bandwidth, 1 thread (memcpy)', `${fmtNum(p.copy_gbs_native_1t)} GB/s`, '']);
      rows.push([`copy bandwidth, ${p.fma_threads} threads (memcpy)`, `${fmtNum(p.copy_gbs_native_all)} GB/s`, '']);
    }
    rows.push(['copy bandwidth, 1 thread (TypedArray.set in Node)', `${fmtNum(p.copy_gbs_js_1t)} GB/s`, '']);
    out.push(table(['what', 'measured', 'note'], rows));
    if (p.notice) out.push(`Note: ${p.notice}.\n`);
  }

  out.push(`${h2} Contestants\n`);
  out.push(
    table(
      ['contestant', 'kind', 'threads', 'detail'],
      report.contestants.map((c) => [c.kind === 'backend' ? `**${c.id}** (Tessera)` : c.id, c.kind, String(c.threads), c.detail]),
    ),
  );
  if (report.absent.length) out.push(`Not measured:\n\n${report.absent.map((a) => `- **${a.id}**: unavailable: ${a.reason}`).join('\n')}\n`);

  const ratios = backendRatios(report.records);
  if (ratios.length) {
    out.push(`${h2} Summary: our backends against the best peer\n`);
    out.push('Ratio = our median time ÷ the fastest peer\'s median time on the same case (below 1 is faster).\n');
    out.push(
      table(
        ['suite', 'case', 'backend', 'median ms', 'best peer', 'its median ms', 'ratio'],
        ratios.map((r) => [r.record.suite, r.record.case, r.record.backend!, fmtMs(r.record.median_ms), r.best.peer!, fmtMs(r.best.median_ms), fmtRatio(r.ratio)]),
      ),
    );
    if (opts.images?.ratios) out.push(`![ratio of each backend to the best peer](${opts.images.ratios})\n`);
  }
  const goal = webgpuGoal(report, h2);
  if (goal) out.push(goal);

  for (const s of report.suites) {
    out.push(`${h2} ${s.name}\n`);
    out.push(`${s.description}\n`);
    const recs = report.records.filter((r) => r.suite === s.name);
    if (recs.length) out.push(suiteTable(recs, best));
    const missing = report.unavailable.filter((u) => u.suite === s.name);
    if (missing.length) out.push(`${recs.length ? 'Not measured:\n\n' : ''}${unavailableLines(missing)}\n`);
    const img = opts.images?.scaling?.[s.name];
    if (img) out.push(`![${s.name}: time against ${s.scaling?.label ?? 'size'}](${img})\n`);
  }

  out.push(`${h2} Method\n`);
  out.push(
    [
      `Each case runs ${report.options.warmup} untimed warm-up round(s), then timed rounds in which every contestant runs once in turn (A B C A B C …), so drift of the machine lands on all of them alike and cancels in the ratios.`,
      `Each contestant gets between ${report.options.minRuns} and ${report.options.maxRuns} timed runs, as many as its share of a ${Number(report.options.caseBudgetMs) / 1000} s budget per case allows; a contestant whose warm-up run takes over ${Number(report.options.maxRunMs) / 1000} s is reported from that single run (marked †).`,
      'A run ends only when its result is complete: Tessera and TensorFlow.js runs await the data of the output (for train steps, of the last updated parameter, which on a GPU queue comes after all the step\'s work). PyTorch and numpy run in a long-lived `/usr/bin/python3` server, one JSON-lines request per run, and time the run in-process with `perf_counter`, so the pipe\'s latency is not counted against them.',
      'Thread counts differ and are in the tables: torch and numpy use every core (`--python-threads 1` compares per core), the Tessera cpu backend, tfjs and tfjs-wasm (in Node) one.',
      'Reported: median and the 10th/90th percentiles of the timed runs; GFLOP/s from the case\'s operation count (a multiply-add counts 2) over the median.',
    ].join('\n\n') + '\n',
  );
  return out.join('\n');
}
