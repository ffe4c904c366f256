/** Memory counts as flat numbers, and their differences: what the leak check and the training-memory suite compare. */
import { type Backend, memory } from '@tessera/core';

/**
 * One backend's memory counts as flat numbers: core's live tensors, buffers and bytes for its
 * name (from `memory()`), and every number the backend's own `memory()` reports (for WebGPU:
 * pooled buffers too), asked of this instance (several backends may share a name).
 */
export function memoryCounts(backend: Backend): Record<string, number> {
  const m = memory().backends[backend.name];
  const out: Record<string, number> = { tensors: m?.tensors ?? 0, buffers: m?.buffers ?? 0, bytes: m?.bytes ?? 0 };
  for (const [k, v] of Object.entries(backend.memory())) if (typeof v === 'number') out[`backend.${k}`] = v;
  return out;
}

/** "tensors 12 -> 13 (+1), bytes ..." for the counts that differ; '' when none do. */
export function memoryDiff(before: Record<string, number>, after: Record<string, number>): string {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys
    .filter((k) => before[k] !== after[k])
    .map((k) => {
      const d = (after[k] ?? 0) - (before[k] ?? 0);
      return `${k} ${before[k] ?? 0} -> ${after[k] ?? 0} (${d > 0 ? '+' : ''}${d})`;
    })
    .join(', ');
}
