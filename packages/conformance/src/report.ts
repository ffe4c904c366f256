/** Plain-text and markdown views of conformance results. */
import type { CheckName, CheckResult, ConformanceReport } from './types.js';

const CHECKS: readonly CheckName[] = ['forward', 'finiteDiff', 'torch', 'leak'];

/** The checks to show as columns: the three standard ones, and 'leak' when it ran. */
export function shownChecks(results: readonly CheckResult[]): CheckName[] {
  return CHECKS.filter((c) => c !== 'leak' || results.some((r) => r.check === 'leak'));
}

export interface CellSummary {
  passed: number;
  failed: number;
  skipped: number;
}

/** Per op and check: how many results passed, failed, were skipped. Ops keep their first-seen order. */
export function summarize(results: readonly CheckResult[]): Map<string, Record<CheckName, CellSummary>> {
  const out = new Map<string, Record<CheckName, CellSummary>>();
  for (const r of results) {
    let row = out.get(r.op);
    if (!row) {
      row = { forward: { passed: 0, failed: 0, skipped: 0 }, finiteDiff: { passed: 0, failed: 0, skipped: 0 }, torch: { passed: 0, failed: 0, skipped: 0 }, leak: { passed: 0, failed: 0, skipped: 0 } };
      out.set(r.op, row);
    }
    const cell = row[r.check];
    if (r.skipped) cell.skipped++;
    else if (r.pass) cell.passed++;
    else cell.failed++;
  }
  return out;
}

/** One cell: "ok 12", "FAIL 2/12", "skip", or "-" when the check does not apply. */
export function formatCell(c: CellSummary): string {
  const ran = c.passed + c.failed;
  if (ran === 0) return c.skipped ? 'skip' : '-';
  if (c.failed) return `FAIL ${c.failed}/${ran}`;
  return `ok ${ran}`;
}

/** The ops x checks table the CLI prints without --json. */
export function formatTable(report: ConformanceReport): string {
  const rows = summarize(report.results);
  const checks = shownChecks(report.results);
  const header = ['op', ...checks];
  const lines = [...rows.entries()].map(([op, row]) => [op, ...checks.map((c) => formatCell(row[c]))]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const failed = report.results.filter((r) => !r.pass);
  const skipped = report.results.filter((r) => r.skipped).length;
  const out = [
    `conformance: backend ${report.backend}`,
    fmt(header),
    fmt(widths.map((w) => '-'.repeat(w))),
    ...lines.map(fmt),
    '',
    // Not "N passed, N failed": CI reads that shape as a test runner's closing line.
    `checks: ${report.results.length - failed.length - skipped} pass, ${failed.length} fail, ${skipped} skipped`,
  ];
  for (const r of failed) out.push(`  FAIL ${r.op} / ${r.case} / ${r.check}: ${r.message ?? ''}`);
  return out.join('\n');
}
