/** Indexing: gather, indexSelect, scatterAdd, oneHot, tril/triu, sort, argsort, topk. */
import { composite, record } from '../autograd.js';
import { DTypeError, formatShape, ShapeError, ValueError } from '../errors.js';
import { normalizeAxis, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { pad } from './combine.js';
import { arange } from './creation.js';
import { cast, eq, le, sub, where } from './elementwise.js';
import { backendOf, empty, filled } from './helpers.js';
import { expand, narrow, reshape, unsqueeze } from './views.js';

function checkIndex(op: string, index: Tensor): void {
  if (index.dtype !== 'int32') throw new DTypeError(`${op}: index must be int32, got ${index.dtype}.`);
}

/**
 * Check that every index lies in [0, size) on backends that can read synchronously; async
 * backends check inside their kernels.
 */
export function checkIndexRange(op: string, index: Tensor, size: number): void {
  if (!index.backend.readSync || index.size === 0) return;
  const data = index.backend.readSync(index.kernelView());
  for (let i = 0; i < data.length; i++) {
    if (data[i] < 0 || data[i] >= size) {
      throw new ValueError(`${op}: index ${data[i]} is out of range; expected values in [0, ${size}) (index shape ${formatShape(index.shape)}).`);
    }
  }
}

/** out[i][j] = x[index[i][j]][j] along `axis` (torch.gather). index has x's rank. */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  const backend = backendOf('gather', [x, index]);
  checkIndex('gather', index);
  const a = normalizeAxis('gather', axis, x.rank);
  if (index.rank !== x.rank || index.shape.some((d, i) => i !== a && d > x.shape[i])) {
    throw new ShapeError(`gather: index ${formatShape(index.shape)} must have the rank of x ${formatShape(x.shape)} and no larger size on axes other than ${a}.`);
  }
  checkIndexRange('gather', index, x.shape[a]);
  const out = empty(backend, index.shape, x.dtype);
  if (out.size > 0) backend.gather(x.kernelView(), a, index.kernelView(), out.kernelView());
  return record('gather', out, [x], (g) => [scatterAdd(filled(backend, x.shape, g.dtype, 0), a, index, g)]);
}

/** The slices of x at positions `index` (1-D int32) along `axis`. */
export function indexSelect(x: Tensor, axis: number, index: Tensor): Tensor {
  backendOf('indexSelect', [x, index]);
  checkIndex('indexSelect', index);
  if (index.rank !== 1) throw new ShapeError(`indexSelect: index must be 1-D, got ${formatShape(index.shape)}.`);
  const a = normalizeAxis('indexSelect', axis, x.rank);
  const outShape = [...x.shape];
  outShape[a] = index.shape[0];
  return composite(() => gather(x, a, expand(reshape(index, x.shape.map((_, i) => (i === a ? index.shape[0] : 1))), outShape)));
}

/** A copy of x with src added at `index` along `axis` (torch.scatter_add). */
export function scatterAdd(x: Tensor, axis: number, index: Tensor, src: Tensor): Tensor {
  const backend = backendOf('scatterAdd', [x, index, src]);
  checkIndex('scatterAdd', index);
  const a = normalizeAxis('scatterAdd', axis, x.rank);
  if (src.dtype !== x.dtype) throw new DTypeError(`scatterAdd: src dtype ${src.dtype} differs from x's ${x.dtype}.`);
  if (index.rank !== x.rank || src.rank !== x.rank || index.shape.some((d, i) => d > src.shape[i] || (i !== a && d > x.shape[i]))) {
    throw new ShapeError(`scatterAdd: index ${formatShape(index.shape)} must have the rank of x ${formatShape(x.shape)} and src ${formatShape(src.shape)}, and fit inside both.`);
  }
  checkIndexRange('scatterAdd', index, x.shape[a]);
  const out = empty(backend, x.shape, x.dtype);
  if (out.size > 0) backend.copy(x.kernelView(), out.kernelView());
  if (index.size > 0) {
    const srcView = { ...src.kernelView(), shape: index.shape };
    backend.scatterAdd(index.kernelView(), srcView, a, out.kernelView());
  }
  // src elements outside index's extent are never read: their gradient is zero.
  const srcGrad = (g: Tensor): Tensor => {
    const part = gather(g, a, index);
    if (shapesEqual(part.shape, src.shape)) return part;
    return pad(part, index.shape.flatMap((_, i) => [0, src.shape[index.rank - 1 - i] - index.shape[index.rank - 1 - i]]));
  };
  return record('scatterAdd', out, [x, src], (g) => [g, src.requiresGrad ? srcGrad(g) : null]);
}

/** One-hot encoding of int32 class indices along a new last axis (int32 like torch; or pass dtype). */
export function oneHot(indices: Tensor, numClasses: number, dtype: 'int32' | 'float32' = 'int32'): Tensor {
  backendOf('oneHot', [indices]);
  checkIndex('oneHot', indices);
  if (!Number.isInteger(numClasses) || numClasses <= 0) throw new ValueError(`oneHot: numClasses must be a positive integer, got ${numClasses}.`);
  checkIndexRange('oneHot', indices, numClasses);
  return composite(() => cast(eq(unsqueeze(indices, -1), arange(numClasses, undefined, 1, { backend: indices.backend })), dtype));
}

function triangle(op: 'tril' | 'triu', x: Tensor, diagonal: number): Tensor {
  backendOf(op, [x]);
  if (x.rank < 2) throw new ShapeError(`${op}: expected at least 2 dimensions, got ${formatShape(x.shape)}.`);
  const [n, m] = x.shape.slice(-2);
  return composite(() => {
    const rows = reshape(arange(n, undefined, 1, { backend: x.backend }), [n, 1]);
    const cols = arange(m, undefined, 1, { backend: x.backend });
    const mask = op === 'tril' ? le(sub(cols, rows), diagonal) : le(sub(rows, cols), -diagonal);
    return where(mask, x, 0);
  });
}

/** Lower triangle (j - i <= diagonal) of the last two axes; the rest zero. */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle('tril', x, diagonal);
}

/** Upper triangle (j - i >= diagonal) of the last two axes; the rest zero. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle('triu', x, diagonal);
}

/** Stable sort along `axis` (NaN last in ascending order), with the source indices. */
export function sort(x: Tensor, axis = -1, descending = false): { values: Tensor; indices: Tensor } {
  const backend = backendOf('sort', [x]);
  const a = x.rank === 0 ? 0 : normalizeAxis('sort', axis, x.rank);
  const values = empty(backend, x.shape, x.dtype);
  const indices = empty(backend, x.shape, 'int32');
  if (x.size > 0) {
    if (x.rank === 0) {
      backend.copy(x.kernelView(), values.kernelView());
      backend.fill(indices.kernelView(), 0);
    } else {
      backend.sort(x.kernelView(), a, descending, values.kernelView(), indices.kernelView());
    }
  }
  const recorded = record('sort', values, [x], (g) => [
    x.rank === 0 ? g : scatterAdd(filled(backend, x.shape, g.dtype, 0), a, indices, g),
  ]);
  return { values: recorded, indices };
}

export function argsort(x: Tensor, axis = -1, descending = false): Tensor {
  const { values, indices } = sort(x, axis, descending);
  values.dispose();
  return indices;
}

/** The k largest (or smallest) entries along `axis`, sorted, with their indices. */
export function topk(x: Tensor, k: number, axis = -1, largest = true): { values: Tensor; indices: Tensor } {
  backendOf('topk', [x]);
  const a = x.rank === 0 ? 0 : normalizeAxis('topk', axis, x.rank);
  const size = x.rank === 0 ? 1 : x.shape[a];
  if (!Number.isInteger(k) || k < 0 || k > size) {
    throw new ValueError(`topk: k = ${k} is out of range for axis ${a} of size ${size} (shape ${formatShape(x.shape)}).`);
  }
  const sorted = sort(x, a, largest);
  if (x.rank === 0) return sorted;
  const out = { values: narrow(sorted.values, a, 0, k), indices: narrow(sorted.indices, a, 0, k) };
  // The narrowed views keep the buffers; sort's backward still reads the full indices.
  if (out.values.requiresGrad) (out.values.node!.owned ??= []).push(sorted.values, sorted.indices);
  else {
    sorted.values.dispose();
    sorted.indices.dispose();
  }
  return out;
}
