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
      suites: ['matmul'],
      backends: ['cpu'],
      // Not installed here (its install script downloads libtensorflow): reported, not fatal.
      peers: ['tfjs-node'],
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
    expect(report.absent).toEqual([expect.objectContaining({ id: 'tfjs-node' })]);

    const json = join(dir, 'out.json');
    const md = join(dir, 'out.md');
    const written = writeReport(report, { json, markdown: md, svgDir: dir });
    expect(written).toContain(join(dir, 'scaling-matmul.svg'));
    const back = JSON.parse(readFileSync(json, 'utf8')) as BenchReport;
    expect(back.records).toEqual(report.records);
    const text = readFileSync(md, 'utf8');
    expect(text).toMatch(/\| N=16 \| \*\*cpu\*\* \(Tessera\) \| 1 \| [\d.]+ \|/);
    expect(text).toContain('- **tfjs-node**: unavailable: ');
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
    const tiny: Record<string, number[]> = {
      N: [8], B: [2], C: [2], O: [3], H: [5], K: [3], BH: [2], T: [4], D: [4],
      // The GPT suites: 1 block, 2 heads, 8 wide, context 8, vocabulary 16; generate 2 tokens after 3.
      layers: [1], heads: [2], width: [8], ctx: [8], vocab: [16], batch: [2], prompt: [3], new: [2],
    };
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
    expect(new Set(ran)).toEqual(new Set(['matmul', 'mlp', 'conv', 'cnn', 'attention', 'gpt-train', 'gpt-generate']));
  });
});

describe('the GPT suites', () => {
  const tinyGpt = { layers: [1], heads: [2], width: [8], ctx: [8], vocab: [16], batch: [2], prompt: [3], new: [2] };

  it('build the same model, by parameter count, in torch and TensorFlow.js as in Tessera', async (ctx) => {
    const { SUITES, loadPythonPeer, loadTfjsPeer } = await import('@tessera/bench');
    const torch = await loadPythonPeer('torch');
    if ('reason' in torch) ctx.skip(`torch is unavailable: ${torch.reason}`);
    const tfjs = await loadTfjsPeer('tfjs');
    if ('reason' in torch || 'reason' in tfjs) throw new Error('unreachable');
    try {
      for (const name of ['gpt-train', 'gpt-generate']) {
        const suite = SUITES.find((s) => s.name === name)!;
        const [c] = suite.cases(tinyGpt);
        for (const peer of [torch, tfjs]) {
          const w = await peer.prepare(suite, c);
          await w.before?.();
          await w.run();
          await w.dispose();
          // A model of another size is refused at setup.
          const wrong = { ...c, params: { ...c.params, nparams: c.params.nparams + 1 } };
          if (peer === torch) await expect(peer.prepare(suite, wrong)).rejects.toThrow(/parameters, expected/);
        }
      }
    } finally {
      await torch.close();
      await tfjs.close();
    }
  });

  it('sweep the context length for the scaling plot and keep the tiny case out of it', async () => {
    const { SUITES } = await import('@tessera/bench');
    const train = SUITES.find((s) => s.name === 'gpt-train')!;
    const cases = train.cases({});
    expect(cases[0].size).toBeUndefined();
    expect(cases.slice(1).map((c) => [c.params.ctx, c.size, c.tokens])).toEqual([[32, 32, 512], [64, 64, 1024], [128, 128, 2048]]);
    // ENVIRONMENT.md's small GPT: 4 layers, 4 heads, 256 wide.
    expect(cases[3].name).toMatch(/^4L\/4H\/256d ctx128 V1024 \(3\.72M params\) b16$/);
    const generate = SUITES.find((s) => s.name === 'gpt-generate')!;
    expect(generate.cases({}).map((c) => c.tokens)).toEqual([32, 32]);
    expect(() => generate.cases({ ctx: [32] })).toThrow(/exceed the context 32/);
  });
});

describe('parameters, the WebGPU section and the adapter peak', () => {
  it('scopes --param suite.K to that suite, over the plain key', async () => {
    const { paramsFor, validate } = await import('@tessera/bench');
    const params = { N: [64], 'matmul.N': [8], 'gpt-train.ctx': [16], B: [2] };
    expect(paramsFor('matmul', params)).toEqual({ N: [8], B: [2] });
    expect(paramsFor('gpt-train', params)).toEqual({ N: [64], B: [2], ctx: [16] });
    expect(() => validate({ suites: ['matmul'], peers: [], params: { 'nope.N': [1] } })).toThrow(/unknown suite 'nope'/);
  });

  it('appends a WebGPU run as a section with the goal table and the emulation warning', async () => {
    const { renderMarkdown, sectionOf, webgpuGoal } = await import('@tessera/bench');
    const rec = (who: Partial<BenchRecord>, c: string, ms: number, frac: number): BenchRecord => ({
      suite: 'matmul', case: c, threads: 1, median_ms: ms, p10_ms: ms, p90_ms: ms, runs: 3, gflops: 1, fraction_of_adapter_peak: frac, ...who,
    });
    const report: BenchReport = {
      command: 'pnpm bench --backends webgpu', started: 't0', finished: 't1',
      machine: { cpu: 'x', cores: 2, memory_gib: 1, node: 'v20', platform: 'linux x64', flags: [], load_start: 0 },
      peak: null,
      gpu_peak: { adapter: 'google swiftshader', emulated: true, fma_gflops: 6, workgroups: 256, iterations: 100, best_ms: 100 },
      options: { warmup: 1, minRuns: 1, maxRuns: 1, caseBudgetMs: 1, maxRunMs: 1 },
      contestants: [{ id: 'webgpu', kind: 'backend', threads: 1, detail: 'adapter: google swiftshader' }, { id: 'tfjs-webgpu', kind: 'peer', threads: 1, detail: '' }],
      absent: [], unavailable: [], suites: [{ name: 'matmul', description: 'C = A·B' }],
      records: [
        rec({ backend: 'webgpu' }, 'N=256', 40, 0.14), rec({ peer: 'tfjs-webgpu' }, 'N=256', 100, 0.056),
        rec({ backend: 'webgpu' }, 'N=512', 100, 0.1), rec({ peer: 'tfjs-webgpu' }, 'N=512', 120, 0.08),
      ],
    };
    const goal = webgpuGoal(report, '###')!;
    expect(goal).toContain('| matmul | N=256 | 40.0 | 100 | 2.50× | yes | 1 | 14 % | 5.6 % |');
    expect(goal).toContain('| matmul | N=512 | 100 | 120 | 1.20× | no |');
    expect(goal).toContain('1 of 2 cases meet the goal');
    expect(goal).toContain('says nothing about whether the goal is met on a GPU');
    const { title, preface, svgPrefix } = sectionOf(report, 0);
    expect(svgPrefix).toBe('webgpu-');
    expect(preface).toContain('CPU-emulated and meaningless for real-GPU performance');
    const md = renderMarkdown(report, { title, preface, level: 2 });
    expect(md.startsWith('## WebGPU')).toBe(true);
    expect(md).toContain('### WebGPU adapter peak');
    expect(md).toContain('| google swiftshader | 6 GFLOP/s |');
    expect(md).toContain('% of adapter peak');
  });

  it('measures the adapter FMA peak with the WGSL kernel where there is an adapter', async (ctx) => {
    const { defaultAdapter, measureGpuPeak, prepareWebGpuEnv } = await import('@tessera/bench');
    prepareWebGpuEnv({ allowEmulatedGpu: true });
    const found = await defaultAdapter({ allowEmulatedGpu: true }).catch((e: Error) => e);
    if (found instanceof Error) ctx.skip(`no WebGPU adapter: ${found.message}`);
    const peak = await measureGpuPeak({ allowEmulatedGpu: true, minMs: 20, reps: 2 });
    expect(peak.fma_gflops).toBeGreaterThan(0);
    expect(peak.best_ms).toBeGreaterThan(0);
    // The figure is the kernel's FLOPs over its best time.
    expect(peak.fma_gflops).toBeCloseTo((peak.workgroups * 256 * peak.iterations * 64) / (peak.best_ms * 1e6), 0);
  });
});
