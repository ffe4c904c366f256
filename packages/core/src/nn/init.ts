/**
 * Initialisers, like `torch.nn.init`: each overwrites a tensor in place with numbers from
 * core's seeded generator (see `manualSeed`) and returns it, so every backend gets the same
 * initial weights. Fan-in and fan-out follow PyTorch: dim 1 and dim 0 times the receptive field.
 */
import { noGrad } from '../autograd.js';
import { tidy } from '../memory.js';
import { formatShape, ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { full, rand, randn } from '../ops/creation.js';
import { copyInto } from './module.js';

export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

export type FanMode = 'fan_in' | 'fan_out';

/** [fanIn, fanOut] of a weight of rank >= 2, as `torch.nn.init._calculate_fan_in_and_fan_out`. */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.rank < 2) throw new ValueError(`init: fan in and fan out need a tensor with at least 2 dimensions, got ${formatShape(t.shape)}.`);
  const receptive = t.shape.slice(2).reduce((p, d) => p * d, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

/** The recommended gain for a nonlinearity, as `torch.nn.init.calculate_gain`. */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d': case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ValueError(`calculateGain: unknown nonlinearity '${String(nonlinearity)}'.`);
  }
}

function overwrite<T extends Tensor>(t: T, make: () => Tensor): T {
  noGrad(() => {
    const v = tidy(make);
    copyInto(t, v, 'init');
    v.dispose();
  });
  return t;
}

/** Fill with U(a, b). */
export function uniform<T extends Tensor>(t: T, a = 0, b = 1): T {
  if (!(b >= a)) throw new ValueError(`init.uniform: expected a <= b, got a ${a}, b ${b}.`);
  return overwrite(t, () => {
    return rand(t.shape, { backend: t.backend }).mul(b - a).add(a);
  });
}

/** Fill with N(mean, std²). */
export function normal<T extends Tensor>(t: T, mean = 0, std = 1): T {
  if (!(std >= 0)) throw new ValueError(`init.normal: std must be >= 0, got ${std}.`);
  return overwrite(t, () => {
    return randn(t.shape, { backend: t.backend }).mul(std).add(mean);
  });
}

/**
 * N(mean, std²) redrawn outside [a, b] (absolute bounds, like `torch.nn.init.trunc_normal_`),
 * by inverse-CDF sampling of the truncated normal.
 */
export function truncNormal<T extends Tensor>(t: T, mean = 0, std = 1, a = -2, b = 2): T {
  const cdf = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));
  const lo = cdf((a - mean) / std);
  const hi = cdf((b - mean) / std);
  return overwrite(t, () => {
    const u = rand(t.shape, { backend: t.backend });
    // u -> U(2lo-1, 2hi-1) -> erfinv -> scale, as PyTorch does.
    const v = u.mul(2 * (hi - lo)).add(2 * lo - 1).clamp(-1 + 1e-7, 1 - 1e-7);
    return erfinv(v).mul(std * Math.SQRT2).add(mean).clamp(a, b);
  });
}

export function constant<T extends Tensor>(t: T, value: number): T {
  return overwrite(t, () => full(t.shape, value, { backend: t.backend, dtype: t.dtype }));
}

export function zeros<T extends Tensor>(t: T): T {
  return constant(t, 0);
}

export function ones<T extends Tensor>(t: T): T {
  return constant(t, 1);
}

/** Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform<T extends Tensor>(t: T, gain = 1): T {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, -a, a);
}

/** Glorot normal: N(0, std²) with std = gain * sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal<T extends Tensor>(t: T, gain = 1): T {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (leaky_relu only). Default 0. */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

function kaimingStd(op: string, t: Tensor, { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu' }: KaimingOptions): number {
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new ValueError(`${op}: mode must be 'fan_in' or 'fan_out', got '${String(mode)}'.`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const fan = mode === 'fan_in' ? fanIn : fanOut;
  if (fan === 0) return 0;
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
}

/** He uniform: U(-b, b) with b = gain * sqrt(3 / fan). PyTorch's Linear/Conv default uses a = sqrt(5). */
export function kaimingUniform<T extends Tensor>(t: T, options: KaimingOptions = {}): T {
  const bound = Math.sqrt(3) * kaimingStd('init.kaimingUniform', t, options);
  return uniform(t, -bound, bound);
}

/** He normal: N(0, std²) with std = gain / sqrt(fan). */
export function kaimingNormal<T extends Tensor>(t: T, options: KaimingOptions = {}): T {
  return normal(t, 0, kaimingStd('init.kaimingNormal', t, options));
}

// Scalar erf (Abramowitz-Stegun 7.1.26 is too coarse for the bounds; use a series/continued form).
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  if (ax > 6) return sign;
  // Taylor series converges well for |x| <= 3; beyond, use the complementary continued fraction.
  if (ax <= 3) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 100; n++) {
      term *= (-ax * ax) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    return (sign * 2 * sum) / Math.sqrt(Math.PI);
  }
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (ax + f);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
  return sign * (1 - erfc);
}

/** erfinv on a tensor, composed: Giles' single-precision approximation. */
function erfinv(x: Tensor): Tensor {
  const w = x.mul(x).neg().add(1).log().neg();
  const small = w.lt(5);
  const ws = w.sub(2.5);
  const wl = w.sqrt().sub(3);
  const poly = (z: Tensor, cs: number[]) => cs.slice(1).reduce((p, c) => p.mul(z).add(c), z.mul(0).add(cs[0]));
  const ps = poly(ws, [2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]);
  const pl = poly(wl, [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]);
  const p = ps.where(small, pl);
  return p.mul(x);
}
