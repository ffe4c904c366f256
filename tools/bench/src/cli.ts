#!/usr/bin/env node
/**
 * pnpm bench [--suite matmul,conv,mlp,cnn,gpt-train,gpt-generate,attention] [--backends cpu,...]
 *            [--peers tfjs,tfjs-wasm,tfjs-webgpu,tfjs-node,torch,numpy] [--json out.json] ...
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_OPTIONS, PEERS, runBench } from './run.js';
import { NOISY_MACHINE_NOTE, writeReport } from './report/write.js';
import { SUITES } from './suites/index.js';
import type { BenchReport } from './types.js';

const USAGE = `Usage: pnpm bench [options]

  --suite a,b          suites to run (default: all): ${SUITES.map((s) => s.name).join(', ')}
  --backends a,b       Tessera backends (default: cpu); e.g. cpu,webgpu
  --peers a,b|none     peers (default: all): ${PEERS.join(', ')}
  --param K=v1,v2      replace a case parameter's values, e.g. --param N=64,2048 (repeatable);
                       suite.K=v1,v2 for one suite only, e.g. --param cnn.B=16
  --json FILE          write the records as JSON (default: bench-results/latest.json)
  --md FILE            write the markdown report (default: bench-results/latest.md)
  --svg-dir DIR        write the SVG charts there (default: bench-results)
  --warmup N           untimed rounds per case (default ${DEFAULT_OPTIONS.warmup})
  --min-runs N         timed runs per contestant, at least (default ${DEFAULT_OPTIONS.minRuns})
  --max-runs N         and at most (default ${DEFAULT_OPTIONS.maxRuns})
  --case-budget-s S    time for the timed runs of one case, all contestants (default ${DEFAULT_OPTIONS.caseBudgetMs / 1000})
  --max-run-s S        report a contestant from its warm-up run alone when one run takes longer (default ${DEFAULT_OPTIONS.maxRunMs / 1000})
  --no-peak            skip measuring the FMA peak and memory bandwidth
  --allow-emulated-gpu time WebGPU on a CPU-emulated adapter (SwiftShader) too
  --python-threads N   threads for torch and numpy (default: all cores)
  --from-json FILE     re-render the markdown and charts of a saved run instead of measuring
  --section FILE       append a saved run (its JSON) to the markdown as a section, e.g. the
                       WebGPU run after the CPU one (repeatable)
  --quiet              print only the paths written
`;

function list(s: string | undefined, fallback: readonly string[]): string[] {
  if (s === undefined) return [...fallback];
  if (s === 'none' || s === '') return [];
  return s.split(',').map((x) => x.trim()).filter(Boolean);
}

function num(s: string | undefined, fallback: number, name: string): number {
  if (s === undefined) return fallback;
  const v = Number(s);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} needs a non-negative number, got '${s}'`);
  return v;
}

async function main(argv: string[]): Promise<void> {
  const { values: a } = parseArgs({
    args: argv,
    options: {
      suite: { type: 'string' },
      suites: { type: 'string' },
      backends: { type: 'string' },
      backend: { type: 'string' },
      peers: { type: 'string' },
      param: { type: 'string', multiple: true },
      json: { type: 'string' },
      md: { type: 'string' },
      'svg-dir': { type: 'string' },
      warmup: { type: 'string' },
      'min-runs': { type: 'string' },
      'max-runs': { type: 'string' },
      'case-budget-s': { type: 'string' },
      'max-run-s': { type: 'string' },
      'no-peak': { type: 'boolean' },
      'allow-emulated-gpu': { type: 'boolean' },
      'python-threads': { type: 'string' },
      quiet: { type: 'boolean' },
      'from-json': { type: 'string' },
      section: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (a.help) {
    process.stdout.write(USAGE);
    return;
  }
  const load = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
  const sections = (a.section ?? []).map(load);
  if (a['from-json']) {
    const saved = load(a['from-json']);
    const written = writeReport(saved, {
      json: a.json,
      markdown: a.md ?? 'bench-results/latest.md',
      svgDir: a['svg-dir'] ?? 'bench-results',
      preface: NOISY_MACHINE_NOTE,
      sections,
      renderedWith: ['pnpm bench', ...argv].join(' '),
    });
    for (const p of written) process.stdout.write(`${p}\n`);
    return;
  }
  const params: Record<string, number[]> = {};
  for (const p of a.param ?? []) {
    const m = /^((?:[\w-]+\.)?\w+)=([\d.,]+)$/.exec(p);
    if (!m) throw new Error(`--param needs K=v1,v2 or suite.K=v1,v2 (numbers), got '${p}'`);
    params[m[1]] = m[2].split(',').map(Number);
  }
  const log = a.quiet ? () => {} : (line: string) => process.stderr.write(`${line}\n`);
  const t0 = performance.now();
  const report = await runBench({
    suites: list(a.suite ?? a.suites, DEFAULT_OPTIONS.suites),
    backends: list(a.backends ?? a.backend, DEFAULT_OPTIONS.backends),
    peers: list(a.peers, DEFAULT_OPTIONS.peers),
    params,
    warmup: num(a.warmup, DEFAULT_OPTIONS.warmup, 'warmup'),
    minRuns: num(a['min-runs'], DEFAULT_OPTIONS.minRuns, 'min-runs'),
    maxRuns: num(a['max-runs'], DEFAULT_OPTIONS.maxRuns, 'max-runs'),
    caseBudgetMs: num(a['case-budget-s'], DEFAULT_OPTIONS.caseBudgetMs / 1000, 'case-budget-s') * 1000,
    maxRunMs: num(a['max-run-s'], DEFAULT_OPTIONS.maxRunMs / 1000, 'max-run-s') * 1000,
    peak: !a['no-peak'],
    allowEmulatedGpu: a['allow-emulated-gpu'] ?? false,
    pythonThreads: a['python-threads'] === undefined ? undefined : num(a['python-threads'], 1, 'python-threads'),
    // A wrapper script (webgpu-on-gpu.sh) names itself, so the report shows both commands.
    command: [process.env.TESSERA_BENCH_VIA ? `${process.env.TESSERA_BENCH_VIA}\n# which runs:` : '', ['pnpm bench', ...argv].join(' ')].filter(Boolean).join('\n'),
    log,
  });
  const written = writeReport(report, {
    json: a.json ?? 'bench-results/latest.json',
    markdown: a.md ?? 'bench-results/latest.md',
    svgDir: a['svg-dir'] ?? 'bench-results',
    preface: NOISY_MACHINE_NOTE,
    sections,
  });
  log(`done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  for (const p of written) process.stdout.write(`${p}\n`);
  // tfjs-wasm and Dawn keep handles open; everything is written, so leave.
  process.exit(0);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
