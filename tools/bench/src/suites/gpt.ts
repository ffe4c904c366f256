/**
 * The small GPT-2-style decoder the gpt-train and gpt-generate suites time, built the same
 * way in every engine: token + position Embedding, N pre-LayerNorm blocks of causal
 * multi-head self-attention and a GELU(tanh) MLP 4× wide, a final LayerNorm, and an LM head
 * (a Linear without bias, not tied to the token embedding). Tessera builds it from core's
 * nn layers (TransformerEncoderLayer with normFirst, batchFirst, isCausal); the TensorFlow.js
 * twin below is written out op by op; torch's is assets/python/suites/gpt_model.py (torch's
 * nn.TransformerEncoderLayer). Every engine checks its parameter count against
 * {@link gptParamCount}, so the three models are the same size.
 */
import { add, arange, gelu, narrow, nn, type Tensor } from '@tessera/core';
import type { TfModule } from '../peers/tfjs.js';
import { Unavailable } from '../types.js';
import { values } from './common.js';

export interface GptConfig {
  layers: number;
  heads: number;
  /** Embedding width (d_model). */
  width: number;
  /** Context length: rows of the position embedding. */
  ctx: number;
  vocab: number;
}

/** Parameter elements of the model: embeddings, 12E² + 13E per block, final norm, LM head. */
export function gptParamCount(c: GptConfig): number {
  const e = c.width;
  return c.vocab * e + c.ctx * e + c.layers * (12 * e * e + 13 * e) + 2 * e + c.vocab * e;
}

/**
 * Multiply-add FLOPs (×2) of one forward pass over `batch` sequences of `t` tokens; the LM
 * head runs on the last position only when `lastOnly`. Attention counts the full T×T score
 * matrix, as every engine here computes it (the causal mask is applied, not exploited).
 */
export function gptForwardFlops(c: GptConfig, batch: number, t: number, lastOnly = false): number {
  const e = c.width;
  const tok = batch * t;
  const perLayer = 2 * tok * e * 3 * e + 2 * 2 * batch * t * t * e + 2 * tok * e * e + 2 * 2 * tok * e * 4 * e;
  return c.layers * perLayer + 2 * (lastOnly ? batch : tok) * e * c.vocab;
}

/** `4L/4H/256d ctx128 V1024 (3.5M params)`: the model part of a case name. */
export function gptLabel(c: GptConfig): string {
  const n = gptParamCount(c);
  const count = n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(1)}k`;
  return `${c.layers}L/${c.heads}H/${c.width}d ctx${c.ctx} V${c.vocab} (${count} params)`;
}

/** The model config of a case's params. */
export function gptConfig(p: Readonly<Record<string, number>>): GptConfig {
  return { layers: p.layers, heads: p.heads, width: p.width, ctx: p.ctx, vocab: p.vocab };
}

/**
 * Every combination of the listed parameters' values (first varies slowest), from
 * `--param` overrides or `defaults`.
 */
export function grid(
  overrides: Readonly<Record<string, readonly number[]>>,
  defaults: Readonly<Record<string, readonly number[]>>,
): Record<string, number>[] {
  let out: Record<string, number>[] = [{}];
  for (const [k, d] of Object.entries(defaults)) {
    out = out.flatMap((p) => values(overrides, k, d).map((v) => ({ ...p, [k]: v })));
  }
  return out;
}

/** True when any of `keys` was given with `--param`. */
export function overridden(overrides: Readonly<Record<string, readonly number[]>>, keys: readonly string[]): boolean {
  return keys.some((k) => overrides[k] !== undefined);
}

/**
 * TensorFlow.js's plain-JS cpu backend runs these models at ~0.13 GFLOP/s here (the tiny
 * case shows it): past this many FLOPs a single run takes minutes, so it sits those cases out.
 */
const TFJS_CPU_MAX_FLOPS = 2e9;
const TFJS_CPU_GFLOPS = 0.13;

/** Throws Unavailable for tfjs's cpu backend on a case too big for it to finish in reasonable time. */
export function checkTfjsCpuSize(tfBackend: string, flops: number | undefined): void {
  if (tfBackend !== 'cpu' || !flops || flops <= TFJS_CPU_MAX_FLOPS) return;
  const minutes = flops / (TFJS_CPU_GFLOPS * 1e9) / 60;
  throw new Unavailable(
    `skipped at this size: tfjs's plain-JS cpu backend runs this model at ~${TFJS_CPU_GFLOPS} GFLOP/s (see the tiny case), so one run would take ~${minutes.toFixed(1)} min`,
  );
}

export function checkParamCount(engine: string, got: number, c: GptConfig): void {
  const want = gptParamCount(c);
  if (got !== want) throw new Error(`gpt: the ${engine} model has ${got} parameters, expected ${want} for ${gptLabel(c)}`);
}

const geluTanh = (x: Tensor): Tensor => gelu(x, 'tanh');

/** The Tessera model, from core's nn layers. */
export class TesseraGpt extends nn.Module<[Tensor, boolean?], Tensor> {
  wte: nn.Embedding;
  wpe: nn.Embedding;
  h: nn.ModuleList<nn.TransformerEncoderLayer>;
  ln_f: nn.LayerNorm;
  lm_head: nn.Linear;

  constructor(readonly config: GptConfig) {
    super();
    const e = config.width;
    this.wte = new nn.Embedding(config.vocab, e);
    this.wpe = new nn.Embedding(config.ctx, e);
    this.h = new nn.ModuleList(
      Array.from(
        { length: config.layers },
        () => new nn.TransformerEncoderLayer(e, config.heads, { dimFeedforward: 4 * e, dropout: 0, activation: geluTanh, batchFirst: true, normFirst: true }),
      ),
    );
    this.ln_f = new nn.LayerNorm(e);
    this.lm_head = new nn.Linear(e, config.vocab, { bias: false });
  }

  /** Logits [B, t, vocab] of int32 tokens [B, t] (t <= ctx), or [B, 1, vocab] of the last position. */
  override forward(idx: Tensor, lastOnly = false): Tensor {
    const t = idx.shape[1];
    const pos = arange(0, t, 1, { dtype: 'int32', backend: idx.backend });
    let x = add(this.wte.call(idx), this.wpe.call(pos));
    for (const block of this.h) x = block.call(x, { isCausal: true });
    if (lastOnly) x = narrow(x, 1, t - 1, 1);
    return this.lm_head.call(this.ln_f.call(x));
  }

  /** Free the parameters (a Module holds backend buffers until then). */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
  }
}

type TfTensor = import('@tensorflow/tfjs').Tensor;
type TfVariable = import('@tensorflow/tfjs').Variable;

interface TfBlock {
  ln1g: TfVariable; ln1b: TfVariable; wqkv: TfVariable; bqkv: TfVariable; wo: TfVariable; bo: TfVariable;
  ln2g: TfVariable; ln2b: TfVariable; w1: TfVariable; b1: TfVariable; w2: TfVariable; b2: TfVariable;
}

/** The TensorFlow.js twin: the same computation with tfjs ops, weights [in, out] as tfjs has them. */
export class TfjsGpt {
  readonly wte: TfVariable;
  readonly wpe: TfVariable;
  readonly blocks: TfBlock[];
  readonly lnfg: TfVariable;
  readonly lnfb: TfVariable;
  readonly head: TfVariable;
  readonly variables: TfVariable[];
  private readonly masks = new Map<number, TfTensor>();

  /**
   * `embedByMatmul`: look tokens up as one-hot × table instead of gather, for tfjs-wasm,
   * which has no UnsortedSegmentSum kernel for gather's gradient (it costs that backend
   * 2·tokens·vocab·width more FLOPs each way).
   */
  constructor(private readonly tf: TfModule, readonly config: GptConfig, private readonly embedByMatmul = false) {
    const e = config.width;
    const w = (shape: number[], scale: number) => tf.variable(tf.mul(tf.randomNormal(shape), scale));
    const ones = (n: number) => tf.variable(tf.ones([n]));
    const zeros = (n: number) => tf.variable(tf.zeros([n]));
    const s = 1 / Math.sqrt(e);
    this.wte = w([config.vocab, e], 1);
    this.wpe = w([config.ctx, e], 1);
    this.blocks = Array.from({ length: config.layers }, () => ({
      ln1g: ones(e), ln1b: zeros(e), wqkv: w([e, 3 * e], s), bqkv: zeros(3 * e), wo: w([e, e], s), bo: zeros(e),
      ln2g: ones(e), ln2b: zeros(e), w1: w([e, 4 * e], s), b1: zeros(4 * e), w2: w([4 * e, e], s / 2), b2: zeros(e),
    }));
    this.lnfg = ones(e);
    this.lnfb = zeros(e);
    this.head = w([e, config.vocab], s);
    this.variables = [this.wte, this.wpe, ...this.blocks.flatMap((b) => Object.values(b)), this.lnfg, this.lnfb, this.head];
  }

  numParameters(): number {
    return this.variables.reduce((n, v) => n + v.size, 0);
  }

  /** Additive causal mask [t, t]: 0 where key j <= query i, -1e9 above the diagonal; cached per t. */
  private mask(t: number): TfTensor {
    let m = this.masks.get(t);
    if (!m) {
      const tf = this.tf;
      // Kept: forward runs inside the caller's tidy, which would dispose a tensor made there.
      m = tf.keep(tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([t, t]), -1, 0)), -1e9)));
      this.masks.set(t, m);
    }
    return m;
  }

  private layerNorm(x: TfTensor, g: TfTensor, b: TfTensor): TfTensor {
    const tf = this.tf;
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), g), b);
  }

  private gelu(x: TfTensor): TfTensor {
    const tf = this.tf;
    const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  }

  /** Logits [B·t, vocab] (or [B, vocab] with `lastOnly`) of int32 tokens [B, t]; call inside tidy. */
  forward(idx: TfTensor, lastOnly = false): TfTensor {
    const tf = this.tf;
    const [bsz, t] = idx.shape as [number, number];
    const e = this.config.width;
    const nh = this.config.heads;
    const hd = e / nh;
    const rows = bsz * t;
    const mask = this.mask(t);
    const flat = tf.reshape(idx, [rows]);
    const tokens = this.embedByMatmul ? tf.matMul(tf.oneHot(flat, this.config.vocab), this.wte) : tf.gather(this.wte, flat);
    let x = tf.add(tf.reshape(tokens, [bsz, t, e]), tf.slice(this.wpe, [0, 0], [t, e]));
    const heads = (m: TfTensor) => tf.transpose(tf.reshape(m, [bsz, t, nh, hd]), [0, 2, 1, 3]);
    for (const b of this.blocks) {
      const h = tf.reshape(this.layerNorm(x, b.ln1g, b.ln1b), [rows, e]);
      const [q, k, v] = tf.split(tf.add(tf.matMul(h, b.wqkv), b.bqkv), 3, 1).map(heads);
      const att = tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hd)), mask));
      const y = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [rows, e]);
      x = tf.add(x, tf.reshape(tf.add(tf.matMul(y, b.wo), b.bo), [bsz, t, e]));
      const h2 = tf.reshape(this.layerNorm(x, b.ln2g, b.ln2b), [rows, e]);
      const m = tf.add(tf.matMul(this.gelu(tf.add(tf.matMul(h2, b.w1), b.b1)), b.w2), b.b2);
      x = tf.add(x, tf.reshape(m, [bsz, t, e]));
    }
    const last = lastOnly ? tf.reshape(tf.slice(x, [0, t - 1, 0], [bsz, 1, e]), [bsz, e]) : tf.reshape(x, [rows, e]);
    return tf.matMul(this.layerNorm(last, this.lnfg, this.lnfb), this.head);
  }

  dispose(): void {
    this.tf.dispose([...this.variables, ...this.masks.values()]);
  }
}

/** Defaults shared by both suites: the small model of ENVIRONMENT.md's torch figure. */
export const SMALL: GptConfig = { layers: 4, heads: 4, width: 256, ctx: 128, vocab: 1024 };
/** A tiny model for a quick first comparison (and the smoke test's sizes). */
export const TINY: GptConfig = { layers: 2, heads: 2, width: 64, ctx: 64, vocab: 256 };
/** The parameters that describe the model, as `--param` names. */
export const MODEL_KEYS = ['layers', 'heads', 'width', 'ctx', 'vocab'] as const;
