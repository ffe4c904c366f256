/**
 * Like TensorFlow.js's checkKernelForMemLeak: every op, forward and backward, leaves behind
 * exactly the tensors it returns — no internal temporaries — so code without `tidy` does not
 * depend on the garbage collector to free backend buffers.
 */
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@tessera/backend-cpu';
import * as T from '@tessera/core';

const backend = createCpuBackend();

function live(): { tensors: number; buffers: number } {
  const m = T.memory().backends[backend.name];
  return { tensors: m?.tensors ?? 0, buffers: m?.backend.buffers ?? 0 };
}

/** [name, op]: `op` gets x [2, 3] (requiring grad) and constants made before the count starts. */
type OpCase = [name: string, op: (x: T.Tensor, c: Constants) => T.Tensor | T.Tensor[] | { values: T.Tensor; indices: T.Tensor }];
interface Constants {
  idx: T.Tensor; cols: T.Tensor; ints: T.Tensor; w: T.Tensor; b: T.Tensor; k: T.Tensor; mask: T.Tensor;
  /** Views the test itself makes (user code, not the op under test); disposed before counting. */
  user: <V extends T.Tensor>(t: V) => V;
  userMade: T.Tensor[];
}
const constants = (): Constants => ({
  idx: T.tensor([[1, 0, 2], [0, 0, 1]], { dtype: 'int32', backend }),
  cols: T.tensor([2, 0], { dtype: 'int32', backend }),
  ints: T.arange(3, undefined, 1, { backend }),
  w: T.ones([4, 3], { backend }),
  b: T.ones([4], { backend }),
  k: T.ones([2, 1, 2, 2], { backend }),
  mask: T.tensor([true, false, true], { backend }),
  userMade: [],
  user(t) {
    this.userMade.push(t);
    return t;
  },
});

const CASES: OpCase[] = [
  ['exp', (x) => x.exp()], ['gelu', (x) => x.gelu()], ['gelu tanh', (x) => x.gelu('tanh')], ['clamp', (x) => x.clamp(-0.1, 0.1)],
  ['leakyRelu', (x) => x.leakyRelu()], ['elu', (x) => x.elu()], ['add scalar', (x) => x.add(2)], ['sub alpha', (x) => x.sub(x, 2)],
  ['rsub', (x) => T.sub(1, x)], ['rdiv', (x) => T.div(1, x)], ['pow', (x) => x.pow(2)], ['rpow', (x) => T.pow(2, x)],
  ['maximum', (x) => x.maximum(0)], ['where', (x, c) => T.where(c.mask, x, 0)], ['int promotion', (x, c) => x.add(c.ints)],
  ['sum', (x) => x.sum(1)], ['mean', (x) => x.mean()], ['prod', (x) => x.prod(0)], ['max', (x) => x.max(1)], ['argmax', (x) => x.argmax(1)],
  ['var', (x) => x.var(1)], ['std', (x) => x.std()], ['logsumexp', (x) => x.logsumexp(1)], ['cumsum', (x) => x.cumsum(1)],
  ['softmax', (x) => x.softmax(-1)], ['logSoftmax axis 0', (x) => x.logSoftmax(0)],
  ['matmul', (x, c) => x.matmul(c.user(c.w.T))], ['matmul 1-D', (x, c) => T.matmul(c.user(c.ints.float()), c.user(x.T))],
  ['linear', (x, c) => T.linear(x, c.w, c.b)], ['reshape copy', (x, c) => c.user(x.permute(1, 0)).reshape(-1)], ['slice', (x) => x.slice([null, [0, 3, 2]])],
  ['expand', (x) => x.expand(2, 2, 3)], ['concat', (x) => T.concat([x, x], 1)], ['stack', (x) => T.stack([x, x])], ['pad', (x) => x.pad([1, 1])],
  ['gather', (x, c) => x.gather(1, c.idx)], ['indexSelect', (x, c) => x.indexSelect(1, c.cols)], ['scatterAdd', (x, c) => x.scatterAdd(1, c.idx, x)],
  ['tril', (x) => x.tril()], ['sort', (x) => x.sort(1)], ['topk', (x) => x.topk(2, 1)],
  ['layerNorm', (x) => T.layerNorm(x, [3])], ['dropout', (x) => T.dropout(x, 0.5)],
  ['conv2d', (x, c) => T.conv2d(c.user(x.reshape(1, 1, 2, 3)), c.k, null, { padding: 1 })],
  ['maxPool2d', (x, c) => T.maxPool2d(c.user(x.reshape(1, 1, 2, 3)), 2, { stride: 1 })],
  ['avgPool2d', (x, c) => T.avgPool2d(c.user(x.reshape(1, 1, 2, 3)), [1, 2])],
];

describe('ops leave no tensors behind', () => {
  for (const [name, op] of CASES) {
    it(`${name}: forward and backward create only the outputs and gradients they return`, () => {
      T.use(backend);
      T.manualSeed(0);
      const x = T.randn([2, 3]).requiresGrad_();
      const c = constants();
      const fn = (t: T.Tensor) => op(t, c);
      // Forward alone, without grad.
      const before = live();
      T.dispose(T.noGrad(() => fn(x)), c.userMade.splice(0));
      expect(live()).toEqual(before);
      // Forward + backward: afterwards only x.grad is new.
      const out = fn(x);
      const first = (out instanceof T.Tensor ? out : Array.isArray(out) ? out[0] : out.values);
      if (first.requiresGrad) {
        const loss = first.sum();
        loss.backward();
        T.dispose(loss);
      }
      T.dispose(out, c.userMade.splice(0));
      const grads = x.grad ? 1 : 0;
      x.zeroGrad();
      expect(grads === 1 || !first.requiresGrad).toBe(true);
      expect(live()).toEqual(before);
      T.dispose(x, c);
    });
  }
});
