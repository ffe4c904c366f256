/**
 * The WebGPU backend: buffers and reads here, kernels from one file per family. Kernels are
 * recorded into batched command buffers (queue.ts); only `read` waits for the GPU.
 */
import {
  type Activation, type ArgReduceOp, type Backend, BackendError, type BackendBuffer, type BackendInfo, type BinaryOp,
  type DType, type FusedKernels, type ReduceOp, type TypedArray, type UnaryOp, ValueError, type View,
} from '@tessera/core';
import { ELEMENT_BYTES, MAP_READ, type PoolStats, STAGING_USAGE, TENSOR_USAGE, WebGPUBuffer, sizeClass } from './buffers.js';
import { GpuContext } from './context.js';
import * as ew from './elementwise.js';
import * as fusedKernels from './fused.js';
import { INDEX_ERROR_OPS, gather, scatterAdd } from './indexing.js';
import { matmul } from './matmul.js';
import type { KernelTiming } from './queue.js';
import { argReduce, cumsum, reduce } from './reduce.js';
import { sort } from './sort.js';
import { isContiguous, numel } from './strided.js';

export interface WebGPUBackendOptions {
  /** Use this device (its adapter's info is then unknown unless `adapter` is given too). */
  device?: GPUDevice;
  adapter?: GPUAdapter;
  /** Ask for an adapter from this GPU object instead of navigator.gpu / Dawn. */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
  /** Name the backend registers and reports; default 'webgpu'. */
  name?: string;
  /** Dispatches per submitted command buffer (default 64). */
  maxBatch?: number;
  /** Bytes of idle GPU buffers the pool may keep for reuse (default 256 MiB). */
  maxPooledBytes?: number;
}

/** What {@link WebGPUBackend.profile} reports. */
export interface ProfileResult<T> {
  result: T;
  /** Whether the device has timestamp queries; without them `kernels` is empty. */
  supported: boolean;
  /** GPU time of every dispatch, in submission order. */
  kernels: KernelTiming[];
  /** Sum of the kernels' times, and the same grouped by kernel (shader key). */
  totalMs: number;
  byKernel: Record<string, { count: number; ms: number }>;
}

export class WebGPUBackend implements Backend {
  readonly name: string;
  readonly fused: Partial<FusedKernels>;
  readonly ctx: GpuContext;
  private liveBuffers = 0;
  private liveBytes = 0;
  private lost: GPUDeviceLostInfo | null = null;
  private gpuErrors: string[] = [];
  private readonly f16: boolean;
  private readonly timestamps: boolean;
  /**
   * The GPU object the device came from, held for the backend's lifetime: with Dawn in Node,
   * letting it be garbage-collected while its device lives crashes the process at exit.
   */
  readonly gpu: GPU | null;

  constructor(
    readonly device: GPUDevice,
    readonly adapter: GPUAdapter | null,
    options: WebGPUBackendOptions = {},
  ) {
    this.name = options.name ?? 'webgpu';
    this.gpu = options.gpu ?? null;
    this.ctx = new GpuContext(device, {
      maxBatch: options.maxBatch ?? 64,
      maxPooledBytes: options.maxPooledBytes ?? 256 * 1024 * 1024,
    });
    this.f16 = device.features.has('shader-f16');
    this.timestamps = device.features.has('timestamp-query');
    device.lost.then((info) => {
      this.lost = info;
    });
    device.addEventListener('uncapturederror', (event) => {
      const message = (event as GPUUncapturedErrorEvent).error.message;
      if (this.gpuErrors.length < 16) this.gpuErrors.push(message);
    });
    this.fused = {
      softmax: (x, out) => this.run('softmax', () => fusedKernels.softmax(this.ctx, x, out, false)),
      logSoftmax: (x, out) => this.run('logSoftmax', () => fusedKernels.softmax(this.ctx, x, out, true)),
      layerNorm: (x, w, b, eps, out, mean, rstd) =>
        this.run('layerNorm', () => fusedKernels.layerNorm(this.ctx, x, w, b, eps, out, mean, rstd)),
      adamStep: (param, grad, m, v, opts) => this.run('adamStep', () => fusedKernels.adamStep(this.ctx, param, grad, m, v, opts)),
    };
  }

  info(): BackendInfo {
    const a = this.adapter?.info;
    const l = this.device.limits;
    return {
      name: this.name,
      contract: 1,
      sync: false,
      features: {
        adapter: a ? { vendor: a.vendor, architecture: a.architecture, device: a.device, description: a.description } : null,
        features: [...this.device.features].sort(),
        f16: this.f16,
        timestampQuery: this.timestamps,
        limits: {
          maxBufferSize: l.maxBufferSize,
          maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
          maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
          maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
          maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
          maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
        },
        boolStorage: 'u32 per element',
        pipelines: this.ctx.pipelines.size,
      },
    };
  }

  /** Throws once the device is lost: nothing queued after that can run. */
  private checkDevice(op: string): void {
    if (this.lost) {
      throw new BackendError(
        `webgpu ${op}: the GPU device was lost (${this.lost.reason}${this.lost.message ? `: ${this.lost.message}` : ''}); create a new backend with createWebGPUBackend()`,
      );
    }
  }

  private run(op: string, fn: () => void): void {
    this.checkDevice(op);
    fn();
  }

  alloc(size: number, dtype: DType): BackendBuffer {
    this.checkDevice('alloc');
    if (!Number.isInteger(size) || size < 0) throw new BackendError(`webgpu alloc: size must be a non-negative integer, got ${size}`);
    const bytes = Math.max(1, size) * ELEMENT_BYTES;
    const max = this.device.limits.maxStorageBufferBindingSize;
    if (bytes > max) {
      throw new BackendError(`webgpu alloc: ${size} ${dtype} elements (${bytes} bytes) exceed the device's largest storage binding (${max} bytes)`);
    }
    const capacity = sizeClass(bytes);
    const buffer = new WebGPUBuffer(size, dtype, this.ctx.pool.acquire(capacity, TENSOR_USAGE), capacity);
    this.liveBuffers++;
    this.liveBytes += capacity;
    return buffer;
  }

  write(buffer: BackendBuffer, data: TypedArray, offset = 0): void {
    this.checkDevice('write');
    const gpu = this.ctx.gpuOf(buffer, 'write');
    if (!Number.isInteger(offset) || offset < 0 || offset + data.length > buffer.size) {
      throw new BackendError(`webgpu write: ${data.length} elements at offset ${offset} do not fit a buffer of ${buffer.size} elements`);
    }
    if (data.length === 0) return;
    // queue.writeBuffer runs before any command not yet submitted: submit what used it first.
    if ((buffer as WebGPUBuffer).lastUse === this.ctx.queue.currentBatch) this.ctx.queue.flush();
    let words: Float32Array | Int32Array | Uint32Array;
    if (buffer.dtype === 'float32') words = data instanceof Float32Array ? data : Float32Array.from(data);
    else if (buffer.dtype === 'int32') words = data instanceof Int32Array ? data : Int32Array.from(data);
    else words = Uint32Array.from(data, (v) => (v !== 0 ? 1 : 0));
    this.device.queue.writeBuffer(gpu, offset * ELEMENT_BYTES, words.buffer, words.byteOffset, words.byteLength);
  }

  /**
   * A dense copy of the view. Also reports what went wrong on the GPU since the last read:
   * out-of-range gather/scatterAdd indices (ValueError naming the op) and validation errors.
   */
  async read(view: View): Promise<TypedArray> {
    this.checkDevice('read');
    const n = numel(view.shape);
    const ctx = this.ctx;
    const gpu = ctx.gpuOf(view.buffer, 'read');
    let src = gpu;
    let srcOffset = view.offset;
    let temp: WebGPUBuffer | null = null;
    if (n > 0 && !isContiguous(view.shape, view.strides)) {
      temp = ctx.temp(n, view.dtype);
      ew.copy(ctx, view, GpuContext.dense(temp, view.shape));
      src = temp.gpu('read');
      srcOffset = 0;
    }
    const bytes = n * ELEMENT_BYTES;
    const stagingBytes = sizeClass(bytes + 16);
    const staging = ctx.pool.acquire(stagingBytes, STAGING_USAGE, 'tessera read staging');
    const encoder = ctx.queue.copyEncoder();
    if (n > 0) encoder.copyBufferToBuffer(src, srcOffset * ELEMENT_BYTES, staging, 0, bytes);
    encoder.copyBufferToBuffer(ctx.errorFlags, 0, staging, bytes, 16);
    encoder.clearBuffer(ctx.errorFlags);
    (view.buffer as WebGPUBuffer).lastUse = ctx.queue.currentBatch;
    if (temp) {
      temp.lastUse = ctx.queue.currentBatch;
      ctx.releaseTemp(temp);
    }
    ctx.queue.flush();
    try {
      await staging.mapAsync(MAP_READ, 0, bytes + 16);
    } catch (e) {
      this.checkDevice('read');
      throw new BackendError(`webgpu read: mapping the staging buffer failed: ${(e as Error).message}`);
    }
    const mapped = staging.getMappedRange(0, bytes + 16);
    const out = toTypedArray(view.dtype, mapped, n);
    const flags = new Int32Array(mapped, bytes, 4).slice();
    staging.unmap();
    ctx.pool.release(staging, STAGING_USAGE);
    this.reportErrors(flags);
    return out;
  }

  private reportErrors(flags: Int32Array): void {
    if (this.gpuErrors.length > 0) {
      const errors = this.gpuErrors;
      this.gpuErrors = [];
      throw new BackendError(`webgpu: the GPU reported ${errors.length} error(s); the first: ${errors[0]}`);
    }
    if (flags[0] !== 0) {
      const op = INDEX_ERROR_OPS[flags[0]] ?? 'index';
      const size = flags[2];
      throw new ValueError(
        `${op}: index ${flags[1]} is out of range for an axis of size ${size} (valid range [0, ${size - 1}]); reported by the webgpu backend at the first read after the kernel ran, out-of-range elements were skipped`,
      );
    }
  }

  free(buffer: BackendBuffer): void {
    if (!(buffer instanceof WebGPUBuffer)) throw new BackendError('webgpu free: the buffer does not belong to the webgpu backend');
    const lastUse = buffer.lastUse;
    const gpu = buffer.release();
    this.liveBuffers--;
    this.liveBytes -= buffer.capacity;
    if (this.lost) return;
    // Deferred: the GPUBuffer goes back to the pool once the queue is done with it.
    this.ctx.queue.afterBatch(lastUse, () => this.ctx.pool.release(gpu, TENSOR_USAGE));
  }

  /** Live buffers and the GPU bytes they hold, plus the pool's own counts. */
  memory(): { buffers: number; bytes: number } & PoolStats {
    return { buffers: this.liveBuffers, bytes: this.liveBytes, ...this.ctx.pool.snapshot() };
  }

  unary(op: UnaryOp, x: View, out: View): void {
    this.run(op, () => ew.unary(this.ctx, op, x, out));
  }

  binary(op: BinaryOp, a: View, b: View, out: View): void {
    this.run(op, () => ew.binary(this.ctx, op, a, b, out));
  }

  where(cond: View, a: View, b: View, out: View): void {
    this.run('where', () => ew.where(this.ctx, cond, a, b, out));
  }

  reduce(op: ReduceOp, x: View, axes: readonly number[], out: View): void {
    this.run(op, () => reduce(this.ctx, op, x, axes, out));
  }

  argReduce(op: ArgReduceOp, x: View, axis: number, out: View): void {
    this.run(op, () => argReduce(this.ctx, op, x, axis, out));
  }

  cumsum(x: View, axis: number, out: View): void {
    this.run('cumsum', () => cumsum(this.ctx, x, axis, out));
  }

  matmul(a: View, b: View, out: View, epilogue?: { bias?: View; activation?: Activation }): void {
    this.run('matmul', () => matmul(this.ctx, a, b, out, epilogue));
  }

  gather(x: View, axis: number, index: View, out: View): void {
    this.run('gather', () => gather(this.ctx, x, axis, index, out));
  }

  scatterAdd(index: View, src: View, axis: number, out: View): void {
    this.run('scatterAdd', () => scatterAdd(this.ctx, index, src, axis, out));
  }

  sort(x: View, axis: number, descending: boolean, values: View, indices: View): void {
    this.run('sort', () => sort(this.ctx, x, axis, descending, values, indices));
  }

  copy(src: View, out: View): void {
    this.run('copy', () => ew.copy(this.ctx, src, out));
  }

  cast(x: View, out: View): void {
    this.run('cast', () => ew.cast(this.ctx, x, out));
  }

  fill(out: View, value: number): void {
    this.run('fill', () => ew.fill(this.ctx, out, value));
  }

  /** Submits everything recorded so far and resolves when the GPU has run it. */
  async sync(): Promise<void> {
    this.checkDevice('sync');
    await this.ctx.queue.drain();
  }

  /**
   * Runs `fn` with a timestamp query around every dispatch it records and reports the GPU
   * time per kernel. Without the 'timestamp-query' feature `fn` still runs and `supported`
   * is false. Profiling gives each dispatch its own compute pass, so it is slower.
   */
  async profile<T>(fn: () => T | Promise<T>): Promise<ProfileResult<T>> {
    this.checkDevice('profile');
    const supported = this.ctx.queue.startProfile(this.timestamps);
    let result: T;
    let kernels: KernelTiming[] = [];
    try {
      result = await fn();
    } finally {
      if (supported) kernels = await this.ctx.queue.stopProfile();
    }
    const byKernel: Record<string, { count: number; ms: number }> = {};
    let totalMs = 0;
    for (const k of kernels) {
      const entry = (byKernel[k.name] ??= { count: 0, ms: 0 });
      entry.count++;
      entry.ms += k.ms;
      totalMs += k.ms;
    }
    return { result, supported, kernels, totalMs, byKernel };
  }

  /** Submission and dispatch counts, for tests and tuning. */
  stats(): { submissions: number; dispatches: number; pipelines: number } {
    const q = this.ctx.queue;
    return { submissions: q.submissions, dispatches: q.totalDispatches, pipelines: this.ctx.pipelines.size };
  }

  /** Destroys the device; every later call throws. */
  destroy(): void {
    this.ctx.destroy();
    this.device.destroy();
  }
}

/** The words of `mapped` as the typed array core expects for `dtype` (bool: u32 -> Uint8Array). */
function toTypedArray(dtype: DType, mapped: ArrayBuffer, n: number): TypedArray {
  if (dtype === 'float32') return new Float32Array(mapped, 0, n).slice();
  if (dtype === 'int32') return new Int32Array(mapped, 0, n).slice();
  const words = new Uint32Array(mapped, 0, n);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = words[i] !== 0 ? 1 : 0;
  return out;
}
