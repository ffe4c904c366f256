/**
 * Sample sets shared by many entries: the standard layouts every unary, binary and reducing
 * op is run on — odd sizes that cross tile edges (1, 7, 17, 33, 65, 129), non-contiguous
 * views (transpose, strided slice, expand), size-0 and size-1 dimensions, 0-d tensors,
 * broadcasting, type promotion, and a few large cases.
 */
import type { DType } from '@tessera/core';
import { expandView, f32, input, type Rng, sliceView, transposeView } from './rng.js';
import type { Args, Sample, SampleContext, SampleInput } from './types.js';

/** Values for an input of `shape`, in an op's domain. */
export type Gen = (rng: Rng, shape: number[]) => number[];

export const gen = {
  normal: ((rng, s) => rng.normal(s)) as Gen,
  scaled: (k: number): Gen => (rng, s) => rng.normal(s, k),
  uniform: (lo: number, hi: number): Gen => (rng, s) => rng.uniform(s, lo, hi),
  positive: ((rng, s) => rng.uniform(s, 0.2, 4)) as Gen,
  /** Normal values at least `gap` from the given points (kinks, discontinuities). */
  awayFrom: (points: number[], gap = 0.05, scale = 1): Gen => (rng, s) => rng.awayFrom(s, points, gap, scale),
  /** Values at least 0.05 from every integer and half-integer (floor, ceil, round). */
  offGrid: ((rng, s) =>
    rng.values(s.reduce((p, d) => p * d, 1), () => {
      for (;;) {
        const x = rng.gauss() * 3;
        const frac = x - Math.floor(x);
        if (Math.abs(frac - 0.5) > 0.05 && frac > 0.05 && frac < 0.95) return x;
      }
    })) as Gen,
  /** Small integers as floats: comparisons then meet ties. */
  grid: ((rng, s) => rng.ints(s, -2, 3)) as Gen,
  distinct: ((rng, s) => rng.distinct(s)) as Gen,
  ints: (lo: number, hi: number): Gen => (rng, s) => rng.ints(s, lo, hi),
  bools: ((rng, s) => rng.bools(s)) as Gen,
};

/** One input of `dtype`: the generator's values for float32, small integers for int32, 0/1 for bool. */
export function make(rng: Rng, dtype: DType, shape: number[], g: Gen, view?: SampleInput['view']): SampleInput {
  const data = dtype === 'float32' ? g(rng, shape) : dtype === 'int32' ? rng.ints(shape, -6, 7) : rng.bools(shape);
  return input(dtype, shape, data, view);
}

/**
 * The standard cases of a one-input op. `args` lists argument variants: each adds its cases
 * (named with the variant's label when there are several).
 */
export function unarySamples(rng: Rng, ctx: SampleContext, g: Gen, variants: { label: string; args: Args }[] = [{ label: '', args: {} }]): Sample[] {
  const out: Sample[] = [];
  const d = ctx.dtype;
  for (const v of variants) {
    const p = v.label ? `${v.label}/` : '';
    const args = v.args;
    out.push(
      { name: `${p}vector-17`, inputs: [make(rng, d, [17], g)], args },
      { name: `${p}matrix-7x33`, inputs: [make(rng, d, [7, 33], g)], args },
      { name: `${p}transposed`, inputs: [make(rng, d, [33, 7], g, [transposeView(0, 1)])], args },
      { name: `${p}strided-slice`, inputs: [make(rng, d, [9, 20], g, [sliceView([[1, 9, 2], [0, 20, 3]])])], args },
      { name: `${p}expanded`, inputs: [make(rng, d, [1, 5], g, [expandView([3, 5])])], args },
      { name: `${p}scalar`, inputs: [make(rng, d, [], g)], args },
      { name: `${p}empty-0x3`, inputs: [make(rng, d, [0, 3], g)], args },
      { name: `${p}size1-1x1x65`, inputs: [make(rng, d, [1, 1, 65], g)], args },
      { name: `${p}large-129x129`, inputs: [make(rng, d, [129, 129], g)], args, large: true },
    );
  }
  return out;
}

/** Values that stress an op's edges: zeros of both signs, infinities and NaN (forward only). */
export function specialSample(values: number[] = [0, -0, 0.5, -0.5, 2, -3, Infinity, -Infinity, NaN]): Sample {
  return { name: 'special-values', inputs: [f32([values.length], values)], grad: false };
}

export interface BinaryOptions {
  /** Domain of the left and right operands. */
  a?: Gen;
  b?: Gen;
  /** Skip the number-on-the-left case (ops whose first operand must be a tensor). */
  noNumberLhs?: boolean;
  /** The number used for the number-operand cases. */
  number?: number;
  /** Skip the int32 + float32 promotion case. */
  noPromotion?: boolean;
}

/**
 * The standard cases of a two-input broadcasting op. Args `lhs` / `rhs` mean a plain number
 * replaces that operand (the binary entries' fn reads them).
 */
export function binarySamples(rng: Rng, ctx: SampleContext, o: BinaryOptions = {}): Sample[] {
  const d = ctx.dtype;
  const ga = o.a ?? gen.normal;
  const gb = o.b ?? gen.normal;
  const A = (shape: number[], view?: SampleInput['view']) => make(rng, d, shape, ga, view);
  const B = (shape: number[], view?: SampleInput['view']) => make(rng, d, shape, gb, view);
  const num = o.number ?? (d === 'float32' ? 1.5 : 2);
  const out: Sample[] = [
    { name: 'same-7x17', inputs: [A([7, 17]), B([7, 17])] },
    { name: 'broadcast-row', inputs: [A([5, 7]), B([7])], broadcast: true },
    { name: 'broadcast-both', inputs: [A([3, 1, 5]), B([4, 1])], broadcast: true },
    { name: 'broadcast-0d', inputs: [A([6]), B([])], broadcast: true },
    { name: 'transposed', inputs: [A([17, 7], [transposeView(0, 1)]), B([7, 17])] },
    { name: 'expanded', inputs: [A([7, 17]), B([1, 17], [expandView([7, 17])])] },
    { name: 'strided-slice', inputs: [A([8, 18], [sliceView([[0, 8, 2], [1, 18, 2]])]), B([4, 9])] },
    { name: 'size1-65', inputs: [A([1, 65]), B([1, 65])] },
    { name: 'empty', inputs: [A([0, 4]), B([4])], broadcast: true },
    { name: 'number-rhs', inputs: [A([3, 4])], args: { rhs: num } },
    { name: 'large-129x129', inputs: [A([129, 129]), B([129])], broadcast: true, large: true },
  ];
  if (!o.noNumberLhs) out.push({ name: 'number-lhs', inputs: [B([3, 4])], args: { lhs: num } });
  if (d === 'float32' && !o.noPromotion) {
    // int32 op float32 promotes to float32; only the float operand is differentiated.
    const ints = input('int32', [2, 5], rng.ints([2, 5], 1, 4));
    out.push({ name: 'promote-int32-float32', inputs: [ints, B([2, 5])], broadcast: false });
  }
  return out;
}

/** The cases of a reduction: all axes, one axis, several, negative with keepdim, views, size 0 and 1. */
export function reduceSamples(rng: Rng, ctx: SampleContext, g: Gen, opts: { empty?: boolean; multiAxis?: boolean; extra?: Args } = {}): Sample[] {
  const d = ctx.dtype;
  const X = (shape: number[], view?: SampleInput['view']) => make(rng, d, shape, g, view);
  const e = opts.extra ?? {};
  const multi = opts.multiAxis ?? true;
  const out: Sample[] = [
    { name: 'all-7x17', inputs: [X([7, 17])], args: { ...e } },
    { name: 'axis0-7x17', inputs: [X([7, 17])], args: { ...e, axes: 0 } },
    { name: 'axis-1-keepdim', inputs: [X([7, 17])], args: { ...e, axes: -1, keepdim: true } },
    { name: 'transposed-axis1', inputs: [X([17, 7], [transposeView(0, 1)])], args: { ...e, axes: 1 } },
    { name: 'expanded-axis0', inputs: [X([1, 7], [expandView([5, 7])])], args: { ...e, axes: 0 } },
    { name: 'size1-axis-1x65', inputs: [X([1, 65])], args: { ...e, axes: 0 } },
    { name: 'vector-33', inputs: [X([33])], args: { ...e } },
    // A 0-d tensor takes axis 0 (or -1) and reduces over nothing, as in PyTorch.
    { name: 'scalar-axis0', inputs: [X([])], args: { ...e, axes: 0 } },
    { name: 'large-129x129-axis1', inputs: [X([129, 129])], args: { ...e, axes: 1 }, large: true },
  ];
  if (multi) {
    out.push(
      { name: 'axes-0-2', inputs: [X([3, 5, 7])], args: { ...e, axes: [0, 2] } },
      { name: 'axes-0-2-keepdim-strided', inputs: [X([6, 5, 8], [sliceView([[0, 6, 2], null, [1, 8, 2]])])], args: { ...e, axes: [0, 2], keepdim: true } },
    );
  }
  if (opts.empty) {
    out.push(
      { name: 'empty-axis', inputs: [X([0, 5])], args: { ...e, axes: 0 } },
      { name: 'empty-kept', inputs: [X([0, 5])], args: { ...e, axes: 1 } },
    );
  }
  return out;
}

/** `axes` as core takes it: undefined (all) when the args have none. */
export function axesArg(a: Args): number | number[] | undefined {
  return (a.axes ?? undefined) as number | number[] | undefined;
}
