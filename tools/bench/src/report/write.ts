/** Writing a report out: the JSON records, the markdown tables and the SVG charts. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { BenchReport } from '../types.js';
import { renderMarkdown } from './markdown.js';
import { ratioChart, scalingChart } from './svg.js';

export interface WriteOptions {
  json?: string;
  markdown?: string;
  /** Where the SVG charts go; none are written without it. */
  svgDir?: string;
  title?: string;
  preface?: string;
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

/** Write what was asked; returns the paths written. */
export function writeReport(report: BenchReport, opts: WriteOptions): string[] {
  const written: string[] = [];
  const images: { ratios?: string; scaling: Record<string, string> } = { scaling: {} };
  if (opts.svgDir) {
    const ratios = ratioChart(report);
    if (ratios) {
      const p = join(opts.svgDir, 'ratios.svg');
      write(p, ratios);
      written.push(p);
      if (opts.markdown) images.ratios = link(opts.markdown, p);
    }
    for (const s of report.suites) {
      if (!s.scaling) continue;
      const svg = scalingChart(report, s.name, s.scaling.label);
      if (!svg) continue;
      const p = join(opts.svgDir, `scaling-${s.name}.svg`);
      write(p, svg);
      written.push(p);
      if (opts.markdown) images.scaling[s.name] = link(opts.markdown, p);
    }
  }
  if (opts.json) {
    write(opts.json, `${JSON.stringify(report, null, 2)}\n`);
    written.push(opts.json);
  }
  if (opts.markdown) {
    write(opts.markdown, renderMarkdown(report, { title: opts.title, preface: opts.preface, images }));
    written.push(opts.markdown);
  }
  return written;
}
