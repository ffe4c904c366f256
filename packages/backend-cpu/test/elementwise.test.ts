import type { UnaryOp } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { erf } from '../src/math.js';
import { backends, empty, expand, expectClose, f32, permute, read, restride, tensor } from './helpers.js';

const xs = [-25, -3.5, -2.5, -1, -0.5, -0.1, 0, 0.1, 0.5, 1, 1.5, 2.5, 3, 25];

function erfRef(x: number): number {
  // Reference values (Python math.erf) at the points the tests use.
  const table: Record<string, number> = {
    '0.1': 0.1124629160182849, '0.5': 0.5204998778130465, '1': 0.8427007929497149,
    '1.5': 0.9661051464753108, '2': 0.9953222650189527, '2.5': 0.999593047982555,
    '3': 0.9999779095030014, '3.5': 0.9999992569016276, '4': 0.9999999845827421,
    '25': 1, '0': 0,
  };
  const v = table[String(Math.abs(x))];
  if (v === undefined) throw new Error(`no erf reference for ${x}`);
  return Math.sign(x) * v;
}

const sigmoidRef = (x: number) => 1 / (1 + Math.exp(-x));
const reference: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: Math.sign,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: sigmoidRef,
  relu: (x) => Math.max(x, 0),
  gelu: (x) => 0.5 * x * (1 + erfRef(x / Math.SQRT2)),
  geluTanh: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  silu: (x) => x * sigmoidRef(x),
  softplus: (x) => (x > 20 ? x : Math.log(1 + Math.exp(x))),
  erf: erfRef,
  floor: Math.floor,
  ceil: Math.ceil,
  round: (x) => x, // checked separately
  logicalNot: (x) => (x === 0 ? 1 : 0),
};

describe.each(backends)('%s elementwise', (name, make) => {
  const be = make();
  const tol = name === 'cpu' ? 2e-7 : 1e-14;

  it.each(Object.keys(reference).filter((op) => op !== 'round' && op !== 'gelu') as UnaryOp[])(
    'unary %s matches the Math reference',
    (op) => {
      const x = tensor(be, xs, [xs.length]);
      const out = empty(be, [xs.length]);
      be.unary(op, x, out);
      // erf's table is at the exact decimal points; its slope (< 1.13) keeps the float32 input error < 2e-8.
      const inputs = xs.map((v) => (name === 'cpu' && op !== 'erf' ? f32(v) : v));
      expectClose(read(be, out), inputs.map(reference[op]), tol);
    },
  );

  it('gelu uses the exact erf form', () => {
    const pts = [-3, -1, -0.2, 0, 0.2, 1, 2, 3, 5];
    const x = tensor(be, pts, [pts.length]);
    const out = empty(be, [pts.length]);
    be.unary('gelu', x, out);
    expectClose(read(be, out), pts.map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2))), tol);
    // Known value: gelu(1) = 0.8413447460685429.
    expect(read(be, out)[5]).toBeCloseTo(0.8413447460685429, name === 'cpu' ? 6 : 14);
  });

  it('erf hits reference values to 1e-15 in float64', () => {
    for (const x of [0.1, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, -0.5, -2, -4, 0]) {
      expect(Math.abs(erf(x) - erfRef(x))).toBeLessThan(1e-15);
    }
    expect(erf(Number.NaN)).toBeNaN();
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
  });

  it('round is half to even; sign(0) = 0; relu keeps NaN', () => {
    const v = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 2.4, 2.6, -2.6];
    const x = tensor(be, v, [v.length]);
    const out = empty(be, [v.length]);
    be.unary('round', x, out);
    expect(read(be, out)).toEqual([-2, -2, -0, 0, 2, 2, 4, 2, 3, -3]);
    const s = tensor(be, [0, -0, 3, -3], [4]);
    const so = empty(be, [4]);
    be.unary('sign', s, so);
    expect(read(be, so).map((n) => n + 0)).toEqual([0, 0, 1, -1]);
    const r = tensor(be, [Number.NaN, -1, 2], [3]);
    const ro = empty(be, [3]);
    be.unary('relu', r, ro);
    expect(read(be, ro)).toEqual([Number.NaN, 0, 2]);
  });

  it('sigmoid, softplus stay finite and accurate for large |x|', () => {
    const v = [-800, -50, 50, 800];
    const x = tensor(be, v, [4]);
    const out = empty(be, [4]);
    be.unary('sigmoid', x, out);
    expect(read(be, out)).toEqual([0, name === 'cpu' ? f32(Math.exp(-50)) : Math.exp(-50) / (1 + Math.exp(-50)), 1, 1]);
    be.unary('softplus', x, out);
    const sp = read(be, out);
    expect(sp[0]).toBe(0);
    expect(sp[1]).toBeCloseTo(name === 'cpu' ? f32(Math.exp(-50)) : Math.exp(-50), 30);
    expect(sp.slice(2)).toEqual([50, 800]);
  });

  it('binary broadcasts through stride-0 inputs', () => {
    const a = tensor(be, [1, 2, 3], [3, 1]);
    const b = tensor(be, [10, 20, 30, 40], [4]);
    const out = empty(be, [3, 4]);
    be.binary('add', expand(a, [3, 4]), expand(b, [3, 4]), out);
    expect(read(be, out)).toEqual([11, 21, 31, 41, 12, 22, 32, 42, 13, 23, 33, 43]);
    be.binary('maximum', expand(a, [3, 4]), expand(tensor(be, [2], [1]), [3, 4]), out);
    expect(read(be, out)).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3]);
  });

  it('binary reads transposed (non-contiguous) inputs', () => {
    const a = tensor(be, [1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tensor(be, [1, 1, 1, 1, 1, 1], [3, 2]);
    const out = empty(be, [3, 2]);
    be.binary('sub', permute(a, [1, 0]), b, out);
    expect(read(be, out)).toEqual([0, 3, 1, 4, 2, 5]);
    const sliced = restride(a, [2, 2], [3, 1], 1); // a[:, 1:]
    const o2 = empty(be, [2, 2]);
    be.binary('mul', sliced, sliced, o2);
    expect(read(be, o2)).toEqual([4, 9, 25, 36]);
  });

  it('binary works in place on the same view', () => {
    const a = tensor(be, [1, 2, 3], [3]);
    be.binary('mul', a, a, a);
    expect(read(be, a)).toEqual([1, 4, 9]);
  });

  it('every float binary op, comparisons write bool', () => {
    const av = [-7, -1, 0, 2, 5, Number.NaN];
    const bv = [3, -2, 1, 2, -3, 1];
    const a = tensor(be, av, [6]);
    const b = tensor(be, bv, [6]);
    const out = empty(be, [6]);
    const run = (op: Parameters<typeof be.binary>[0]) => {
      be.binary(op, a, b, out);
      return read(be, out);
    };
    expect(run('div')).toEqual([-7 / 3, 0.5, 0, 1, -5 / 3, Number.NaN].map((v) => (name === 'cpu' ? f32(v) : v)));
    expect(run('pow')).toEqual([-343, 1, 0, 4, 1 / 125, Number.NaN].map((v) => (name === 'cpu' ? f32(v) : v)));
    expect(run('mod')).toEqual([2, -1, 0, 0, -1, Number.NaN]);
    expect(run('maximum')).toEqual([3, -1, 1, 2, 5, Number.NaN]);
    expect(run('minimum')).toEqual([-7, -2, 0, 2, -3, Number.NaN]);
    const bo = empty(be, [6], 'bool');
    const cmp = (op: Parameters<typeof be.binary>[0]) => {
      be.binary(op, a, b, bo);
      return read(be, bo);
    };
    expect(cmp('eq')).toEqual([0, 0, 0, 1, 0, 0]);
    expect(cmp('ne')).toEqual([1, 1, 1, 0, 1, 1]);
    expect(cmp('lt')).toEqual([1, 0, 1, 0, 0, 0]);
    expect(cmp('le')).toEqual([1, 0, 1, 1, 0, 0]);
    expect(cmp('gt')).toEqual([0, 1, 0, 0, 1, 0]);
    expect(cmp('ge')).toEqual([0, 1, 0, 1, 1, 0]);
    expect(cmp('logicalAnd')).toEqual([1, 1, 0, 1, 1, 1]);
    expect(cmp('logicalOr')).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('int32 arithmetic wraps like int32 and mod follows the divisor sign', () => {
    const a = tensor(be, [2147483647, -2147483648, 65536, -7, 7, 3], [6], 'int32');
    const b = tensor(be, [1, -1, 65536, 3, -3, 2], [6], 'int32');
    const out = empty(be, [6], 'int32');
    be.binary('add', a, b, out);
    expect(read(be, out)).toEqual([-2147483648, 2147483647, 131072, -4, 4, 5]);
    be.binary('mul', a, b, out);
    expect(read(be, out)).toEqual([2147483647, -2147483648, 0, -21, -21, 6]);
    be.binary('mod', a, b, out);
    expect(read(be, out)).toEqual([0, 0, 0, 2, -2, 1]);
    be.binary('pow', a, b, out);
    expect(read(be, out)).toEqual([2147483647, 0, 0, -343, 0, 9]);
    be.binary('sub', a, b, out);
    expect(read(be, out)).toEqual([2147483646, -2147483647, 0, -10, 10, 1]);
    be.unary('neg', a, out);
    expect(read(be, out)).toEqual([-2147483647, -2147483648, -65536, 7, -7, -3]);
    be.unary('square', a, out);
    expect(read(be, out)).toEqual([1, 0, 0, 49, 49, 9]);
  });

  it('where selects through broadcast cond', () => {
    const c = tensor(be, [1, 0, 1], [3], 'bool');
    const a = tensor(be, [1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tensor(be, [-1], [1]);
    const out = empty(be, [2, 3]);
    be.where(expand(c, [2, 3]), a, expand(b, [2, 3]), out);
    expect(read(be, out)).toEqual([1, -1, 3, 4, -1, 6]);
  });

  it('cast follows float -> int truncation, NaN -> 0, nonzero -> true', () => {
    const x = tensor(be, [-2.7, -0.5, 0, 0.5, 2.7, Number.NaN, 1e-30], [7]);
    const i = empty(be, [7], 'int32');
    be.cast(x, i);
    expect(read(be, i)).toEqual([-2, 0, 0, 0, 2, 0, 0]);
    const b = empty(be, [7], 'bool');
    be.cast(x, b);
    expect(read(be, b)).toEqual([1, 1, 0, 1, 1, 1, 1]);
    const f = empty(be, [7]);
    be.cast(b, f);
    expect(read(be, f)).toEqual([1, 1, 0, 1, 1, 1, 1]);
    const ib = empty(be, [7], 'bool');
    be.cast(tensor(be, [0, 1, -1, 5, 0, 0, 2], [7], 'int32'), ib);
    expect(read(be, ib)).toEqual([0, 1, 1, 1, 0, 0, 1]);
    // Non-contiguous input.
    const m = tensor(be, [1.5, 2.5, 3.5, 4.5], [2, 2]);
    const mi = empty(be, [2, 2], 'int32');
    be.cast(permute(m, [1, 0]), mi);
    expect(read(be, mi)).toEqual([1, 3, 2, 4]);
  });

  it('copy and fill handle strided views and offsets', () => {
    const x = tensor(be, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [2, 3, 2]);
    const out = empty(be, [2, 2, 3]);
    be.copy(permute(x, [0, 2, 1]), out);
    expect(read(be, out)).toEqual([0, 2, 4, 1, 3, 5, 6, 8, 10, 7, 9, 11]);
    const big = empty(be, [10]);
    be.fill(restride(big, [3], [1], 4), 7);
    expect(read(be, big)).toEqual([0, 0, 0, 0, 7, 7, 7, 0, 0, 0]);
    be.copy(restride(x, [3], [4], 1), restride(big, [3], [1], 0));
    expect(read(be, big).slice(0, 3)).toEqual([1, 5, 9]);
    const bo = empty(be, [2], 'bool');
    be.fill(bo, 3);
    expect(read(be, bo)).toEqual([1, 1]);
  });

  it('rank-0 and size-0 views work', () => {
    const s = tensor(be, [4], []);
    const o = empty(be, []);
    be.unary('sqrt', s, o);
    expect(read(be, o)).toEqual([2]);
    const z = tensor(be, [], [0, 3]);
    const zo = empty(be, [0, 3]);
    be.binary('add', z, z, zo);
    expect(read(be, zo)).toEqual([]);
  });
});

describe.each(backends)('%s strided outputs (copy, binary, fill)', (_name, make) => {
  const be = make();

  it('copy, binary and fill write into a non-contiguous out view', () => {
    const dst = empty(be, [2, 4]); // write into columns 1 and 3 of a [2, 4] tensor
    const cols = restride(dst, [2, 2], [4, 2], 1);
    be.copy(tensor(be, [1, 2, 3, 4], [2, 2]), cols);
    expect(read(be, dst)).toEqual([0, 1, 0, 2, 0, 3, 0, 4]);
    be.binary('add', cols, expand(tensor(be, [10], [1]), [2, 2]), cols);
    expect(read(be, dst)).toEqual([0, 11, 0, 12, 0, 13, 0, 14]);
    be.fill(restride(dst, [2], [4], 0), -1);
    expect(read(be, dst)).toEqual([-1, 11, 0, 12, -1, 13, 0, 14]);
    // A transposed out.
    const t = empty(be, [2, 3]);
    be.copy(tensor(be, [1, 2, 3, 4, 5, 6], [3, 2]), permute(t, [1, 0]));
    expect(read(be, t)).toEqual([1, 3, 5, 2, 4, 6]);
  });
});
