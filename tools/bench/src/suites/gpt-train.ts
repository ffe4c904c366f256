/**
 * gpt-train: one AdamW step of the small GPT of gpt.ts on next-token cross-entropy over
 * batch × ctx random tokens, in tokens/s. Default cases: a tiny model, then the small model
 * (4 layers, 4 heads, 256 wide, vocabulary 1024, batch 16) at context 32, 64 and 128 — the
 * scaling plot. `--param gpt-train.ctx=...` (or layers, heads, width, vocab, batch) gives one
 * model swept instead.
 */
import { crossEntropy, optim, randint, reshape, tidy } from '@tessera/core';
import type { CaseSpec, Suite } from '../types.js';
import { disposeOptimizer } from './common.js';
import { checkParamCount, checkTfjsCpuSize, type GptConfig, gptConfig, gptForwardFlops, gptLabel, gptParamCount, grid, MODEL_KEYS, overridden, SMALL, TesseraGpt, TfjsGpt, TINY } from './gpt.js';

const LR = 3e-4;
const WEIGHT_DECAY = 0.01;

function trainCase(cfg: GptConfig, batch: number, size?: number): CaseSpec {
  const tokens = batch * cfg.ctx;
  return {
    name: `${gptLabel(cfg)} b${batch}`,
    params: { ...cfg, batch, nparams: gptParamCount(cfg) },
    // Backward costs about twice the forward (input and weight gradients).
    flops: 3 * gptForwardFlops(cfg, batch, cfg.ctx),
    tokens,
    ...(size === undefined ? {} : { size }),
  };
}

export const gptTrain: Suite = {
  name: 'gpt-train',
  description:
    'One AdamW train step (lr 3e-4, weight decay 0.01) of a GPT-2-style decoder — token + position embedding, pre-LayerNorm blocks of causal multi-head self-attention and a GELU(tanh) MLP 4× wide, final LayerNorm, untied LM head — on next-token cross-entropy over batch × ctx random tokens; forward, backward, update, then a parameter read back. The same architecture and parameter count on every side (checked at setup; the count is in the case name); tokens/s = batch × ctx ÷ step time. Tessera: core\'s nn layers (TransformerEncoderLayer, normFirst, isCausal) and optim.AdamW; torch: nn.TransformerEncoderLayer (norm_first) and torch.optim.AdamW; TensorFlow.js: the same ops written out, and tf.train.adam after a decoupled weight decay (tfjs has no AdamW); tfjs-wasm looks tokens up as one-hot × table, since it has no kernel for gather\'s gradient. numpy sits this out (no autograd).',
  scaling: { param: 'ctx', label: 'context length (small GPT, b16)' },
  cases: (o) => {
    const keys = [...MODEL_KEYS, 'batch'];
    if (!overridden(o, keys)) {
      return [trainCase(TINY, 4), ...[32, 64, 128].map((ctx) => trainCase({ ...SMALL, ctx }, 16, ctx))];
    }
    const d = { layers: [SMALL.layers], heads: [SMALL.heads], width: [SMALL.width], vocab: [SMALL.vocab], batch: [16], ctx: [SMALL.ctx] };
    return grid(o, d).map((p) => trainCase(gptConfig(p), p.batch, p.ctx));
  },

  tessera(c, { backend }) {
    const cfg = gptConfig(c.params);
    const b = c.params.batch;
    const rows = b * cfg.ctx;
    const model = new TesseraGpt(cfg);
    checkParamCount('Tessera', model.numParameters(), cfg);
    const opt = new optim.AdamW(model.parameters(), { lr: LR, weightDecay: WEIGHT_DECAY });
    const x = randint(0, cfg.vocab, [b, cfg.ctx], { backend });
    const y = randint(0, cfg.vocab, [rows], { backend });
    const probe = model.ln_f.bias!;
    return {
      async run() {
        tidy(() => {
          crossEntropy(reshape(model.call(x), [rows, cfg.vocab]), y).backward();
          opt.step();
          opt.zeroGrad();
        });
        await probe.data();
      },
      dispose() {
        disposeOptimizer(opt);
        model.dispose();
        x.dispose();
        y.dispose();
      },
    };
  },

  tfjs(c, { tf, tfBackend }) {
    checkTfjsCpuSize(tfBackend, c.flops);
    const cfg = gptConfig(c.params);
    const b = c.params.batch;
    const model = new TfjsGpt(tf, cfg, tfBackend === 'wasm');
    checkParamCount('TensorFlow.js', model.numParameters(), cfg);
    const x = tf.randomUniformInt([b, cfg.ctx], 0, cfg.vocab);
    const y = tf.tidy(() => tf.oneHot(tf.randomUniformInt([b * cfg.ctx], 0, cfg.vocab), cfg.vocab));
    // tfjs has Adam but no AdamW: decay the weights first, as torch.optim.AdamW does.
    const opt = tf.train.adam(LR, 0.9, 0.999, 1e-8);
    const decay = 1 - LR * WEIGHT_DECAY;
    return {
      async run() {
        tf.tidy(() => {
          for (const v of model.variables) v.assign(tf.mul(v, decay));
        });
        opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.forward(x)) as import('@tensorflow/tfjs').Scalar, false, model.variables);
        await model.lnfb.data();
      },
      dispose() {
        model.dispose();
        tf.dispose([x, y]);
        opt.dispose();
      },
    };
  },
};

