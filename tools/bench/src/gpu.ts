/**
 * The one WebGPU entry point of a bench run, and the adapter's FMA peak. In Node,
 * `navigator.gpu` is Dawn's (npm `webgpu`), created once, before any contestant loads, so
 * Tessera's webgpu backend and tfjs-webgpu share one Dawn instance, one adapter and the same
 * toggles. The peak comes from a WGSL microkernel (assets/peak.wgsl) of independent FMA
 * chains, timed on the wall clock over dispatches long enough (>= 100 ms) that submission
 * costs vanish in it.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assetPath } from './paths.js';
import type { GpuPeakInfo } from './types.js';
import { Unavailable } from './types.js';

/**
 * Dawn toggles of the shared GPU object: the ones @tessera/backend-webgpu uses for its own in
 * Node (packages/backend-webgpu/src/device.ts). Skipping WebGPU's zero fill of workgroup
 * memory matters on SwiftShader (~3 ms per workgroup of a 16 KiB tile) and hardly at all on a
 * GPU; giving tfjs-webgpu the same toggle keeps the comparison about kernels.
 */
export const DAWN_FLAGS = ['enable-dawn-features=disable_workgroup_init'];

/** Adapters that are CPU emulations: correct, but their timings say nothing about a GPU. */
export const EMULATED_ADAPTER = /swiftshader|llvmpipe|lavapipe|software|\bcpu\b/i;

export interface WebGpuEnvOptions {
  /** Accept a CPU-emulated adapter (SwiftShader): correct, but its timings mean nothing. */
  allowEmulatedGpu?: boolean;
}

/**
 * Environment Dawn reads when it starts (so set before any WebGPU backend, ours or tfjs's,
 * loads): a private XDG_RUNTIME_DIR, which the Vulkan loader wants, and, when emulation is
 * allowed and no driver is named, SwiftShader's Vulkan driver from Debian's chromium
 * (lavapipe does not work with Dawn).
 */
export function prepareWebGpuEnv(opts: WebGpuEnvOptions): void {
  if (!process.env.XDG_RUNTIME_DIR) {
    const dir = join(tmpdir(), `tessera-bench-xdg-${process.getuid?.() ?? 0}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    process.env.XDG_RUNTIME_DIR = dir;
  }
  const icd = '/usr/lib/chromium/vk_swiftshader_icd.json';
  if (opts.allowEmulatedGpu && !process.env.VK_ICD_FILENAMES && existsSync(icd)) process.env.VK_ICD_FILENAMES = icd;
}

/** `navigator.gpu`, installing Dawn's (with {@link DAWN_FLAGS}) and its globals when there is none. */
export async function sharedGpu(): Promise<GPU> {
  const g = globalThis as Record<string, unknown>;
  const nav = g.navigator as { gpu?: GPU } | undefined;
  if (nav?.gpu) return nav.gpu;
  const dawn = (await import('webgpu')) as unknown as { create(flags: string[]): GPU; globals: Record<string, unknown> };
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create(DAWN_FLAGS);
  Object.defineProperty(globalThis, 'navigator', { value: { ...(nav ?? {}), gpu }, configurable: true, writable: true });
  return gpu;
}

/** "vendor architecture device description" of an adapter's info. */
export function adapterName(info: Partial<GPUAdapterInfo> | null | undefined): string {
  const parts = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s && String(s).trim());
  return parts.join(' ') || 'unknown adapter';
}

/** The default adapter and its name; Unavailable when there is none, or only an emulated one that is not allowed. */
export async function defaultAdapter(opts: WebGpuEnvOptions): Promise<{ adapter: GPUAdapter; name: string; emulated: boolean }> {
  const adapter = await (await sharedGpu()).requestAdapter();
  if (!adapter) throw new Unavailable('no WebGPU adapter (Dawn found no usable Vulkan driver)');
  const name = adapterName((adapter as GPUAdapter & { info?: GPUAdapterInfo }).info);
  const emulated = EMULATED_ADAPTER.test(name);
  if (emulated && !opts.allowEmulatedGpu) {
    throw new Unavailable(`only a CPU-emulated WebGPU adapter (${name}); pass --allow-emulated-gpu to time it anyway`);
  }
  return { adapter, name, emulated };
}

/** FMAs per loop iteration of one invocation of assets/peak.wgsl: 8 chains of vec4. */
const FMAS_PER_ITER = 32;
const WORKGROUP = 256;
/** 4M invocations: many waves on the largest GPUs (an H200 holds ~270k at once); 64 MiB of output. */
const MAX_GROUPS = 16384;

/**
 * The adapter's float32 FMA throughput in GFLOP/s (an FMA counts 2), best of `reps` timed
 * dispatches after a calibration that grows the work until one takes >= `minMs`.
 */
export async function measureGpuPeak(opts: WebGpuEnvOptions & { minMs?: number; reps?: number } = {}): Promise<GpuPeakInfo> {
  const { adapter, name, emulated } = await defaultAdapter(opts);
  const minMs = opts.minMs ?? 100;
  const device = await adapter.requestDevice();
  try {
    const module = device.createShaderModule({ code: readFileSync(assetPath('peak.wgsl'), 'utf8') });
    const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const uniform = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });

    let out: GPUBuffer | null = null;
    let outGroups = 0;
    const run = async (groups: number, iters: number): Promise<number> => {
      if (groups > outGroups) {
        out?.destroy();
        out = device.createBuffer({ size: groups * WORKGROUP * 16, usage: GPUBufferUsage.STORAGE });
        outGroups = groups;
      }
      device.queue.writeBuffer(uniform, 0, new Uint32Array([iters, 0, 0, 0]));
      const bind = device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [{ binding: 0, resource: { buffer: uniform } }, { binding: 1, resource: { buffer: out! } }],
      });
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bind);
      pass.dispatchWorkgroups(groups);
      pass.end();
      await device.queue.onSubmittedWorkDone(); // nothing else in flight
      const t0 = performance.now();
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
      return performance.now() - t0;
    };

    // Calibrate: more workgroups until the device is full (a run of minMs/4), then more iterations up to minMs.
    let groups = 16;
    let iters = 64;
    let ms = await run(groups, iters);
    while (ms < minMs / 4 && groups < MAX_GROUPS) {
      groups = Math.min(MAX_GROUPS, groups * 4);
      ms = await run(groups, iters);
    }
    while (ms < minMs && iters < 1 << 20) {
      iters = Math.min(1 << 20, Math.ceil(iters * Math.min(16, Math.max(2, (1.2 * minMs) / Math.max(ms, 0.05)))));
      ms = await run(groups, iters);
    }
    let best = Infinity;
    for (let i = 0; i < (opts.reps ?? 5); i++) best = Math.min(best, await run(groups, iters));
    (out as GPUBuffer | null)?.destroy();
    uniform.destroy();
    const flops = groups * WORKGROUP * iters * FMAS_PER_ITER * 2;
    return {
      adapter: name,
      emulated,
      fma_gflops: Number((flops / (best * 1e6)).toPrecision(4)),
      workgroups: groups,
      iterations: iters,
      best_ms: Number(best.toPrecision(4)),
    };
  } finally {
    device.destroy();
  }
}
