/**
 * Batched matmul as a cache-blocked GEMM (the GotoBLAS/BLIS loop nest):
 *
 *   for each NC-wide column block of B and out
 *     for each KC-deep slice of K: pack B[kc, nc] into NR-wide panels
 *       for each MC-high row block: pack A[mc, kc] into MR-high panels
 *         for each MR x NR tile: a register-tiled micro-kernel over kc
 *
 * Packing copies the operands into contiguous float64 scratch in exactly the order the
 * micro-kernel reads them, so any strides (transposed, stride-0 broadcast) cost one pass, and
 * the inner loop loads doubles without conversions. Edge tiles are padded with zeros in the
 * packed panels and only their valid part is written back. The micro-kernel accumulates in
 * float64 locals, so float32 results are rounded once per K-slice.
 */
import type { Activation, TypedArray, View } from '@tessera/core';
import { dataOf } from './buffers.js';
import { coalesce, elementOffsets, numel } from './strided.js';

/** Micro-tile: MR rows x NR columns of accumulators held in locals. */
const MR = 4;
const NR = 4;
/** Blocking: a KC x NR B panel and an MR x KC A panel stay in L1, the MC x KC A block in L2. */
const KC = 256;
const MC = 128;
const NC = 1024;

/** Scratch the packed panels live in; owned by one backend instance and grown on demand. */
export class MatmulScratch {
  a = new Float64Array(0);
  b = new Float64Array(0);

  ensure(aSize: number, bSize: number): void {
    if (this.a.length < aSize) this.a = new Float64Array(aSize);
    if (this.b.length < bSize) this.b = new Float64Array(bSize);
  }
}

/** One GEMM's operands: element offsets and row/column strides of A (M x K), B (K x N), C (M x N, ldc N). */
interface Gemm {
  M: number;
  N: number;
  K: number;
  A: TypedArray;
  aOff: number;
  aRs: number;
  aCs: number;
  B: TypedArray;
  bOff: number;
  bRs: number;
  bCs: number;
  C: TypedArray;
  cOff: number;
}

export function matmul(
  a: View,
  b: View,
  out: View,
  scratch: MatmulScratch,
  epilogue: { bias?: View; activation?: Activation } | undefined,
  applyEpilogue: (out: View, bias: View | undefined, activation: Activation | undefined) => void,
): void {
  const A = dataOf(a, 'matmul');
  const B = dataOf(b, 'matmul');
  const C = dataOf(out, 'matmul');
  const rank = out.shape.length;
  const M = out.shape[rank - 2];
  const N = out.shape[rank - 1];
  const K = a.shape[rank - 1];
  const aRs = a.strides[rank - 2];
  const aCs = a.strides[rank - 1];
  const bRs = b.strides[rank - 2];
  const bCs = b.strides[rank - 1];
  const batchShape = out.shape.slice(0, rank - 2);
  const batch = numel(batchShape);

  if (batch > 0 && M > 0 && N > 0) {
    const bBatchStrides = b.strides.slice(0, rank - 2);
    // With one B for every batch, fold the batch into M when A's rows form one strided run:
    // B is then packed once for all of them (a Linear layer over [batch, tokens, features]).
    const folded =
      batch > 1 && bBatchStrides.every((s) => s === 0)
        ? coalesce([...batchShape, M], [[...a.strides.slice(0, rank - 2), aRs]])
        : null;
    if (folded && folded.shape.length <= 1) {
      const rowStride = folded.shape.length === 1 ? folded.strides[0][0] : aRs;
      gemm({ M: batch * M, N, K, A, aOff: a.offset, aRs: rowStride, aCs, B, bOff: b.offset, bRs, bCs, C, cOff: out.offset }, scratch);
    } else {
      const aOffsets = elementOffsets(batchShape, a.strides.slice(0, rank - 2), a.offset);
      const bOffsets = elementOffsets(batchShape, bBatchStrides, b.offset);
      for (let i = 0; i < batch; i++) {
        gemm({ M, N, K, A, aOff: aOffsets[i], aRs, aCs, B, bOff: bOffsets[i], bRs, bCs, C, cOff: out.offset + i * M * N }, scratch);
      }
    }
  }
  if (epilogue && (epilogue.bias || epilogue.activation)) applyEpilogue(out, epilogue.bias, epilogue.activation);
}

function gemm(g: Gemm, scratch: MatmulScratch): void {
  const { M, N, K, C, cOff } = g;
  if (K === 0) {
    C.fill(0, cOff, cOff + M * N);
    return;
  }
  const kcMax = Math.min(K, KC);
  const mcMax = Math.min(roundUp(M, MR), MC);
  const ncMax = Math.min(roundUp(N, NR), NC);
  scratch.ensure(mcMax * kcMax, kcMax * ncMax);
  const Ap = scratch.a;
  const Bp = scratch.b;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      packB(g, Bp, pc, kc, jc, nc);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packA(g, Ap, ic, mc, pc, kc);
        const accumulate = pc > 0;
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          const bPanel = (jr / NR) * kc * NR;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            const aPanel = (ir / MR) * kc * MR;
            microKernel(Ap, aPanel, Bp, bPanel, kc, C, cOff + (ic + ir) * N + jc + jr, N, mr, nr, accumulate);
          }
        }
      }
    }
  }
}

function roundUp(x: number, m: number): number {
  return Math.ceil(x / m) * m;
}

/** B[pc:pc+kc, jc:jc+nc] -> NR-wide panels, each kc rows of NR values, zero-padded. */
function packB(g: Gemm, Bp: Float64Array, pc: number, kc: number, jc: number, nc: number): void {
  const { B, bRs, bCs } = g;
  let p = 0;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const nr = Math.min(NR, nc - j0);
    let rowStart = g.bOff + pc * bRs + (jc + j0) * bCs;
    if (nr === NR) {
      for (let k = 0; k < kc; k++, rowStart += bRs) {
        Bp[p] = B[rowStart];
        Bp[p + 1] = B[rowStart + bCs];
        Bp[p + 2] = B[rowStart + 2 * bCs];
        Bp[p + 3] = B[rowStart + 3 * bCs];
        p += NR;
      }
    } else {
      for (let k = 0; k < kc; k++, rowStart += bRs) {
        for (let j = 0; j < NR; j++) Bp[p++] = j < nr ? B[rowStart + j * bCs] : 0;
      }
    }
  }
}

/** A[ic:ic+mc, pc:pc+kc] -> MR-high panels, each kc columns of MR values, zero-padded. */
function packA(g: Gemm, Ap: Float64Array, ic: number, mc: number, pc: number, kc: number): void {
  const { A, aRs, aCs } = g;
  let p = 0;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const mr = Math.min(MR, mc - i0);
    let colStart = g.aOff + (ic + i0) * aRs + pc * aCs;
    if (mr === MR) {
      for (let k = 0; k < kc; k++, colStart += aCs) {
        Ap[p] = A[colStart];
        Ap[p + 1] = A[colStart + aRs];
        Ap[p + 2] = A[colStart + 2 * aRs];
        Ap[p + 3] = A[colStart + 3 * aRs];
        p += MR;
      }
    } else {
      for (let k = 0; k < kc; k++, colStart += aCs) {
        for (let i = 0; i < MR; i++) Ap[p++] = i < mr ? A[colStart + i * aRs] : 0;
      }
    }
  }
}

/** C[tile] (+)= Ap panel x Bp panel for one MR x NR tile; writes only mr x nr of it. */
function microKernel(
  Ap: Float64Array,
  pa: number,
  Bp: Float64Array,
  pb: number,
  kc: number,
  C: TypedArray,
  c: number,
  ldc: number,
  mr: number,
  nr: number,
  accumulate: boolean,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let k = 0; k < kc; k++) {
    const b0 = Bp[pb], b1 = Bp[pb + 1], b2 = Bp[pb + 2], b3 = Bp[pb + 3];
    let a = Ap[pa];
    c00 += a * b0; c01 += a * b1; c02 += a * b2; c03 += a * b3;
    a = Ap[pa + 1];
    c10 += a * b0; c11 += a * b1; c12 += a * b2; c13 += a * b3;
    a = Ap[pa + 2];
    c20 += a * b0; c21 += a * b1; c22 += a * b2; c23 += a * b3;
    a = Ap[pa + 3];
    c30 += a * b0; c31 += a * b1; c32 += a * b2; c33 += a * b3;
    pa += MR;
    pb += NR;
  }
  if (mr === MR && nr === NR) {
    if (accumulate) {
      C[c] += c00; C[c + 1] += c01; C[c + 2] += c02; C[c + 3] += c03; c += ldc;
      C[c] += c10; C[c + 1] += c11; C[c + 2] += c12; C[c + 3] += c13; c += ldc;
      C[c] += c20; C[c + 1] += c21; C[c + 2] += c22; C[c + 3] += c23; c += ldc;
      C[c] += c30; C[c + 1] += c31; C[c + 2] += c32; C[c + 3] += c33;
    } else {
      C[c] = c00; C[c + 1] = c01; C[c + 2] = c02; C[c + 3] = c03; c += ldc;
      C[c] = c10; C[c + 1] = c11; C[c + 2] = c12; C[c + 3] = c13; c += ldc;
      C[c] = c20; C[c + 1] = c21; C[c + 2] = c22; C[c + 3] = c23; c += ldc;
      C[c] = c30; C[c + 1] = c31; C[c + 2] = c32; C[c + 3] = c33;
    }
    return;
  }
  const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) {
      const v = tile[i * NR + j];
      if (accumulate) C[c + i * ldc + j] += v;
      else C[c + i * ldc + j] = v;
    }
  }
}
