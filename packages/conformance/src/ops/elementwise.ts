/** Table entries: unary math, binary arithmetic and comparisons, where, maskedFill, cast. */
import * as T from '@tessera/core';
import type { DType, Tensor } from '@tessera/core';
import { bool, expandView, f32, i32, input, transposeView } from '../rng.js';
import { binarySamples, type BinaryOptions, gen, type Gen, make, specialSample, unarySamples } from '../samples.js';
import type { Args, OpEntry, Sample, ToleranceSpec } from '../types.js';

type Unary = (x: Tensor) => Tensor;

interface UnaryOptions {
  dtypes?: DType[];
  differentiable?: boolean;
  special?: boolean;
  tolerance?: ToleranceSpec;
  extra?: (rng: import('../rng.js').Rng) => Sample[];
}

function unary(name: string, fn: Unary, g: Gen, o: UnaryOptions = {}): OpEntry {
  return {
    name,
    dtypes: o.dtypes ?? ['float32'],
    differentiable: o.differentiable ?? true,
    tolerance: o.tolerance,
    samples: (rng, ctx) => [
      ...unarySamples(rng, ctx, g),
      ...(o.special && ctx.dtype === 'float32' ? [specialSample()] : []),
      ...(o.extra && ctx.dtype === 'float32' ? o.extra(rng) : []),
    ],
    fn: ([x]) => fn(x),
  };
}

type Binary = (a: Tensor | number, b: Tensor | number, args: Args) => Tensor;

/** Binary fn: `lhs` / `rhs` args replace an operand by a plain number. */
function callBinary(op: Binary, inputs: Tensor[], a: Args): Tensor {
  if (a.twice) return op(inputs[0], inputs[0], a);
  if (a.lhs !== undefined) return op(a.lhs as number, inputs[0], a);
  if (a.rhs !== undefined) return op(inputs[0], a.rhs as number, a);
  return op(inputs[0], inputs[1], a);
}

function binary(name: string, op: Binary, o: BinaryOptions & { dtypes?: DType[]; differentiable?: boolean; extra?: (rng: import('../rng.js').Rng) => Sample[]; tolerance?: ToleranceSpec } = {}): OpEntry {
  return {
    name,
    dtypes: o.dtypes ?? ['float32', 'int32'],
    differentiable: o.differentiable ?? true,
    broadcasts: true,
    tolerance: o.tolerance,
    samples: (rng, ctx) => [
      ...binarySamples(rng, ctx, o),
      // One tensor as both operands: autograd must add the two gradient contributions.
      ...(ctx.dtype === 'float32' ? [{ name: 'same-operand-twice', inputs: [make(rng, 'float32', [2, 5], o.a ?? gen.normal)], args: { twice: true } }] : []),
      ...(o.extra && ctx.dtype === 'float32' ? o.extra(rng) : []),
    ],
    fn: (inputs, a) => callBinary(op, inputs, a),
  };
}

const kinks = (points: number[], gap = 0.05) => gen.awayFrom(points, gap);

export const elementwiseEntries: OpEntry[] = [
  unary('neg', T.neg, gen.normal, { dtypes: ['float32', 'int32'], special: true }),
  unary('abs', T.abs, kinks([0]), { dtypes: ['float32', 'int32'], special: true }),
  unary('sign', T.sign, kinks([0]), { dtypes: ['float32', 'int32'], special: true }),
  unary('exp', T.exp, gen.scaled(2), { dtypes: ['float32', 'int32'], special: true }),
  unary('log', T.log, gen.positive, { special: true }),
  unary('log1p', T.log1p, gen.uniform(-0.8, 4), { special: true }),
  unary('expm1', T.expm1, gen.scaled(2), { special: true }),
  unary('sqrt', T.sqrt, gen.positive, { special: true }),
  unary('rsqrt', T.rsqrt, gen.positive, { special: true }),
  unary('square', T.square, gen.normal, { dtypes: ['float32', 'int32'], special: true }),
  unary('reciprocal', T.reciprocal, kinks([0], 0.3), { special: true }),
  unary('sin', T.sin, gen.scaled(2), { special: true }),
  unary('cos', T.cos, gen.scaled(2), { special: true }),
  unary('tanh', T.tanh, gen.scaled(2), { special: true }),
  unary('sigmoid', T.sigmoid, gen.scaled(3), { special: true }),
  unary('relu', T.relu, kinks([0]), { dtypes: ['float32', 'int32'], special: true }),
  unary('silu', T.silu, gen.scaled(3), { special: true }),
  unary('softplus', T.softplus, gen.scaled(3), {
    special: true,
    // PyTorch's threshold: softplus(x) = x above 20.
    extra: () => [{ name: 'threshold', inputs: [f32([6], [-30, -19.5, 19.5, 20.5, 25, 40])] }],
  }),
  unary('erf', T.erf, gen.scaled(1.5), { special: true, extra: (rng) => [{ name: 'tails', inputs: [f32([8], rng.uniform([8], 2.5, 5.5))] }] }),
  unary('floor', T.floor, gen.offGrid, { dtypes: ['float32', 'int32'], special: true }),
  unary('ceil', T.ceil, gen.offGrid, { dtypes: ['float32', 'int32'], special: true }),
  unary('round', T.round, gen.offGrid, {
    dtypes: ['float32', 'int32'],
    special: true,
    // Half to even, as torch.round: -2.5 -> -2, -1.5 -> -2, 0.5 -> 0, 1.5 -> 2, 2.5 -> 2.
    extra: () => [{ name: 'half-to-even', inputs: [f32([8], [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 4.5])], grad: false }],
  }),
  {
    name: 'leakyRelu',
    dtypes: ['float32'],
    differentiable: true,
    samples: (rng, ctx) => [
      ...unarySamples(rng, ctx, kinks([0]), [{ label: 'slope-0.01', args: { negativeSlope: 0.01 } }, { label: 'slope-0.2', args: { negativeSlope: 0.2 } }]),
      { ...specialSample(), args: { negativeSlope: 0.2 } },
    ],
    fn: ([x], a) => T.leakyRelu(x, a.negativeSlope as number),
  },
  {
    name: 'elu',
    dtypes: ['float32'],
    differentiable: true,
    samples: (rng, ctx) => [
      ...unarySamples(rng, ctx, kinks([0]), [{ label: 'alpha-1', args: { alpha: 1 } }, { label: 'alpha-0.5', args: { alpha: 0.5 } }]),
      { ...specialSample(), args: { alpha: 1 } },
    ],
    fn: ([x], a) => T.elu(x, a.alpha as number),
  },
  {
    name: 'gelu',
    dtypes: ['float32'],
    differentiable: true,
    samples: (rng, ctx) => [
      ...unarySamples(rng, ctx, gen.scaled(2), [{ label: 'erf', args: { approximate: 'none' } }, { label: 'tanh', args: { approximate: 'tanh' } }]),
      { ...specialSample(), name: 'erf/special-values', args: { approximate: 'none' } },
      { ...specialSample(), name: 'tanh/special-values', args: { approximate: 'tanh' } },
    ],
    fn: ([x], a) => T.gelu(x, a.approximate as 'none' | 'tanh'),
  },
  {
    name: 'clamp',
    dtypes: ['float32', 'int32'],
    differentiable: true,
    samples: (rng, ctx) => {
      const g = kinks([-0.5, 0.7]);
      return unarySamples(rng, ctx, g, ctx.dtype === 'float32'
        ? [{ label: 'both', args: { min: -0.5, max: 0.7 } }, { label: 'min', args: { min: -0.5 } }, { label: 'max', args: { max: 0.7 } }]
        : [{ label: 'both', args: { min: -2, max: 3 } }, { label: 'min', args: { min: -2 } }]);
    },
    fn: ([x], a) => T.clamp(x, a.min as number | undefined, a.max as number | undefined),
  },
  {
    name: 'logicalNot',
    dtypes: ['bool', 'float32'],
    differentiable: false,
    samples: (rng, ctx) => unarySamples(rng, ctx, gen.grid),
    fn: ([x]) => T.logicalNot(x),
  },

  binary('add', (a, b, args) => T.add(a, b, (args.alpha as number | undefined) ?? 1), {
    extra: (rng) => [{ name: 'alpha-2.5', inputs: [f32([5, 7], rng.normal([5, 7])), f32([7], rng.normal([7]))], args: { alpha: 2.5 }, broadcast: true }],
  }),
  binary('sub', (a, b, args) => T.sub(a, b, (args.alpha as number | undefined) ?? 1), {
    extra: (rng) => [{ name: 'alpha-2.5', inputs: [f32([5, 7], rng.normal([5, 7])), f32([7], rng.normal([7]))], args: { alpha: 2.5 }, broadcast: true }],
  }),
  binary('mul', (a, b) => T.mul(a, b)),
  binary('div', (a, b) => T.div(a, b), { b: kinks([0], 0.5), dtypes: ['float32'], extra: (rng) => [{ name: 'int32-true-division', inputs: [i32([6], rng.ints([6], -9, 10)), i32([6], [1, -2, 3, 4, -5, 7])] }] }),
  binary('pow', (a, b) => T.pow(a, b), {
    a: gen.uniform(0.5, 2),
    b: gen.uniform(-2, 2),
    dtypes: ['float32'],
    number: 2.5,
    extra: (rng) => [
      { name: 'negative-base-int-exponent', inputs: [f32([2, 5], rng.awayFrom([2, 5], [0], 0.2))], args: { rhs: 3 } },
      { name: 'square-of-number-base', inputs: [f32([6], rng.uniform([6], -2, 2))], args: { lhs: 2 } },
      // 0 ** b: the exponent's gradient is 0 there (PyTorch masks log(0)); no finite differences across 0.
      { name: 'zero-base', inputs: [f32([5], [0, 0, 1.5, 0, 2]), f32([5], [1, 1.5, 2, 2.5, 0.5])], finiteDiff: false },
    ],
  }),
  binary('maximum', (a, b) => T.maximum(a, b), {
    extra: () => [
      { name: 'ties', inputs: [f32([6], [1, 2, 3, -1, 0.5, 2]), f32([6], [1, 0, 3, -1, 0.75, 2.5])] },
      { name: 'nan-propagates', inputs: [f32([4], [NaN, 1, NaN, -Infinity]), f32([4], [2, NaN, NaN, 3])], grad: false },
    ],
  }),
  binary('minimum', (a, b) => T.minimum(a, b), {
    extra: () => [
      { name: 'ties', inputs: [f32([6], [1, 2, 3, -1, 0.5, 2]), f32([6], [1, 0, 3, -1, 0.75, 2.5])] },
      { name: 'nan-propagates', inputs: [f32([4], [NaN, 1, NaN, Infinity]), f32([4], [2, NaN, NaN, 3])], grad: false },
    ],
  }),
  binary('remainder', (a, b) => T.remainder(a as Tensor, b), {
    b: kinks([0], 0.5),
    noNumberLhs: true,
    noPromotion: true,
    extra: (rng) => [{ name: 'signs', inputs: [f32([8], [5.5, -5.5, 5.5, -5.5, 3, -3, 0, 7.25]), f32([8], [2, 2, -2, -2, 1.5, 1.5, 3, -0.5])], grad: false }, { name: 'int-signs', inputs: [i32([6], rng.ints([6], -9, 10)), i32([6], [3, -3, 4, -4, 2, -5])] }],
  }),
  ...(['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const).map((name) =>
    ({
      ...binary(name, (a, b) => (T[name] as (a: Tensor | number, b: Tensor | number) => Tensor)(a, b), { a: gen.grid, b: gen.grid, differentiable: false, number: 1 }),
      samples: (rng: import('../rng.js').Rng, ctx: import('../types.js').SampleContext): Sample[] => [
        ...binarySamples(rng, ctx, { a: gen.grid, b: gen.grid, number: 1 }),
        // An int tensor against a fractional number compares as float32.
        ...(ctx.dtype === 'int32' ? [{ name: 'fractional-number', inputs: [i32([7], [-3, -1, 0, 0, 1, 2, 3])], args: { rhs: 0.5 } }] : []),
        { name: 'nan-and-infinity', inputs: [f32([5], [NaN, 1, Infinity, -Infinity, NaN]), f32([5], [NaN, NaN, Infinity, 0, 1])] },
      ],
    }),
  ),
  ...(['logicalAnd', 'logicalOr'] as const).map((name): OpEntry => ({
    name,
    dtypes: ['bool', 'float32'],
    differentiable: false,
    broadcasts: true,
    samples: (rng, ctx) => binarySamples(rng, ctx, { a: gen.grid, b: gen.grid, noNumberLhs: true, noPromotion: true, number: 1 }),
    fn: (inputs, a) => (a.rhs !== undefined ? T[name](inputs[0], a.rhs as number) : T[name](inputs[0], inputs[1])),
  })),
  {
    name: 'where',
    dtypes: ['float32', 'int32'],
    differentiable: true,
    broadcasts: true,
    samples: (rng, ctx) => {
      const d = ctx.dtype;
      const X = (shape: number[], view?: ReturnType<typeof transposeView>[]) => make(rng, d, shape, gen.normal, view);
      const C = (shape: number[]) => bool(shape, rng.bools(shape));
      return [
        { name: 'same-5x7', inputs: [C([5, 7]), X([5, 7]), X([5, 7])] },
        { name: 'broadcast-all', inputs: [C([3, 1, 5]), X([4, 5]), X([3, 4, 1])], broadcast: true },
        { name: 'transposed', inputs: [C([7, 5]), X([5, 7], [transposeView(0, 1)]), X([7, 5])] },
        { name: 'expanded-cond', inputs: [input('bool', [1, 5], rng.bools([1, 5]), [expandView([4, 5])]), X([4, 5]), X([4, 5])], broadcast: true },
        { name: 'number-branches', inputs: [C([4, 6]), X([4, 6])], args: { b: d === 'float32' ? 0.5 : 3 } },
        { name: 'number-a-branch', inputs: [C([4, 6]), X([4, 6])], args: { a: d === 'float32' ? -2.5 : -3 } },
        { name: 'float-cond', inputs: [input('float32', [6], [0, 1, -2, 0, 0.5, 0], undefined, false), X([6]), X([6])] },
        { name: 'empty', inputs: [C([0, 3]), X([0, 3]), X([3])], broadcast: true },
        { name: 'large-129x129', inputs: [C([129, 129]), X([129, 129]), X([129])], large: true, broadcast: true },
      ];
    },
    fn: ([c, x, y], a) => (a.a !== undefined ? T.where(c, a.a as number, x) : T.where(c, x, a.b !== undefined ? (a.b as number) : y)),
  },
  {
    name: 'maskedFill',
    dtypes: ['float32'],
    differentiable: true,
    broadcasts: true,
    samples: (rng) => [
      { name: 'same-5x7', inputs: [f32([5, 7], rng.normal([5, 7])), bool([5, 7], rng.bools([5, 7]))], args: { value: -1e4 } },
      { name: 'broadcast-mask', inputs: [f32([3, 4, 5], rng.normal([3, 4, 5])), bool([4, 1], rng.bools([4, 1]))], args: { value: 2.5 }, broadcast: true },
      { name: 'transposed', inputs: [f32([7, 5], rng.normal([7, 5]), [transposeView(0, 1)]), bool([5, 7], rng.bools([5, 7]))], args: { value: 0 } },
    ],
    fn: ([x, m], a) => T.maskedFill(x, m, a.value as number),
  },
  {
    name: 'cast',
    dtypes: ['float32', 'int32', 'bool'],
    differentiable: false,
    samples: (rng, ctx) => {
      const d = ctx.dtype;
      const src = (shape: number[]) => (d === 'float32' ? f32(shape, rng.normal(shape, 3)) : make(rng, d, shape, gen.normal));
      const targets: DType[] = ['float32', 'int32', 'bool'];
      return targets.flatMap((to) => [
        { name: `to-${to}`, inputs: [src([5, 7])], args: { dtype: to } },
        { name: `to-${to}-transposed`, inputs: [{ ...src([7, 5]), view: [transposeView(0, 1)] }], args: { dtype: to } },
      ]);
    },
    fn: ([x], a) => T.cast(x, a.dtype as DType),
  },
];
