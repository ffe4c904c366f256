// Optimizer trajectories against PyTorch 1.13's single-tensor optimizers (fixtures/optim_torch.py).
import { describe, expect, it } from 'vitest';
import { memory, mul, noGrad, optim, sub, tensor, type Backend, type Tensor } from '@tessera/core';
import { createCpuBackend } from '@tessera/backend-cpu';
import fixture from './fixtures/optim-torch.json';

const P1 = [[0.5, -1.25], [2.0, 0.375], [-0.75, 1.125]];
const T1 = [[0.125, 0.4375], [-0.3125, 0.8125], [0.625, -0.875]];
const S1 = [[1.0, 3.0], [0.5, 2.0], [4.0, 0.25]];
const P2 = [1.5, -0.375, 0.0, 0.875];
const T2 = [-0.5, 0.25, 0.6875, 0.125];
const S2 = [2.0, 1.0, 0.5, 3.0];

type Opts = Record<string, unknown>;
const camel = (o: Opts): Opts =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));

// Mirrors CONFIGS in the fixture script, with torch's option names.
const CONFIGS: Record<string, [string, Opts, Opts]> = {
  sgd: ['SGD', { lr: 0.1 }, { lr: 0.05 }],
  sgd_momentum: ['SGD', { lr: 0.1, momentum: 0.9, dampening: 0.1, weight_decay: 0.01 }, { momentum: 0.5 }],
  sgd_nesterov: ['SGD', { lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 0.05 }, {}],
  sgd_maximize: ['SGD', { lr: 0.05, momentum: 0.8, maximize: true }, {}],
  adam: ['Adam', { lr: 0.05 }, { lr: 0.01 }],
  adam_wd_amsgrad: ['Adam', { lr: 0.05, weight_decay: 0.1, amsgrad: true, betas: [0.8, 0.99] }, {}],
  adam_maximize: ['Adam', { lr: 0.02, maximize: true, weight_decay: 0.01 }, {}],
  adamw: ['AdamW', { lr: 0.05, weight_decay: 0.1 }, { weight_decay: 0.0 }],
  adamw_amsgrad: ['AdamW', { lr: 0.03, weight_decay: 0.05, amsgrad: true, eps: 1e-6 }, {}],
  rmsprop: ['RMSprop', { lr: 0.01 }, { lr: 0.02 }],
  rmsprop_centered_momentum: ['RMSprop', { lr: 0.01, alpha: 0.9, centered: true, momentum: 0.9, weight_decay: 0.01 }, {}],
  adagrad: ['Adagrad', { lr: 0.1, lr_decay: 0.01, weight_decay: 0.01, initial_accumulator_value: 0.1 }, {}],
};

type Ctor = new (params: optim.ParamsArg<never>, options: Opts) => optim.Optimizer<{ lr: number }>;
const CLASSES: Record<string, Ctor> = {
  SGD: optim.SGD as unknown as Ctor, Adam: optim.Adam as unknown as Ctor, AdamW: optim.AdamW as unknown as Ctor,
  RMSprop: optim.RMSprop as unknown as Ctor, Adagrad: optim.Adagrad as unknown as Ctor,
};

function run(name: string, backend: Backend, extra: Opts = {}): { values: number[][]; opt: optim.Optimizer<{ lr: number }>; params: Tensor[] } {
  const [cls, opts, overrides] = CONFIGS[name];
  const p1 = tensor(P1, { backend, requiresGrad: true });
  const p2 = tensor(P2, { backend, requiresGrad: true });
  const consts = [T1, S1, T2, S2].map((v) => tensor(v, { backend }));
  const [t1, s1, t2, s2] = consts;
  const opt = new CLASSES[cls]([{ params: [p1] }, { params: [p2], ...camel(overrides) }] as never, { ...camel(opts), ...extra });
  for (let i = 0; i < 10; i++) {
    noGrad(() => {
      p1.zeroGrad();
      p2.zeroGrad();
      p1.grad = mul(sub(p1, t1), s1).keep();
      p2.grad = mul(sub(p2, t2), s2).keep();
    });
    opt.step();
  }
  const values = [Array.from(p1.dataSync()), Array.from(p2.dataSync())];
  for (const t of consts) t.dispose();
  return { values, opt, params: [p1, p2] };
}

/** Largest |a - b| / max(|b|, 1e-3) over both parameters. */
function maxRelError(got: number[][], want: string[][]): number {
  let worst = 0;
  got.forEach((row, i) => row.forEach((v, j) => {
    const w = Number(want[i][j]);
    worst = Math.max(worst, Math.abs(v - w) / Math.max(Math.abs(w), 1e-3));
  }));
  return worst;
}

const f64 = createCpuBackend({ float64: true });
const f32 = createCpuBackend();
const refs = fixture.optimizers as Record<string, { float64: string[][]; float64_unfused: string[][]; float32: string[][] }>;

describe('optimizers match torch.optim (foreach=False) over 10 steps, two param groups', () => {
  for (const name of Object.keys(CONFIGS)) {
    it(`${name}: float64 bit for bit with torch's unfused rounding, to 1e-14 with torch itself; float32 to rounding`, () => {
      const composed = run(name, f64, { fused: false });
      expect(composed.values).toEqual(refs[name].float64_unfused.map((row) => row.map(Number)));
      expect(maxRelError(composed.values, refs[name].float64)).toBeLessThan(1e-14);
      const fused = run(name, f64);
      expect(maxRelError(fused.values, refs[name].float64)).toBeLessThan(1e-14);
      const single = run(name, f32);
      expect(maxRelError(single.values, refs[name].float32)).toBeLessThan(1e-5);
      for (const r of [composed, fused, single]) {
        r.opt.dispose();
        for (const p of r.params) { p.zeroGrad(); p.dispose(); }
      }
    });
  }

  it('moves every parameter (the fixture is not trivially the start point)', () => {
    for (const name of Object.keys(CONFIGS)) {
      const start = [...P1.flat(), ...P2];
      const end = refs[name].float64.flat().map(Number);
      expect(end.some((v, i) => v !== start[i]), name).toBe(true);
    }
  });

  it('leaves no tensors behind: memory is unchanged across steps once the state exists', () => {
    for (const name of ['sgd_momentum', 'adam', 'adamw_amsgrad', 'rmsprop_centered_momentum', 'adagrad']) {
      const [cls, opts] = CONFIGS[name];
      const p = tensor(P1, { backend: f32, requiresGrad: true });
      const opt = new CLASSES[cls]([p] as never, camel(opts));
      const grad = () => { p.zeroGrad(); p.grad = noGrad(() => mul(p, 0.5)).keep(); };
      grad();
      opt.step();
      grad();
      const before = memory();
      opt.step();
      opt.step();
      const after = memory();
      expect(after.tensors, name).toBe(before.tensors);
      expect(after.bytes, name).toBe(before.bytes);
      opt.dispose();
      p.zeroGrad();
      p.dispose();
    }
  });
});
