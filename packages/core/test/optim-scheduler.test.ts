// LR schedules against torch.optim.lr_scheduler (fixtures/optim_torch.py).
import { describe, expect, it } from 'vitest';
import { optim, zeros } from '@tessera/core';
import { createCpuBackend } from '@tessera/backend-cpu';
import fixture from './fixtures/optim-torch.json';

const backend = createCpuBackend();
type Opt = optim.Optimizer<{ lr: number }>;

function makeOptimizer(kind: 'SGD' | 'Adam' = 'SGD', lr = 0.1): Opt {
  const p = [zeros([1], { backend, requiresGrad: true }), zeros([1], { backend, requiresGrad: true })];
  const groups = [{ params: [p[0]] }, { params: [p[1]], lr: lr * 2 }];
  return kind === 'SGD' ? new optim.SGD(groups, { lr, momentum: 0.9 }) : (new optim.Adam(groups, { lr }) as unknown as Opt);
}

const S = fixture.schedulers as unknown as Record<string, { lrs: string[][]; momentum: string[] }>;

function expectClose(got: number[], want: string[], label: string): void {
  expect(got.length, label).toBe(want.length);
  got.forEach((v, i) => {
    const w = Number(want[i]);
    expect(Math.abs(v - w), `${label}: ${v} vs torch ${w}`).toBeLessThanOrEqual(1e-13 * Math.max(Math.abs(w), 1e-3));
  });
}

type Make = (o: Opt) => optim.Scheduler;
const CASES: Record<string, [Make, 'SGD' | 'Adam']> = {
  step: [(o) => new optim.StepLR(o, { stepSize: 7, gamma: 0.5 }), 'SGD'],
  multistep: [(o) => new optim.MultiStepLR(o, { milestones: [3, 10, 10, 20], gamma: 0.3 }), 'SGD'],
  exponential: [(o) => new optim.ExponentialLR(o, { gamma: 0.93 }), 'SGD'],
  cosine: [(o) => new optim.CosineAnnealingLR(o, { tMax: 12, etaMin: 0.001 }), 'SGD'],
  linear: [(o) => new optim.LinearLR(o, { startFactor: 0.2, endFactor: 0.9, totalIters: 8 }), 'SGD'],
  constant: [(o) => new optim.ConstantLR(o, { factor: 0.25, totalIters: 4 }), 'SGD'],
  polynomial: [(o) => new optim.PolynomialLR(o, { totalIters: 10, power: 2 }), 'SGD'],
  onecycle_sgd: [(o) => new optim.OneCycleLR(o, { maxLr: [1.0, 0.5], totalSteps: 30 }), 'SGD'],
  onecycle_adam_linear_3phase: [
    (o) => new optim.OneCycleLR(o, { maxLr: 0.3, totalSteps: 25, annealStrategy: 'linear', threePhase: true, pctStart: 0.4 }), 'Adam'],
  sequential: [
    (o) => new optim.SequentialLR(o, {
      schedulers: [new optim.LinearLR(o, { startFactor: 0.1, totalIters: 5 }), new optim.CosineAnnealingLR(o, { tMax: 20 })],
      milestones: [5],
    }), 'SGD'],
};

function momentumOf(o: Opt): number {
  const g = o.paramGroups[0];
  return Array.isArray(g.betas) ? (g.betas as number[])[0] : ((g.momentum as number) ?? 0);
}

describe('LR schedulers match torch.optim.lr_scheduler', () => {
  for (const [name, [make, kind]] of Object.entries(CASES)) {
    it(`${name}: learning rates (and momentum) of two groups at every step`, () => {
      const ref = S[name];
      const opt = makeOptimizer(kind);
      const sched = make(opt);
      expectClose(sched.getLastLr(), ref.lrs[0], `${name} step 0`);
      for (let i = 1; i < ref.lrs.length; i++) {
        opt.step();
        sched.step();
        expectClose(sched.getLastLr(), ref.lrs[i], `${name} step ${i}`);
        expectClose(opt.paramGroups.map((g) => g.lr), ref.lrs[i], `${name} group lr ${i}`);
        expectClose([momentumOf(opt)], [ref.momentum[i - 1]], `${name} momentum ${i}`);
      }
    });
  }

  it('ReduceLROnPlateau: patience, cooldown and minLr', () => {
    const ref = S.plateau;
    const metrics = fixture.schedulers.plateau_metrics as number[];
    const opt = makeOptimizer();
    const sched = new optim.ReduceLROnPlateau(opt, { factor: 0.5, patience: 2, cooldown: 1, minLr: 0.004 });
    metrics.forEach((m, i) => {
      sched.step(m);
      expectClose(sched.getLastLr(), ref.lrs[i], `plateau step ${i}`);
    });
    expect(new Set(ref.lrs.map((r) => r[0])).size).toBeGreaterThan(2);
  });

  it('WarmupCosineLR warms up linearly from 0, then follows a cosine down to minLrRatio', () => {
    const opt = makeOptimizer('SGD', 1);
    const sched = new optim.WarmupCosineLR(opt, { warmupSteps: 4, totalSteps: 14, minLrRatio: 0.1 });
    const seen = [sched.getLastLr()[0]];
    for (let i = 0; i < 16; i++) { sched.step(); seen.push(sched.getLastLr()[0]); }
    expect(seen.slice(0, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(seen[9]).toBeCloseTo(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.5)), 12);
    expect(seen[14]).toBeCloseTo(0.1, 12);
    expect(seen[16]).toBeCloseTo(0.1, 12);
    expect(sched.getLastLr()[1]).toBeCloseTo(0.2, 12);
  });

  it('state dicts resume a schedule exactly, in a fresh scheduler on a fresh optimizer', () => {
    const makers: Record<string, Make> = {
      cosine: CASES.cosine[0], onecycle: CASES.onecycle_sgd[0], sequential: CASES.sequential[0], step: CASES.step[0],
      warmup: (o) => new optim.WarmupCosineLR(o, { warmupSteps: 3, totalSteps: 20 }),
      plateau: (o) => {
        const s = new optim.ReduceLROnPlateau(o, { patience: 1 });
        return { step: () => s.step(1), getLastLr: () => s.getLastLr(), stateDict: () => s.stateDict(), loadStateDict: (sd) => s.loadStateDict(sd) };
      },
    };
    for (const [name, make] of Object.entries(makers)) {
      const o1 = makeOptimizer();
      const s1 = make(o1);
      const straight: number[][] = [];
      for (let i = 0; i < 20; i++) { s1.step(); straight.push(s1.getLastLr()); }

      const o2 = makeOptimizer();
      const s2 = make(o2);
      for (let i = 0; i < 8; i++) s2.step();
      const sd = JSON.parse(JSON.stringify(s2.stateDict(), (_k, v) => (v === Infinity ? 'Infinity' : v)), (_k, v) => (v === 'Infinity' ? Infinity : v));
      const osd = o2.stateDict();
      // Build fresh objects first, then load: constructing a scheduler steps it once.
      const o3 = makeOptimizer();
      const s3 = make(o3);
      o3.loadStateDict(osd);
      s3.loadStateDict(sd);
      const resumed: number[][] = [];
      for (let i = 8; i < 20; i++) { s3.step(); resumed.push(s3.getLastLr()); }
      expect(resumed, name).toEqual(straight.slice(8));
    }
  });

  it('rejects bad options with a clear error', () => {
    const opt = makeOptimizer();
    expect(() => new optim.StepLR(opt, { stepSize: 0 })).toThrow(/stepSize/);
    expect(() => new optim.OneCycleLR(opt, { maxLr: 1 })).toThrow(/totalSteps/);
    expect(() => new optim.OneCycleLR(opt, { maxLr: [1, 2, 3], totalSteps: 5 })).toThrow(/expected 2 values/);
    expect(() => new optim.CosineAnnealingLR(opt, { tMax: 5, lastEpoch: 3 })).not.toThrow();
    const fresh = makeOptimizer();
    expect(() => new optim.CosineAnnealingLR(fresh, { tMax: 5, lastEpoch: 3 })).toThrow(/initialLr/);
    const short = new optim.OneCycleLR(makeOptimizer(), { maxLr: 1, totalSteps: 3 });
    short.step(); short.step(); short.step();
    expect(() => short.step()).toThrow(/tried to step 5 times/);
  });
});
