/** Joining and splitting: concat, stack, split, chunk, pad. */
import type { View } from '../backend.js';
import { promoteTypes } from '../dtype.js';
import { composite, record } from '../autograd.js';
import { formatShape, ShapeError, ValueError } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { cast } from './elementwise.js';
import { backendOf, empty, filled } from './helpers.js';
import { narrow, slice, type SliceRange, unsqueeze } from './views.js';

/** The window [start, start + length) of `axis` in a dense tensor's view. */
function window(t: Tensor, axis: number, start: number, length: number): View {
  const v = t.kernelView();
  const shape = [...v.shape];
  shape[axis] = length;
  return { ...v, shape, offset: v.offset + start * v.strides[axis] };
}

/** Join tensors along an existing axis. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!tensors?.length) throw new ValueError('concat: expected a non-empty array of tensors.');
  const backend = backendOf('concat', tensors);
  const first = tensors[0];
  const a = normalizeAxis('concat', axis, first.rank);
  for (const t of tensors) {
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new ShapeError(`concat: shapes ${tensors.map((x) => formatShape(x.shape)).join(', ')} differ outside axis ${a}; expected equal sizes on every other axis.`);
    }
  }
  if (first.rank === 0) throw new ShapeError('concat: zero-dimensional tensors cannot be concatenated; use stack().');
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  const shape = [...first.shape];
  shape[a] = tensors.reduce((p, t) => p + t.shape[a], 0);
  const out = empty(backend, shape, dtype);
  let offset = 0;
  for (const t of tensors) {
    const tc = t.dtype === dtype ? t : cast(t, dtype);
    if (t.size > 0) backend.copy(tc.kernelView(), window(out, a, offset, t.shape[a]));
    if (tc !== t) tc.dispose();
    offset += t.shape[a];
  }
  const starts = tensors.map((_, i) => tensors.slice(0, i).reduce((p, t) => p + t.shape[a], 0));
  return record('concat', out, tensors, (g) => tensors.map((t, i) => (t.requiresGrad ? narrow(g, a, starts[i], t.shape[a]) : null)));
}

/** Join tensors of one shape along a new axis. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!tensors?.length) throw new ValueError('stack: expected a non-empty array of tensors.');
  backendOf('stack', tensors);
  const first = tensors[0];
  for (const t of tensors) {
    if (t.rank !== first.rank || t.shape.some((d, i) => d !== first.shape[i])) {
      throw new ShapeError(`stack: shapes ${tensors.map((x) => formatShape(x.shape)).join(', ')} differ; expected all equal.`);
    }
  }
  const a = normalizeAxis('stack', axis, first.rank + 1);
  return composite(() => concat(tensors.map((t) => unsqueeze(t, a)), a));
}

/** Views of consecutive pieces along `axis`: of size `sizeOrSections`, or of the listed sizes. */
export function split(x: Tensor, sizeOrSections: number | readonly number[], axis = 0): Tensor[] {
  backendOf('split', [x]);
  const a = normalizeAxis('split', axis, x.rank);
  const total = x.shape[a];
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections <= 0) throw new ValueError(`split: size must be a positive integer, got ${sizeOrSections}.`);
    sizes = [];
    for (let s = 0; s < total; s += sizeOrSections) sizes.push(Math.min(sizeOrSections, total - s));
    if (total === 0) sizes = [0];
  } else {
    sizes = [...sizeOrSections];
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((p, s) => p + s, 0) !== total) {
      throw new ShapeError(`split: sections [${sizes.join(', ')}] do not add up to ${total}, the size of axis ${a} of ${formatShape(x.shape)}.`);
    }
  }
  let start = 0;
  return sizes.map((s) => {
    const part = narrow(x, a, start, s);
    start += s;
    return part;
  });
}

/** `chunks` nearly equal views along `axis` (the last may be smaller), like `torch.chunk`. */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ValueError(`chunk: chunks must be a positive integer, got ${chunks}.`);
  const a = normalizeAxis('chunk', axis, x.rank);
  return split(x, Math.max(1, Math.ceil(x.shape[a] / chunks)), a);
}

/**
 * Constant padding like `torch.nn.functional.pad`: `padding` lists (before, after) pairs
 * starting from the last axis. Negative amounts crop.
 */
export function pad(x: Tensor, padding: readonly number[], value = 0): Tensor {
  const backend = backendOf('pad', [x]);
  if (padding.length % 2 !== 0 || padding.length / 2 > x.rank || padding.some((p) => !Number.isInteger(p))) {
    throw new ShapeError(`pad: padding [${padding.join(', ')}] must be integer (before, after) pairs for at most ${x.rank} axes of ${formatShape(x.shape)}.`);
  }
  const before = x.shape.map(() => 0);
  const after = x.shape.map(() => 0);
  for (let i = 0; i < padding.length / 2; i++) {
    before[x.rank - 1 - i] = padding[2 * i];
    after[x.rank - 1 - i] = padding[2 * i + 1];
  }
  // Crop first (negative padding), then pad the rest.
  const crop: SliceRange[] = x.shape.map((d, i) => [Math.max(0, -before[i]), d - Math.max(0, -after[i])]);
  const cropped = before.some((p) => p < 0) || after.some((p) => p < 0) ? slice(x, crop) : x;
  const shape = cropped.shape.map((d, i) => d + Math.max(0, before[i]) + Math.max(0, after[i]));
  if (shape.some((d) => d < 0)) throw new ShapeError(`pad: padding [${padding.join(', ')}] crops ${formatShape(x.shape)} below zero.`);
  const out = filled(backend, shape, x.dtype, value);
  const o = out.kernelView();
  const interior: View = {
    ...o,
    shape: cropped.shape,
    offset: o.offset + before.reduce((p, b, i) => p + Math.max(0, b) * o.strides[i], 0),
  };
  if (cropped.size > 0) backend.copy(cropped.kernelView(), interior);
  const region: SliceRange[] = cropped.shape.map((d, i) => [Math.max(0, before[i]), Math.max(0, before[i]) + d]);
  return record('pad', out, [cropped], (g) => [slice(g, region)]);
}
