/** Feature scaling fitted on training data and applied to any split: standardisation and min-max. */
import { noGrad } from '../autograd.js';
import { ValueError } from '../errors.js';
import { add, div, eq, mul, sub, where } from '../ops/elementwise.js';
import { max, mean, min, std } from '../ops/reduce.js';
import { tidy } from '../memory.js';
import type { Tensor } from '../tensor.js';

type Axes = number | readonly number[];

export interface StandardizerOptions {
  /** Axes the statistics are taken over (default 0: per feature, over samples). */
  axis?: Axes;
  /** Bessel correction for the std (default 0, the population std, like scikit-learn). */
  correction?: number;
}

function need(t: Tensor | null, what: string): Tensor {
  if (!t) throw new ValueError(`${what}: call fit() first (or loadStateDict).`);
  return t;
}

/**
 * `(x - mean) / std` with mean and std fitted on the training data; features with zero std
 * are left unscaled (std taken as 1), as in scikit-learn's StandardScaler.
 */
export class Standardizer {
  mean: Tensor | null = null;
  std: Tensor | null = null;
  readonly axis: Axes;
  readonly correction: number;

  constructor({ axis = 0, correction = 0 }: StandardizerOptions = {}) {
    this.axis = axis;
    this.correction = correction;
  }

  fit(x: Tensor): this {
    const [m, s] = noGrad(() =>
      tidy(() => {
        const s0 = std(x, this.axis, { correction: this.correction, keepdim: true });
        return [mean(x, this.axis, true), where(eq(s0, 0), 1, s0)];
      }),
    );
    this.dispose();
    this.mean = m.keep();
    this.std = s.keep();
    return this;
  }

  transform(x: Tensor): Tensor {
    const m = need(this.mean, 'Standardizer.transform');
    const s = need(this.std, 'Standardizer.transform');
    return tidy(() => div(sub(x, m), s));
  }

  inverseTransform(x: Tensor): Tensor {
    const m = need(this.mean, 'Standardizer.inverseTransform');
    const s = need(this.std, 'Standardizer.inverseTransform');
    return tidy(() => add(mul(x, s), m));
  }

  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  stateDict(): Record<string, Tensor> {
    return { mean: need(this.mean, 'Standardizer.stateDict'), std: need(this.std, 'Standardizer.stateDict') };
  }

  loadStateDict(sd: Record<string, Tensor>): void {
    if (!sd.mean || !sd.std) throw new ValueError('Standardizer.loadStateDict: expected { mean, std }.');
    this.dispose();
    this.mean = sd.mean.clone().keep();
    this.std = sd.std.clone().keep();
  }

  dispose(): void {
    this.mean?.dispose();
    this.std?.dispose();
    this.mean = this.std = null;
  }
}

export interface MinMaxScalerOptions {
  axis?: Axes;
  /** Target range (default [0, 1]). */
  featureRange?: readonly [number, number];
}

/** Scale each feature linearly so the training data spans `featureRange`; constant features map to its low end. */
export class MinMaxScaler {
  min: Tensor | null = null;
  range: Tensor | null = null;
  readonly axis: Axes;
  readonly featureRange: readonly [number, number];

  constructor({ axis = 0, featureRange = [0, 1] }: MinMaxScalerOptions = {}) {
    if (!(featureRange[0] < featureRange[1])) throw new ValueError(`MinMaxScaler: featureRange [${featureRange}] must be increasing.`);
    this.axis = axis;
    this.featureRange = featureRange;
  }

  fit(x: Tensor): this {
    const [lo, span] = noGrad(() =>
      tidy(() => {
        const lo0 = min(x, this.axis, true);
        const span0 = sub(max(x, this.axis, true), lo0);
        return [lo0, where(eq(span0, 0), 1, span0)];
      }),
    );
    this.dispose();
    this.min = lo.keep();
    this.range = span.keep();
    return this;
  }

  transform(x: Tensor): Tensor {
    const lo = need(this.min, 'MinMaxScaler.transform');
    const span = need(this.range, 'MinMaxScaler.transform');
    const [a, b] = this.featureRange;
    return tidy(() => add(mul(div(sub(x, lo), span), b - a), a));
  }

  inverseTransform(x: Tensor): Tensor {
    const lo = need(this.min, 'MinMaxScaler.inverseTransform');
    const span = need(this.range, 'MinMaxScaler.inverseTransform');
    const [a, b] = this.featureRange;
    return tidy(() => add(mul(div(sub(x, a), b - a), span), lo));
  }

  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  stateDict(): Record<string, Tensor> {
    return { min: need(this.min, 'MinMaxScaler.stateDict'), range: need(this.range, 'MinMaxScaler.stateDict') };
  }

  loadStateDict(sd: Record<string, Tensor>): void {
    if (!sd.min || !sd.range) throw new ValueError('MinMaxScaler.loadStateDict: expected { min, range }.');
    this.dispose();
    this.min = sd.min.clone().keep();
    this.range = sd.range.clone().keep();
  }

  dispose(): void {
    this.min?.dispose();
    this.range?.dispose();
    this.min = this.range = null;
  }
}

/**
 * Fit a {@link Standardizer} on `train` and apply it to `train` and every other split.
 * `const { train: xTr, others: [xVal], scaler } = standardise(xTrain, xVal)`.
 */
export function standardise(train: Tensor, ...others: Tensor[]): { train: Tensor; others: Tensor[]; scaler: Standardizer } {
  const scaler = new Standardizer().fit(train);
  return { train: scaler.transform(train), others: others.map((x) => scaler.transform(x)), scaler };
}

/** Fit a {@link MinMaxScaler} (to [0, 1]) on `train` and apply it to every split. */
export function normalise(train: Tensor, ...others: Tensor[]): { train: Tensor; others: Tensor[]; scaler: MinMaxScaler } {
  const scaler = new MinMaxScaler().fit(train);
  return { train: scaler.transform(train), others: others.map((x) => scaler.transform(x)), scaler };
}

export { standardise as standardize, normalise as normalize };
