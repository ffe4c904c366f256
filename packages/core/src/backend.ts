/**
 * The Backend contract, version 1.
 *
 * A backend owns buffers and runs a small, fixed list of primitive kernels on strided
 * windows of them ({@link View}). Core does everything else: it checks shapes and dtypes,
 * allocates every output, broadcasts inputs to the output's shape with stride-0 axes, and
 * composes the rest of the op set (and every gradient) from these primitives.
 *
 * Rules every kernel follows:
 * - `out` is allocated by core and is a dense, row-major view (strides are the contiguous
 *   strides of its shape, any offset) — except for `copy`, `binary` and `fill`, whose `out`
 *   may be any non-overlapping strided view (core writes into parts of a tensor that way:
 *   cat, pad, slice gradients, window accumulation). Inputs may be any strided view,
 *   including stride 0 (broadcast) and permuted strides; strides are never negative.
 * - Inputs and `out` may alias only when they are the same view (in-place updates such as
 *   `out = out + x`); kernels must read an element before writing it.
 * - Unless stated otherwise, inputs and `out` share one dtype; core casts first.
 * - Kernels are synchronous to call. A GPU backend enqueues work; only {@link Backend.read} waits.
 */

/** Element types. `bool` is stored one byte per element (0 or 1). */
export type DType = 'float32' | 'int32' | 'bool';

/** The typed arrays that hold tensor data. A float64 reference backend stores float32 as Float64Array. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** An opaque handle to backend memory; only the backend that made it looks inside. */
export interface BackendBuffer {
  /** Number of elements the buffer holds. */
  readonly size: number;
  readonly dtype: DType;
}

/** A strided window on a backend buffer: what every kernel reads and writes. */
export interface View {
  readonly buffer: BackendBuffer;
  readonly shape: readonly number[];
  /** Element strides, one per axis; 0 on broadcast axes. */
  readonly strides: readonly number[];
  /** Element offset of index [0, 0, ...] into the buffer. */
  readonly offset: number;
  readonly dtype: DType;
}

export type UnaryOp =
  | 'neg' | 'abs' | 'sign' | 'exp' | 'log' | 'log1p' | 'expm1' | 'sqrt' | 'rsqrt' | 'square'
  | 'reciprocal' | 'sin' | 'cos' | 'tanh' | 'sigmoid' | 'relu' | 'gelu' | 'geluTanh' | 'silu'
  | 'softplus' | 'erf' | 'floor' | 'ceil' | 'round' | 'logicalNot';

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'mod'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'logicalAnd' | 'logicalOr';

/** Binary ops whose output dtype is `bool` (inputs share any dtype). */
export const COMPARISON_OPS: ReadonlySet<BinaryOp> = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr']);

export type ReduceOp = 'sum' | 'prod' | 'max' | 'min';
export type ArgReduceOp = 'argmax' | 'argmin';
export type Activation = 'relu' | 'gelu' | 'geluTanh' | 'silu' | 'tanh' | 'sigmoid';

/** Features and limits a backend reports. */
export interface BackendInfo {
  name: string;
  /** Contract version implemented. */
  contract: 1;
  /** Whether `readSync` works (cpu, wasm, native) or only `read` (webgpu). */
  sync: boolean;
  /** Free-form details: simd, threads, adapter, limits, f16. */
  features: Record<string, unknown>;
}

/**
 * Optional fused kernels, advertised by name. Each must give the same numbers as the
 * composition core would use instead (within float rounding); core never asks for one
 * the backend does not list.
 */
export interface FusedKernels {
  /** Softmax along the last axis of a dense x; out has x's shape. */
  softmax(x: View, out: View): void;
  /** Log-softmax along the last axis of a dense x. */
  logSoftmax(x: View, out: View): void;
  /**
   * Layer norm over the last axis of dense x: out = (x - mean) / sqrt(var + eps) * weight + bias.
   * `mean` and `rstd` (shape [rows]) receive the statistics backward needs.
   */
  layerNorm(x: View, weight: View | null, bias: View | null, eps: number, out: View, mean: View, rstd: View): void;
  /**
   * In-place Adam/AdamW step on dense param, grad, m, v of one shape.
   * `decoupled` selects AdamW weight decay; `step` is the 1-based step count after increment.
   */
  adamStep(
    param: View, grad: View, m: View, v: View,
    opts: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; decoupled: boolean; step: number },
  ): void;
}

export interface Backend {
  readonly name: string;
  info(): BackendInfo;

  // Buffers.
  alloc(size: number, dtype: DType): BackendBuffer;
  /** Write `data` (length <= buffer size) into the buffer starting at element `offset` (default 0). */
  write(buffer: BackendBuffer, data: TypedArray, offset?: number): void;
  /** Read a view into a new dense typed array. The only call that may wait. */
  read(view: View): Promise<TypedArray>;
  /** Synchronous read, for backends that can. */
  readSync?(view: View): TypedArray;
  /** Release a buffer. Freeing it twice is a bug core never commits. */
  free(buffer: BackendBuffer): void;
  /** Live buffers and their bytes, as the backend counts them. */
  memory(): { buffers: number; bytes: number };

  // Primitive kernels.
  unary(op: UnaryOp, x: View, out: View): void;
  /** Comparison ops write `bool` out; others write the inputs' dtype. */
  binary(op: BinaryOp, a: View, b: View, out: View): void;
  /** out = cond ? a : b; cond is `bool`, a, b and out share a dtype. */
  where(cond: View, a: View, b: View, out: View): void;
  /** Reduce over `axes`; out has x's rank with each reduced axis of size 1. */
  reduce(op: ReduceOp, x: View, axes: readonly number[], out: View): void;
  /** Index (int32) of the first max/min along `axis`; out has x's rank with that axis of size 1. */
  argReduce(op: ArgReduceOp, x: View, axis: number, out: View): void;
  /** Cumulative sum along `axis`; out has x's shape. */
  cumsum(x: View, axis: number, out: View): void;
  /**
   * Batched matmul: a [..., M, K] x b [..., K, N] -> out [..., M, N]. Batch axes of a and b
   * already match out's (stride 0 where broadcast). Transposes are just strides.
   * The optional epilogue adds `bias` (broadcast to out, as a view) then applies `activation`.
   */
  matmul(a: View, b: View, out: View, epilogue?: { bias?: View; activation?: Activation }): void;
  /** out[..., i, ...] = x[..., index[..., i, ...], ...] along `axis`; index (int32) has out's shape. */
  gather(x: View, axis: number, index: View, out: View): void;
  /** out[..., index[..., i, ...], ...] += src[..., i, ...] along `axis`; index has src's shape. */
  scatterAdd(index: View, src: View, axis: number, out: View): void;
  /**
   * Stable sort along `axis`: `values` gets the sorted elements, `indices` (int32) their
   * positions in x. NaN sorts as the largest value, as in PyTorch. Both outs have x's shape.
   */
  sort(x: View, axis: number, descending: boolean, values: View, indices: View): void;
  /** Strided copy of src into out (same shape and dtype). */
  copy(src: View, out: View): void;
  /** Convert x to out's dtype (same shape). float -> int truncates toward zero; nonzero -> true. */
  cast(x: View, out: View): void;
  fill(out: View, value: number): void;

  /** Optional fused kernels. */
  readonly fused?: Partial<FusedKernels>;
}

/** What a backend factory returns; may be async (WebGPU needs an adapter). */
export type BackendFactory = () => Backend | Promise<Backend>;
