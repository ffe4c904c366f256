/**
 * The conformance table: one entry per public op of @tessera/core, per loss, and per module. Adding an op means adding one entry to the family file it belongs to.
 */
import { creationEntries } from './ops/creation.js';
import { elementwiseEntries } from './ops/elementwise.js';
import { indexingEntries } from './ops/indexing.js';
import { linalgEntries } from './ops/linalg.js';
import { lossEntries } from './ops/losses.js';
import { moduleEntries } from './ops/modules.js';
import { reduceEntries } from './ops/reduce.js';
import { shapeEntries } from './ops/shape.js';
import type { OpEntry } from './types.js';

export const opTable: readonly OpEntry[] = [
  ...elementwiseEntries,
  ...reduceEntries,
  ...shapeEntries,
  ...indexingEntries,
  ...linalgEntries,
  ...creationEntries,
  ...lossEntries,
  ...moduleEntries,
];

/** The entry named `name`; throws listing the names when there is none. */
export function entry(name: string): OpEntry {
  const e = opTable.find((x) => x.name === name);
  if (!e) throw new Error(`no conformance entry named '${name}'; entries: ${opTable.map((x) => x.name).join(', ')}`);
  return e;
}
