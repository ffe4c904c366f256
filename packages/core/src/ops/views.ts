/**
 * Views: ops that change shape, strides or offset over the same storage, without copying
 * (reshape copies only when the strides make a view impossible, like `torch.reshape`).
 */
import type { View } from '../backend.js';
import { composite, record } from '../autograd.js';
import { formatShape, ShapeError, ValueError } from '../errors.js';
import { checkShape, contiguousStrides, isContiguous, normalizeAxes, normalizeAxis, shapesEqual, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { backendOf, empty, filled } from './helpers.js';
import { sumToShape } from './reduce.js';

/** A new tensor object over `x`'s storage with the given layout. */
function restride(x: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  return new Tensor(x.storage, [...shape], [...strides], offset, x.dtype);
}

function checkInput(op: string, x: unknown): asserts x is Tensor {
  backendOf(op, [x as Tensor]);
}

/**
 * The same data under a new tensor object, recorded as identity. Autograd uses it so one
 * gradient can be held (and disposed) in two places; `grad()` uses it to mark inputs.
 */
export function alias(x: Tensor, recordGraph = false): Tensor {
  const out = restride(x, x.shape, x.strides, x.offset);
  return recordGraph ? record('alias', out, [x], (g) => [g]) : out;
}

/** The kernel view of `x` broadcast to `shape`: stride 0 on every broadcast axis. */
export function broadcastView(x: Tensor, shape: readonly number[]): View {
  const v = x.kernelView();
  if (shapesEqual(x.shape, shape)) return v;
  const lead = shape.length - x.shape.length;
  const strides = shape.map((_, i) => {
    const j = i - lead;
    return j < 0 || x.shape[j] === 1 ? 0 : x.strides[j];
  });
  return { ...v, shape, strides };
}

/** Strides that view (shape, strides) as `newShape` without copying, or null (torch's computeStride). */
function viewStrides(oldShape: readonly number[], oldStrides: readonly number[], newShape: readonly number[]): number[] | null {
  if (sizeOf(oldShape) === 0 || oldShape.length === 0) return contiguousStrides(newShape);
  const newStrides = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBaseStride = oldStrides[oldStrides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d];
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBaseStride)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBaseStride;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBaseStride = oldStrides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? newStrides : null;
}

/** Resolve one -1 in a requested shape and check the element count. */
function inferShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (unknown !== out.lastIndexOf(-1)) throw new ShapeError(`${op}: only one dimension can be -1, got ${formatShape(shape)}.`);
  if (unknown >= 0) {
    const known = out.reduce((p, d, i) => (i === unknown ? p : p * d), 1);
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(`${op}: cannot infer -1 in ${formatShape(shape)} for a tensor of shape ${formatShape(x.shape)} (${x.size} elements).`);
    }
    out[unknown] = x.size / known;
  }
  checkShape(op, out);
  if (sizeOf(out) !== x.size) {
    throw new ShapeError(`${op}: shape ${formatShape(shape)} (${sizeOf(out)} elements) does not fit a tensor of shape ${formatShape(x.shape)} (${x.size} elements).`);
  }
  return out;
}

function reshapeRecorded(op: string, x: Tensor, out: Tensor): Tensor {
  const inShape = x.shape;
  return record(op, out, [x], (g) => [reshape(g, inShape)]);
}

/** A view with a new shape when the strides allow it, like `torch.view`; throws otherwise. */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  checkInput('view', x);
  const target = inferShape('view', x, shape);
  const strides = viewStrides(x.shape, x.strides, target);
  if (!strides) {
    throw new ShapeError(`view: a tensor of shape ${formatShape(x.shape)} with strides ${formatShape(x.strides)} cannot be viewed as ${formatShape(target)}; call reshape() (which copies) or contiguous() first.`);
  }
  return reshapeRecorded('view', x, restride(x, target, strides, x.offset));
}

/** A new shape with the same elements: a view when possible, else a copy. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkInput('reshape', x);
  const target = inferShape('reshape', x, shape);
  if (shapesEqual(target, x.shape)) return x;
  const strides = viewStrides(x.shape, x.strides, target);
  if (strides) return reshapeRecorded('reshape', x, restride(x, target, strides, x.offset));
  return composite(() => {
    const dense = contiguous(x);
    return reshapeRecorded('reshape', dense, restride(dense, target, contiguousStrides(target), dense.offset));
  });
}

/** Reorder the axes. */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  checkInput('permute', x);
  const perm = axes.map((a) => normalizeAxis('permute', a, x.rank));
  if (perm.length !== x.rank || new Set(perm).size !== perm.length) {
    throw new ShapeError(`permute: axes [${axes.join(', ')}] are not a permutation of the ${x.rank} axes of a tensor of shape ${formatShape(x.shape)}.`);
  }
  const out = restride(x, perm.map((p) => x.shape[p]), perm.map((p) => x.strides[p]), x.offset);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return record('permute', out, [x], (g) => [permute(g, inverse)]);
}

/** Swap two axes (default: the last two). */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  checkInput('transpose', x);
  if (x.rank < 2 && axis0 === -2 && axis1 === -1) return x;
  const a = normalizeAxis('transpose', axis0, x.rank);
  const b = normalizeAxis('transpose', axis1, x.rank);
  const perm = Array.from({ length: x.rank }, (_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, perm);
}

/** Remove size-1 axes (all of them, or the given ones, which must have size 1). */
export function squeeze(x: Tensor, axes?: number | readonly number[]): Tensor {
  checkInput('squeeze', x);
  const drop = axes === undefined ? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : normalizeAxes('squeeze', axes, x.rank);
  for (const a of drop) {
    if (x.shape[a] !== 1) throw new ShapeError(`squeeze: axis ${a} of shape ${formatShape(x.shape)} has size ${x.shape[a]}, expected 1.`);
  }
  const keep = x.shape.map((_, i) => i).filter((i) => !drop.includes(i));
  return reshapeRecorded('squeeze', x, restride(x, keep.map((i) => x.shape[i]), keep.map((i) => x.strides[i]), x.offset));
}

/** Insert a size-1 axis at `axis` (in [-rank-1, rank]). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  checkInput('unsqueeze', x);
  const a = normalizeAxis('unsqueeze', axis, x.rank + 1);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(a, 0, 1);
  strides.splice(a, 0, a < x.rank ? x.strides[a] * x.shape[a] : 1);
  return reshapeRecorded('unsqueeze', x, restride(x, shape, strides, x.offset));
}

/** Broadcast to `shape` as a stride-0 view (-1 keeps a dimension), like `torch.expand`. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  checkInput('expand', x);
  if (shape.length < x.rank) {
    throw new ShapeError(`expand: target ${formatShape(shape)} has fewer axes than the tensor's ${formatShape(x.shape)}.`);
  }
  const lead = shape.length - x.rank;
  const target = shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead] : d));
  checkShape('expand', target);
  const strides = target.map((d, i) => {
    const j = i - lead;
    if (j < 0) return 0;
    if (x.shape[j] === d) return x.strides[j];
    if (x.shape[j] === 1) return 0;
    throw new ShapeError(`expand: cannot expand shape ${formatShape(x.shape)} to ${formatShape(shape)} (axis ${i}: ${x.shape[j]} vs ${d}); only size-1 axes expand.`);
  });
  const inShape = x.shape;
  return record('expand', restride(x, target, strides, x.offset), [x], (g) => [sumToShape(g, inShape)]);
}

export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  return expand(x, shape);
}

/**
 * One axis of a slice: `null` keeps the axis, a number picks one index (dropping the axis),
 * `[start, end, step]` (each optional, negatives count from the end) takes a range.
 */
export type SliceRange = null | number | readonly [number?, number?, number?];

/** Basic indexing, like `x[1, :, 2:5:2]` in PyTorch; missing trailing axes are kept whole. */
export function slice(x: Tensor, ranges: readonly SliceRange[]): Tensor {
  checkInput('slice', x);
  if (ranges.length > x.rank) throw new ShapeError(`slice: ${ranges.length} ranges given for a tensor of rank ${x.rank} (shape ${formatShape(x.shape)}).`);
  // The same part described twice: over x's storage (the view) and over a dense tensor of
  // x's shape (where backward writes the gradient).
  const dense = contiguousStrides(x.shape);
  const part = { shape: [] as number[], strides: [] as number[], offset: x.offset };
  const layout = { strides: [] as number[], offset: 0 };
  for (let axis = 0; axis < x.rank; axis++) {
    const r = ranges[axis] ?? null;
    const size = x.shape[axis];
    if (typeof r === 'number') {
      if (!Number.isInteger(r) || r < -size || r >= size) {
        throw new ShapeError(`slice: index ${r} is out of range for axis ${axis} of size ${size} (shape ${formatShape(x.shape)}).`);
      }
      const i = r < 0 ? r + size : r;
      part.offset += i * x.strides[axis];
      layout.offset += i * dense[axis];
      continue;
    }
    const [start = 0, end = size, step = 1] = r ?? [];
    if (!Number.isInteger(step) || step <= 0) throw new ValueError(`slice: step must be a positive integer, got ${step} on axis ${axis}.`);
    const clampIndex = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
    const s = clampIndex(start);
    const n = Math.ceil((Math.max(clampIndex(end), s) - s) / step);
    part.shape.push(n);
    part.strides.push(x.strides[axis] * step);
    layout.strides.push(dense[axis] * step);
    if (n > 0) {
      part.offset += s * x.strides[axis];
      layout.offset += s * dense[axis];
    }
  }
  const out = restride(x, part.shape, part.strides, part.offset);
  return record('slice', out, [x], (g) => [embed(g, x.shape, layout)]);
}

interface Layout {
  strides: number[];
  offset: number;
}

/** zeros(shape) with `g` written at `layout`: the adjoint of taking a strided part. */
function embed(g: Tensor, shape: readonly number[], layout: Layout): Tensor {
  const backend = backendOf('slice (backward)', [g]);
  const out = filled(backend, shape, g.dtype, 0);
  if (g.size > 0) backend.copy(g.kernelView(), { ...out.kernelView(), shape: g.shape, strides: layout.strides, offset: layout.offset });
  return record('sliceBackward', out, [g], (gg) => [takePart(contiguous(gg), g.shape, layout)]);
}

/** The part of a dense x at `layout`, recorded so its gradient embeds back. */
function takePart(x: Tensor, shape: readonly number[], layout: Layout): Tensor {
  const out = restride(x, shape, layout.strides, x.offset + layout.offset);
  return record('slice', out, [x], (g) => [embed(g, x.shape, layout)]);
}

/** `length` elements of `axis` from `start`. */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  checkInput('narrow', x);
  const a = normalizeAxis('narrow', axis, x.rank);
  const size = x.shape[a];
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > size) {
    throw new ShapeError(`narrow: start ${start} and length ${length} do not fit axis ${a} of size ${size} (shape ${formatShape(x.shape)}).`);
  }
  const ranges: SliceRange[] = x.shape.map(() => null);
  ranges[a] = [s, s + length];
  return slice(x, ranges);
}

/** The sub-tensor at `index` along `axis` (the axis is removed). */
export function select(x: Tensor, axis: number, index: number): Tensor {
  checkInput('select', x);
  const a = normalizeAxis('select', axis, x.rank);
  const ranges: SliceRange[] = x.shape.map(() => null);
  ranges[a] = index;
  return slice(x, ranges);
}

/** Merge axes startAxis..endAxis into one. */
export function flatten(x: Tensor, startAxis = 0, endAxis = -1): Tensor {
  checkInput('flatten', x);
  if (x.rank === 0) return reshape(x, [1]);
  const s = normalizeAxis('flatten', startAxis, x.rank);
  const e = normalizeAxis('flatten', endAxis, x.rank);
  if (s > e) throw new ShapeError(`flatten: startAxis ${startAxis} comes after endAxis ${endAxis} for shape ${formatShape(x.shape)}.`);
  const merged = x.shape.slice(s, e + 1).reduce((p, d) => p * d, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** x itself when dense, else a dense copy. */
export function contiguous(x: Tensor): Tensor {
  checkInput('contiguous', x);
  if (isContiguous(x.shape, x.strides)) return x;
  return clone(x);
}

/** A dense copy in a new buffer; gradients pass straight through. */
export function clone(x: Tensor): Tensor {
  const backend = backendOf('clone', [x]);
  const out = empty(backend, x.shape, x.dtype);
  if (out.size > 0) backend.copy(x.kernelView(), out.kernelView());
  return record('clone', out, [x], (g) => [g]);
}

/**
 * A raw strided view over a dense x, for ops that build windows (conv, pooling). No gradient:
 * the caller records the op it builds as a whole.
 */
export function asStrided(x: Tensor, shape: readonly number[], strides: readonly number[], offset = x.offset): Tensor {
  return restride(x, shape, strides, offset);
}
