/** softmax and logSoftmax along an axis: the backend's fused kernel when it has one, else composed. */
import { composite, noGrad, record } from '../autograd.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { cast, exp, log, mul, sub, where } from './elementwise.js';
import { backendOf, empty } from './helpers.js';
import { max, sum } from './reduce.js';
import { contiguous } from './views.js';

type Kind = 'softmax' | 'logSoftmax';

function forward(kind: Kind, x: Tensor, axis: number): Tensor {
  const backend = backendOf(kind, [x]);
  const fused = backend.fused?.[kind];
  if (fused && axis === x.rank - 1 && x.size > 0) {
    const dense = contiguous(x);
    const out = empty(backend, x.shape, 'float32');
    fused.call(backend.fused, dense.kernelView(), out.kernelView());
    if (dense !== x) dense.dispose();
    return out;
  }
  return noGrad(() =>
    composite(() => {
      const m = max(x, axis, true);
      const shifted = sub(x, where(m.abs().eq(Infinity), 0, m));
      const e = exp(shifted);
      const s = sum(e, axis, true);
      return kind === 'softmax' ? e.div(s) : sub(shifted, log(s));
    }),
  );
}

function prepare(kind: Kind, x: Tensor, axis: number): [Tensor, number] {
  backendOf(kind, [x]);
  const a = normalizeAxis(kind, axis, x.rank);
  return [x.dtype === 'float32' ? x : cast(x, 'float32'), x.rank === 0 ? 0 : a];
}

/** exp(x) / sum(exp(x)) along `axis`, computed stably. */
export function softmax(x: Tensor, axis = -1): Tensor {
  const [xf, a] = prepare('softmax', x, axis);
  if (xf.rank === 0) return exp(sub(xf, xf));
  const y = forward('softmax', xf, a);
  return record('softmax', y, [xf], (g) => [mul(y, sub(g, sum(mul(g, y), a, true)))]);
}

/** x - logsumexp(x) along `axis`, computed stably. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const [xf, a] = prepare('logSoftmax', x, axis);
  if (xf.rank === 0) return sub(xf, xf);
  const y = forward('logSoftmax', xf, a);
  return record('logSoftmax', y, [xf], (g) => [sub(g, mul(exp(y), sum(g, a, true)))]);
}
