/**
 * `defineConformanceSuite`: registers the table as vitest tests — a describe per op, an `it`
 * per case and check — so a backend's conformance test file is three lines:
 *
 *   import { defineConformanceSuite } from '@tessera/conformance';
 *   import { createCpuBackend } from '@tessera/backend-cpu';
 *   defineConformanceSuite(() => createCpuBackend());
 */
import type { Backend } from '@tessera/core';
import { createCpuBackend } from '@tessera/backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureSet, loadFixtures } from './fixtures.js';
import { ALL_CHECKS, type EntryRunContext, runCustom, runSample, runTorch, samplesFor, skipReason } from './run.js';
import { optimizerOpName, optimizerTable, runOptimizer } from './optim.js';
import { opTable } from './table.js';
import type { CheckName, CheckResult, OpEntry, SuiteSize } from './types.js';

export interface SuiteOptions {
  /** 'small' drops the large cases; default from TESSERA_CONFORMANCE_SIZE, else 'full'. */
  size?: SuiteSize;
  /** Entry names to register (default: all). */
  ops?: readonly string[];
  checks?: readonly CheckName[];
  /** Extra entries (a backend's own fused ops, say) appended to the table. */
  extraEntries?: readonly OpEntry[];
  /** Print the ops x checks table after the run (default true). */
  printTable?: boolean;
}

function envSize(): SuiteSize | undefined {
  const v = typeof process !== 'undefined' ? process.env.TESSERA_CONFORMANCE_SIZE : undefined;
  return v === 'small' || v === 'full' ? v : undefined;
}

function explain(results: readonly CheckResult[]): string {
  return results
    .filter((r) => !r.pass)
    .map((r) => `${r.op} / ${r.case} / ${r.check}: ${r.message ?? 'failed'} (maxAbsErr ${r.maxAbsErr}, maxRelErr ${r.maxRelErr})`)
    .join('\n');
}

export function defineConformanceSuite(createBackend: () => Backend | Promise<Backend>, options: SuiteOptions = {}): void {
  const size = options.size ?? envSize() ?? 'full';
  const checks = options.checks ?? ALL_CHECKS;
  const table = [...opTable, ...(options.extraEntries ?? [])].filter((e) => !options.ops || options.ops.includes(e.name));
  const ctx = {} as EntryRunContext;
  const all: CheckResult[] = [];

  describe('conformance', () => {
    beforeAll(async () => {
      ctx.backend = await createBackend();
      ctx.reference = createCpuBackend({ float64: true });
      ctx.size = size;
      ctx.checks = checks;
      ctx.fixtures = checks.includes('torch') ? await loadFixtures() : (null as FixtureSet | null);
    });

    afterAll(async () => {
      if (options.printTable === false || all.length === 0) return;
      const { formatTable } = await import('./report.js');
      console.log(formatTable({ backend: ctx.backend.name, results: all }));
    });

    const record = (rs: CheckResult[]) => {
      all.push(...rs);
      const failed = rs.filter((r) => !r.pass);
      expect(failed, explain(failed)).toEqual([]);
    };

    for (const entry of table) {
      describe(entry.name, () => {
        for (const sample of samplesFor(entry, size)) {
          for (const check of ['forward', 'finiteDiff'] as const) {
            if (!checks.includes(check)) continue;
            if (check === 'finiteDiff' && !(entry.differentiable && sample.grad !== false && sample.inputs.some((i) => i.dtype === 'float32' && i.grad !== false))) continue;
            it(`${sample.name} › ${check}`, async (t) => {
              const why = skipReason(entry, ctx.backend.name, check, sample.name);
              if (why) {
                t.skip(why);
                return;
              }
              record(await runSample(entry, sample, ctx, [check]));
            });
          }
        }
        if (entry.custom) it('statistics', async () => record(await runCustom(entry, ctx)));
        if (checks.includes('torch')) it('torch fixtures', async () => record(await runTorch(entry, ctx)));
      });
    }
    if (checks.includes('torch')) {
      for (const o of optimizerTable) {
        const name = optimizerOpName(o.name);
        if (options.ops && !options.ops.includes(name)) continue;
        describe(name, () => {
          it('trajectories match torch.optim', async () => record(await runOptimizer(o, ctx.fixtures!, ctx.backend)));
        });
      }
    }
  });
}
