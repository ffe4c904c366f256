/**
 * Recurrent layers: RNN, LSTM, GRU (multi-layer, bidirectional, batchFirst) and their cells.
 * Gate order and parameter names are PyTorch's (LSTM: i, f, g, o; GRU: r, z, n;
 * `weight_ih_l0`, `bias_hh_l1_reverse`, ...), so PyTorch state dicts load unchanged. Each
 * layer projects the whole input sequence with one matmul, then steps through time.
 */
import { formatShape, ShapeError, ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { zeros } from '../ops/creation.js';
import { concat, stack } from '../ops/combine.js';
import { add, mul, relu, sigmoid, sub, tanh } from '../ops/elementwise.js';
import { linear } from '../ops/matmul.js';
import { dropout } from '../ops/norm.js';
import { select, squeeze, transpose, unsqueeze } from '../ops/views.js';
import * as init from './init.js';
import { checkPositiveInt, checkProbability, newParameter } from './layer-utils.js';
import { Module, type Parameter } from './module.js';

type Mode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

interface Weights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
}

/** One time step. `xg` is the input already projected (x W_ihᵀ + b_ih); returns [h, c]. */
function cellStep(mode: Mode, xg: Tensor, h: Tensor, c: Tensor | null, w: Weights): [Tensor, Tensor | null] {
  const hg = linear(h, w.wHh, w.bHh);
  const n = h.shape[h.rank - 1];
  const gate = (t: Tensor, k: number) => t.narrow(-1, k * n, n);
  switch (mode) {
    case 'RNN_TANH':
      return [tanh(add(xg, hg)), null];
    case 'RNN_RELU':
      return [relu(add(xg, hg)), null];
    case 'LSTM': {
      const g = add(xg, hg);
      const i = sigmoid(gate(g, 0));
      const f = sigmoid(gate(g, 1));
      const cand = tanh(gate(g, 2));
      const o = sigmoid(gate(g, 3));
      const cNext = add(mul(f, c!), mul(i, cand));
      return [mul(o, tanh(cNext)), cNext];
    }
    case 'GRU': {
      const r = sigmoid(add(gate(xg, 0), gate(hg, 0)));
      const z = sigmoid(add(gate(xg, 1), gate(hg, 1)));
      const cand = tanh(add(gate(xg, 2), mul(r, gate(hg, 2))));
      // (1 - z) * n + z * h
      return [add(cand, mul(z, sub(h, cand))), null];
    }
  }
}

export interface RNNOptions {
  /** Stacked layers. Default 1. */
  numLayers?: number;
  /** Learn b_ih and b_hh. Default true. */
  bias?: boolean;
  /** Input and output are [N, L, H] instead of [L, N, H] (hidden states stay [D·layers, N, H]). Default false. */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training. Default 0. */
  dropout?: number;
  /** Run a second direction backwards and concatenate. Default false. */
  bidirectional?: boolean;
}

/** What the stacked layers share; H is the hidden state (a tensor, or [h, c] for LSTM). */
abstract class RNNBase<H> extends Module<[Tensor, (H | null)?], [Tensor, H]> {
  // Layer 0's parameters, typed; every layer's are fields named as in PyTorch (see getParameter).
  declare weight_ih_l0: Parameter;
  declare weight_hh_l0: Parameter;
  declare bias_ih_l0: Parameter | undefined;
  declare bias_hh_l0: Parameter | undefined;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly #mode: Mode;

  constructor(mode: Mode, readonly inputSize: number, readonly hiddenSize: number, options: RNNOptions) {
    super();
    const op = this.constructor.name;
    const { numLayers = 1, bias = true, batchFirst = false, dropout: p = 0, bidirectional = false } = options;
    checkPositiveInt(op, 'inputSize', inputSize);
    checkPositiveInt(op, 'hiddenSize', hiddenSize);
    checkPositiveInt(op, 'numLayers', numLayers);
    checkProbability(op, 'dropout', p);
    this.#mode = mode;
    this.numLayers = numLayers;
    this.bias = bias;
    this.batchFirst = batchFirst;
    this.dropout = p;
    this.bidirectional = bidirectional;
    const gates = GATES[mode] * hiddenSize;
    const dirs = bidirectional ? 2 : 1;
    for (let layer = 0; layer < numLayers; layer++) {
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${layer}${d === 1 ? '_reverse' : ''}`;
        const inSize = layer === 0 ? inputSize : hiddenSize * dirs;
        this.registerParameter(`weight_ih${sfx}`, newParameter([gates, inSize]));
        this.registerParameter(`weight_hh${sfx}`, newParameter([gates, hiddenSize]));
        if (bias) {
          this.registerParameter(`bias_ih${sfx}`, newParameter([gates]));
          this.registerParameter(`bias_hh${sfx}`, newParameter([gates]));
        }
      }
    }
    this.resetParameters();
  }

  /** Every weight and bias U(-1/√hidden, 1/√hidden), as PyTorch. */
  resetParameters(): void {
    const k = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) init.uniform(p, -k, k);
  }

  #weights(layer: number, d: number): Weights {
    const own = this as unknown as Record<string, Parameter | undefined>;
    const sfx = `_l${layer}${d === 1 ? '_reverse' : ''}`;
    return { wIh: own[`weight_ih${sfx}`]!, wHh: own[`weight_hh${sfx}`]!, bIh: own[`bias_ih${sfx}`] ?? null, bHh: own[`bias_hh${sfx}`] ?? null };
  }

  /** Split the user's hidden state into per-(layer, direction) h0 (and c0). */
  protected abstract unpackState(hx: H | null, batch: number, like: Tensor, unbatched: boolean): [Tensor, Tensor | null];
  protected abstract packState(h: Tensor, c: Tensor | null): H;

  protected checkState(name: string, t: Tensor, batch: number, unbatched: boolean): Tensor {
    const layers = this.numLayers * (this.bidirectional ? 2 : 1);
    const expected = unbatched ? [layers, this.hiddenSize] : [layers, batch, this.hiddenSize];
    if (t.rank !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
      throw new ShapeError(`${this.constructor.name}: ${name} ${formatShape(t.shape)} must be ${formatShape(expected)}.`);
    }
    return unbatched ? unsqueeze(t, 1) : t;
  }

  override forward(input: Tensor, hx: H | null = null): [Tensor, H] {
    const op = this.constructor.name;
    if (input.rank !== 2 && input.rank !== 3) throw new ShapeError(`${op}: input must be [L, N, ${this.inputSize}] (or [N, L, ...] with batchFirst, or unbatched [L, ${this.inputSize}]), got ${formatShape(input.shape)}.`);
    if (input.shape[input.rank - 1] !== this.inputSize) throw new ShapeError(`${op}: input ${formatShape(input.shape)} has ${input.shape[input.rank - 1]} features, expected ${this.inputSize}.`);
    const unbatched = input.rank === 2;
    let x = unbatched ? unsqueeze(input, 1) : this.batchFirst ? transpose(input, 0, 1) : input;
    const [len, batch] = x.shape;
    if (len === 0) throw new ShapeError(`${op}: the input sequence is empty (shape ${formatShape(input.shape)}).`);
    const [h0, c0] = this.unpackState(hx, batch, x, unbatched);
    const dirs = this.bidirectional ? 2 : 1;
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < dirs; d++) {
        const w = this.#weights(layer, d);
        const xp = linear(x, w.wIh, w.bIh);
        let h = select(h0, 0, layer * dirs + d);
        let c = c0 ? select(c0, 0, layer * dirs + d) : null;
        const steps = new Array<Tensor>(len);
        for (let s = 0; s < len; s++) {
          const t = d === 0 ? s : len - 1 - s;
          [h, c] = cellStep(this.#mode, select(xp, 0, t), h, c, w);
          steps[t] = h;
        }
        outs.push(stack(steps, 0));
        hs.push(h);
        if (c) cs.push(c);
      }
      x = dirs === 1 ? outs[0] : concat(outs, -1);
      if (this.dropout > 0 && this.training && layer < this.numLayers - 1) x = dropout(x, this.dropout, true);
    }
    let hN = stack(hs, 0);
    let cN = cs.length ? stack(cs, 0) : null;
    if (unbatched) {
      x = squeeze(x, 1);
      hN = squeeze(hN, 1);
      cN = cN && squeeze(cN, 1);
    } else if (this.batchFirst) {
      x = transpose(x, 0, 1);
    }
    return [x, this.packState(hN, cN)];
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}, numLayers=${this.numLayers}, batchFirst=${this.batchFirst}, bidirectional=${this.bidirectional}`;
  }
}

function zeroState(self: { numLayers: number; bidirectional: boolean; hiddenSize: number }, batch: number, like: Tensor): Tensor {
  return zeros([self.numLayers * (self.bidirectional ? 2 : 1), batch, self.hiddenSize], { backend: like.backend });
}

export interface SimpleRNNOptions extends RNNOptions {
  nonlinearity?: 'tanh' | 'relu';
}

/** Elman RNN h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh), like `torch.nn.RNN`. forward(x, h0?) -> [output, h_n]. */
export class RNN extends RNNBase<Tensor> {
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, options: SimpleRNNOptions = {}) {
    const nl = options.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ValueError(`RNN: nonlinearity must be 'tanh' or 'relu', got '${String(nl)}'.`);
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, options);
    this.nonlinearity = nl;
  }
  protected unpackState(hx: Tensor | null, batch: number, like: Tensor, unbatched: boolean): [Tensor, null] {
    return [hx ? this.checkState('h0', hx, batch, unbatched) : zeroState(this, batch, like), null];
  }
  protected packState(h: Tensor): Tensor {
    return h;
  }
}

/** Gated recurrent unit (r, z, n gates), like `torch.nn.GRU`. forward(x, h0?) -> [output, h_n]. */
export class GRU extends RNNBase<Tensor> {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super('GRU', inputSize, hiddenSize, options);
  }
  protected unpackState(hx: Tensor | null, batch: number, like: Tensor, unbatched: boolean): [Tensor, null] {
    return [hx ? this.checkState('h0', hx, batch, unbatched) : zeroState(this, batch, like), null];
  }
  protected packState(h: Tensor): Tensor {
    return h;
  }
}

/** Long short-term memory (i, f, g, o gates), like `torch.nn.LSTM`. forward(x, [h0, c0]?) -> [output, [h_n, c_n]]. */
export class LSTM extends RNNBase<[Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super('LSTM', inputSize, hiddenSize, options);
  }
  protected unpackState(hx: [Tensor, Tensor] | null, batch: number, like: Tensor, unbatched: boolean): [Tensor, Tensor] {
    if (!hx) return [zeroState(this, batch, like), zeroState(this, batch, like)];
    return [this.checkState('h0', hx[0], batch, unbatched), this.checkState('c0', hx[1], batch, unbatched)];
  }
  protected packState(h: Tensor, c: Tensor | null): [Tensor, Tensor] {
    return [h, c!];
  }
}

/** One step of a recurrent cell, with parameters weight_ih, weight_hh, bias_ih, bias_hh. */
abstract class CellBase<H> extends Module<[Tensor, (H | null)?], H> {
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;
  readonly #mode: Mode;

  constructor(mode: Mode, readonly inputSize: number, readonly hiddenSize: number, bias: boolean) {
    super();
    checkPositiveInt(this.constructor.name, 'inputSize', inputSize);
    checkPositiveInt(this.constructor.name, 'hiddenSize', hiddenSize);
    this.#mode = mode;
    const gates = GATES[mode] * hiddenSize;
    this.weight_ih = newParameter([gates, inputSize]);
    this.weight_hh = newParameter([gates, hiddenSize]);
    this.bias_ih = bias ? newParameter([gates]) : null;
    this.bias_hh = bias ? newParameter([gates]) : null;
    const k = 1 / Math.sqrt(hiddenSize);
    for (const p of this.parameters()) init.uniform(p, -k, k);
  }

  protected step(x: Tensor, h: Tensor | null, c: Tensor | null): [Tensor, Tensor | null] {
    const op = this.constructor.name;
    if ((x.rank !== 1 && x.rank !== 2) || x.shape[x.rank - 1] !== this.inputSize) {
      throw new ShapeError(`${op}: input must be [N, ${this.inputSize}] or [${this.inputSize}], got ${formatShape(x.shape)}.`);
    }
    const batched = x.rank === 2 ? x : unsqueeze(x, 0);
    const shape = [batched.shape[0], this.hiddenSize];
    const fix = (t: Tensor | null, name: string) => {
      if (!t) return zeros(shape, { backend: x.backend });
      const tb = t.rank === 1 ? unsqueeze(t, 0) : t;
      if (tb.shape[0] !== shape[0] || tb.shape[1] !== shape[1] || tb.rank !== 2) throw new ShapeError(`${op}: ${name} ${formatShape(t.shape)} must be ${formatShape(x.rank === 2 ? shape : [this.hiddenSize])}.`);
      return tb;
    };
    const w = { wIh: this.weight_ih, wHh: this.weight_hh, bIh: this.bias_ih, bHh: this.bias_hh };
    const [h1, c1] = cellStep(this.#mode, linear(batched, w.wIh, w.bIh), fix(h, 'hx'), this.#mode === 'LSTM' ? fix(c, 'cx') : null, w);
    return x.rank === 2 ? [h1, c1] : [squeeze(h1, 0), c1 && squeeze(c1, 0)];
  }
}

export class RNNCell extends CellBase<Tensor> {
  constructor(inputSize: number, hiddenSize: number, { bias = true, nonlinearity = 'tanh' }: { bias?: boolean; nonlinearity?: 'tanh' | 'relu' } = {}) {
    super(nonlinearity === 'relu' ? 'RNN_RELU' : 'RNN_TANH', inputSize, hiddenSize, bias);
  }
  override forward(x: Tensor, hx: Tensor | null = null): Tensor {
    return this.step(x, hx, null)[0];
  }
}

export class GRUCell extends CellBase<Tensor> {
  constructor(inputSize: number, hiddenSize: number, { bias = true }: { bias?: boolean } = {}) {
    super('GRU', inputSize, hiddenSize, bias);
  }
  override forward(x: Tensor, hx: Tensor | null = null): Tensor {
    return this.step(x, hx, null)[0];
  }
}

/** forward(x, [h, c]?) -> [h', c']. */
export class LSTMCell extends CellBase<[Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, { bias = true }: { bias?: boolean } = {}) {
    super('LSTM', inputSize, hiddenSize, bias);
  }
  override forward(x: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    const [h, c] = this.step(x, hx?.[0] ?? null, hx?.[1] ?? null);
    return [h, c!];
  }
}
