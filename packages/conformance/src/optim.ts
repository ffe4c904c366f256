/**
 * Optimizer trajectories against PyTorch: from stored initial parameters, feed the stored
 * gradient at each step and compare the parameters after every step with torch.optim's.
 * One entry per optimizer; fixtures come from OPTIMIZERS in tools/fixtures/modules.py, with
 * hyper-parameters under Tessera's names (the entry passes them to the constructor as is).
 */
import * as T from '@tessera/core';
import type { Backend, Tensor } from '@tessera/core';
import { compareValues, mergeComparisons, type Comparison } from './compare.js';
import { type FixtureSet, type OptimizerFixture, fixtureTensor } from './fixtures.js';
import { uploadDense } from './tensors.js';
import type { Args, CheckResult, Skip, Tol } from './types.js';

export interface OptimizerEntry {
  /** The optimizer's class name in core's `optim` namespace; fixtures are filed under it. */
  name: string;
  /** A new optimizer over `params` with the fixture's hyper-parameters (disposed after the trajectory when it can be). */
  create: (params: Tensor[], hyper: Args) => { step(): unknown; dispose?(): void };
  /** Default: atol 1e-5, rtol 1e-4 (errors compound over steps). */
  tolerance?: Tol;
  skips?: Skip[];
}

const TOL: Tol = { atol: 1e-5, rtol: 1e-4 };

export const optimizerTable: readonly OptimizerEntry[] = [
  { name: 'SGD', create: (p, h) => new T.optim.SGD(p, h as Partial<T.optim.SGDOptions>) },
  { name: 'Adam', create: (p, h) => new T.optim.Adam(p, h as Partial<T.optim.AdamOptions>) },
  { name: 'AdamW', create: (p, h) => new T.optim.AdamW(p, h as Partial<T.optim.AdamOptions>) },
  { name: 'RMSprop', create: (p, h) => new T.optim.RMSprop(p, h as Partial<T.optim.RMSpropOptions>) },
  { name: 'Adagrad', create: (p, h) => new T.optim.Adagrad(p, h as Partial<T.optim.AdagradOptions>) },
];

/** The results' op name: `optim.SGD`. */
export const optimizerOpName = (name: string): string => `optim.${name}`;

async function runTrajectory(entry: OptimizerEntry, fx: OptimizerFixture, set: FixtureSet, backend: Backend): Promise<CheckResult> {
  const op = optimizerOpName(entry.name);
  T.use(backend);
  const params = fx.params.map((ref) => {
    const t = fixtureTensor(ref, set);
    return uploadDense(backend, 'float32', t.shape, t.data).requiresGrad_(true);
  });
  let opt: ReturnType<OptimizerEntry['create']> | undefined;
  try {
    opt = entry.create(params, fx.hyper);
    const parts: Comparison[] = [];
    for (let s = 0; s < fx.steps.length; s++) {
      const step = fx.steps[s];
      params.forEach((p, i) => {
        const g = fixtureTensor(step.grads[i], set);
        p.zeroGrad();
        p.grad = uploadDense(backend, 'float32', g.shape, g.data).keep();
      });
      opt.step();
      for (let i = 0; i < params.length; i++) {
        const expected = fixtureTensor(step.params[i], set).data;
        const c = compareValues(Float64Array.from(await params[i].data()), expected, entry.tolerance ?? TOL);
        parts.push(c);
        if (!c.pass) {
          const w = c.worst!;
          return { op, case: fx.case, check: 'torch', pass: false, maxAbsErr: c.maxAbsErr, maxRelErr: c.maxRelErr, message: `step ${s + 1}, parameter ${i}, element ${w.index}: got ${w.actual}, expected ${w.expected}` };
        }
      }
    }
    const c = mergeComparisons(parts);
    return { op, case: fx.case, check: 'torch', pass: true, maxAbsErr: c.maxAbsErr, maxRelErr: c.maxRelErr };
  } catch (e) {
    return { op, case: fx.case, check: 'torch', pass: false, maxAbsErr: Number.MAX_VALUE, maxRelErr: Number.MAX_VALUE, message: `threw: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` };
  } finally {
    // The optimizer's state (moments, momentum buffers) is kept out of tidy scopes: free it.
    opt?.dispose?.();
    for (const p of params) {
      p.zeroGrad();
      p.dispose();
    }
  }
}

/** Every trajectory of `entry` in the fixtures (a failure when there is none). */
export async function runOptimizer(entry: OptimizerEntry, set: FixtureSet, backend: Backend): Promise<CheckResult[]> {
  const op = optimizerOpName(entry.name);
  const fixtures = set.index.optimizers.filter((o) => o.optimizer === entry.name);
  if (fixtures.length === 0) {
    return [{ op, case: '(fixtures)', check: 'torch', pass: false, maxAbsErr: Number.MAX_VALUE, maxRelErr: Number.MAX_VALUE, message: `no trajectory for ${entry.name} in tools/fixtures (OPTIMIZERS in modules.py)` }];
  }
  const out: CheckResult[] = [];
  for (const fx of fixtures) {
    const skip = entry.skips?.find((s) => (typeof s.backend === 'string' ? s.backend === backend.name : s.backend.test(backend.name)));
    out.push(skip ? { op, case: fx.case, check: 'torch', pass: true, maxAbsErr: 0, maxRelErr: 0, skipped: skip.reason } : await runTrajectory(entry, fx, set, backend));
  }
  return out;
}
