/** Writing a report out: the JSON records, the markdown tables and the SVG charts. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { BenchReport } from '../types.js';
import { emulatedGpu, renderMarkdown } from './markdown.js';
import { ratioChart, scalingChart } from './svg.js';

export interface WriteOptions {
  json?: string;
  markdown?: string;
  /** Where the SVG charts go; none are written without it. */
  svgDir?: string;
  title?: string;
  preface?: string;
  /** Saved reports appended to the markdown as sections (e.g. the WebGPU run after the CPU one). */
  sections?: readonly BenchReport[];
  /** The command that assembled the markdown from saved runs, printed at its end. */
  renderedWith?: string;
}

/** How a report appended as a section is titled, introduced and its charts named. */
export function sectionOf(report: BenchReport, index: number): { title: string; preface: string; svgPrefix: string } {
  const gpu = report.contestants.some((c) => /gpu/i.test(c.id));
  if (!gpu) return { title: `Additional run ${index + 1}`, preface: NOISY_MACHINE_NOTE, svgPrefix: `run${index + 1}-` };
  const emulated = emulatedGpu(report);
  const onGpu =
    'On a machine with a GPU, `bash tools/bench/webgpu-on-gpu.sh --out gpu.json` runs this comparison at full sizes in a few minutes (it installs nothing: it needs Node, pnpm, the workspace\'s node_modules and a Vulkan driver for the GPU, e.g. NVIDIA\'s, and refuses an emulated adapter); `pnpm bench --from-json tools/bench/results/latest.json --section gpu.json --md BENCHMARKS.md --svg-dir tools/bench/results` then puts its results here. `--swiftshader` gives the run below, `--quick` a 20-second check of the whole path.';
  const preface = emulated
    ? `**Every number in this section is CPU-emulated and meaningless for real-GPU performance.** The only WebGPU adapter here is SwiftShader, a Vulkan implementation running on the machine's CPU cores, reached from Node through Dawn (npm \`webgpu\`); this machine has no GPU, so no real-GPU figures are in this file. Tessera's webgpu backend and TensorFlow.js's run side by side in one process on that one adapter (one Dawn instance, same toggles), so the ratios compare how the two drive an adapter whose costs are a CPU's — per-dispatch overhead, caches — not a GPU's.\n\n${onGpu}\n\n${NOISY_MACHINE_NOTE}`
    : `Tessera's webgpu backend and TensorFlow.js's run side by side in one process on the same adapter (one Dawn instance, same toggles).\n\n${onGpu}`;
  return { title: 'WebGPU: Tessera webgpu against TensorFlow.js WebGPU', preface, svgPrefix: 'webgpu-' };
}

export const NOISY_MACHINE_NOTE =
  'These numbers come from a small machine shared with colleagues\' builds and tests, so absolute times are noisy (±25 % between runs is usual). The contestants of each case run interleaved, so the ratios between them are steadier than the times themselves.';

function write(path: string, text: string): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, text);
}

function link(fromFile: string, to: string): string {
  return relative(dirname(resolve(fromFile)), resolve(to)).split(sep).join('/');
}

type Images = { ratios?: string; scaling: Record<string, string> };

/** Write a report's charts into `svgDir` (names prefixed with `prefix`); the image links for the markdown. */
function writeCharts(report: BenchReport, svgDir: string, prefix: string, markdown: string | undefined, written: string[]): Images {
  const images: Images = { scaling: {} };
  const ratios = ratioChart(report);
  if (ratios) {
    const p = join(svgDir, `${prefix}ratios.svg`);
    write(p, ratios);
    written.push(p);
    if (markdown) images.ratios = link(markdown, p);
  }
  for (const s of report.suites) {
    if (!s.scaling) continue;
    const svg = scalingChart(report, s.name, s.scaling.label);
    if (!svg) continue;
    const p = join(svgDir, `${prefix}scaling-${s.name}.svg`);
    write(p, svg);
    written.push(p);
    if (markdown) images.scaling[s.name] = link(markdown, p);
  }
  return images;
}

/** Write what was asked; returns the paths written. */
export function writeReport(report: BenchReport, opts: WriteOptions): string[] {
  const written: string[] = [];
  const images = opts.svgDir ? writeCharts(report, opts.svgDir, '', opts.markdown, written) : { scaling: {} };
  if (opts.json) {
    write(opts.json, `${JSON.stringify(report, null, 2)}\n`);
    written.push(opts.json);
  }
  if (opts.markdown) {
    const parts = [renderMarkdown(report, { title: opts.title, preface: opts.preface, images })];
    (opts.sections ?? []).forEach((section, i) => {
      const { title, preface, svgPrefix } = sectionOf(section, i);
      const imgs = opts.svgDir ? writeCharts(section, opts.svgDir, svgPrefix, opts.markdown, written) : { scaling: {} };
      parts.push(renderMarkdown(section, { title, preface, images: imgs, level: 2 }));
    });
    if (opts.renderedWith) parts.push(`---\n\nThis file was assembled from the saved runs above (their JSON) with:\n\n\`\`\`\n${opts.renderedWith}\n\`\`\`\n`);
    write(opts.markdown, parts.join('\n'));
    written.push(opts.markdown);
  }
  return written;
}
