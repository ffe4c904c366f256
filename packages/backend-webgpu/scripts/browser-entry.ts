// Bundled by browser-check.mjs for headless Chromium: the conformance table (forward and
// finite-difference checks; the PyTorch fixtures live on disk) on navigator.gpu.
import '@tessera/backend-webgpu';
import { setBackend } from '@tessera/core';
import { runConformance } from '../../conformance/src/run.js';

(globalThis as { runChecks?: () => Promise<unknown> }).runChecks = async () => {
  const backend = await setBackend('webgpu');
  const results = await runConformance(backend, { size: 'small', checks: ['forward', 'finiteDiff'] });
  return {
    adapter: (backend.info().features as { adapter: unknown }).adapter,
    total: results.length,
    failed: results.filter((r) => !r.pass).map((r) => `${r.op} / ${r.case} / ${r.check}: ${r.message ?? `max abs err ${r.maxAbsErr}`}`),
  };
};
