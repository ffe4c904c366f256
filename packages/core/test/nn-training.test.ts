import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@tessera/backend-cpu';
import { crossEntropy, manualSeed, memory, nn, optim, randint, type Tensor, tensor, tidy, use } from '@tessera/core';
import { det, expectClose, values } from './nn-helpers.js';

const cpu = createCpuBackend();
use(cpu);

class SmallCNN extends nn.Module {
  features = new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
  );
  head = new nn.Sequential(new nn.Flatten(), new nn.Dropout(0.2), new nn.Linear(4 * 4 * 4, 3));
  override forward(x: Tensor): Tensor {
    return this.head.call(this.features.call(x));
  }
}

class SeqModel extends nn.Module {
  emb = new nn.Embedding(10, 8);
  rnn = new nn.GRU(8, 8, { batchFirst: true });
  attn = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true });
  out = new nn.Linear(8, 10);
  override forward(ids: Tensor): Tensor {
    const [h] = this.rnn.call(this.emb.call(ids));
    return this.out.call(this.attn.call(h, { isCausal: true }));
  }
}

/** Live tensors after each of `steps` tidy training steps. */
function trainSteps(model: nn.Module, lossFn: () => Tensor, steps: number): { live: number[]; losses: number[] } {
  const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
  const live: number[] = [];
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    losses.push(tidy(() => {
      opt.zeroGrad();
      const l = lossFn();
      l.backward();
      opt.step();
      return l.itemSync();
    }));
    live.push(memory().tensors);
  }
  return { live, losses };
}

describe('training with nn layers', () => {
  it('a CNN with BatchNorm and Dropout trains with steady memory from step to step', () => {
    manualSeed(0);
    const model = new SmallCNN();
    const x = det([6, 1, 8, 8], 0).keep();
    const y = tensor([0, 1, 2, 0, 1, 2], { dtype: 'int32' }).keep();
    const lossFn = new nn.CrossEntropyLoss();
    const { live, losses } = trainSteps(model, () => lossFn.call(model.call(x), y), 30);
    expect(live.slice(2).every((n) => n === live[2])).toBe(true);
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(avg(losses.slice(-5))).toBeLessThan(avg(losses.slice(0, 5)) * 0.7);
    model.eval();
    const a = values(model.call(x));
    expect(values(model.call(x))).toEqual(a);
  });

  it('an Embedding + GRU + causal Transformer layer language model trains with steady memory (also forward-only branches: the attention weights, h_n)', () => {
    manualSeed(1);
    const model = new SeqModel();
    const ids = randint(0, 10, [4, 6]).keep();
    const { live, losses } = trainSteps(model, () => crossEntropy(model.call(ids).permute(0, 2, 1), ids), 12);
    expect(live.slice(2).every((n) => n === live[2])).toBe(true);
    expect(losses[11]).toBeLessThan(losses[0]);
  });

  it('inference inside tidy leaves no tensor behind, for every layer in these models', () => {
    manualSeed(3);
    const models: [nn.Module, Tensor][] = [[new SmallCNN().eval(), det([2, 1, 8, 8], 0).keep()], [new SeqModel().eval(), randint(0, 10, [2, 5]).keep()]];
    for (const [model, input] of models) {
      const before = memory().tensors;
      const sum = tidy(() => model.call(input).sum().itemSync());
      expect(Number.isFinite(sum)).toBe(true);
      expect(memory().tensors).toBe(before);
    }
  });

  it('Module.to moves parameters and buffers to another backend', () => {
    manualSeed(2);
    const model = new SmallCNN().eval();
    const x = det([2, 1, 8, 8], 1);
    const expected = values(model.call(x));
    const f64 = createCpuBackend({ float64: true });
    model.to(f64);
    expect(model.parameters().every((p) => p.backend === f64 && p.requiresGrad)).toBe(true);
    expect(model.buffers().every((b) => b.backend === f64)).toBe(true);
    use(f64);
    expectClose(model.call(det([2, 1, 8, 8], 1)), expected, { rtol: 1e-5, atol: 1e-6 });
    use(cpu);
    const a = new nn.Linear(2, 2);
    const tied = new nn.Sequential(a, new nn.Linear(2, 2));
    (tied.get(1) as nn.Linear).weight = a.weight;
    tied.to(f64);
    expect((tied.get(1) as nn.Linear).weight).toBe(a.weight);
    expect(tied.parameters()).toHaveLength(3);
  });

  it('loss modules equal the functional losses and keep class weights in the state dict', () => {
    const w = tensor([1, 2, 3]);
    const ce = new nn.CrossEntropyLoss({ weight: w, labelSmoothing: 0.1 });
    expect(Object.keys(ce.stateDict())).toEqual(['weight']);
    const logits = det([4, 3], 0);
    const t = tensor([0, 2, 1, 2], { dtype: 'int32' });
    expect(ce.call(logits, t).itemSync()).toBeCloseTo(crossEntropy(logits, t, { weight: w, labelSmoothing: 0.1 }).itemSync(), 6);
    const bce = new nn.BCEWithLogitsLoss({ posWeight: tensor([2, 1, 1]) });
    expect(Object.keys(bce.stateDict())).toEqual(['pos_weight']);
    expect(bce.call(logits, det([4, 3], 1).abs()).itemSync()).toBeGreaterThan(0);
    expect(new nn.MSELoss({ reduction: 'sum' }).call(logits, logits.mul(0)).itemSync()).toBeCloseTo(values(logits).reduce((s, v) => s + v * v, 0), 4);
  });
});
