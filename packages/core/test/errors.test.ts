/**
 * Bad input, table-driven: every public op gets wrong ranks, mismatched shapes, bad axes,
 * wrong dtypes, empty tensors, NaN, disposed tensors and tensors from two backends, and must
 * throw the documented TesseraError subclass naming the op — or, where the input is valid
 * (NaN, empty), give the right answer.
 */
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@tessera/backend-cpu';
import * as T from '@tessera/core';

const cpu = createCpuBackend();
const other = createCpuBackend({ float64: true });
const f = (shape: number[], backend = cpu) => T.ones(shape, { backend });
const i32 = (values: number[]) => T.tensor(values, { dtype: 'int32', backend: cpu });

type Case = [op: string, call: () => unknown, error: new (...args: never[]) => Error, message: RegExp];

const UNARY_OPS = ['neg', 'abs', 'exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'relu', 'gelu', 'silu', 'softplus', 'erf', 'floor', 'round', 'square'] as const;
const BINARY_OPS = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr'] as const;
const REDUCE_OPS = ['sum', 'mean', 'prod', 'max', 'min', 'logsumexp'] as const;

function table(): Case[] {
  const cases: Case[] = [];
  for (const op of BINARY_OPS) {
    cases.push([op, () => (T[op] as (a: T.Tensor, b: T.Tensor) => T.Tensor)(f([2, 3]), f([4])), T.ShapeError, new RegExp(`${op}: shapes \\[2, 3\\] and \\[4\\] do not broadcast`)]);
    cases.push([op, () => (T[op] as (a: T.Tensor, b: T.Tensor) => T.Tensor)(f([2]), f([2], other)), T.BackendError, new RegExp(`${op}: tensors live on different backends`)]);
  }
  for (const op of [...UNARY_OPS, ...REDUCE_OPS]) {
    cases.push([op, () => { const x = f([2]); x.dispose(); return (T[op] as (a: T.Tensor) => T.Tensor)(x); }, T.BackendError, new RegExp(`${op}: input \\[2\\] float32 was disposed`)]);
  }
  for (const op of [...REDUCE_OPS, 'argmax', 'argmin', 'softmax', 'logSoftmax', 'cumsum'] as const) {
    cases.push([op, () => (T[op] as (a: T.Tensor, axis: number) => T.Tensor)(f([2, 3]), 2), T.ShapeError, new RegExp(`${op}: axis 2 is out of range for a tensor of rank 2`)]);
  }
  cases.push(
    ['sum', () => T.sum(f([2, 3]), [0, 0]), T.ShapeError, /sum: axis 0 appears twice/],
    ['matmul', () => T.matmul(f([2, 3]), f([2, 3])), T.ShapeError, /matmul: inner dimensions differ: \[2, 3\] @ \[2, 3\]/],
    ['matmul', () => T.matmul(f([]), f([3])), T.ShapeError, /matmul: both operands need at least one dimension/],
    ['linear', () => T.linear(f([2, 3]), f([4, 5])), T.ShapeError, /linear: input \[2, 3\] has 3 features but weight \[4, 5\] expects 5/],
    ['linear', () => T.linear(f([2, 3]), f([4, 3]), f([5])), T.ShapeError, /linear: bias \[5\] does not match/],
    ['concat', () => T.concat([f([2, 3]), f([2, 4])], 0), T.ShapeError, /concat: shapes \[2, 3\], \[2, 4\] differ outside axis 0/],
    ['concat', () => T.concat([]), T.ValueError, /concat: expected a non-empty array/],
    ['stack', () => T.stack([f([2]), f([3])]), T.ShapeError, /stack: shapes \[2\], \[3\] differ/],
    ['split', () => T.split(f([4]), [1, 2]), T.ShapeError, /split: sections \[1, 2\] do not add up to 4/],
    ['chunk', () => T.chunk(f([4]), 0), T.ValueError, /chunk: chunks must be a positive integer/],
    ['pad', () => T.pad(f([2]), [1]), T.ShapeError, /pad: padding \[1\] must be integer \(before, after\) pairs/],
    ['gather', () => T.gather(f([2, 3]), 1, i32([0])), T.ShapeError, /gather: index \[1\] must have the rank of x \[2, 3\]/],
    ['gather', () => T.gather(f([2, 3]), 1, T.zeros([2, 1], { backend: cpu })), T.DTypeError, /gather: index must be int32, got float32/],
    ['gather', () => T.gather(f([2, 3]), 1, i32([5, 0]).reshape(2, 1)), T.ValueError, /gather: index 5 is out of range; expected values in \[0, 3\)/],
    ['gather', () => T.gather(f([2, 3]), 1, i32([-1, 0]).reshape(2, 1)), T.ValueError, /gather: index -1 is out of range/],
    ['indexSelect', () => T.indexSelect(f([2, 3]), 0, i32([0, 1]).reshape(1, 2)), T.ShapeError, /indexSelect: index must be 1-D/],
    ['indexSelect', () => T.indexSelect(f([2, 3]), 0, i32([2])), T.ValueError, /index 2 is out of range/],
    ['scatterAdd', () => T.scatterAdd(f([2]), 0, i32([0]), T.ones([1], { dtype: 'int32', backend: cpu })), T.DTypeError, /scatterAdd: src dtype int32 differs from x's float32/],
    ['scatterAdd', () => T.scatterAdd(f([2]), 0, i32([3]), f([1])), T.ValueError, /scatterAdd: index 3 is out of range/],
    ['oneHot', () => T.oneHot(i32([1]), 0), T.ValueError, /oneHot: numClasses must be a positive integer/],
    ['tril', () => T.tril(f([3])), T.ShapeError, /tril: expected at least 2 dimensions, got \[3\]/],
    ['topk', () => T.topk(f([3]), 4), T.ValueError, /topk: k = 4 is out of range for axis 0 of size 3/],
    ['conv2d', () => T.conv2d(f([1, 2, 4, 4]), f([1, 3, 3, 3])), T.ShapeError, /conv2d: weight \[1, 3, 3, 3\] expects 3 input channels/],
    ['conv2d', () => T.conv2d(f([1, 2, 4, 4]), f([1, 2, 3, 3]), null, { stride: 0 }), T.ValueError, /conv2d: stride must be an integer >= 1/],
    ['conv1d', () => T.conv1d(f([1, 2, 4, 4]), f([1, 2, 3])), T.ShapeError, /conv1d: input must be 3-D \[N, C, L\], got \[1, 2, 4, 4\]/],
    ['maxPool2d', () => T.maxPool2d(f([2, 4, 4]), 2), T.ShapeError, /maxPool2d: input must be 4-D/],
    ['avgPool2d', () => T.avgPool2d(f([1, 1, 4, 4]), 2, { padding: 2 }), T.ShapeError, /avgPool2d: padding \[2, 2\] must be at most half the kernel/],
    ['layerNorm', () => T.layerNorm(f([2, 3]), [2]), T.ShapeError, /layerNorm: normalizedShape \[2\] must match the trailing axes of input \[2, 3\]/],
    ['layerNorm', () => T.layerNorm(f([2, 3]), [3], f([2])), T.ShapeError, /layerNorm: weight\/bias \[2\] must have shape \[3\]/],
    ['dropout', () => T.dropout(f([2]), 1.5), T.ValueError, /dropout: p must be in \[0, 1\], got 1.5/],
    ['reshape', () => T.reshape(f([2, 3]), [5]), T.ShapeError, /reshape: shape \[5\] \(5 elements\) does not fit a tensor of shape \[2, 3\]/],
    ['permute', () => T.permute(f([2, 3]), [0]), T.ShapeError, /permute: axes \[0\] are not a permutation/],
    ['expand', () => T.expand(f([2, 3]), [3]), T.ShapeError, /expand: target \[3\] has fewer axes/],
    ['slice', () => T.slice(f([2]), [[0, 1, 0]]), T.ValueError, /slice: step must be a positive integer/],
    ['cast', () => T.cast(f([2]), 'float64' as T.DType), T.DTypeError, /cast: unknown dtype 'float64'/],
    ['where', () => T.where(T.tensor([true, false], { backend: cpu }), f([3]), 0), T.ShapeError, /where: shapes \[2\] and \[3\] do not broadcast/],
    ['maskedFill', () => T.maskedFill(f([2]), f([2]), 0), T.DTypeError, /maskedFill: mask must be bool, got float32/],
    ['clamp', () => T.clamp(f([2])), T.ValueError, /clamp: give at least one of min and max/],
    ['neg', () => T.neg(T.tensor([true], { backend: cpu })), T.DTypeError, /neg: negation of a bool tensor is not supported/],
    ['fromArray', () => T.fromArray(new Float32Array(3), [2, 2], { backend: cpu }), T.ShapeError, /fromArray: 3 values do not fill shape \[2, 2\]/],
    ['full', () => T.full([2, 1.5], 0, { backend: cpu }), T.ShapeError, /full: shape \[2, 1.5\] is invalid/],
    ['add', () => T.add(f([2]), 'x' as unknown as number), T.BackendError, /expected a Tensor or a number, got string/],
    ['add', () => T.add(null as unknown as T.Tensor, f([2])), T.BackendError, /expected a Tensor/],
  );
  return cases;
}

describe('bad input gives a clear TesseraError naming the op', () => {
  for (const [op, call, error, message] of table()) {
    it(`${op}: ${message.source.slice(0, 70)}`, () => {
      let thrown: unknown;
      try {
        call();
      } catch (e) {
        thrown = e;
      }
      expect(thrown, `${op} did not throw`).toBeInstanceOf(error);
      expect(thrown).toBeInstanceOf(T.TesseraError);
      expect((thrown as Error).message).toMatch(message);
    });
  }
});

describe('valid but unusual input gives the right answer, not an error', () => {
  it('NaN propagates through elementwise ops, reductions and matmul', () => {
    T.use(cpu);
    const x = T.tensor([1, NaN, 3]);
    expect(Number.isNaN(x.exp().dataSync()[1])).toBe(true);
    expect(Number.isNaN(x.sum().itemSync())).toBe(true);
    expect(Number.isNaN(x.max().itemSync())).toBe(true);
    expect(Number.isNaN(x.maximum(0).dataSync()[1])).toBe(true);
    expect(Number.isNaN(x.relu().dataSync()[1])).toBe(true);
    expect(Number.isNaN(T.matmul(x, T.ones([3])).itemSync())).toBe(true);
    expect(x.argmax().itemSync()).toBe(1);
    expect(Array.from(x.sort().indices.dataSync())).toEqual([0, 2, 1]);
  });

  it('empty tensors flow through ops with empty results', () => {
    T.use(cpu);
    const e = T.zeros([0, 3]);
    expect(e.exp().shape).toEqual([0, 3]);
    expect(e.add(T.ones([3])).shape).toEqual([0, 3]);
    expect(e.sum(0).arraySync()).toEqual([0, 0, 0]);
    expect(e.sum(1).shape).toEqual([0]);
    expect(T.matmul(e, T.ones([3, 2])).shape).toEqual([0, 2]);
    expect(Array.from(T.matmul(T.ones([2, 0]), T.ones([0, 2])).dataSync())).toEqual([0, 0, 0, 0]);
    expect(T.concat([e, T.ones([1, 3])]).shape).toEqual([1, 3]);
    expect(e.softmax(-1).shape).toEqual([0, 3]);
    expect(e.reshape(3, 0).shape).toEqual([3, 0]);
    expect(e.mean(0).dataSync().every(Number.isNaN)).toBe(true);
  });
});
