/** Ratios against the best peer: what the tables and the chart read from a report. */
import type { BenchRecord } from '../types.js';

/** The label of the contestant of a record. */
export function who(r: Pick<BenchRecord, 'backend' | 'peer'>): string {
  return r.backend ?? r.peer ?? '?';
}

/** The fastest peer record of each (suite, case), keyed `suite\u0000case`. */
export function bestPeers(records: readonly BenchRecord[]): Map<string, BenchRecord> {
  const best = new Map<string, BenchRecord>();
  for (const r of records) {
    if (!r.peer) continue;
    const key = `${r.suite}\u0000${r.case}`;
    const cur = best.get(key);
    if (!cur || r.median_ms < cur.median_ms) best.set(key, r);
  }
  return best;
}

/** median / best peer's median for the same case (>1: slower than the best peer), or undefined. */
export function ratioToBest(r: BenchRecord, best: Map<string, BenchRecord>): number | undefined {
  const b = best.get(`${r.suite}\u0000${r.case}`);
  return b ? r.median_ms / b.median_ms : undefined;
}

/** One row per record of our backends that has a peer to compare with. */
export interface BackendRatio {
  record: BenchRecord;
  best: BenchRecord;
  ratio: number;
}

export function backendRatios(records: readonly BenchRecord[]): BackendRatio[] {
  const best = bestPeers(records);
  const out: BackendRatio[] = [];
  for (const r of records) {
    if (!r.backend) continue;
    const b = best.get(`${r.suite}\u0000${r.case}`);
    if (b) out.push({ record: r, best: b, ratio: r.median_ms / b.median_ms });
  }
  return out;
}
