/**
 * @tessera/backend-webgpu: WGSL kernels for the browser (navigator.gpu) and Node (Dawn, npm
 * `webgpu`). Importing this module registers the async backend 'webgpu': `await setBackend('webgpu')`.
 */
import { registerBackend } from '@tessera/core';
import { WebGPUBackend, type WebGPUBackendOptions } from './backend.js';
import { findGPU, requestDevice } from './device.js';

export { WebGPUBackend, type WebGPUBackendOptions, type ProfileResult } from './backend.js';
export { WebGPUBuffer, type PoolStats } from './buffers.js';
export type { KernelTiming } from './queue.js';

/** Requests an adapter and device (or uses `options.device`) and returns a WebGPU backend. */
export async function createWebGPUBackend(options: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
  if (options.device) return new WebGPUBackend(options.device, options.adapter ?? null, options);
  const gpu = options.gpu ?? (await findGPU());
  const { adapter, device } = await requestDevice(gpu, options.powerPreference);
  return new WebGPUBackend(device, adapter, { ...options, gpu });
}

// Low priority: getBackend() without setBackend() should pick a synchronous backend. It may
// still call this factory and drop the promise, so a failure must not become an unhandled
// rejection; `await setBackend('webgpu')` sees it.
registerBackend(
  'webgpu',
  () => {
    const made = createWebGPUBackend();
    made.catch(() => undefined);
    return made;
  },
  -10,
);
