/**
 * Transformer blocks as `torch.nn.TransformerEncoderLayer` / `TransformerDecoderLayer` define
 * them (post-norm by default, `normFirst` for pre-norm), with the same submodule names
 * (self_attn, linear1, norm1, ...), and stacks that copy one layer N times like PyTorch.
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { add, gelu, relu } from '../ops/elementwise.js';
import { MultiHeadAttention } from './attention.js';
import { ModuleList } from './container.js';
import { checkPositiveInt } from './layer-utils.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { LayerNorm } from './normalization.js';
import { Dropout } from './sparse.js';

export type Activation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);

export interface TransformerLayerOptions {
  /** Hidden size of the feed-forward block. Default 2048. */
  dimFeedforward?: number;
  /** Default 0.1. */
  dropout?: number;
  /** Default 'relu'. */
  activation?: Activation;
  layerNormEps?: number;
  /** [N, L, E] instead of [L, N, E]. Default false. */
  batchFirst?: boolean;
  /** Pre-norm: x + f(norm(x)) instead of norm(x + f(x)). Default false. */
  normFirst?: boolean;
  /** Biases in the linear layers and layer norms. Default true. */
  bias?: boolean;
}

export interface EncoderForwardOptions {
  srcMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  isCausal?: boolean;
}

export interface DecoderForwardOptions {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

function activationFn(a: Activation): (x: Tensor) => Tensor {
  if (a === 'relu') return relu;
  if (a === 'gelu') return (x) => gelu(x);
  if (typeof a === 'function') return a;
  throw new ValueError(`Transformer layer: activation must be 'relu', 'gelu' or a function, got ${JSON.stringify(a)}.`);
}

/** Self-attention then a feed-forward block, like `torch.nn.TransformerEncoderLayer`. */
export class TransformerEncoderLayer extends Module<[Tensor, EncoderForwardOptions?], Tensor> {
  self_attn: MultiHeadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  readonly normFirst: boolean;
  readonly #activation: (x: Tensor) => Tensor;

  constructor(readonly dModel: number, readonly nhead: number, readonly options: TransformerLayerOptions = {}) {
    super();
    const { dimFeedforward = 2048, dropout = 0.1, activation = 'relu', layerNormEps = 1e-5, batchFirst = false, normFirst = false, bias = true } = options;
    checkPositiveInt('TransformerEncoderLayer', 'dimFeedforward', dimFeedforward);
    this.self_attn = new MultiHeadAttention(dModel, nhead, { dropout, bias, batchFirst });
    this.linear1 = new Linear(dModel, dimFeedforward, { bias });
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel, { bias });
    this.normFirst = normFirst;
    this.norm1 = new LayerNorm(dModel, { eps: layerNormEps, bias });
    this.norm2 = new LayerNorm(dModel, { eps: layerNormEps, bias });
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    this.#activation = activationFn(activation);
  }

  /** A new layer with the same options and a copy of these weights (PyTorch's deepcopy in TransformerEncoder). */
  clone(): TransformerEncoderLayer {
    const copy = new TransformerEncoderLayer(this.dModel, this.nhead, this.options);
    copy.loadStateDict(this.stateDict());
    return copy.train(this.training);
  }

  #sa(x: Tensor, o: EncoderForwardOptions): Tensor {
    const [y] = this.self_attn.call(x, x, x, { attnMask: o.srcMask, keyPaddingMask: o.srcKeyPaddingMask, isCausal: o.isCausal, needWeights: false });
    return this.dropout1.call(y);
  }

  #ff(x: Tensor): Tensor {
    return this.dropout2.call(this.linear2.call(this.dropout.call(this.#activation(this.linear1.call(x)))));
  }

  override forward(src: Tensor, options: EncoderForwardOptions = {}): Tensor {
    let x = src;
    if (this.normFirst) {
      x = add(x, this.#sa(this.norm1.call(x), options));
      return add(x, this.#ff(this.norm2.call(x)));
    }
    x = this.norm1.call(add(x, this.#sa(x, options)));
    return this.norm2.call(add(x, this.#ff(x)));
  }
}

/** Self-attention, cross-attention over `memory`, then feed-forward, like `torch.nn.TransformerDecoderLayer`. */
export class TransformerDecoderLayer extends Module<[Tensor, Tensor, DecoderForwardOptions?], Tensor> {
  self_attn: MultiHeadAttention;
  multihead_attn: MultiHeadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  readonly normFirst: boolean;
  readonly #activation: (x: Tensor) => Tensor;

  constructor(readonly dModel: number, readonly nhead: number, readonly options: TransformerLayerOptions = {}) {
    super();
    const { dimFeedforward = 2048, dropout = 0.1, activation = 'relu', layerNormEps = 1e-5, batchFirst = false, normFirst = false, bias = true } = options;
    checkPositiveInt('TransformerDecoderLayer', 'dimFeedforward', dimFeedforward);
    this.self_attn = new MultiHeadAttention(dModel, nhead, { dropout, bias, batchFirst });
    this.multihead_attn = new MultiHeadAttention(dModel, nhead, { dropout, bias, batchFirst });
    this.linear1 = new Linear(dModel, dimFeedforward, { bias });
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel, { bias });
    this.normFirst = normFirst;
    this.norm1 = new LayerNorm(dModel, { eps: layerNormEps, bias });
    this.norm2 = new LayerNorm(dModel, { eps: layerNormEps, bias });
    this.norm3 = new LayerNorm(dModel, { eps: layerNormEps, bias });
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    this.dropout3 = new Dropout(dropout);
    this.#activation = activationFn(activation);
  }

  clone(): TransformerDecoderLayer {
    const copy = new TransformerDecoderLayer(this.dModel, this.nhead, this.options);
    copy.loadStateDict(this.stateDict());
    return copy.train(this.training);
  }

  #sa(x: Tensor, o: DecoderForwardOptions): Tensor {
    const [y] = this.self_attn.call(x, x, x, { attnMask: o.tgtMask, keyPaddingMask: o.tgtKeyPaddingMask, isCausal: o.tgtIsCausal, needWeights: false });
    return this.dropout1.call(y);
  }

  #mha(x: Tensor, mem: Tensor, o: DecoderForwardOptions): Tensor {
    const [y] = this.multihead_attn.call(x, mem, mem, { attnMask: o.memoryMask, keyPaddingMask: o.memoryKeyPaddingMask, isCausal: o.memoryIsCausal, needWeights: false });
    return this.dropout2.call(y);
  }

  #ff(x: Tensor): Tensor {
    return this.dropout3.call(this.linear2.call(this.dropout.call(this.#activation(this.linear1.call(x)))));
  }

  override forward(tgt: Tensor, memory: Tensor, options: DecoderForwardOptions = {}): Tensor {
    let x = tgt;
    if (this.normFirst) {
      x = add(x, this.#sa(this.norm1.call(x), options));
      x = add(x, this.#mha(this.norm2.call(x), memory, options));
      return add(x, this.#ff(this.norm3.call(x)));
    }
    x = this.norm1.call(add(x, this.#sa(x, options)));
    x = this.norm2.call(add(x, this.#mha(x, memory, options)));
    return this.norm3.call(add(x, this.#ff(x)));
  }
}

/** `numLayers` copies of `encoderLayer` (same initial weights, like PyTorch) and an optional final norm. */
export class TransformerEncoder extends Module<[Tensor, EncoderForwardOptions?], Tensor> {
  layers: ModuleList<TransformerEncoderLayer>;
  norm: Module | null;

  constructor(encoderLayer: TransformerEncoderLayer, readonly numLayers: number, { norm = null }: { norm?: Module | null } = {}) {
    super();
    checkPositiveInt('TransformerEncoder', 'numLayers', numLayers);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => encoderLayer.clone()));
    this.norm = norm;
  }

  override forward(src: Tensor, options: EncoderForwardOptions = {}): Tensor {
    let x = src;
    for (const layer of this.layers) x = layer.call(x, options);
    return this.norm ? this.norm.call(x) : x;
  }
}

/** `numLayers` copies of `decoderLayer` and an optional final norm. */
export class TransformerDecoder extends Module<[Tensor, Tensor, DecoderForwardOptions?], Tensor> {
  layers: ModuleList<TransformerDecoderLayer>;
  norm: Module | null;

  constructor(decoderLayer: TransformerDecoderLayer, readonly numLayers: number, { norm = null }: { norm?: Module | null } = {}) {
    super();
    checkPositiveInt('TransformerDecoder', 'numLayers', numLayers);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => decoderLayer.clone()));
    this.norm = norm;
  }

  override forward(tgt: Tensor, memory: Tensor, options: DecoderForwardOptions = {}): Tensor {
    let x = tgt;
    for (const layer of this.layers) x = layer.call(x, memory, options);
    return this.norm ? this.norm.call(x) : x;
  }
}
