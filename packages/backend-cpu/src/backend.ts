/**
 * The cpu backend: buffers from ./buffers, kernels from one file per family. This class only
 * wires them to the {@link Backend} contract.
 */
import type {
  Activation, ArgReduceOp, Backend, BackendBuffer, BackendInfo, BinaryOp, DType, FusedKernels,
  ReduceOp, TypedArray, UnaryOp, View,
} from '@tessera/core';
import { BufferPool, allocArray, dataOf } from './buffers.js';
import * as ew from './elementwise.js';
import * as fusedKernels from './fused.js';
import { gather, scatterAdd } from './indexing.js';
import { MatmulScratch, matmul } from './matmul.js';
import { argReduce, cumsum, reduce } from './reduce.js';
import { sort } from './sort.js';
import { forEachRun, numel } from './strided.js';

export interface CpuBackendOptions {
  /** Store float32 tensors as Float64Array and compute in float64: the conformance reference. */
  float64?: boolean;
  /** Reuse freed typed arrays of the same size (default true). */
  reuseBuffers?: boolean;
}

/** Tessera's pure TypeScript backend. Synchronous; `read` resolves immediately. */
export class CpuBackend implements Backend {
  readonly name: string;
  readonly float64: boolean;
  readonly fused: Partial<FusedKernels>;
  private readonly pool: BufferPool;
  private readonly scratch = new MatmulScratch();

  constructor(options: CpuBackendOptions = {}) {
    this.float64 = options.float64 ?? false;
    this.name = this.float64 ? 'cpu-f64' : 'cpu';
    this.pool = new BufferPool(this.float64, options.reuseBuffers ?? true);
    this.fused = {
      softmax: fusedKernels.softmax,
      logSoftmax: fusedKernels.logSoftmax,
      layerNorm: fusedKernels.layerNorm,
      adamStep: fusedKernels.adamStep,
    };
  }

  info(): BackendInfo {
    return { name: this.name, contract: 1, sync: true, features: { float64: this.float64 } };
  }

  alloc(size: number, dtype: DType): BackendBuffer {
    return this.pool.alloc(size, dtype);
  }

  write(buffer: BackendBuffer, data: TypedArray, offset = 0): void {
    this.pool.write(buffer, data, offset);
  }

  read(view: View): Promise<TypedArray> {
    try {
      return Promise.resolve(this.readSync(view));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** A dense copy of the view, in the buffer's storage type (Float64Array for float32 in float64 mode). */
  readSync(view: View): TypedArray {
    const out = allocArray(view.dtype, numel(view.shape), this.float64);
    copyInto(view, out);
    return out;
  }

  free(buffer: BackendBuffer): void {
    this.pool.free(buffer);
  }

  memory(): { buffers: number; bytes: number; pooledBytes: number } {
    return this.pool.memory();
  }

  unary(op: UnaryOp, x: View, out: View): void {
    ew.unary(op, x, out);
  }

  binary(op: BinaryOp, a: View, b: View, out: View): void {
    ew.binary(op, a, b, out);
  }

  where(cond: View, a: View, b: View, out: View): void {
    ew.where(cond, a, b, out);
  }

  reduce(op: ReduceOp, x: View, axes: readonly number[], out: View): void {
    reduce(op, x, axes, out);
  }

  argReduce(op: ArgReduceOp, x: View, axis: number, out: View): void {
    argReduce(op, x, axis, out);
  }

  cumsum(x: View, axis: number, out: View): void {
    cumsum(x, axis, out);
  }

  matmul(a: View, b: View, out: View, epilogue?: { bias?: View; activation?: Activation }): void {
    matmul(a, b, out, this.scratch, epilogue, (o, bias, activation) => {
      if (bias) ew.binary('add', o, bias, o);
      if (activation) ew.unary(activation, o, o);
    });
  }

  gather(x: View, axis: number, index: View, out: View): void {
    gather(x, axis, index, out);
  }

  scatterAdd(index: View, src: View, axis: number, out: View): void {
    scatterAdd(index, src, axis, out);
  }

  sort(x: View, axis: number, descending: boolean, values: View, indices: View): void {
    sort(x, axis, descending, values, indices);
  }

  /** Strided copy; `out` may be any non-overlapping strided view. */
  copy(src: View, out: View): void {
    ew.copy(src, out);
  }

  cast(x: View, out: View): void {
    ew.cast(x, out);
  }

  fill(out: View, value: number): void {
    ew.fill(out, value);
  }
}

/** Copies a view, in row-major order, into a dense typed array. */
function copyInto(view: View, out: TypedArray): void {
  const src = dataOf(view, 'read');
  let j = 0;
  forEachRun(view.shape, [view], (offs, n, steps) => {
    let o = offs[0];
    const step = steps[0];
    for (let k = 0; k < n; k++, o += step) out[j++] = src[o];
  });
}
