import type { Backend, UnaryOp, View } from '@tessera/core';
import { createCpuBackend } from '@tessera/backend-cpu';
import { describe, expect, it } from 'vitest';
import * as T from '@tessera/core';
import { entry, loadFixtures, runConformance, runOptimizer, torchCheck } from '../src/index.js';

/**
 * A deliberately wrong kernel: the cpu backend with exp's results scaled by (1 + 1e-3).
 * Everything else is delegated untouched.
 */
function perturbedExpBackend(): Backend {
  const inner = createCpuBackend();
  const scale = inner.alloc(1, 'float32');
  inner.write(scale, new Float32Array([1 + 1e-3]));
  const wrapper: Backend = Object.create(inner) as Backend;
  Object.defineProperty(wrapper, 'name', { value: 'cpu-bad-exp' });
  wrapper.unary = (op: UnaryOp, x: View, out: View): void => {
    inner.unary(op, x, out);
    if (op === 'exp') inner.binary('mul', out, { buffer: scale, shape: out.shape, strides: out.shape.map(() => 0), offset: 0, dtype: 'float32' }, out);
  };
  return wrapper;
}

describe('the suite catches a wrong kernel', () => {
  it('fails every check of exp (and of logsumexp, built on it) while unrelated ops pass', async () => {
    const ops = ['exp', 'logsumexp', 'log', 'sigmoid', 'add', 'mul', 'sum', 'matmul', 'relu', 'tanh', 'softmax'];
    const results = await runConformance(perturbedExpBackend(), { ops, size: 'small' });
    const of = (op: string) => results.filter((r) => r.op === op && !r.skipped);
    for (const op of ops) expect(of(op).length, `${op} produced no results`).toBeGreaterThan(0);

    // exp: every check type fails somewhere, and every forward case with a non-empty float output fails.
    const exp = of('exp');
    for (const check of ['forward', 'finiteDiff', 'torch'] as const) {
      expect(exp.some((r) => r.check === check && !r.pass), `exp ${check} was not caught`).toBe(true);
    }
    const expForward = exp.filter((r) => r.check === 'forward' && !/empty|special|int32/.test(r.case));
    expect(expForward.every((r) => !r.pass), expForward.filter((r) => r.pass).map((r) => r.case).join(', ')).toBe(true);
    expect(exp.filter((r) => !r.pass).every((r) => r.maxRelErr > 5e-4)).toBe(true);
    expect(of('logsumexp').some((r) => !r.pass)).toBe(true);

    // Ops that never call the exp kernel (cpu has its own sigmoid, tanh and fused softmax) still
    // pass; softmax of a 0-d tensor is core's exp(x - x), so that one case is caught too.
    const usesExp = (r: { op: string; case: string }) => ['exp', 'logsumexp'].includes(r.op) || (r.op === 'softmax' && r.case === 'scalar');
    expect(results.filter((r) => r.op === 'softmax' && !r.pass).map((r) => r.case)).toEqual(['scalar']);
    const others = results.filter((r) => !usesExp(r));
    const failed = others.filter((r) => !r.pass).map((r) => `${r.op}/${r.case}/${r.check}: ${r.message}`);
    expect(failed).toEqual([]);
  });
});

describe('the torch check', () => {
  it('compares gradients, not only values: a corrupted fixture gradient fails', async () => {
    const fixtures = await loadFixtures();
    const fc = fixtures.index.cases.find((c) => c.op === 'mul' && c.case === 'same-4x6')!;
    const grad = fc.inputs[1].grad!;
    const blob = fixtures.blob.slice();
    const view = new DataView(blob.buffer);
    view.setFloat32(grad.offset + 4 * 5, view.getFloat32(grad.offset + 4 * 5, true) + 0.01, true);
    const backend = createCpuBackend();
    const good = await torchCheck(entry('mul'), fc, fixtures, backend);
    const bad = await torchCheck(entry('mul'), fc, { index: fixtures.index, blob }, backend);
    expect(good.pass).toBe(true);
    expect(bad.pass).toBe(false);
    expect(bad.message).toContain('gradient of input 1');
  });
});

describe('core without fused kernels', () => {
  it('composes softmax, logSoftmax, layerNorm and the Adam step from primitives with the same results', async () => {
    const inner = createCpuBackend();
    const unfused: Backend = Object.create(inner) as Backend;
    Object.defineProperty(unfused, 'name', { value: 'cpu-unfused' });
    Object.defineProperty(unfused, 'fused', { value: undefined });
    const results = await runConformance(unfused, { ops: ['softmax', 'logSoftmax', 'layerNorm', 'nn.LayerNorm', 'optim.Adam', 'optim.AdamW'], size: 'small' });
    expect(results.length).toBeGreaterThan(40);
    expect(results.filter((r) => !r.pass).map((r) => `${r.op}/${r.case}/${r.check}: ${r.message}`)).toEqual([]);
  });
});

describe('the optimizer check', () => {
  it('catches a trajectory that drifts: SGD with a 1% larger learning rate fails', async () => {
    const fixtures = await loadFixtures();
    const backend = createCpuBackend();
    const good = await runOptimizer({ name: 'SGD', create: (p, h) => new T.optim.SGD(p, h) }, fixtures, backend);
    const bad = await runOptimizer({ name: 'SGD', create: (p, h) => new T.optim.SGD(p, { ...h, lr: (h.lr as number) * 1.01 }) }, fixtures, backend);
    expect(good.length).toBeGreaterThan(1);
    expect(good.every((r) => r.pass)).toBe(true);
    expect(bad.every((r) => !r.pass)).toBe(true);
    expect(bad[0].message).toContain('step 1');
  });
});
