/**
 * Command batching. Kernels are recorded into one open command encoder (one compute pass
 * while only dispatches follow each other) and submitted in groups: when `maxBatch`
 * dispatches are pending, and whenever a read needs the results. Each batch gets an id;
 * every buffer a dispatch touches is stamped with the id of the batch that used it, and work
 * that must wait for the GPU (returning a freed buffer or a parameter chunk to the pool)
 * waits on that id: it runs once `onSubmittedWorkDone` for that submission resolved.
 *
 * Kernel parameters (shapes, strides, offsets, scalars) go into 256-byte slots of 64 KiB
 * uniform chunks, written with one `writeBuffer` per chunk just before the batch is
 * submitted; a chunk is reused only after the batch that read it has completed.
 */
import { BackendError } from '@tessera/core';
import { type BufferPool, STAGING_USAGE, UNIFORM_USAGE, Usage, MAP_READ } from './buffers.js';

/** Bytes of one kernel's parameter block: 64 u32 words (16 vec4 in WGSL). */
export const PARAM_BYTES = 256;
export const PARAM_WORDS = PARAM_BYTES / 4;
const CHUNK_BYTES = 64 * 1024;

interface ParamChunk {
  buffer: GPUBuffer;
  data: Uint8Array<ArrayBuffer>;
  used: number;
}

/** One timed kernel, in milliseconds of GPU time. */
export interface KernelTiming {
  name: string;
  ms: number;
}

/** Timestamp queries around every dispatch while profiling (needs 'timestamp-query'). */
class Profiler {
  private readonly querySet: GPUQuerySet;
  private readonly resolve: GPUBuffer;
  private names: string[] = [];
  readonly pending: Promise<void>[] = [];
  readonly timings: KernelTiming[] = [];

  constructor(
    device: GPUDevice,
    private readonly pool: BufferPool,
    readonly capacity: number,
  ) {
    this.querySet = device.createQuerySet({ type: 'timestamp', count: 2 * capacity });
    this.resolve = device.createBuffer({ size: 16 * capacity, usage: Usage.QUERY_RESOLVE | Usage.COPY_SRC });
  }

  get full(): boolean {
    return this.names.length >= this.capacity;
  }

  /** Timestamp writes for the next dispatch's own compute pass. */
  next(name: string): GPUComputePassTimestampWrites {
    const i = this.names.length;
    this.names.push(name);
    return { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }

  /** Records the resolve and copy-out of this batch's timestamps into `encoder`. */
  finish(encoder: GPUCommandEncoder): (() => void) | null {
    const names = this.names;
    if (names.length === 0) return null;
    this.names = [];
    const bytes = 16 * names.length;
    const stagingBytes = Math.max(256, Math.ceil(bytes / 256) * 256);
    const staging = this.pool.acquire(stagingBytes, STAGING_USAGE, 'tessera profile staging');
    encoder.resolveQuerySet(this.querySet, 0, 2 * names.length, this.resolve, 0);
    encoder.copyBufferToBuffer(this.resolve, 0, staging, 0, bytes);
    return () => {
      this.pending.push(
        staging.mapAsync(MAP_READ, 0, bytes).then(() => {
          const t = new BigInt64Array(staging.getMappedRange(0, bytes).slice(0));
          staging.unmap();
          this.pool.release(staging, STAGING_USAGE);
          for (let i = 0; i < names.length; i++) {
            this.timings.push({ name: names[i], ms: Number(t[2 * i + 1] - t[2 * i]) / 1e6 });
          }
        }),
      );
    };
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolve.destroy();
  }
}

export class CommandQueue {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private dispatches = 0;
  /** Id the open batch will carry when submitted. */
  private openBatch = 1;
  private completedBatch = 0;
  private readonly waiting = new Map<number, (() => void)[]>();
  private chunk: ParamChunk | null = null;
  private batchChunks: ParamChunk[] = [];
  private readonly idleChunks: ParamChunk[] = [];
  private profiler: Profiler | null = null;
  /** Total submissions and dispatches, for tests and info. */
  submissions = 0;
  totalDispatches = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly pool: BufferPool,
    private readonly maxBatch: number,
  ) {}

  /** The id of the batch now being recorded; buffers used by a dispatch are stamped with it. */
  get currentBatch(): number {
    return this.openBatch;
  }

  /** Whether the batch `id` is known to have finished on the GPU. */
  isComplete(id: number): boolean {
    return id <= this.completedBatch;
  }

  /** Runs `fn` once batch `id` has completed (at once if it has). */
  afterBatch(id: number, fn: () => void): void {
    if (id <= this.completedBatch) {
      fn();
      return;
    }
    let list = this.waiting.get(id);
    if (!list) this.waiting.set(id, (list = []));
    list.push(fn);
  }

  /** A uniform slot holding `words` (its chunk and byte offset); valid for the open batch only. */
  params(words: Uint32Array): { buffer: GPUBuffer; offset: number } {
    let c = this.chunk;
    if (!c || c.used + PARAM_BYTES > CHUNK_BYTES) {
      c = this.idleChunks.pop() ?? {
        buffer: this.pool.acquire(CHUNK_BYTES, UNIFORM_USAGE, 'tessera params'),
        data: new Uint8Array(CHUNK_BYTES),
        used: 0,
      };
      c.used = 0;
      this.chunk = c;
      this.batchChunks.push(c);
    }
    c.data.set(new Uint8Array(words.buffer, words.byteOffset, Math.min(words.byteLength, PARAM_BYTES)), c.used);
    const slot = { buffer: c.buffer, offset: c.used };
    c.used += PARAM_BYTES;
    return slot;
  }

  private openEncoder(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder({ label: `tessera batch ${this.openBatch}` }));
  }

  /** The encoder, with no compute pass open: for copies and clears. */
  copyEncoder(): GPUCommandEncoder {
    this.endPass();
    return this.openEncoder();
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }

  /** Records one dispatch; submits the batch when it is full. */
  dispatch(
    pipeline: GPUComputePipeline,
    bindGroup: GPUBindGroup,
    paramOffset: number,
    groups: readonly [number, number, number],
    name: string,
  ): void {
    const encoder = this.openEncoder();
    let pass: GPUComputePassEncoder;
    if (this.profiler) {
      // Timestamps are per pass, so a profiled dispatch gets a pass of its own.
      this.endPass();
      pass = encoder.beginComputePass({ label: name, timestampWrites: this.profiler.next(name) });
    } else {
      pass = this.pass ??= encoder.beginComputePass();
    }
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup, [paramOffset]);
    pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
    if (this.profiler) pass.end();
    this.dispatches++;
    this.totalDispatches++;
    if (this.dispatches >= this.maxBatch || this.profiler?.full) this.flush();
  }

  /** Submits everything recorded so far (if anything) and closes the batch. */
  flush(): void {
    const id = this.openBatch;
    if (!this.encoder) {
      // Nothing recorded: the batch completes as soon as everything before it has.
      if (this.waiting.has(id)) {
        this.openBatch++;
        this.submissions++;
        this.device.queue.onSubmittedWorkDone().then(() => this.complete(id), () => this.complete(id));
      }
      return;
    }
    this.endPass();
    const afterSubmit = this.profiler?.finish(this.encoder) ?? null;
    for (const c of this.batchChunks) this.device.queue.writeBuffer(c.buffer, 0, c.data, 0, c.used);
    const chunks = this.batchChunks;
    this.batchChunks = [];
    this.chunk = null;
    const commands = this.encoder.finish();
    this.encoder = null;
    this.dispatches = 0;
    this.openBatch++;
    this.submissions++;
    this.device.queue.submit([commands]);
    afterSubmit?.();
    this.afterBatch(id, () => this.idleChunks.push(...chunks));
    this.device.queue.onSubmittedWorkDone().then(() => this.complete(id), () => this.complete(id));
  }

  private complete(id: number): void {
    // Submissions complete in order; run every waiter up to `id`.
    for (let b = this.completedBatch + 1; b <= id; b++) {
      const list = this.waiting.get(b);
      this.waiting.delete(b);
      if (list) for (const fn of list) fn();
    }
    this.completedBatch = Math.max(this.completedBatch, id);
  }

  /** Starts timing every dispatch; returns false when the device lacks timestamp queries. */
  startProfile(supported: boolean): boolean {
    if (this.profiler) throw new BackendError('webgpu profile: a profile is already running; profiles do not nest');
    if (!supported) return false;
    this.flush();
    this.profiler = new Profiler(this.device, this.pool, 1024);
    return true;
  }

  /** Stops timing and resolves to the timings recorded since startProfile. */
  async stopProfile(): Promise<KernelTiming[]> {
    const profiler = this.profiler;
    if (!profiler) return [];
    this.flush();
    this.profiler = null;
    await Promise.all(profiler.pending);
    profiler.destroy();
    return profiler.timings;
  }

  /** Resolves when everything submitted so far has run. */
  async drain(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
  }
}
