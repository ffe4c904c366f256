/**
 * Shader assembly and the pipeline cache. A kernel's WGSL is a small generated header
 * (constants, type aliases and one `apply`-style glue function, built by one function per
 * kernel family) followed by common.wgsl, math.wgsl and the family's .wgsl body. Pipelines are
 * compiled once per shader key and use explicit bind-group layouts: binding 0 is the
 * parameter slot, bindings 1.. the storage buffers in the order the kernel lists them.
 */
import { BackendError } from '@tessera/core';
import * as shaders from './shaders/generated.js';
import { PARAM_BYTES } from './queue.js';
import { MAX_RANK } from './strided.js';

/** How a kernel binds a storage buffer. */
export type Access = 'read' | 'write';

export interface Kernel {
  readonly name: string;
  /** Kernels with the same signature share a bind-group layout (and cached bind groups). */
  readonly signature: string;
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

/** WGSL for parameter word `i` read at a constant index. */
export function param(i: number): string {
  return `params.v[${i >> 2}].${'xyzw'[i & 3]}`;
}

/**
 * `strided_offsets(i)`: each operand's element offset at row-major position `i` of a walk of
 * `rank` axes (common.wgsl's layout: shape at 4, operand k at 12 + 9k). Unrolled, with every
 * parameter at a constant index; the outermost axis needs no division since i < n.
 */
export function walkSource(rank: number, nops: number): string {
  const lines = [`fn strided_offsets(i: u32) -> array<u32, NOPS> {`, '  var rem = i;'];
  const init = Array.from({ length: nops }, (_, k) => param(12 + 9 * k));
  lines.push(`  var off = array<u32, NOPS>(${init.join(', ')});`);
  for (let d = rank - 1; d >= 0; d--) {
    const size = param(4 + d);
    const c = `c${d}`;
    if (d > 0) lines.push(`  let ${c} = rem % ${size};`, `  rem = rem / ${size};`);
    else lines.push(`  let ${c} = rem;`);
    for (let k = 0; k < nops; k++) lines.push(`  off[${k}] += ${c} * ${param(13 + 9 * k + d)};`);
  }
  lines.push('  return off;', '}');
  return lines.join('\n');
}

/** `reduced_offset(r)`: the offset of position r of a second walk, shape at `shapeAt`, strides at `stridesAt`. */
export function reducedWalkSource(rank: number, shapeAt: number, stridesAt: number): string {
  const lines = ['fn reduced_offset(r: u32) -> u32 {', '  var rem = r;', '  var off = 0u;'];
  for (let d = rank - 1; d >= 0; d--) {
    const size = param(shapeAt + d);
    if (d > 0) lines.push(`  off += (rem % ${size}) * ${param(stridesAt + d)};`, `  rem = rem / ${size};`);
    else lines.push(`  off += rem * ${param(stridesAt + d)};`);
  }
  lines.push('  return off;', '}');
  return lines.join('\n');
}

/** The full WGSL text of a kernel. */
export function assemble(src: KernelSource): string {
  const rank = src.rank ?? 0;
  const nops = src.nops ?? 1;
  if (rank > MAX_RANK) throw new BackendError(`webgpu: a strided walk of rank ${rank} exceeds the supported ${MAX_RANK}`);
  const code = [
    `const WG = ${src.wg ?? 256}u;`,
    `const RANK = ${rank};`,
    `const NOPS = ${nops}u;`,
    src.defs ?? '',
    shaders.common,
    walkSource(rank, nops),
    shaders.math,
    src.body,
  ].join('\n');
  // pu(12u) -> params.v[3].x: constant indices, never a dynamically indexed uniform.
  return code.replace(/\bp([ufi])\((\d+)u\)/g, (_, kind: string, n: string) => {
    const word = param(Number(n));
    return kind === 'u' ? word : `bitcast<${kind === 'f' ? 'f32' : 'i32'}>(${word})`;
  });
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
    const kernel: Kernel = { name: key, signature: src.access.join(','), pipeline, layout, access: src.access };
    this.pipelines.set(key, kernel);
    return kernel;
  }

  private layout(access: readonly Access[]): GPUBindGroupLayout {
    const key = access.join(',');
    let layout = this.layouts.get(key);
    if (!layout) {
      const COMPUTE = 0x4; // GPUShaderStage.COMPUTE
      // The parameter slot moves through a uniform chunk: a dynamic offset lets one bind group
      // serve every slot, so bind groups can be cached (see GpuContext.bindGroup).
      const entries: GPUBindGroupLayoutEntry[] = [
        { binding: 0, visibility: COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: PARAM_BYTES } },
      ];
      access.forEach((a, i) =>
        entries.push({ binding: i + 1, visibility: COMPUTE, buffer: { type: a === 'read' ? 'read-only-storage' : 'storage' } }),
      );
      layout = this.device.createBindGroupLayout({ label: `tessera layout ${key}`, entries });
      this.layouts.set(key, layout);
    }
    return layout;
  }
}
