/**
 * MultiHeadAttention with PyTorch's layout: a packed `in_proj_weight` [3E, E] (q, k, v rows)
 * and `in_proj_bias`, or separate q/k/v_proj_weight when kdim/vdim differ, and `out_proj`.
 * Masks follow `torch.nn.MultiheadAttention`: in a bool mask, true marks what is NOT attended.
 */
import { noGrad } from '../autograd.js';
import { DTypeError, formatShape, ShapeError, ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { full } from '../ops/creation.js';
import { add, where } from '../ops/elementwise.js';
import { linear } from '../ops/matmul.js';
import { mean } from '../ops/reduce.js';
import { narrow, permute, reshape, transpose, unsqueeze } from '../ops/views.js';
import { attention, causalMask } from './functional.js';
import * as init from './init.js';
import { checkPositiveInt, checkProbability, newParameter } from './layer-utils.js';
import { Linear } from './linear.js';
import { Module, type Parameter } from './module.js';

export interface MultiHeadAttentionOptions {
  /** Dropout on the attention weights in training. Default 0. */
  dropout?: number;
  /** Biases on the input and output projections. Default true. */
  bias?: boolean;
  /** Key features (default embedDim). */
  kdim?: number;
  /** Value features (default embedDim). */
  vdim?: number;
  /** Inputs and outputs are [N, L, E] instead of [L, N, E]. Default false. */
  batchFirst?: boolean;
}

export interface MultiHeadAttentionForwardOptions {
  /** [N, S] (or [S] unbatched): true (or -inf when float) hides that key. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights. Default true. */
  needWeights?: boolean;
  /** [L, S] or [N·numHeads, L, S]: true hides a pair; a float mask is added to the scores. */
  attnMask?: Tensor | null;
  /** Average the returned weights over heads ([N, L, S]) or keep them ([N, H, L, S]). Default true. */
  averageAttnWeights?: boolean;
  /** Add a causal mask (query i sees keys j <= i). */
  isCausal?: boolean;
}

/** A bool "hide" mask as an additive float mask (-inf where hidden); float masks pass through. */
function additive(op: string, name: string, mask: Tensor): Tensor {
  if (mask.dtype === 'float32') return mask;
  if (mask.dtype !== 'bool') throw new DTypeError(`${op}: ${name} must be bool or float32, got ${mask.dtype}.`);
  return noGrad(() => {
    const zero = full([], 0, { backend: mask.backend });
    const out = where(mask, -Infinity, zero);
    zero.dispose();
    return out;
  });
}

/** Multi-head scaled dot-product attention, like `torch.nn.MultiheadAttention`. forward(q, k, v, options) -> [output, weights | null]. */
export class MultiHeadAttention extends Module<[Tensor, Tensor, Tensor, MultiHeadAttentionForwardOptions?], [Tensor, Tensor | null]> {
  in_proj_weight: Parameter | null;
  q_proj_weight: Parameter | null;
  k_proj_weight: Parameter | null;
  v_proj_weight: Parameter | null;
  in_proj_bias: Parameter | null;
  out_proj: Linear;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;

  constructor(readonly embedDim: number, readonly numHeads: number, options: MultiHeadAttentionOptions = {}) {
    super();
    const { dropout = 0, bias = true, kdim = embedDim, vdim = embedDim, batchFirst = false } = options;
    checkPositiveInt('MultiHeadAttention', 'embedDim', embedDim);
    checkPositiveInt('MultiHeadAttention', 'numHeads', numHeads);
    checkPositiveInt('MultiHeadAttention', 'kdim', kdim);
    checkPositiveInt('MultiHeadAttention', 'vdim', vdim);
    checkProbability('MultiHeadAttention', 'dropout', dropout);
    if (embedDim % numHeads !== 0) throw new ValueError(`MultiHeadAttention: embedDim ${embedDim} must be divisible by numHeads ${numHeads}.`);
    this.headDim = embedDim / numHeads;
    this.kdim = kdim;
    this.vdim = vdim;
    this.dropout = dropout;
    this.batchFirst = batchFirst;
    const packed = kdim === embedDim && vdim === embedDim;
    this.in_proj_weight = packed ? newParameter([3 * embedDim, embedDim]) : null;
    this.q_proj_weight = packed ? null : newParameter([embedDim, embedDim]);
    this.k_proj_weight = packed ? null : newParameter([embedDim, kdim]);
    this.v_proj_weight = packed ? null : newParameter([embedDim, vdim]);
    this.in_proj_bias = bias ? newParameter([3 * embedDim]) : null;
    this.out_proj = new Linear(embedDim, embedDim, { bias });
    this.resetParameters();
  }

  /** Xavier-uniform input projections, zero biases (out_proj.weight keeps Linear's init), as PyTorch. */
  resetParameters(): void {
    if (this.in_proj_weight) init.xavierUniform(this.in_proj_weight);
    else for (const w of [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) init.xavierUniform(w!);
    if (this.in_proj_bias) init.zeros(this.in_proj_bias);
    if (this.out_proj.bias) init.zeros(this.out_proj.bias);
  }

  #project(x: Tensor, k: number): Tensor {
    const e = this.embedDim;
    const w = this.in_proj_weight ? narrow(this.in_proj_weight, 0, k * e, e) : [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight][k]!;
    const b = this.in_proj_bias ? narrow(this.in_proj_bias, 0, k * e, e) : null;
    return linear(x, w, b);
  }

  override forward(query: Tensor, key: Tensor, value: Tensor, options: MultiHeadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const op = 'MultiHeadAttention';
    const { keyPaddingMask = null, needWeights = true, attnMask = null, averageAttnWeights = true, isCausal = false } = options;
    const unbatched = query.rank === 2;
    if (!unbatched && query.rank !== 3) throw new ShapeError(`${op}: query must be [L, N, E] (or [N, L, E] with batchFirst, or [L, E]), got ${formatShape(query.shape)}.`);
    if (key.rank !== query.rank || value.rank !== query.rank) {
      throw new ShapeError(`${op}: query ${formatShape(query.shape)}, key ${formatShape(key.shape)} and value ${formatShape(value.shape)} must have the same rank.`);
    }
    // To [L, N, E].
    const toLNE = (t: Tensor) => (unbatched ? unsqueeze(t, 1) : this.batchFirst ? transpose(t, 0, 1) : t);
    const [q0, k0, v0] = [toLNE(query), toLNE(key), toLNE(value)];
    const [l, n] = q0.shape;
    const s = k0.shape[0];
    const h = this.numHeads;
    const hd = this.headDim;
    for (const [name, t, d] of [['query', q0, this.embedDim], ['key', k0, this.kdim], ['value', v0, this.vdim]] as const) {
      if (t.shape[2] !== d) throw new ShapeError(`${op}: ${name} ${formatShape(t.shape)} has ${t.shape[2]} features, expected ${d}.`);
    }
    if (k0.shape[1] !== n || v0.shape[1] !== n || v0.shape[0] !== s) {
      throw new ShapeError(`${op}: key ${formatShape(key.shape)} and value ${formatShape(value.shape)} do not match query ${formatShape(query.shape)} in batch or sequence length.`);
    }
    // [L, N, E] -> [N, H, L, hd]
    const heads = (t: Tensor, len: number) => permute(reshape(t, [len, n, h, hd]), [1, 2, 0, 3]);
    const q = heads(this.#project(q0, 0), l);
    const k = heads(this.#project(k0, 1), s);
    const v = heads(this.#project(v0, 2), s);

    let mask: Tensor | null = null;
    if (attnMask) {
      let m = additive(op, 'attnMask', attnMask);
      if (m.rank === 2 && m.shape[0] === l && m.shape[1] === s) m = reshape(m, [1, 1, l, s]);
      else if (m.rank === 3 && m.shape[0] === n * h && m.shape[1] === l && m.shape[2] === s) m = reshape(m, [n, h, l, s]);
      else throw new ShapeError(`${op}: attnMask ${formatShape(attnMask.shape)} must be [${l}, ${s}] or [${n * h}, ${l}, ${s}].`);
      mask = m;
    }
    if (keyPaddingMask) {
      const expected = unbatched ? [s] : [n, s];
      if (keyPaddingMask.rank !== expected.length || keyPaddingMask.shape.some((d, i) => d !== expected[i])) {
        throw new ShapeError(`${op}: keyPaddingMask ${formatShape(keyPaddingMask.shape)} must be ${formatShape(expected)}.`);
      }
      const kp = reshape(additive(op, 'keyPaddingMask', keyPaddingMask), [n, 1, 1, s]);
      mask = mask ? add(mask, kp) : kp;
    }
    if (isCausal) {
      const c = additive(op, 'causal mask', causalMask(query, l, s).logicalNot());
      mask = mask ? add(mask, c) : c;
    }
    const { output, weights } = attention(q, k, v, { attnMask: mask, dropoutP: this.training ? this.dropout : 0 });
    // [N, H, L, hd] -> [L, N, E]
    const merged = reshape(permute(output, [2, 0, 1, 3]), [l, n, this.embedDim]);
    let out = this.out_proj.call(merged);
    out = unbatched ? out.squeeze(1) : this.batchFirst ? transpose(out, 0, 1) : out;
    if (!needWeights) return [out, null];
    let w = averageAttnWeights ? mean(weights, 1) : weights;
    if (unbatched) w = w.squeeze(0);
    return [out, w];
  }

  override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}, batchFirst=${this.batchFirst}`;
  }
}

/** PyTorch's class name. */
export const MultiheadAttention = MultiHeadAttention;

/** [sz, sz] float mask with -inf above the diagonal, like `nn.Transformer.generate_square_subsequent_mask`. */
export function generateSquareSubsequentMask(sz: number): Tensor {
  checkPositiveInt('generateSquareSubsequentMask', 'sz', sz);
  return noGrad(() => {
    const ones = full([sz, sz], 1);
    const upper = ones.triu(1).bool();
    const out = where(upper, -Infinity, 0);
    ones.dispose();
    upper.dispose();
    return out;
  });
}
