/**
 * gpt-generate: greedy generation from the small GPT of gpt.ts, batch 1: `new` tokens after
 * a `prompt`-token prompt, in tokens/s. Core has no KV cache, so every token recomputes the
 * whole context (16 → 47 tokens) on every side, torch included; the LM head runs on the last
 * position only, and the tokens stay on the device until the last one is read back.
 */
import { argmax, concat, noGrad, randint, type Tensor, tidy } from '@tessera/core';
import type { CaseSpec, Suite } from '../types.js';
import { checkParamCount, checkTfjsCpuSize, type GptConfig, gptConfig, gptForwardFlops, gptLabel, gptParamCount, grid, MODEL_KEYS, overridden, SMALL, TesseraGpt, TfjsGpt, TINY } from './gpt.js';

function generateCase(cfg: GptConfig, prompt: number, added: number): CaseSpec {
  if (prompt + added > cfg.ctx) throw new Error(`gpt-generate: prompt ${prompt} + ${added} new tokens exceed the context ${cfg.ctx}`);
  let flops = 0;
  for (let t = prompt; t < prompt + added; t++) flops += gptForwardFlops(cfg, 1, t, true);
  return {
    name: `${gptLabel(cfg)} ${prompt}+${added}`,
    params: { ...cfg, prompt, new: added, nparams: gptParamCount(cfg) },
    flops,
    tokens: added,
  };
}

export const gptGenerate: Suite = {
  name: 'gpt-generate',
  description:
    'Greedy generation (argmax, batch 1) of 32 tokens after a 16-token prompt from the GPT of gpt-train, in eval mode without gradients. No KV cache — Tessera\'s core has none — so each new token recomputes the whole context on every side (torch too, for a fair ratio); the LM head runs on the last position only, and the tokens are read back once at the end. tokens/s = new tokens ÷ time. With a KV cache (which torch users would normally use) torch would be several times faster still; the ratio here compares the same work.',
  cases: (o) => {
    const keys = [...MODEL_KEYS, 'prompt', 'new'];
    if (!overridden(o, keys)) return [generateCase(TINY, 16, 32), generateCase(SMALL, 16, 32)];
    const d = { layers: [SMALL.layers], heads: [SMALL.heads], width: [SMALL.width], vocab: [SMALL.vocab], ctx: [SMALL.ctx], prompt: [16], new: [32] };
    return grid(o, d).map((p) => generateCase(gptConfig(p), p.prompt, p.new));
  },

  tessera(c, { backend }) {
    const cfg = gptConfig(c.params);
    const model = new TesseraGpt(cfg);
    checkParamCount('Tessera', model.numParameters(), cfg);
    model.eval();
    const prompt = randint(0, cfg.vocab, [1, c.params.prompt], { backend });
    return {
      async run() {
        let ids: Tensor = prompt;
        noGrad(() => {
          for (let i = 0; i < c.params.new; i++) {
            const next = tidy(() => argmax(model.call(ids, true), -1));
            const grown = concat([ids, next], 1);
            next.dispose();
            if (ids !== prompt) ids.dispose();
            ids = grown;
          }
        });
        await ids.data();
        if (ids !== prompt) ids.dispose();
      },
      dispose() {
        model.dispose();
        prompt.dispose();
      },
    };
  },

  tfjs(c, { tf, tfBackend }) {
    checkTfjsCpuSize(tfBackend, c.flops);
    const cfg = gptConfig(c.params);
    const model = new TfjsGpt(tf, cfg);
    checkParamCount('TensorFlow.js', model.numParameters(), cfg);
    const prompt = tf.randomUniformInt([1, c.params.prompt], 0, cfg.vocab);
    return {
      async run() {
        let ids = prompt;
        for (let i = 0; i < c.params.new; i++) {
          const grown = tf.tidy(() => tf.concat([ids, tf.reshape(tf.argMax(model.forward(ids, true), -1), [1, 1])], 1));
          if (ids !== prompt) ids.dispose();
          ids = grown;
        }
        await ids.data();
        if (ids !== prompt) ids.dispose();
      },
      dispose() {
        model.dispose();
        prompt.dispose();
      },
    };
  },
};
