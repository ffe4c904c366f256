/**
 * @tessera/backend-cpu: the pure TypeScript reference backend. Importing this module
 * registers `cpu` (float32 storage, priority 0) and `cpu-f64` (float64 storage and math,
 * the conformance reference, priority -1).
 */
import { registerBackend, type Backend } from '@tessera/core';
import { CpuBackend, type CpuBackendOptions } from './backend.js';

export { CpuBackend, type CpuBackendOptions } from './backend.js';
export { CpuBuffer } from './buffers.js';

/** A new cpu backend; `{ float64: true }` gives the float64 reference. */
export function createCpuBackend(options: CpuBackendOptions = {}): Backend {
  return new CpuBackend(options);
}

registerBackend('cpu', () => createCpuBackend(), 0);
registerBackend('cpu-f64', () => createCpuBackend({ float64: true }), -1);
