/**
 * The conformance table's vocabulary. An entry describes one public op as data: how to make
 * sample inputs, how to call the op, which dtypes it is tested in, its tolerances, whether it
 * is differentiable, and which backends skip which checks (always with a reason).
 */
import type { Backend, DType, Tensor } from '@tessera/core';
import type { Rng } from './rng.js';

/**
 * The checks the suite runs. 'leak' (opt-in, `leakCheck: true`) evaluates a case's forward and
 * backward on the backend under test and requires `memory()` to be the same before and after.
 */
export type CheckName = 'forward' | 'finiteDiff' | 'torch' | 'leak';

/**
 * A view applied to an uploaded (dense) input before the op sees it, so ops meet
 * non-contiguous inputs. The same list is stored in torch fixtures and applied by PyTorch.
 */
export type ViewOp =
  | { op: 'transpose'; axes: [number, number] }
  | { op: 'permute'; axes: number[] }
  /** Per axis `[start, end, step]`, or null to keep the axis whole. */
  | { op: 'slice'; ranges: ([number, number, number] | null)[] }
  | { op: 'expand'; shape: number[] };

/** One input of a sample: dense base data (row-major) plus the views to take of it. */
export interface SampleInput {
  dtype: DType;
  /** Shape of the dense base tensor that is uploaded. */
  shape: number[];
  /** Row-major base values; float inputs are float32-representable so every backend sees the same numbers. */
  data: ArrayLike<number>;
  view?: ViewOp[];
  /**
   * Whether gradients are checked with respect to this input. Defaults to true for float32
   * inputs of differentiable entries.
   */
  grad?: boolean;
}

/** JSON-able keyword arguments of an op call (axes, keepdim, stride, ...). */
export type Args = Record<string, unknown>;

/** An absolute and relative tolerance: a value `a` matches the reference `b` when |a - b| <= atol + rtol * |b|. */
export interface Tol {
  atol: number;
  rtol: number;
}

/** Tolerances per output dtype, and for gradients. Missing keys fall back to the defaults. */
export interface ToleranceSpec {
  float32?: Tol;
  int32?: Tol;
  bool?: Tol;
  /** Gradients (always float32). Defaults to the float32 tolerance times 10. */
  grad?: Tol;
}

export interface Sample {
  /** Unique within the entry; says what the case exercises ("transposed", "broadcast-3d", ...). */
  name: string;
  inputs: SampleInput[];
  args?: Args;
  /** Only run with `size: 'full'` (a 512x512 matmul, say). */
  large?: boolean;
  /** Whether this case broadcasts operands against each other (the coverage test looks for one). */
  broadcast?: boolean;
  /** false: skip gradient checks for this case (a kink or tie, a non-differentiable point). */
  grad?: boolean;
  /** false: keep the autograd-vs-reference check but skip finite differences (e.g. discontinuous at the point). */
  finiteDiff?: boolean;
  tolerance?: ToleranceSpec;
}

/** Context handed to a sample generator. */
export interface SampleContext {
  /** The dtype these samples are for (one call per dtype in the entry's `dtypes`). */
  dtype: DType;
  size: SuiteSize;
}

export type SuiteSize = 'full' | 'small';

/** What an op call returns; normalised to a list of tensors (object values in key order). */
export type OpOutput = Tensor | Tensor[] | Record<string, Tensor>;

/** A skip of one backend's checks. The reason is mandatory and shows in reports. */
export interface Skip {
  /** Backend name (exact) or a pattern it must match. */
  backend: string | RegExp;
  /** Which checks; all when omitted. */
  checks?: CheckName[];
  /** Which cases (exact names, or a pattern); all when omitted. */
  cases?: (string | RegExp)[];
  reason: string;
}

/** Context for a custom (statistical) check. */
export interface CustomCheckContext {
  backend: Backend;
  reference: Backend;
  rng: Rng;
  size: SuiteSize;
}

/** A custom check result, before the op name is attached. */
export interface CustomResult {
  case: string;
  check: CheckName;
  pass: boolean;
  maxAbsErr?: number;
  maxRelErr?: number;
  message?: string;
}

/**
 * What an entry's `fn` may ask of the runner besides its inputs; module entries use it, since
 * `loadStateDict` copies the inputs into the module's own parameters.
 */
export interface CallContext {
  /**
   * Take the gradient that belongs to input `index` with respect to `t` instead: a module
   * parameter that `loadStateDict` filled from that input. `t` must have the input's (dense) shape.
   */
  differentiate(index: number, t: Tensor): void;
  /** Dispose these tensors when the runner is done with the call (module parameters and buffers are kept outside `tidy`). */
  release(...tensors: Tensor[]): void;
}

export interface OpEntry<A extends Args = Args> {
  /** The public name (what a user calls); unique in the table. */
  name: string;
  /** 'op' for core ops, 'module' for whole layers (Linear, Conv2d, ...), as fixtures file them. */
  kind?: 'op' | 'module';
  samples: (rng: Rng, ctx: SampleContext) => Sample[];
  /** Calls the op under test. Runs with the backend under test active (`use(backend)`). */
  fn: (inputs: Tensor[], args: A, call: CallContext) => OpOutput;
  differentiable: boolean;
  tolerance?: ToleranceSpec;
  dtypes: DType[];
  skips?: Skip[];
  /** True when the op broadcasts its operands: the table must then hold a broadcasting case. */
  broadcasts?: boolean;
  /**
   * Why the entry has no PyTorch fixture (random ops, say). Without it, a missing fixture fails.
   */
  fixtureExempt?: string;
  /** Why no case has a non-contiguous input (ops without tensor inputs). */
  contiguityExempt?: string;
  /**
   * Statistical checks for ops whose values cannot all be compared one by one (dropout,
   * random sampling). They run after the samples' checks.
   */
  custom?: (ctx: CustomCheckContext) => Promise<CustomResult[]> | CustomResult[];
}

/** One line of a report. */
export interface CheckResult {
  op: string;
  case: string;
  check: CheckName;
  pass: boolean;
  maxAbsErr: number;
  maxRelErr: number;
  /** Set when the check did not run on this backend; pass is then true. */
  skipped?: string;
  /** What went wrong (worst element, or the error thrown). */
  message?: string;
}

export interface ConformanceReport {
  backend: string;
  results: CheckResult[];
}
