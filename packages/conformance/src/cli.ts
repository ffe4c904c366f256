/**
 * `pnpm --silent conformance --backend <name> [--json] [--size small|full] [--ops a,b] [--checks forward,torch] [--leak] [--training]`
 *
 * Imports '@tessera/backend-<name>' (for 'cpu-f64', '@tessera/backend-cpu'), activates the
 * backend with setBackend(name), runs the suite, and prints either one JSON object
 * {"backend", "results": [...]} or an ops x checks table. Exits 1 when any check fails.
 */
import { setBackend } from '@tessera/core';
import { formatTable } from './report.js';
import { runConformance } from './run.js';
import type { CheckName, ConformanceReport, SuiteSize } from './types.js';

interface CliArgs {
  backend: string;
  json: boolean;
  size: SuiteSize;
  ops?: string[];
  checks?: CheckName[];
  leak: boolean;
  training: boolean;
}

const USAGE = 'usage: conformance --backend <name> [--json] [--size small|full] [--ops exp,matmul] [--checks forward,finiteDiff,torch,leak] [--leak] [--training]';

function parseArgs(argv: readonly string[]): CliArgs {
  const out: Partial<CliArgs> = { json: false, size: 'full', leak: false, training: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--') continue;
    else if (a === '--backend') out.backend = value();
    else if (a === '--json') out.json = true;
    else if (a === '--leak') out.leak = true;
    else if (a === '--training') out.training = true;
    else if (a === '--size') {
      const v = value();
      if (v !== 'small' && v !== 'full') throw new Error(`--size must be small or full, got ${v}`);
      out.size = v;
    } else if (a === '--ops') out.ops = value().split(',').filter(Boolean);
    else if (a === '--checks') out.checks = value().split(',').filter(Boolean) as CheckName[];
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (!out.backend) throw new Error(`--backend is required\n${USAGE}`);
  return out as CliArgs;
}

/** The package that registers backend `name`: '@tessera/backend-<name>', or its prefix before a '-' suffix (cpu-f64 -> cpu). */
async function importBackend(name: string): Promise<void> {
  const candidates = [name, name.split('-')[0]].filter((v, i, all) => all.indexOf(v) === i);
  let last: unknown;
  for (const c of candidates) {
    try {
      await import(`@tessera/backend-${c}`);
      return;
    } catch (e) {
      last = e;
    }
  }
  throw new Error(`cannot import @tessera/backend-${name}: ${last instanceof Error ? last.message : String(last)}`);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  await importBackend(args.backend);
  const backend = await setBackend(args.backend);
  const results = await runConformance(backend, { size: args.size, ops: args.ops, checks: args.checks, leakCheck: args.leak, trainingMemory: args.training });
  const report: ConformanceReport = { backend: args.backend, results };
  if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else console.log(formatTable(report));
  return results.some((r) => !r.pass) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 2;
  },
);
