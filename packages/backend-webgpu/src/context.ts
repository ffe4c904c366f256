/**
 * What every kernel family needs from the backend: the device, the buffer pool, the command
 * queue, the pipeline cache, and `launch`, which binds buffers and records a dispatch.
 */
import { BackendError, type BackendBuffer, type DType, type View } from '@tessera/core';
import { BufferPool, ELEMENT_BYTES, TENSOR_USAGE, WebGPUBuffer, sizeClass } from './buffers.js';
import { type Access, type Kernel, type KernelSource, PipelineCache } from './pipelines.js';
import { CommandQueue, PARAM_BYTES, PARAM_WORDS } from './queue.js';
import { MAX_RANK, coalesce, numel } from './strided.js';

/** Cached bind groups kept at most; the cache starts over when full. */
const MAX_BIND_GROUPS = 4096;

/** A 64-word parameter block with typed views of the same memory. */
export class ParamBlock {
  readonly u = new Uint32Array(PARAM_WORDS);
  readonly i = new Int32Array(this.u.buffer);
  readonly f = new Float32Array(this.u.buffer);

  /**
   * The strided layout of common.wgsl: [0] = n, shape at 4, operand k at 12 + 9k. Returns the
   * rank of the walk after merging axes (what the shader is compiled for).
   */
  walk(op: string, shape: readonly number[], operands: readonly { offset: number; strides: readonly number[] }[], n = numel(shape)): number {
    const merged = coalesce(shape, operands.map((o) => o.strides));
    const rank = merged.shape.length;
    if (rank > MAX_RANK) {
      throw new BackendError(`webgpu ${op}: the views need a strided walk of rank ${rank}; at most ${MAX_RANK} is supported`);
    }
    this.u[0] = n;
    merged.shape.forEach((d, k) => (this.u[4 + k] = d));
    operands.forEach((o, k) => {
      this.u[12 + 9 * k] = o.offset;
      merged.strides[k].forEach((s, d) => (this.u[13 + 9 * k + d] = s));
    });
    return rank;
  }
}

/** Something a kernel binds: a tensor buffer or a raw GPUBuffer (scratch, error flags). */
export type Bindable = BackendBuffer | GPUBuffer;

function isGPUBuffer(b: Bindable): b is GPUBuffer {
  return !(b instanceof WebGPUBuffer) && 'mapState' in b;
}

export class GpuContext {
  readonly pool: BufferPool;
  readonly queue: CommandQueue;
  readonly pipelines: PipelineCache;
  /** Out-of-range index flags written by gather/scatterAdd: [op code, index, axis size, 0]. */
  readonly errorFlags: GPUBuffer;
  /** Bound where a kernel's optional input (a bias, a weight) is absent. */
  readonly dummy: GPUBuffer;
  readonly maxWorkgroups: number;
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private readonly keysOfBuffer = new Map<number, string[]>();
  private nextBufferId = 1;

  constructor(
    readonly device: GPUDevice,
    options: { maxBatch: number; maxPooledBytes: number },
  ) {
    this.pool = new BufferPool(device, options.maxPooledBytes);
    this.queue = new CommandQueue(device, this.pool, options.maxBatch);
    this.pipelines = new PipelineCache(device);
    this.errorFlags = device.createBuffer({ label: 'tessera index errors', size: 16, usage: TENSOR_USAGE });
    this.dummy = device.createBuffer({ label: 'tessera absent input', size: 16, usage: TENSOR_USAGE });
    this.maxWorkgroups = device.limits.maxComputeWorkgroupsPerDimension;
    this.pool.onDestroy = (b) => this.forgetBuffer(b);
  }

  private idOf(buffer: GPUBuffer): number {
    let id = this.bufferIds.get(buffer);
    if (id === undefined) this.bufferIds.set(buffer, (id = this.nextBufferId++));
    return id;
  }

  /**
   * The bind group for `kernel`'s layout over these buffers, cached: creating one costs tens of
   * microseconds, and pooled GPUBuffers make the same combinations recur from step to step.
   */
  private bindGroup(kernel: Kernel, chunk: GPUBuffer, gpus: readonly GPUBuffer[]): GPUBindGroup {
    const ids = [this.idOf(chunk), ...gpus.map((g) => this.idOf(g))];
    const key = `${kernel.signature}|${ids.join(',')}`;
    let group = this.bindGroups.get(key);
    if (group) return group;
    if (this.bindGroups.size >= MAX_BIND_GROUPS) {
      this.bindGroups.clear();
      this.keysOfBuffer.clear();
    }
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: chunk, offset: 0, size: PARAM_BYTES } }];
    gpus.forEach((g, i) => entries.push({ binding: i + 1, resource: { buffer: g } }));
    group = this.device.createBindGroup({ layout: kernel.layout, entries });
    this.bindGroups.set(key, group);
    for (const id of new Set(ids)) {
      const keys = this.keysOfBuffer.get(id);
      if (keys) keys.push(key);
      else this.keysOfBuffer.set(id, [key]);
    }
    return group;
  }

  /** Drops the cached bind groups that name `buffer` (it is about to be destroyed). */
  private forgetBuffer(buffer: GPUBuffer): void {
    const id = this.bufferIds.get(buffer);
    if (id === undefined) return;
    for (const key of this.keysOfBuffer.get(id) ?? []) this.bindGroups.delete(key);
    this.keysOfBuffer.delete(id);
  }

  kernel(key: string, source: () => KernelSource): Kernel {
    return this.pipelines.get(key, source);
  }

  /** The GPUBuffer behind a view, checked: a live buffer of this backend. */
  gpuOf(buffer: BackendBuffer, op: string): GPUBuffer {
    if (!(buffer instanceof WebGPUBuffer)) throw new BackendError(`webgpu ${op}: the buffer does not belong to the webgpu backend`);
    return buffer.gpu(op);
  }

  /** A scratch tensor buffer, released (after the queue is done with it) by {@link releaseTemp}. */
  temp(size: number, dtype: DType): WebGPUBuffer {
    const capacity = sizeClass(Math.max(1, size) * ELEMENT_BYTES);
    return new WebGPUBuffer(size, dtype, this.pool.acquire(capacity, TENSOR_USAGE, 'tessera temp'), capacity);
  }

  releaseTemp(buffer: WebGPUBuffer): void {
    const lastUse = buffer.lastUse;
    const gpu = buffer.release();
    this.queue.afterBatch(lastUse, () => this.pool.release(gpu, TENSOR_USAGE));
  }

  /** A dense view of a whole scratch buffer. */
  static dense(buffer: WebGPUBuffer, shape: readonly number[]): View {
    const strides = new Array<number>(shape.length);
    let s = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      strides[d] = s;
      s *= shape[d];
    }
    return { buffer, shape, strides, offset: 0, dtype: buffer.dtype };
  }

  /** Workgroup grid for `groups` workgroups: x up to the device limit, the rest in y. */
  grid(groups: number): [number, number, number] {
    if (groups <= this.maxWorkgroups) return [groups, 1, 1];
    const y = Math.ceil(groups / this.maxWorkgroups);
    if (y > this.maxWorkgroups) throw new BackendError(`webgpu: ${groups} workgroups exceed the device's grid`);
    return [this.maxWorkgroups, y, 1];
  }

  /**
   * Records `kernel` over `groups` workgroups (a count, spread over x and y, or an explicit
   * grid) with `params` and `buffers` bound in order. WebGPU forbids one buffer being both
   * read and written by a dispatch, so an input that shares its GPUBuffer with an output is
   * first copied to scratch (this is what in-place updates such as `out = out + x` cost).
   */
  launch(kernel: Kernel, params: ParamBlock, buffers: readonly Bindable[], groups: number | readonly [number, number, number]): void {
    const grid = typeof groups === 'number' ? this.grid(groups) : groups;
    if (grid[0] * grid[1] * grid[2] === 0) return;
    const op = kernel.name;
    const gpus = buffers.map((b) => (isGPUBuffer(b) ? b : this.gpuOf(b, op)));
    const written = new Set<GPUBuffer>();
    kernel.access.forEach((a: Access, i) => {
      if (a === 'write') written.add(gpus[i]);
    });
    const batch = this.queue.currentBatch;
    const scratch: GPUBuffer[] = [];
    kernel.access.forEach((a: Access, i) => {
      if (a === 'read' && written.has(gpus[i])) {
        const src = gpus[i];
        const copy = this.pool.acquire(src.size, TENSOR_USAGE, 'tessera alias copy');
        this.queue.copyEncoder().copyBufferToBuffer(src, 0, copy, 0, src.size);
        gpus[i] = copy;
        scratch.push(copy);
      }
    });
    for (const b of buffers) if (b instanceof WebGPUBuffer) b.lastUse = batch;
    const slot = this.queue.params(params.u);
    const bindGroup = this.bindGroup(kernel, slot.buffer, gpus);
    for (const s of scratch) this.queue.afterBatch(batch, () => this.pool.release(s, TENSOR_USAGE));
    this.queue.dispatch(kernel.pipeline, bindGroup, slot.offset, grid, op);
  }

  destroy(): void {
    this.pool.trim();
    this.errorFlags.destroy();
    this.dummy.destroy();
  }
}
