/**
 * A GPT-2 block in Hugging Face's layout, built from core's nn modules and ops: the module the
 * conformance table checks against PyTorch (tools/fixtures/modules.py defines the same block in
 * torch) and the training-memory suite trains. Parameter names and layouts are HF GPT-2's —
 * `ln_1`, `attn.c_attn` (the fused q, k, v projection), `attn.c_proj`, `ln_2`, `mlp.c_fc`,
 * `mlp.c_proj`, with Conv1D weights stored [in, out] — so a block of a HF checkpoint loads with
 * `loadStateDict` as it is. Dropout is left out (HF's defaults are 0.1; with p = 0 it is the same block).
 */
import * as T from '@tessera/core';
import type { Tensor } from '@tessera/core';

const { nn } = T;

/** HF GPT-2's `Conv1D(nf, nx)`: y = x W + b with weight [nx, nf] (the transpose of nn.Linear's), init N(0, 0.02), bias 0. */
export class Conv1D extends nn.Module {
  weight: T.nn.Parameter;
  bias: T.nn.Parameter;

  constructor(readonly nf: number, readonly nx: number) {
    super();
    this.weight = parameter([nx, nf]);
    this.bias = parameter([nf]);
    nn.init.normal(this.weight, 0, 0.02);
  }

  override forward(x: Tensor): Tensor {
    return T.add(T.matmul(x, this.weight), this.bias);
  }
}

function parameter(shape: number[]): T.nn.Parameter {
  const t = T.zeros(shape);
  const p = new nn.Parameter(t);
  t.dispose();
  return p;
}

/** Causal self-attention: one fused projection to q, k, v ([B, L, 3E]), heads, softmax(q kᵀ/√d + causal) v, output projection. */
export class GPT2Attention extends nn.Module {
  c_attn: Conv1D;
  c_proj: Conv1D;

  constructor(readonly nEmbd: number, readonly nHead: number) {
    super();
    if (nEmbd % nHead !== 0) throw new T.ValueError(`GPT2Attention: nEmbd ${nEmbd} must be divisible by nHead ${nHead}.`);
    this.c_attn = new Conv1D(3 * nEmbd, nEmbd);
    this.c_proj = new Conv1D(nEmbd, nEmbd);
  }

  override forward(x: Tensor): Tensor {
    if (x.rank !== 3 || x.shape[2] !== this.nEmbd) throw new T.ShapeError(`GPT2Attention: input must be [B, L, ${this.nEmbd}], got [${x.shape.join(', ')}].`);
    const [b, l, e] = x.shape;
    const hd = e / this.nHead;
    // [B, L, E] -> [B, H, L, hd]
    const heads = (t: Tensor) => T.permute(T.reshape(t, [b, l, this.nHead, hd]), [0, 2, 1, 3]);
    const [q, k, v] = T.split(this.c_attn.call(x), e, -1).map(heads);
    const y = nn.functional.scaledDotProductAttention(q, k, v, { isCausal: true });
    return this.c_proj.call(T.reshape(T.permute(y, [0, 2, 1, 3]), [b, l, e]));
  }
}

/** The feed-forward block: Conv1D to 4E, GELU (tanh approximation, HF's "gelu_new"), Conv1D back. */
export class GPT2MLP extends nn.Module {
  c_fc: Conv1D;
  c_proj: Conv1D;

  constructor(readonly nEmbd: number) {
    super();
    this.c_fc = new Conv1D(4 * nEmbd, nEmbd);
    this.c_proj = new Conv1D(nEmbd, 4 * nEmbd);
  }

  override forward(x: Tensor): Tensor {
    return this.c_proj.call(T.gelu(this.c_fc.call(x), 'tanh'));
  }
}

/** HF's GPT2Block (pre-LayerNorm): h = x + attn(ln_1(x)); out = h + mlp(ln_2(h)). Input [B, L, E]. */
export class GPT2Block extends nn.Module {
  ln_1: T.nn.LayerNorm;
  attn: GPT2Attention;
  ln_2: T.nn.LayerNorm;
  mlp: GPT2MLP;

  constructor(readonly nEmbd: number, readonly nHead: number, { layerNormEpsilon = 1e-5 }: { layerNormEpsilon?: number } = {}) {
    super();
    this.ln_1 = new nn.LayerNorm(nEmbd, { eps: layerNormEpsilon });
    this.attn = new GPT2Attention(nEmbd, nHead);
    this.ln_2 = new nn.LayerNorm(nEmbd, { eps: layerNormEpsilon });
    this.mlp = new GPT2MLP(nEmbd);
  }

  override forward(x: Tensor): Tensor {
    const h = T.add(x, this.attn.call(this.ln_1.call(x)));
    return T.add(h, this.mlp.call(this.ln_2.call(h)));
  }
}
