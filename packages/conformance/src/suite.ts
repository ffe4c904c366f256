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
import { memoryCounts, memoryDiff } from './memory-counts.js';
import { ALL_CHECKS, type EntryRunContext, runCustom, runSample, runTorch, samplesFor, skipReason, withLeak } from './run.js';
import { optimizerOpName, optimizerTable, runOptimizer } from './optim.js';
import { opTable } from './table.js';
import { runTrainingMemory, TRAINING_MODELS, type TrainingMemoryOptions } from './training-memory.js';
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
  /**
   * Also register the 'leak' check for every case (memory() unchanged over a forward and
   * backward with everything disposed). Default from TESSERA_CONFORMANCE_LEAK=1, else false.
   */
  leakCheck?: boolean;
  /**
   * The training-memory tests (see {@link defineTrainingMemorySuite}), registered after the
   * table with the suite's backend and size. Default on (200 steps per model); `false` turns them off.
   */
  trainingMemory?: TrainingMemoryOptions | false;
}

function envSize(): SuiteSize | undefined {
  const v = typeof process !== 'undefined' ? process.env.TESSERA_CONFORMANCE_SIZE : undefined;
  return v === 'small' || v === 'full' ? v : undefined;
}

/** Core's live tensors, buffers and bytes for the backend. */
function liveCounts(backend: Backend): Record<string, number> {
  const { tensors, buffers, bytes } = memoryCounts(backend);
  return { tensors, buffers, bytes };
}

function envLeak(): boolean | undefined {
  const v = typeof process !== 'undefined' ? process.env.TESSERA_CONFORMANCE_LEAK : undefined;
  return v === undefined ? undefined : v === '1' || v === 'true';
}

function explain(results: readonly CheckResult[]): string {
  return results
    .filter((r) => !r.pass)
    .map((r) => `${r.op} / ${r.case} / ${r.check}: ${r.message ?? 'failed'} (maxAbsErr ${r.maxAbsErr}, maxRelErr ${r.maxRelErr})`)
    .join('\n');
}

export function defineConformanceSuite(createBackend: () => Backend | Promise<Backend>, options: SuiteOptions = {}): void {
  const size = options.size ?? envSize() ?? 'full';
  const checks = withLeak(options.checks ?? ALL_CHECKS, options.leakCheck ?? envLeak());
  const table = [...opTable, ...(options.extraEntries ?? [])].filter((e) => !options.ops || options.ops.includes(e.name));
  const ctx = {} as EntryRunContext & { start: Record<string, number> };
  const all: CheckResult[] = [];

  describe('conformance', () => {
    beforeAll(async () => {
      ctx.backend = await createBackend();
      ctx.start = liveCounts(ctx.backend);
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
          for (const check of ['forward', 'finiteDiff', 'leak'] as const) {
            if (!checks.includes(check)) continue;
            if (check === 'finiteDiff' && !(entry.differentiable && sample.grad !== false && sample.inputs.some((i) => i.dtype === 'float32' && i.grad !== false))) continue;
            it(`${sample.name} › ${check}`, async (t) => {
              const why = skipReason(entry, ctx.backend.name, check, sample.name) ?? (check === 'leak' ? skipReason(entry, ctx.backend.name, 'forward', sample.name) : undefined);
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
    it('leaves no tensors of its own behind on the backend', () => {
      const now = liveCounts(ctx.backend);
      expect(memoryDiff(ctx.start, now), 'tensors the suite created and never disposed (an optimizer state, a custom check, ...)').toBe('');
    });
    if (options.trainingMemory !== false && !options.ops) {
      defineTrainingMemorySuite(() => ctx.backend, { size, ...options.trainingMemory });
    }
  });
}

/**
 * Register the training-memory tests with vitest, one per model: each trains with AdamW for
 * `steps` steps (default 200), every step in `tidyAsync` with `await loss.item()`, and requires
 * memory() to be identical after every step from the second on, the loss to decrease, and
 * nothing left once everything is disposed (see `runTrainingMemory`). `defineConformanceSuite`
 * calls it with its own backend; call it yourself to run only these tests.
 */
export function defineTrainingMemorySuite(createBackend: () => Backend | Promise<Backend>, options: TrainingMemoryOptions = {}): void {
  const size = options.size ?? envSize() ?? 'full';
  const steps = options.steps ?? 200;
  let backend: Backend | undefined;
  describe('training memory', () => {
    beforeAll(async () => {
      backend = await createBackend();
    });
    for (const model of options.models ?? TRAINING_MODELS) {
      it(
        `${model}: AdamW for ${steps} steps holds memory() steady from step 2 and lowers the loss`,
        async () => {
          const r = await runTrainingMemory(backend!, model, { ...options, size, steps });
          expect(r.firstChange, r.message).toBeUndefined();
          expect(r.leftover, r.message).toBeUndefined();
          expect(r.lossDecreased, r.message).toBe(true);
        },
        // Generous: a CPU-emulated GPU is slow; the cpu backend needs a few seconds.
        600_000,
      );
    }
  });
}
