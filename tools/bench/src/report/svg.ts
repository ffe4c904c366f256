/**
 * Two hand-rolled SVG charts (no dependency, no fonts beyond the viewer's sans-serif):
 * the ratio of each of our backends to the best peer per case, and time against problem
 * size per contestant for the suites that sweep one.
 */
import type { BenchReport, BenchRecord } from '../types.js';
import { backendRatios, who } from './ratios.js';

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmtRatio(x: number): string {
  return x >= 100 ? `${x.toFixed(0)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`;
}

/** Powers of ten (and 2, 5 between them when the span is small) covering [lo, hi]. */
function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  const span = Math.log10(hi) - Math.log10(lo);
  const steps = span < 2.5 ? [1, 2, 5] : [1];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const s of steps) {
      const v = s * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push(v);
    }
  }
  return ticks;
}

function fmtTick(v: number): string {
  if (v >= 1000) return `${v / 1000}k`.replace('.0k', 'k');
  if (v >= 1) return String(Number(v.toPrecision(3)));
  return String(Number(v.toPrecision(2)));
}

function header(width: number, height: number, title: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">\n` +
    `<rect width="${width}" height="${height}" fill="#fff"/>\n` +
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>\n`
  );
}

/** Horizontal bars, log scale: each backend's median over the best peer's, per case. Null without data. */
export function ratioChart(report: Pick<BenchReport, 'records'>): string | null {
  const rows = backendRatios(report.records);
  if (rows.length === 0) return null;
  const backends = [...new Set(rows.map((r) => r.record.backend!))];
  const color = (b: string) => PALETTE[backends.indexOf(b) % PALETTE.length];
  const rowH = 22;
  const left = 230;
  const right = 90;
  const top = 50;
  const plotW = 560;
  const width = left + plotW + right;
  const height = top + rows.length * rowH + 50;
  const lo = Math.min(1, ...rows.map((r) => r.ratio)) / 1.5;
  const hi = Math.max(1, ...rows.map((r) => r.ratio)) * 1.5;
  const x = (v: number) => left + ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotW;
  let s = header(width, height, 'Time relative to the best peer (log scale; left of 1× is faster)');
  for (const t of logTicks(lo, hi)) {
    s += `<line x1="${x(t).toFixed(1)}" y1="${top - 6}" x2="${x(t).toFixed(1)}" y2="${top + rows.length * rowH}" stroke="#ddd"/>\n`;
    s += `<text x="${x(t).toFixed(1)}" y="${top + rows.length * rowH + 16}" text-anchor="middle" fill="#555">${fmtTick(t)}×</text>\n`;
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const x0 = x(1);
    const x1 = x(r.ratio);
    const label = `${r.record.suite} ${r.record.case}${backends.length > 1 ? ` (${r.record.backend})` : ''}`;
    s += `<text x="${left - 8}" y="${y + rowH / 2 + 4}" text-anchor="end">${esc(label)}</text>\n`;
    s += `<rect x="${Math.min(x0, x1).toFixed(1)}" y="${y + 3}" width="${Math.max(1, Math.abs(x1 - x0)).toFixed(1)}" height="${rowH - 6}" fill="${color(r.record.backend!)}"><title>${esc(`${who(r.record)}: ${r.record.median_ms} ms vs ${who(r.best)} ${r.best.median_ms} ms`)}</title></rect>\n`;
    s += `<text x="${(Math.max(x0, x1) + 4).toFixed(1)}" y="${y + rowH / 2 + 4}" fill="#333">${esc(`${fmtRatio(r.ratio)} vs ${who(r.best)}`)}</text>\n`;
  });
  s += `<line x1="${x(1).toFixed(1)}" y1="${top - 6}" x2="${x(1).toFixed(1)}" y2="${top + rows.length * rowH}" stroke="#000"/>\n`;
  backends.forEach((b, i) => {
    const lx = left + i * 110;
    const ly = height - 14;
    s += `<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${color(b)}"/><text x="${lx + 16}" y="${ly}">${esc(b)}</text>\n`;
  });
  return `${s}</svg>\n`;
}

/** Log-log lines of median time against the swept size, one per contestant; null with under two sizes. */
export function scalingChart(report: Pick<BenchReport, 'records'>, suite: string, xLabel: string): string | null {
  const recs = report.records.filter((r) => r.suite === suite && r.size !== undefined);
  const sizes = [...new Set(recs.map((r) => r.size!))].sort((a, b) => a - b);
  if (sizes.length < 2) return null;
  const series = new Map<string, BenchRecord[]>();
  for (const r of recs) {
    const key = r.backend ? `${r.backend} (Tessera)` : r.peer!;
    if (!series.has(key)) series.set(key, []);
    series.get(key)!.push(r);
  }
  const names = [...series.keys()];
  const left = 70;
  const top = 40;
  const plotW = 520;
  const plotH = 340;
  const legendW = 170;
  const width = left + plotW + 20 + legendW;
  const height = top + plotH + 55;
  const times = recs.flatMap((r) => [r.p10_ms, r.p90_ms, r.median_ms]);
  const ylo = Math.min(...times) / 1.3;
  const yhi = Math.max(...times) * 1.3;
  const xlo = sizes[0] / 1.15;
  const xhi = sizes[sizes.length - 1] * 1.15;
  const lx = (v: number) => left + ((Math.log(v) - Math.log(xlo)) / (Math.log(xhi) - Math.log(xlo))) * plotW;
  const ly = (v: number) => top + plotH - ((Math.log(v) - Math.log(ylo)) / (Math.log(yhi) - Math.log(ylo))) * plotH;
  let s = header(width, height, `${suite}: median time per run against ${xLabel} (log-log; bars span p10–p90)`);
  s += `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>\n`;
  for (const t of logTicks(ylo, yhi)) {
    s += `<line x1="${left}" y1="${ly(t).toFixed(1)}" x2="${left + plotW}" y2="${ly(t).toFixed(1)}" stroke="#eee"/>\n`;
    s += `<text x="${left - 6}" y="${(ly(t) + 4).toFixed(1)}" text-anchor="end" fill="#555">${fmtTick(t)}</text>\n`;
  }
  for (const v of sizes) {
    s += `<line x1="${lx(v).toFixed(1)}" y1="${top}" x2="${lx(v).toFixed(1)}" y2="${top + plotH}" stroke="#eee"/>\n`;
    s += `<text x="${lx(v).toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle" fill="#555">${v}</text>\n`;
  }
  s += `<text x="${left + plotW / 2}" y="${top + plotH + 36}" text-anchor="middle">${esc(xLabel)}</text>\n`;
  s += `<text x="16" y="${top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${top + plotH / 2})">ms per run</text>\n`;
  names.forEach((name, i) => {
    const c = PALETTE[i % PALETTE.length];
    const pts = series.get(name)!.sort((a, b) => a.size! - b.size!);
    const dash = name.endsWith('(Tessera)') ? '' : ' stroke-dasharray="5 3"';
    s += `<polyline fill="none" stroke="${c}" stroke-width="2"${dash} points="${pts.map((p) => `${lx(p.size!).toFixed(1)},${ly(p.median_ms).toFixed(1)}`).join(' ')}"/>\n`;
    for (const p of pts) {
      const px = lx(p.size!).toFixed(1);
      s += `<line x1="${px}" y1="${ly(p.p10_ms).toFixed(1)}" x2="${px}" y2="${ly(p.p90_ms).toFixed(1)}" stroke="${c}"/>\n`;
      s += `<circle cx="${px}" cy="${ly(p.median_ms).toFixed(1)}" r="3.5" fill="${c}"><title>${esc(`${name} ${p.case}: ${p.median_ms} ms`)}</title></circle>\n`;
    }
    const gy = top + 10 + i * 20;
    const gx = left + plotW + 20;
    s += `<line x1="${gx}" y1="${gy}" x2="${gx + 22}" y2="${gy}" stroke="${c}" stroke-width="2"${dash}/><text x="${gx + 28}" y="${gy + 4}">${esc(name)}</text>\n`;
  });
  return `${s}</svg>\n`;
}
