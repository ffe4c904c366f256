/** Embedding and Dropout. */
import { noGrad } from '../autograd.js';
import { formatShape, ShapeError, ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { zeros } from '../ops/creation.js';
import { dropout } from '../ops/norm.js';
import { select } from '../ops/views.js';
import { embedding } from './functional.js';
import * as init from './init.js';
import { checkPositiveInt, checkProbability, newParameter } from './layer-utils.js';
import { copyInto, Module, type Parameter } from './module.js';

export interface EmbeddingOptions {
  /** This row starts at zero and gets no gradient (negative counts from the end). */
  paddingIdx?: number | null;
}

/** A lookup table [numEmbeddings, embeddingDim] indexed by int32 ids, like `torch.nn.Embedding`; init N(0, 1). */
export class Embedding extends Module {
  weight: Parameter;
  readonly paddingIdx: number | null;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, { paddingIdx = null }: EmbeddingOptions = {}) {
    super();
    checkPositiveInt('Embedding', 'numEmbeddings', numEmbeddings);
    checkPositiveInt('Embedding', 'embeddingDim', embeddingDim);
    if (paddingIdx !== null && (!Number.isInteger(paddingIdx) || paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings)) {
      throw new ValueError(`Embedding: paddingIdx ${paddingIdx} must be within [-${numEmbeddings}, ${numEmbeddings}).`);
    }
    this.paddingIdx = paddingIdx === null ? null : paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
    this.weight = newParameter([numEmbeddings, embeddingDim]);
    this.resetParameters();
  }

  /** An Embedding holding `weights` (copied), frozen by default, like `Embedding.from_pretrained`. */
  static fromPretrained(weights: Tensor, { freeze = true, paddingIdx = null }: { freeze?: boolean } & EmbeddingOptions = {}): Embedding {
    if (weights.rank !== 2) throw new ShapeError(`Embedding.fromPretrained: weights must be 2-D, got ${formatShape(weights.shape)}.`);
    const e = new Embedding(weights.shape[0], weights.shape[1], { paddingIdx });
    copyInto(e.weight, weights, 'Embedding.fromPretrained');
    e.weight.requiresGrad_(!freeze);
    return e;
  }

  resetParameters(): void {
    init.normal(this.weight);
    if (this.paddingIdx !== null) {
      const idx = this.paddingIdx;
      noGrad(() => {
        const row = select(this.weight, 0, idx);
        const z = zeros([this.embeddingDim], { backend: this.weight.backend });
        copyInto(row, z, 'Embedding');
        row.dispose();
        z.dispose();
      });
    }
  }

  override forward(input: Tensor): Tensor {
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? '' : `, paddingIdx=${this.paddingIdx}`}`;
  }
}

/** Zero elements with probability p and scale the rest by 1/(1-p) in training; identity in eval. */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    checkProbability('Dropout', 'p', p);
  }

  override forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
