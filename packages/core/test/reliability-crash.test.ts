/**
 * Crash safety of checkpoints: a child process trains and checkpoints atomically after every
 * step; the test SIGKILLs it at seeded random moments, many times, each child resuming where
 * the last one died. After every kill the checkpoint must load, hold the last step the child
 * reported saved (or the one after: the rename can land just before the print), leave at most
 * one stray temp file, and resume to a run bit-identical to one never interrupted.
 * TESSERA_CRASH_ITERATIONS (default 12) sets the number of kills.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCpuBackend } from '@tessera/backend-cpu';
import { io, type Tensor, train, use } from '@tessera/core';
import { CHECKPOINT, setupRun, TOTAL_STEPS } from './helpers/crash-run.js';

const ITERATIONS = Number(process.env.TESSERA_CRASH_ITERATIONS ?? 12);
const SEED = Number(process.env.TESSERA_CRASH_SEED ?? 7);
const helpers = join(dirname(fileURLToPath(import.meta.url)), 'helpers');

use(createCpuBackend());
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-crash-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const bits = (ts: Tensor[]) => ts.map((t) => Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer)));

interface ChildRun {
  saved: number[];
  done: boolean;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Run the child on `workDir`; SIGKILL it `delayMs` after its first `saved` line (or after it
 * starts, with `fromSpawn`). Resolves when it has exited.
 */
function runChild(workDir: string, delayMs: number, fromSpawn: boolean): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(helpers, 'crash-child.ts'), workDir], {
      cwd: join(helpers, '..', '..'),
      env: { ...process.env, TSX_TSCONFIG_PATH: join(helpers, 'tsconfig.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let armed = false;
    const arm = () => {
      armed = true;
      setTimeout(() => child.kill('SIGKILL'), delayMs);
    };
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000); // never hang the suite
    if (fromSpawn) arm();
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!armed && stdout.includes('saved ')) arm();
    });
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(guard);
      const lines = stdout.split('\n').slice(0, -1); // complete lines only
      const saved = lines.filter((l) => l.startsWith('saved ')).map((l) => Number(l.slice(6)));
      resolve({ saved, done: lines.includes('done'), signal, stderr });
    });
  });
}

describe('crash safety', () => {
  it(`SIGKILL at ${ITERATIONS} random moments: the checkpoint always loads, is current, and resumes bit-identically`, async () => {
    // The uninterrupted reference, in this process.
    const reference = setupRun();
    await train(reference);
    const want = bits(reference.model.parameters());

    const random = generator(SEED);
    const work = join(dir, 'work');
    let known: number | null = null; // step of the checkpoint on disk, once one exists
    const log: string[] = [];
    let kills = 0;
    let midSave = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const fromSpawn = random() < 0.25;
      const delay = Math.floor(fromSpawn ? 400 + random() * 800 : random() * 40);
      const run = await runChild(work, delay, fromSpawn);
      const what = `iteration ${i} (seed ${SEED}, kill ${delay} ms after ${fromSpawn ? 'spawn' : 'the first save'}): printed ${run.saved.join(',') || 'nothing'}${run.done ? ', done' : ''}`;
      log.push(what);
      expect(run.stderr, what).toBe('');
      expect(run.done || run.signal === 'SIGKILL', what).toBe(true);
      if (run.signal === 'SIGKILL') kills++;

      const names = await readdir(work).catch(() => [] as string[]);
      const temps = names.filter((n) => n.startsWith(`.${CHECKPOINT}.`) && n.endsWith('.tmp'));
      expect(temps.length, `${what}: stray temp files ${temps.join(', ')}`).toBeLessThanOrEqual(1);
      if (temps.length) midSave++;

      const last = run.saved.length ? Math.max(...run.saved) : known;
      if (last === null && !names.includes(CHECKPOINT)) continue; // killed before the first save ever
      expect(names, `${what}: the checkpoint is missing`).toContain(CHECKPOINT);
      const path = join(work, CHECKPOINT);
      const ckpt = await io.loadCheckpoint(path);
      io.disposeCheckpoint(ckpt);
      const step = ckpt.step!;
      if (run.done) expect(step, what).toBe(TOTAL_STEPS);
      else if (last === null) expect(step, what).toBe(1); // its first save landed, unprinted
      else expect([last, last + 1], `${what}: checkpoint at step ${step}`).toContain(step);
      log[log.length - 1] += `; checkpoint at step ${step}`;
      known = step;

      // Resume a copy in this process and finish: bit-identical to the uninterrupted run.
      const copy = join(dir, `verify-${i}.ckpt`);
      await copyFile(path, copy);
      const resumed = setupRun();
      const r = await train({ ...resumed, checkpoint: { path: copy, everySteps: TOTAL_STEPS, resume: true } });
      expect(r.steps, what).toBe(TOTAL_STEPS);
      expect(r.losses.length, what).toBe(TOTAL_STEPS - step);
      expect(bits(resumed.model.parameters()), `${what}: resumed from step ${step}`).toEqual(want);

      if (run.done) {
        await rm(work, { recursive: true, force: true }); // start the chain again
        known = null;
      }
    }
    // Most children were really killed, and the chain got past its start.
    expect(kills, log.join('\n')).toBeGreaterThanOrEqual(Math.ceil(ITERATIONS / 2));
    expect(known === null || known > 1 || log.some((l) => l.includes('done')), log.join('\n')).toBe(true);
    if (process.env.TESSERA_CRASH_ITERATIONS) console.log(`crash test: ${kills} kills, ${midSave} left a temp file (killed mid-save)\n${log.join('\n')}`);
  }, 120_000);
});
