/**
 * Writes docs/conformance.md from JSON reports (the CLI's --json output):
 *   tsx src/matrix.ts [reports/*.json] [--out ../../docs/conformance.md]
 * Without arguments it reads every packages/conformance/reports/*.json.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { renderMatrix } from './matrix-render.js';
import { opTable } from './table.js';
import type { ConformanceReport } from './types.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  let out = new URL('../../../docs/conformance.md', import.meta.url).pathname;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out') out = args[++i];
    else files.push(args[i]);
  }
  if (files.length === 0) {
    const dir = new URL('../reports/', import.meta.url);
    const names = (await readdir(dir)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
    for (const f of names.sort()) files.push(new URL(`${f}.json`, dir).pathname);
  }
  const reports: ConformanceReport[] = [];
  for (const f of files) reports.push(JSON.parse(await readFile(f, 'utf8')) as ConformanceReport);
  await writeFile(out, renderMatrix(reports, opTable.map((e) => e.name)));
  console.error(`wrote ${out} from ${files.length} report(s)`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
