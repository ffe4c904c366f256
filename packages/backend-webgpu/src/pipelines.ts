/**
 * Shader assembly and the pipeline cache. A kernel's WGSL is a small generated header
 * (constants, type aliases and one `apply`-style glue function, built by one function per
 * kernel family) followed by common.wgsl, math.wgsl and the family's .wgsl body. Pipelines are
 * compiled once per shader key and use explicit bind-group layouts: binding 0 is the
 * parameter slot, bindings 1.. the storage buffers in the order the kernel lists them.
 */
import { BackendError } from '@tessera/core';
import * as shaders from './shaders/generated.js';
import { MAX_RANK } from './strided.js';

/** How a kernel binds a storage buffer. */
export type Access = 'read' | 'write';

export interface Kernel {
  readonly name: string;
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  readonly access: readonly Access[];
}

export interface KernelSource {
  /** The WGSL body (a .wgsl file from src/shaders). */
  body: string;
  /** Generated header text: aliases and glue functions. */
  defs?: string;
  /** Workgroup size of 1-D kernels. */
  wg?: number;
  /** Rank and operand count of the strided walk. */
  rank?: number;
  nops?: number;
  /** Storage buffer accesses, bindings 1.. in order. */
  access: readonly Access[];
  entry?: string;
}

/** The full WGSL text of a kernel. */
export function assemble(src: KernelSource): string {
  const rank = src.rank ?? 0;
  if (rank > MAX_RANK) throw new BackendError(`webgpu: a strided walk of rank ${rank} exceeds the supported ${MAX_RANK}`);
  return [
    `const WG = ${src.wg ?? 256}u;`,
    `const RANK = ${rank};`,
    `const NOPS = ${src.nops ?? 1}u;`,
    src.defs ?? '',
    shaders.common,
    shaders.math,
    src.body,
  ].join('\n');
}

export class PipelineCache {
  private readonly pipelines = new Map<string, Kernel>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();

  constructor(private readonly device: GPUDevice) {}

  get size(): number {
    return this.pipelines.size;
  }

  /** The pipeline for `key`, compiled from `source()` the first time it is asked for. */
  get(key: string, source: () => KernelSource): Kernel {
    const hit = this.pipelines.get(key);
    if (hit) return hit;
    const src = source();
    const layout = this.layout(src.access);
    const module = this.device.createShaderModule({ label: key, code: assemble(src) });
    const pipeline = this.device.createComputePipeline({
      label: key,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: src.entry ?? 'main' },
    });
    const kernel: Kernel = { name: key, pipeline, layout, access: src.access };
    this.pipelines.set(key, kernel);
    return kernel;
  }

  private layout(access: readonly Access[]): GPUBindGroupLayout {
    const key = access.join(',');
    let layout = this.layouts.get(key);
    if (!layout) {
      const COMPUTE = 0x4; // GPUShaderStage.COMPUTE
      const entries: GPUBindGroupLayoutEntry[] = [{ binding: 0, visibility: COMPUTE, buffer: { type: 'uniform' } }];
      access.forEach((a, i) =>
        entries.push({ binding: i + 1, visibility: COMPUTE, buffer: { type: a === 'read' ? 'read-only-storage' : 'storage' } }),
      );
      layout = this.device.createBindGroupLayout({ label: `tessera layout ${key}`, entries });
      this.layouts.set(key, layout);
    }
    return layout;
  }
}
