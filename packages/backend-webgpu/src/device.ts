/**
 * Getting a GPUDevice: `navigator.gpu` in browsers (and in Node when something installed it),
 * otherwise Dawn's Node bindings from the npm package `webgpu`, imported dynamically so that
 * this package stays browser-safe and bundlers do not try to resolve it.
 */
import { BackendError } from '@tessera/core';

interface DawnModule {
  create(options: string[]): GPU;
}

/**
 * Dawn toggles for the Node GPU object. WebGPU zero-fills workgroup memory at the start of every
 * workgroup; every kernel here writes its workgroup arrays before reading them, and on
 * SwiftShader that fill cost ~3 ms per workgroup of the 16 KiB matmul tiles (3-4x a whole
 * thin matmul), so it is skipped.
 */
const DAWN_FLAGS = ['enable-dawn-features=disable_workgroup_init'];

/** The GPU entry point of this environment. */
export async function findGPU(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
  if (!isNode) {
    throw new BackendError('webgpu: this browser has no navigator.gpu; WebGPU needs a recent Chrome, Edge or Safari (or Firefox with WebGPU enabled).');
  }
  const name = 'webgpu';
  let dawn: DawnModule;
  try {
    dawn = (await import(/* @vite-ignore */ name)) as DawnModule;
  } catch (e) {
    throw new BackendError(
      `webgpu: no navigator.gpu, and the npm package 'webgpu' (Dawn for Node) could not be loaded: ${(e as Error).message}. Install it with npm i webgpu.`,
    );
  }
  return dawn.create(DAWN_FLAGS);
}

/** Requests an adapter and a device with the limits and optional features the kernels use. */
export async function requestDevice(
  gpu: GPU,
  powerPreference: GPUPowerPreference | undefined,
): Promise<{ adapter: GPUAdapter; device: GPUDevice }> {
  const adapter = await gpu.requestAdapter(powerPreference ? { powerPreference } : undefined);
  if (!adapter) {
    throw new BackendError(
      'webgpu: requestAdapter() found no GPU adapter. In Node without a GPU, point Vulkan at SwiftShader: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (Debian package chromium).',
    );
  }
  const wanted: GPUFeatureName[] = ['timestamp-query', 'shader-f16'];
  const requiredFeatures = wanted.filter((f) => adapter.features.has(f));
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures,
    requiredLimits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    },
  });
  return { adapter, device };
}
