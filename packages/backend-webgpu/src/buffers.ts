/**
 * Buffers of the WebGPU backend. Every tensor buffer is a GPUBuffer of 4-byte elements:
 * float32 as f32, int32 as i32 and bool as u32 (0 or 1) — WGSL storage has no 8-bit type, and
 * one u32 per bool keeps strided writes race-free (packing four per word would make
 * neighbouring invocations write the same word). `read()` converts bool back to Uint8Array.
 *
 * GPU memory is recycled through a pool keyed by usage and size class (four classes per power
 * of two, so at most 25% is wasted); a freed buffer goes back to the pool only once the queue
 * has finished every submission that used it (see queue.ts).
 */
import { BackendError, type BackendBuffer, type DType } from '@tessera/core';

/** GPUBufferUsage flags, spelled out so the package needs no WebGPU globals at load time. */
export const Usage = {
  MAP_READ: 0x1,
  COPY_SRC: 0x4,
  COPY_DST: 0x8,
  UNIFORM: 0x40,
  STORAGE: 0x80,
  QUERY_RESOLVE: 0x200,
} as const;

/** GPUMapMode.READ. */
export const MAP_READ = 0x1;

export const TENSOR_USAGE = Usage.STORAGE | Usage.COPY_SRC | Usage.COPY_DST;
export const STAGING_USAGE = Usage.MAP_READ | Usage.COPY_DST;
export const UNIFORM_USAGE = Usage.UNIFORM | Usage.COPY_DST;

/** Bytes one element takes on the GPU (bool is a u32). */
export const ELEMENT_BYTES = 4;

/** A tensor buffer: `size` elements of `dtype` in a pooled GPUBuffer. */
export class WebGPUBuffer implements BackendBuffer {
  private storage: GPUBuffer | null;
  /** Id of the last command batch that used this buffer (0: none yet); see CommandQueue. */
  lastUse = 0;

  constructor(
    readonly size: number,
    readonly dtype: DType,
    gpu: GPUBuffer,
    /** Bytes of the GPUBuffer behind it (its size class). */
    readonly capacity: number,
  ) {
    this.storage = gpu;
  }

  get freed(): boolean {
    return this.storage === null;
  }

  /** The GPUBuffer; throws a {@link BackendError} naming `op` once the buffer was freed. */
  gpu(op: string): GPUBuffer {
    if (this.storage === null) {
      throw new BackendError(`webgpu ${op}: buffer of ${this.size} ${this.dtype} elements was already freed`);
    }
    return this.storage;
  }

  /** Marks the buffer freed and hands back its GPUBuffer. */
  release(): GPUBuffer {
    const g = this.gpu('free');
    this.storage = null;
    return g;
  }
}

/** Rounds a byte count up to its size class: at least 256 bytes, then 4 steps per power of two. */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const below = 2 ** Math.floor(Math.log2(bytes - 1));
  const step = below / 4;
  return Math.ceil(bytes / step) * step;
}

export interface PoolStats {
  /** GPUBuffers that exist (in use or pooled) and their bytes. */
  gpuBuffers: number;
  gpuBytes: number;
  /** Of those, the ones idle in the pool. */
  pooledBuffers: number;
  pooledBytes: number;
}

/** Idle GPUBuffers by usage and size class, with a cap on how many bytes may sit idle. */
export class BufferPool {
  private readonly idle = new Map<string, GPUBuffer[]>();
  private stats: PoolStats = { gpuBuffers: 0, gpuBytes: 0, pooledBuffers: 0, pooledBytes: 0 };
  /** Called before a GPUBuffer is destroyed (bind groups that name it must go). */
  onDestroy: ((buffer: GPUBuffer) => void) | null = null;

  constructor(
    private readonly device: GPUDevice,
    private readonly maxPooledBytes: number,
  ) {}

  /** A GPUBuffer of exactly `bytes` (a size class) for `usage`, from the pool or new. */
  acquire(bytes: number, usage: number, label?: string): GPUBuffer {
    const list = this.idle.get(`${usage}:${bytes}`);
    const reused = list?.pop();
    if (reused) {
      this.stats.pooledBuffers--;
      this.stats.pooledBytes -= bytes;
      return reused;
    }
    const buffer = this.device.createBuffer({ size: bytes, usage, label });
    this.stats.gpuBuffers++;
    this.stats.gpuBytes += bytes;
    return buffer;
  }

  /** Returns a GPUBuffer the queue no longer uses; destroys it if the pool is full. */
  release(buffer: GPUBuffer, usage: number): void {
    const bytes = buffer.size;
    if (this.stats.pooledBytes + bytes > this.maxPooledBytes) {
      this.onDestroy?.(buffer);
      buffer.destroy();
      this.stats.gpuBuffers--;
      this.stats.gpuBytes -= bytes;
      return;
    }
    const key = `${usage}:${bytes}`;
    let list = this.idle.get(key);
    if (!list) this.idle.set(key, (list = []));
    list.push(buffer);
    this.stats.pooledBuffers++;
    this.stats.pooledBytes += bytes;
  }

  /** Destroys every idle buffer. */
  trim(): void {
    for (const list of this.idle.values()) {
      for (const b of list) {
        this.stats.gpuBytes -= b.size;
        this.stats.gpuBuffers--;
        this.onDestroy?.(b);
        b.destroy();
      }
    }
    this.idle.clear();
    this.stats.pooledBuffers = 0;
    this.stats.pooledBytes = 0;
  }

  snapshot(): PoolStats {
    return { ...this.stats };
  }
}
