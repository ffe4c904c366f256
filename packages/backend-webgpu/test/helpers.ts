/**
 * Test helpers: the same data on the WebGPU backend and the cpu reference, kernels run on
 * both, results compared elementwise (NaN where NaN, infinities equal, else within tolerance).
 */
import { createCpuBackend } from '@tessera/backend-cpu';
import type { Backend, DType, TypedArray, View } from '@tessera/core';
import { expect } from 'vitest';
import { type WebGPUBackend, createWebGPUBackend } from '../src/index.js';

export type Side = 'gpu' | 'cpu';
export type Pair<T> = Record<Side, T>;

/** A small seeded generator (mulberry32), so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
}

export function randomInts(n: number, seed: number, lo: number, hi: number): Int32Array {
  const r = rng(seed);
  return Int32Array.from({ length: n }, () => lo + Math.floor((hi - lo) * r()));
}

export function contiguous(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let k = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = k;
    k *= shape[d];
  }
  return s;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export interface CloseOptions {
  rtol?: number;
  atol?: number;
}

export class Env {
  readonly cpu: Backend = createCpuBackend();
  private readonly made: Pair<View>[] = [];

  constructor(readonly gpu: WebGPUBackend) {}

  static async create(): Promise<Env> {
    return new Env(await createWebGPUBackend());
  }

  /** A buffer holding `data` on both backends, viewed as shape/strides/offset (default: dense). */
  input(data: ArrayLike<number>, dtype: DType, shape: readonly number[], strides?: readonly number[], offset = 0): Pair<View> {
    const pair = {} as Pair<View>;
    for (const side of ['gpu', 'cpu'] as const) {
      const be = this[side];
      const buffer = be.alloc(data.length, dtype);
      const typed: TypedArray = dtype === 'float32' ? Float32Array.from(data) : dtype === 'int32' ? Int32Array.from(data) : Uint8Array.from(data);
      be.write(buffer, typed);
      pair[side] = { buffer, shape, strides: strides ?? contiguous(shape), offset, dtype };
    }
    this.made.push(pair);
    return pair;
  }

  /** A dense output of `shape`, pre-filled with `fill` (so unwritten elements show). */
  output(shape: readonly number[], dtype: DType, fill = 0): Pair<View> {
    return this.input(new Array<number>(numel(shape)).fill(fill), dtype, shape);
  }

  /** Runs `fn` on both backends. */
  run(fn: (be: Backend, side: Side) => void): void {
    fn(this.gpu, 'gpu');
    fn(this.cpu, 'cpu');
  }

  /** Reads `out` from both backends and expects them to agree. */
  async expectClose(out: Pair<View>, opts: CloseOptions = {}): Promise<{ gpu: TypedArray; cpu: TypedArray }> {
    const [g, c] = await Promise.all([this.gpu.read(out.gpu), this.cpu.read(out.cpu)]);
    expectArraysClose(g, c, opts);
    return { gpu: g, cpu: c };
  }

  /** Frees every buffer made through this env. */
  freeAll(): void {
    for (const pair of this.made.splice(0)) {
      this.gpu.free(pair.gpu.buffer);
      this.cpu.free(pair.cpu.buffer);
    }
  }
}

export function expectArraysClose(actual: ArrayLike<number>, expected: ArrayLike<number>, opts: CloseOptions = {}): void {
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-6;
  expect(actual.length).toBe(expected.length);
  const bad: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok && bad.length < 8) bad.push(`[${i}] got ${a}, expected ${e}`);
  }
  expect(bad, bad.join('; ')).toEqual([]);
}
