import { BackendError, type BinaryOp, COMPARISON_OPS, type UnaryOp } from '@tessera/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Env, numel, randomInts, uniform } from './helpers.js';

let env: Env;
beforeAll(async () => {
  env = await Env.create();
});
afterAll(() => {
  env.freeAll();
  env.gpu.destroy();
});

const UNARY: UnaryOp[] = [
  'neg', 'abs', 'sign', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'square', 'reciprocal', 'sin', 'cos', 'tanh',
  'sigmoid', 'relu', 'gelu', 'geluTanh', 'silu', 'softplus', 'erf', 'floor', 'ceil', 'round', 'logicalNot',
];

/** Inputs that hit the edges: zeros, halves, NaN, infinities, large and tiny values. */
function floatSamples(n: number, seed: number): Float32Array {
  const special = [0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 1e-7, -1e-7, 1e-3, 30, -30, 100, -100, NaN, Infinity, -Infinity, 3.4e38];
  const out = uniform(n, seed, -6, 6);
  special.forEach((v, i) => {
    if (i < n) out[i] = v;
  });
  return out;
}

describe('unary', () => {
  for (const op of UNARY) {
    it(`${op} on float32 matches the cpu backend, strided input`, async () => {
      const data = floatSamples(7 * 9, 1);
      // sin and cos reduce arguments exactly only up to |x| = 65536 (see math.wgsl).
      if (op === 'sin' || op === 'cos') data[17] = 6e4;
      const x = env.input(data, 'float32', [9, 7], [1, 9]); // transposed
      const out = env.output([9, 7], op === 'logicalNot' ? 'bool' : 'float32', -123);
      env.run((be, s) => be.unary(op, x[s], out[s]));
      await env.expectClose(out, { rtol: 2e-6, atol: 1e-6 });
    });
  }

  it('int32 ops wrap and rounding ops are the identity', async () => {
    const data = Int32Array.from([0, 1, -1, 7, -7, 2147483647, -2147483648, 46341, 12, -3]);
    const x = env.input(data, 'int32', [10]);
    for (const op of ['neg', 'abs', 'sign', 'square', 'floor', 'ceil', 'round', 'relu', 'reciprocal', 'exp'] as UnaryOp[]) {
      const out = env.output([10], 'int32');
      env.run((be, s) => be.unary(op, x[s], out[s]));
      const { gpu } = await env.expectClose(out, { rtol: 0, atol: op === 'exp' ? 1 : 0 });
      expect(gpu).toBeInstanceOf(Int32Array);
    }
  });

  it('logicalNot on bool reads and writes bool as Uint8Array', async () => {
    const x = env.input([1, 0, 0, 1, 1], 'bool', [5]);
    const out = env.output([5], 'bool');
    env.run((be, s) => be.unary('logicalNot', x[s], out[s]));
    const { gpu } = await env.expectClose(out, { rtol: 0, atol: 0 });
    expect(gpu).toBeInstanceOf(Uint8Array);
    expect([...gpu]).toEqual([0, 1, 1, 0, 0]);
  });

  it('rejects a view whose walk needs more than 8 axes, naming the op', () => {
    // Nine size-2 axes in reversed order (a full transpose): no two neighbours merge.
    const shape = new Array(9).fill(2);
    const strides = shape.map((_, d) => 2 ** d);
    const x = env.input(new Array(512).fill(1), 'float32', shape, strides);
    const out = env.output(shape, 'float32');
    expect(() => env.gpu.unary('exp', x.gpu, out.gpu)).toThrow(BackendError);
    expect(() => env.gpu.unary('exp', x.gpu, out.gpu)).toThrow(/exp: .*rank 9/);
  });

  it('walks rank-6 views with offsets and odd sizes', async () => {
    const shape = [2, 3, 1, 5, 2, 7];
    const size = numel(shape) * 2 + 5;
    // Every other element along the last axis, starting at offset 5.
    const strides = [420, 140, 140, 28, 14, 2];
    const x = env.input(uniform(size, 2), 'float32', shape, strides, 5);
    const out = env.output(shape, 'float32');
    env.run((be, s) => be.unary('sigmoid', x[s], out[s]));
    await env.expectClose(out);
  });
});

const BINARY: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'mod', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr'];

describe('binary', () => {
  for (const op of BINARY) {
    it(`${op} on float32 with broadcasting matches the cpu backend`, async () => {
      const a = floatSamples(17 * 3, 3);
      const b = uniform(17, 4, -3, 3);
      b[0] = 0;
      b[1] = 2;
      b[2] = NaN;
      b[3] = -Infinity;
      b[4] = 0.5;
      b[5] = -2;
      const av = env.input(a, 'float32', [3, 17]);
      const bv = env.input(b, 'float32', [3, 17], [0, 1]); // broadcast over rows
      const out = env.output([3, 17], COMPARISON_OPS.has(op) ? 'bool' : 'float32', -1);
      env.run((be, s) => be.binary(op, av[s], bv[s], out[s]));
      await env.expectClose(out, { rtol: op === 'pow' ? 1e-5 : 2e-6, atol: 1e-6 });
    });

    it(`${op} on int32 matches the cpu backend (wrapping, division by zero)`, async () => {
      const a = randomInts(33, 5, -50, 50);
      const b = randomInts(33, 6, -6, 6);
      a.set([2147483647, -2147483648, 7, -7, 7, -7, 3, 0]);
      b.set([1, -1, 2, -2, -2, 2, 0, 0]);
      const av = env.input(a, 'int32', [33]);
      const bv = env.input(b, 'int32', [33]);
      const out = env.output([33], COMPARISON_OPS.has(op) ? 'bool' : 'int32', -1);
      env.run((be, s) => be.binary(op, av[s], bv[s], out[s]));
      await env.expectClose(out, { rtol: 0, atol: 0 });
    });
  }

  it('logical ops on bool inputs', async () => {
    const a = env.input([0, 0, 1, 1], 'bool', [4]);
    const b = env.input([0, 1, 0, 1], 'bool', [4]);
    for (const op of ['logicalAnd', 'logicalOr', 'eq', 'ne'] as BinaryOp[]) {
      const out = env.output([4], 'bool');
      env.run((be, s) => be.binary(op, a[s], b[s], out[s]));
      await env.expectClose(out, { rtol: 0, atol: 0 });
    }
  });

  it('writes into a strided out view and updates in place (out aliases an input)', async () => {
    const base = uniform(6 * 8, 7);
    const target = env.input(base, 'float32', [6, 8]);
    const x = env.input(uniform(3 * 4, 8), 'float32', [3, 4]);
    // out = every other row and column of target, and also the first input.
    const window = { gpu: { ...target.gpu, shape: [3, 4], strides: [16, 2], offset: 1 }, cpu: { ...target.cpu, shape: [3, 4], strides: [16, 2], offset: 1 } };
    env.run((be, s) => be.binary('add', window[s], x[s], window[s]));
    await env.expectClose(target);
  });
});

describe('where, cast, copy, fill', () => {
  it('where selects with a broadcast condition', async () => {
    const cond = env.input([1, 0, 1, 0, 0, 1, 1], 'bool', [1, 7]);
    const a = env.input(uniform(5 * 7, 9), 'float32', [5, 7]);
    const b = env.input(uniform(5, 10), 'float32', [5, 7], [1, 0]);
    const out = env.output([5, 7], 'float32');
    env.run((be, s) => be.where({ ...cond[s], shape: [5, 7], strides: [0, 1] }, a[s], b[s], out[s]));
    await env.expectClose(out, { rtol: 0, atol: 0 });
  });

  it('where on int32 and bool', async () => {
    for (const dtype of ['int32', 'bool'] as const) {
      const cond = env.input([1, 0, 1, 0], 'bool', [4]);
      const a = env.input([5, 1, 7, 1], dtype, [4]);
      const b = env.input([9, 0, 3, 1], dtype, [4]);
      const out = env.output([4], dtype);
      env.run((be, s) => be.where(cond[s], a[s], b[s], out[s]));
      await env.expectClose(out, { rtol: 0, atol: 0 });
    }
  });

  it('cast follows the cpu rules: truncation, wrapping, NaN -> 0, nonzero -> true', async () => {
    const f = Float32Array.from([0, -0, 0.7, -0.7, 1.5, -2.5, 3e9, -3e9, 5e9, NaN, Infinity, -Infinity, 2147483520, -2147483648, 1e20]);
    const x = env.input(f, 'float32', [f.length]);
    for (const dtype of ['int32', 'bool', 'float32'] as const) {
      const out = env.output([f.length], dtype, 3);
      env.run((be, s) => be.cast(x[s], out[s]));
      await env.expectClose(out, { rtol: 0, atol: 0 });
    }
    const i = env.input([0, 3, -4, 2147483647], 'int32', [4]);
    const b = env.input([0, 1, 1, 0], 'bool', [4]);
    for (const src of [i, b]) {
      for (const dtype of ['int32', 'bool', 'float32'] as const) {
        const out = env.output([4], dtype, 3);
        env.run((be, s) => be.cast(src[s], out[s]));
        await env.expectClose(out, { rtol: 0, atol: 0 });
      }
    }
  });

  it('copy between strided views, including within one buffer', async () => {
    const src = env.input(uniform(65, 11), 'float32', [5, 13], [1, 5]);
    const out = env.output([5, 13], 'float32');
    env.run((be, s) => be.copy(src[s], out[s]));
    await env.expectClose(out, { rtol: 0, atol: 0 });
    // Shift the first 8 elements of a buffer into its second half (same GPUBuffer read and written).
    const buf = env.input(uniform(16, 12), 'float32', [16]);
    const from = { gpu: { ...buf.gpu, shape: [8], strides: [1], offset: 0 }, cpu: { ...buf.cpu, shape: [8], strides: [1], offset: 0 } };
    const to = { gpu: { ...from.gpu, offset: 8 }, cpu: { ...from.cpu, offset: 8 } };
    env.run((be, s) => be.copy(from[s], to[s]));
    await env.expectClose(buf, { rtol: 0, atol: 0 });
  });

  it('fill writes every dtype, also through a strided view', async () => {
    for (const [dtype, value] of [['float32', -1.25], ['int32', 7], ['bool', 5]] as const) {
      const out = env.output([4, 6], dtype, 0);
      env.run((be, s) => be.fill({ ...out[s], shape: [2, 3], strides: [12, 2], offset: 1 }, value));
      await env.expectClose(out, { rtol: 0, atol: 0 });
    }
  });

  it('handles a 0-d view and more than 65535 workgroups worth of elements', async () => {
    const x = env.input([2.5], 'float32', []);
    const out = env.output([], 'float32');
    env.run((be, s) => be.unary('exp', x[s], out[s]));
    await env.expectClose(out);
    const n = 256 * 65535 + 300;
    const big = env.output([n], 'float32', 0);
    env.run((be, s) => be.fill(big[s], 3));
    const data = await env.gpu.read(big.gpu);
    expect(data[0]).toBe(3);
    expect(data[n - 1]).toBe(3);
    expect(data.every((v) => v === 3)).toBe(true);
  });
});
