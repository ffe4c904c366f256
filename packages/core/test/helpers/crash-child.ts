/**
 * Child process of reliability-crash.test.ts: trains the shared run, resuming from the
 * checkpoint in <dir> when there is one, checkpointing atomically after every step and
 * printing `saved <step>` once each save has landed. The test SIGKILLs it at random moments.
 *
 *   TSX_TSCONFIG_PATH=test/helpers/tsconfig.json node --import tsx test/helpers/crash-child.ts <dir>
 */
import { join } from 'node:path';
import { train, use } from '@tessera/core';
import { createCpuBackend } from '@tessera/backend-cpu';
import { CHECKPOINT, setupRun } from './crash-run.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: crash-child.ts <dir>');
use(createCpuBackend());
await train({
  ...setupRun(),
  checkpoint: { path: join(dir, CHECKPOINT), everySteps: 1, resume: true },
  onStep: ({ step, checkpointed }) => {
    if (checkpointed) process.stdout.write(`saved ${step}\n`);
  },
});
process.stdout.write('done\n');
