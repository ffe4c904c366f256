import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type BenchRecord,
  type BenchReport,
  type Contestant,
  type Suite,
  backendRatios,
  measureCase,
  quantile,
  ratioChart,
  renderMarkdown,
  runBench,
  scalingChart,
  writeReport,
} from '@tessera/bench';

const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench harness', () => {
  it('times a tiny matmul on the cpu backend and writes JSON and markdown', async () => {
    const report = await runBench({
      suites: ['matmul', 'gpt-train'],
      backends: ['cpu'],
      peers: [],
      params: { N: [16, 32] },
      warmup: 1,
      minRuns: 2,
      maxRuns: 2,
      peak: false,
    });
    expect(report.records.map((r) => [r.case, r.backend, r.runs])).toEqual([
      ['N=16', 'cpu', 2],
      ['N=32', 'cpu', 2],
    ]);
    for (const r of report.records) {
      expect(r.p10_ms).toBeLessThanOrEqual(r.median_ms);
      expect(r.median_ms).toBeLessThanOrEqual(r.p90_ms);
      expect(r.median_ms).toBeGreaterThan(0);
      const n = Number(r.case.slice(2));
      expect(r.gflops).toBeCloseTo((2 * n ** 3) / (r.median_ms * 1e6), 2);
    }
    expect(report.unavailable).toEqual([expect.objectContaining({ suite: 'gpt-train', reason: expect.stringContaining('not yet available') })]);

    const json = join(dir, 'out.json');
    const md = join(dir, 'out.md');
    const written = writeReport(report, { json, markdown: md, svgDir: dir });
    expect(written).toContain(join(dir, 'scaling-matmul.svg'));
    const back = JSON.parse(readFileSync(json, 'utf8')) as BenchReport;
    expect(back.records).toEqual(report.records);
    const text = readFileSync(md, 'utf8');
    expect(text).toMatch(/\| N=16 \| \*\*cpu\*\* \(Tessera\) \| 1 \| [\d.]+ \|/);
    expect(text).toContain('## gpt-train');
    expect(text).toContain('_Not yet available: the GPT model');
    expect(text).toContain('![matmul: time against matrix size N](scaling-matmul.svg)');
  });

  it('interleaves contestants run by run and reports unavailable ones', async () => {
    const order: string[] = [];
    const fake = (id: string, kind: 'backend' | 'peer', fail = false): Contestant => ({
      id,
      kind,
      threads: 1,
      detail: '',
      async prepare() {
        if (fail) throw new Error(`${id} cannot`);
        return { run: async () => void order.push(id), dispose() {} };
      },
      close() {},
    });
    const suite: Suite = { name: 's', description: '', cases: () => [] };
    const { records, unavailable } = await measureCase(
      suite,
      { name: 'c', params: {} },
      [fake('a', 'backend'), fake('b', 'peer'), fake('x', 'peer', true)],
      { warmup: 1, minRuns: 3, maxRuns: 3, caseBudgetMs: 1000, maxRunMs: 1000 },
    );
    expect(order).toEqual(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
    expect(records.map((r) => [r.backend ?? r.peer, r.runs])).toEqual([['a', 3], ['b', 3]]);
    expect(unavailable).toEqual([{ suite: 's', case: 'c', peer: 'x', reason: 'x cannot' }]);
  });

  it('computes ratios to the best peer and draws them', () => {
    const rec = (who: Partial<BenchRecord>, size: number, ms: number): BenchRecord => ({
      suite: 'matmul', case: `N=${size}`, threads: 1, median_ms: ms, p10_ms: ms * 0.9, p90_ms: ms * 1.1, runs: 5, size, ...who,
    });
    const records = [
      rec({ backend: 'cpu' }, 64, 6), rec({ peer: 'torch' }, 64, 2), rec({ peer: 'tfjs' }, 64, 3),
      rec({ backend: 'cpu' }, 128, 40), rec({ peer: 'torch' }, 128, 50), rec({ peer: 'tfjs' }, 128, 80),
    ];
    const ratios = backendRatios(records);
    expect(ratios.map((r) => [r.record.case, r.best.peer, r.ratio])).toEqual([
      ['N=64', 'torch', 3],
      ['N=128', 'torch', 0.8],
    ]);
    const bars = ratioChart({ records })!;
    expect(bars).toContain('3.00× vs torch');
    expect(bars).toContain('0.80× vs torch');
    expect(scalingChart({ records }, 'matmul', 'N')!.match(/<polyline/g)).toHaveLength(3);
    expect(scalingChart({ records: records.slice(0, 3) }, 'matmul', 'N')).toBeNull();
    expect(quantile([1, 2, 3, 4, 5], 0.1)).toBeCloseTo(1.4);
  });

  it('renders a report without any measurement', () => {
    const empty: BenchReport = {
      command: 'pnpm bench', started: 't0', finished: 't1',
      machine: { cpu: 'x', cores: 1, memory_gib: 1, node: 'v20', platform: 'linux x64', flags: [], load_start: 0.5 },
      peak: { copy_gbs_js_1t: 10, notice: 'no native peak: gcc is not installed' },
      options: { warmup: 1, minRuns: 1, maxRuns: 1, caseBudgetMs: 1, maxRunMs: 1 },
      contestants: [], absent: [{ id: 'torch', kind: 'peer', reason: '/usr/bin/python3 not found' }],
      records: [], unavailable: [], suites: [],
    };
    const md = renderMarkdown(empty);
    expect(md).toContain('- **torch**: unavailable: /usr/bin/python3 not found');
    expect(md).toContain('no native peak: gcc is not installed');
    expect(md).not.toContain('## Summary');
  });
});

describe('suites on the cpu backend', () => {
  it('run every Tessera workload at a tiny size without leaking tensors', async () => {
    const { SUITES, tesseraContestant } = await import('@tessera/bench');
    const { createCpuBackend } = await import('@tessera/backend-cpu');
    const { memory } = await import('@tessera/core');
    const backend = createCpuBackend();
    const cpu = tesseraContestant(backend, 'cpu-test');
    const tiny: Record<string, number[]> = { N: [8], B: [2], C: [2], O: [3], H: [5], K: [3], BH: [2], T: [4], D: [4] };
    const ran: string[] = [];
    for (const suite of SUITES) {
      for (const c of suite.cases(tiny)) {
        const before = memory().backends[backend.name]?.tensors ?? 0;
        const w = await cpu.prepare(suite, c);
        for (let i = 0; i < 2; i++) {
          await w.before?.();
          await w.run();
        }
        await w.dispose();
        expect(memory().backends[backend.name]?.tensors ?? 0, `${suite.name} ${c.name}`).toBe(before);
        ran.push(suite.name);
      }
    }
    expect(new Set(ran)).toEqual(new Set(['matmul', 'mlp', 'conv', 'cnn', 'attention']));
  });
});
