import type { Backend, DType, TypedArray, View } from './backend.js';
import { BackendError, formatShape, ValueError } from './errors.js';
import { contiguousStrides, isContiguous, sizeOf } from './shape.js';
import { liveStats, scopeStack } from './runtime.js';
import type { Storage } from './storage.js';
import type { GradNode } from './autograd.js';
import { backward as runBackward, type BackwardOptions } from './autograd.js';
import * as ew from './ops/elementwise.js';
import * as red from './ops/reduce.js';
import * as vw from './ops/views.js';
import * as mm from './ops/matmul.js';
import * as cb from './ops/combine.js';
import * as ix from './ops/indexing.js';
import * as sm from './ops/softmax.js';
import * as cv from './ops/conv.js';
import * as pl from './ops/pool.js';
import * as nm from './ops/norm.js';

type Operand = Tensor | number;
type Axes = number | readonly number[];

/**
 * Safety net: a tensor that is garbage-collected without `dispose()` still releases its hold
 * on the backend buffer. Deterministic code should dispose (or use `tidy`); this catches leaks.
 */
const finalizer = new FinalizationRegistry<{ storage: Storage; backend: string }>((held) => {
  liveStats(held.backend).tensors--;
  held.storage.release();
});

/**
 * An n-dimensional array on one backend: a strided window (shape, strides, offset) on a
 * shared {@link Storage}. Views (reshape, permute, slice, expand...) share the storage.
 */
export class Tensor {
  /** Whether gradients flow to (and, for leaves, accumulate in) this tensor. */
  requiresGrad = false;
  /** Accumulated gradient of a leaf after `backward()`. */
  grad: Tensor | null = null;
  /** The op that produced this tensor, when it was recorded for autograd. */
  node: GradNode | null = null;
  /** A user-facing name (parameters get theirs from their module). */
  name?: string;
  private disposed = false;
  private kept = false;
  private readonly held: { storage: Storage; backend: string };

  constructor(
    readonly storage: Storage,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
    readonly offset: number,
    readonly dtype: DType,
  ) {
    storage.retain();
    this.held = { storage, backend: storage.backend.name };
    liveStats(storage.backend.name).tensors++;
    finalizer.register(this, this.held, this);
    scopeStack[scopeStack.length - 1]?.add(this);
  }

  /** A dense tensor over the whole of `storage`. */
  static dense(storage: Storage, shape: readonly number[], dtype: DType): Tensor {
    return new Tensor(storage, shape, contiguousStrides(shape), 0, dtype);
  }

  get backend(): Backend {
    return this.storage.backend;
  }
  get rank(): number {
    return this.shape.length;
  }
  get ndim(): number {
    return this.shape.length;
  }
  get size(): number {
    return sizeOf(this.shape);
  }
  get isDisposed(): boolean {
    return this.disposed;
  }
  /** True for tensors made by the user (not by a recorded op). */
  get isLeaf(): boolean {
    return this.node === null;
  }
  get isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  /** The kernel-facing view of this tensor; throws if it was disposed. */
  kernelView(): View {
    if (this.disposed || this.storage.isFreed) {
      throw new BackendError(`Tensor ${formatShape(this.shape)} ${this.dtype} was disposed and cannot be used again.`);
    }
    return { buffer: this.storage.buffer, shape: this.shape, strides: this.strides, offset: this.offset, dtype: this.dtype };
  }

  /** Release this tensor's hold on its buffer. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    finalizer.unregister(this);
    liveStats(this.held.backend).tensors--;
    this.storage.release();
    for (const scope of scopeStack) scope.delete(this);
    // Temporaries a composite op kept for its backward die with its output when no backward
    // freed them (forward-only use, or a branch that never reached the loss).
    const owned = this.node?.owned;
    if (owned) {
      this.node!.owned = undefined;
      for (const t of owned) t.dispose();
    }
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Exempt this tensor from every enclosing `tidy` scope. */
  keep(): this {
    this.kept = true;
    for (const scope of scopeStack) scope.delete(this);
    return this;
  }
  get isKept(): boolean {
    return this.kept;
  }

  // ---- Reading ----

  /** The elements, row-major, as a new typed array. Works on every backend. */
  async data(): Promise<TypedArray> {
    return this.backend.read(this.kernelView());
  }

  /** Synchronous read; backends that can only read asynchronously (WebGPU) throw. */
  dataSync(): TypedArray {
    const b = this.backend;
    if (!b.readSync) {
      throw new BackendError(`dataSync: backend '${b.name}' reads asynchronously; use await tensor.data() or await tensor.item() instead.`);
    }
    return b.readSync(this.kernelView());
  }

  /** The value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new ValueError(`item: tensor of shape ${formatShape(this.shape)} has ${this.size} elements; expected exactly 1.`);
    return (await this.data())[0];
  }

  itemSync(): number {
    if (this.size !== 1) throw new ValueError(`itemSync: tensor of shape ${formatShape(this.shape)} has ${this.size} elements; expected exactly 1.`);
    return this.dataSync()[0];
  }

  /** The elements as nested arrays (numbers; bool as true/false). */
  async toArray(): Promise<unknown> {
    return nest(await this.data(), this.shape, this.dtype);
  }

  arraySync(): unknown {
    return nest(this.dataSync(), this.shape, this.dtype);
  }

  toString(): string {
    return `Tensor(${formatShape(this.shape)}, ${this.dtype}, ${this.backend.name}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }

  // ---- Autograd ----

  /** Compute gradients of this tensor with respect to every leaf that requires them. */
  backward(gradient?: Tensor, options?: BackwardOptions): void {
    runBackward(this, gradient, options);
  }

  /** Set `requiresGrad` in place (leaves only). */
  requiresGrad_(on = true): this {
    if (!this.isLeaf && !on) throw new ValueError('requiresGrad_: only leaf tensors can stop requiring grad; use detach().');
    if (on && this.dtype !== 'float32') throw new ValueError(`requiresGrad_: only float32 tensors can require grad, got ${this.dtype}.`);
    this.requiresGrad = on;
    return this;
  }

  /** A view of the same data cut off from the graph. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.strides, this.offset, this.dtype);
  }

  /** Drop the accumulated gradient. */
  zeroGrad(): void {
    this.grad?.dispose();
    this.grad = null;
  }

  // ---- Elementwise ----
  neg(): Tensor { return ew.neg(this); }
  abs(): Tensor { return ew.abs(this); }
  sign(): Tensor { return ew.sign(this); }
  exp(): Tensor { return ew.exp(this); }
  log(): Tensor { return ew.log(this); }
  log1p(): Tensor { return ew.log1p(this); }
  expm1(): Tensor { return ew.expm1(this); }
  sqrt(): Tensor { return ew.sqrt(this); }
  rsqrt(): Tensor { return ew.rsqrt(this); }
  square(): Tensor { return ew.square(this); }
  reciprocal(): Tensor { return ew.reciprocal(this); }
  sin(): Tensor { return ew.sin(this); }
  cos(): Tensor { return ew.cos(this); }
  tanh(): Tensor { return ew.tanh(this); }
  sigmoid(): Tensor { return ew.sigmoid(this); }
  relu(): Tensor { return ew.relu(this); }
  leakyRelu(negativeSlope = 0.01): Tensor { return ew.leakyRelu(this, negativeSlope); }
  elu(alpha = 1): Tensor { return ew.elu(this, alpha); }
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor { return ew.gelu(this, approximate); }
  silu(): Tensor { return ew.silu(this); }
  softplus(): Tensor { return ew.softplus(this); }
  erf(): Tensor { return ew.erf(this); }
  floor(): Tensor { return ew.floor(this); }
  ceil(): Tensor { return ew.ceil(this); }
  round(): Tensor { return ew.round(this); }
  clamp(min?: number | null, max?: number | null): Tensor { return ew.clamp(this, min, max); }
  logicalNot(): Tensor { return ew.logicalNot(this); }
  add(other: Operand, alpha?: number): Tensor { return ew.add(this, other, alpha); }
  sub(other: Operand, alpha?: number): Tensor { return ew.sub(this, other, alpha); }
  mul(other: Operand): Tensor { return ew.mul(this, other); }
  div(other: Operand): Tensor { return ew.div(this, other); }
  pow(other: Operand): Tensor { return ew.pow(this, other); }
  maximum(other: Operand): Tensor { return ew.maximum(this, other); }
  minimum(other: Operand): Tensor { return ew.minimum(this, other); }
  eq(other: Operand): Tensor { return ew.eq(this, other); }
  ne(other: Operand): Tensor { return ew.ne(this, other); }
  lt(other: Operand): Tensor { return ew.lt(this, other); }
  le(other: Operand): Tensor { return ew.le(this, other); }
  gt(other: Operand): Tensor { return ew.gt(this, other); }
  ge(other: Operand): Tensor { return ew.ge(this, other); }
  logicalAnd(other: Operand): Tensor { return ew.logicalAnd(this, other); }
  logicalOr(other: Operand): Tensor { return ew.logicalOr(this, other); }
  where(cond: Tensor, other: Operand): Tensor { return ew.where(cond, this, other); }
  maskedFill(mask: Tensor, value: number): Tensor { return ew.maskedFill(this, mask, value); }
  /** A copy converted to `dtype` (a no-op view when it already is). */
  cast(dtype: DType): Tensor { return ew.cast(this, dtype); }
  float(): Tensor { return ew.cast(this, 'float32'); }
  int(): Tensor { return ew.cast(this, 'int32'); }
  bool(): Tensor { return ew.cast(this, 'bool'); }

  // ---- Reductions ----
  sum(axes?: Axes, keepdim = false): Tensor { return red.sum(this, axes, keepdim); }
  mean(axes?: Axes, keepdim = false): Tensor { return red.mean(this, axes, keepdim); }
  prod(axes?: Axes, keepdim = false): Tensor { return red.prod(this, axes, keepdim); }
  max(axes?: Axes, keepdim = false): Tensor { return red.max(this, axes, keepdim); }
  min(axes?: Axes, keepdim = false): Tensor { return red.min(this, axes, keepdim); }
  argmax(axis?: number, keepdim = false): Tensor { return red.argmax(this, axis, keepdim); }
  argmin(axis?: number, keepdim = false): Tensor { return red.argmin(this, axis, keepdim); }
  var(axes?: Axes, options?: red.VarOptions): Tensor { return red.variance(this, axes, options); }
  std(axes?: Axes, options?: red.VarOptions): Tensor { return red.std(this, axes, options); }
  logsumexp(axes?: Axes, keepdim = false): Tensor { return red.logsumexp(this, axes, keepdim); }
  cumsum(axis: number): Tensor { return red.cumsum(this, axis); }
  softmax(axis = -1): Tensor { return sm.softmax(this, axis); }
  logSoftmax(axis = -1): Tensor { return sm.logSoftmax(this, axis); }

  // ---- Linear algebra ----
  matmul(other: Tensor): Tensor { return mm.matmul(this, other); }

  // ---- Views and shape ----
  reshape(...shape: number[] | [readonly number[]]): Tensor { return vw.reshape(this, flatArgs(shape)); }
  /** Like reshape, but throws instead of copying when the strides do not allow a view. */
  view(...shape: number[] | [readonly number[]]): Tensor { return vw.view(this, flatArgs(shape)); }
  permute(...axes: number[] | [readonly number[]]): Tensor { return vw.permute(this, flatArgs(axes)); }
  transpose(axis0 = -2, axis1 = -1): Tensor { return vw.transpose(this, axis0, axis1); }
  /** Transpose of the last two axes. */
  get T(): Tensor { return vw.transpose(this, -2, -1); }
  squeeze(axes?: Axes): Tensor { return vw.squeeze(this, axes); }
  unsqueeze(axis: number): Tensor { return vw.unsqueeze(this, axis); }
  expand(...shape: number[] | [readonly number[]]): Tensor { return vw.expand(this, flatArgs(shape)); }
  broadcastTo(shape: readonly number[]): Tensor { return vw.broadcastTo(this, shape); }
  slice(ranges: readonly vw.SliceRange[]): Tensor { return vw.slice(this, ranges); }
  narrow(axis: number, start: number, length: number): Tensor { return vw.narrow(this, axis, start, length); }
  select(axis: number, index: number): Tensor { return vw.select(this, axis, index); }
  flatten(startAxis = 0, endAxis = -1): Tensor { return vw.flatten(this, startAxis, endAxis); }
  contiguous(): Tensor { return vw.contiguous(this); }
  /** A dense copy that owns its own buffer. */
  clone(): Tensor { return vw.clone(this); }

  // ---- Combining and indexing ----
  split(sizeOrSections: number | readonly number[], axis = 0): Tensor[] { return cb.split(this, sizeOrSections, axis); }
  chunk(chunks: number, axis = 0): Tensor[] { return cb.chunk(this, chunks, axis); }
  pad(padding: readonly number[], value = 0): Tensor { return cb.pad(this, padding, value); }
  gather(axis: number, index: Tensor): Tensor { return ix.gather(this, axis, index); }
  indexSelect(axis: number, index: Tensor): Tensor { return ix.indexSelect(this, axis, index); }
  scatterAdd(axis: number, index: Tensor, src: Tensor): Tensor { return ix.scatterAdd(this, axis, index, src); }
  tril(diagonal = 0): Tensor { return ix.tril(this, diagonal); }
  triu(diagonal = 0): Tensor { return ix.triu(this, diagonal); }
  topk(k: number, axis = -1, largest = true): { values: Tensor; indices: Tensor } { return ix.topk(this, k, axis, largest); }
  sort(axis = -1, descending = false): { values: Tensor; indices: Tensor } { return ix.sort(this, axis, descending); }
  argsort(axis = -1, descending = false): Tensor { return ix.argsort(this, axis, descending); }
  oneHot(numClasses: number, dtype: 'int32' | 'float32' = 'int32'): Tensor { return ix.oneHot(this, numClasses, dtype); }
  /** Join with `others` along `axis` (torch.cat). */
  concat(others: readonly Tensor[], axis = 0): Tensor { return cb.concat([this, ...others], axis); }

  // ---- Neural-network ops ----
  linear(weight: Tensor, bias?: Tensor | null): Tensor { return mm.linear(this, weight, bias); }
  conv1d(weight: Tensor, bias?: Tensor | null, options?: cv.Conv1dOptions): Tensor { return cv.conv1d(this, weight, bias, options); }
  conv2d(weight: Tensor, bias?: Tensor | null, options?: cv.Conv2dOptions): Tensor { return cv.conv2d(this, weight, bias, options); }
  maxPool2d(kernelSize: cv.Pair, options?: pl.Pool2dOptions): Tensor { return pl.maxPool2d(this, kernelSize, options); }
  avgPool2d(kernelSize: cv.Pair, options?: pl.Pool2dOptions): Tensor { return pl.avgPool2d(this, kernelSize, options); }
  layerNorm(normalizedShape: readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps?: number): Tensor {
    return nm.layerNorm(this, normalizedShape, weight, bias, eps);
  }
  dropout(p = 0.5, training = true): Tensor { return nm.dropout(this, p, training); }
}

function flatArgs(args: number[] | [readonly number[]]): number[] {
  return Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : (args as number[]);
}

function nest(data: TypedArray, shape: readonly number[], dtype: DType): unknown {
  const conv = dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
  if (shape.length === 0) return conv(data[0]);
  let pos = 0;
  const build = (axis: number): unknown[] => {
    const out: unknown[] = [];
    for (let i = 0; i < shape[axis]; i++) out.push(axis === shape.length - 1 ? conv(data[pos++]) : build(axis + 1));
    return out;
  };
  return build(0);
}
