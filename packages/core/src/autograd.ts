/**
 * Define-by-run reverse-mode autodiff. Every recorded op stores a {@link GradNode} on its
 * output: its inputs and a vector-Jacobian product written with core ops, so gradients run
 * on every backend and, with `createGraph`, are themselves differentiable.
 */
import { formatShape, ValueError } from './errors.js';
import { tidy, withScope } from './memory.js';
import { isGradEnabled, setGradEnabled } from './runtime.js';
import { shapesEqual } from './shape.js';
import { Tensor } from './tensor.js';
import { add } from './ops/elementwise.js';
import { checkFinite } from './ops/anomaly.js';
import { onesLike, zerosLike } from './ops/creation.js';
import { alias } from './ops/views.js';

/** Given the gradient of the output, the gradients of each input (null where none flows). */
export type VJP = (grad: Tensor) => (Tensor | null | undefined)[];

export interface GradNode {
  /** The op's name, for errors and anomaly reports. */
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly vjp: VJP;
  /** Set once a backward pass without `retainGraph` has used the node. */
  freed: boolean;
  /** Temporaries of a composite op that inner nodes still read; freed with the graph. */
  owned?: Tensor[];
}

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again. */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients. Implies retainGraph. */
  createGraph?: boolean;
}

/**
 * Attach a node to `out` when grad mode is on and any input requires grad. Ops call this
 * right after computing their output; `vjp` is only called during backward.
 */
export function record(op: string, out: Tensor, inputs: readonly Tensor[], vjp: VJP): Tensor {
  checkFinite(op, out, inputs);
  if (!isGradEnabled() || !inputs.some((t) => t.requiresGrad)) return out;
  if (out.dtype !== 'float32') return out;
  out.requiresGrad = true;
  out.node = { op, inputs, vjp, freed: false };
  return out;
}

/**
 * Run a composite op's body: every tensor it creates besides its result is a temporary. They
 * are freed at once when no gradient is recorded, or else when a backward pass frees the graph.
 */
export function composite<T extends Tensor>(fn: () => T): T {
  return withScope(fn, (temporaries, out) => {
    if (out.node && out.requiresGrad) (out.node.owned ??= []).push(...temporaries);
    else for (const t of temporaries) t.dispose();
  });
}

/** Run `fn` with gradient recording off (like `torch.no_grad()`). */
export function noGrad<T>(fn: () => T): T {
  const prev = setGradEnabled(false);
  try {
    return fn();
  } finally {
    setGradEnabled(prev);
  }
}

/** Run `fn` with gradient recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  const prev = setGradEnabled(true);
  try {
    return fn();
  } finally {
    setGradEnabled(prev);
  }
}

/** Tensors reachable from `roots` through recorded nodes, inputs before outputs. */
function topologicalOrder(roots: readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, boolean][] = roots.map((r) => [r, false]);
  while (stack.length > 0) {
    const [t, expanded] = stack.pop()!;
    if (expanded) {
      order.push(t);
      continue;
    }
    if (seen.has(t)) continue;
    seen.add(t);
    stack.push([t, true]);
    for (const input of t.node?.inputs ?? []) if (input.requiresGrad && !seen.has(input)) stack.push([input, false]);
  }
  return order;
}

/**
 * Propagate `rootGrads` back from `roots`. With `targets`, returns their gradients and leaves
 * `.grad` alone; without, accumulates into every reachable leaf's `.grad`.
 */
function propagate(
  roots: readonly Tensor[],
  rootGrads: readonly Tensor[],
  targets: readonly Tensor[] | null,
  { retainGraph = false, createGraph = false }: BackwardOptions,
): Map<Tensor, Tensor> {
  retainGraph ||= createGraph;
  const grads = new Map<Tensor, Tensor>();
  const found = new Map<Tensor, Tensor>();
  const targetSet = new Set(targets ?? []);
  const accumulate = (t: Tensor, g: Tensor): void => {
    const prev = grads.get(t);
    if (!prev) {
      grads.set(t, createGraph ? g : alias(g));
      return;
    }
    grads.set(t, add(prev, g));
    if (!createGraph) prev.dispose();
  };
  roots.forEach((r, i) => accumulate(r, rootGrads[i]));

  const spentOwned: Tensor[] = [];
  const prevMode = setGradEnabled(createGraph);
  try {
    const order = topologicalOrder(roots);
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const g = grads.get(t);
      if (!g) continue;
      grads.delete(t);
      if (targetSet.has(t)) {
        found.set(t, g);
        continue;
      }
      const node = t.node;
      if (!node) {
        if (targets === null) accumulateLeafGrad(t, g, createGraph);
        else if (!createGraph) g.dispose();
        continue;
      }
      if (node.freed) {
        throw new ValueError(`backward: the graph through '${node.op}' was freed by an earlier backward(); pass { retainGraph: true } to the first call to run backward twice.`);
      }
      const inputGrads = runVJP(node, g, createGraph);
      const spent = new Set<Tensor>();
      for (let k = 0; k < node.inputs.length; k++) {
        const input = node.inputs[k];
        const ig = inputGrads[k];
        if (!ig) continue;
        spent.add(ig);
        if (!input.requiresGrad) continue;
        if (!shapesEqual(ig.shape, input.shape)) {
          throw new ValueError(`backward: the gradient of '${node.op}' input ${k} has shape ${formatShape(ig.shape)}, expected ${formatShape(input.shape)} (a bug in the op's VJP).`);
        }
        checkFinite(`${node.op} (backward)`, ig, [g]);
        accumulate(input, ig);
      }
      if (!createGraph) for (const ig of spent) if (ig !== g) ig.dispose();
      if (!retainGraph) {
        node.freed = true;
        if (node.owned) spentOwned.push(...node.owned);
        node.owned = undefined;
      }
      if (!createGraph) g.dispose();
    }
  } finally {
    setGradEnabled(prevMode);
    if (!createGraph) for (const g of grads.values()) g.dispose();
    for (const t of spentOwned) t.dispose();
  }
  return found;
}

/**
 * Call a node's VJP. Without `createGraph`, every tensor it creates except the gradients it
 * returns is freed right away. Errors raised inside (e.g. by anomaly mode) name the op.
 */
function runVJP(node: GradNode, g: Tensor, createGraph: boolean): (Tensor | null | undefined)[] {
  try {
    return createGraph ? node.vjp(g) : tidy(() => node.vjp(g));
  } catch (err) {
    if (err instanceof ValueError && !err.message.includes('(in the backward of')) {
      err.message += ` (in the backward of '${node.op}')`;
    }
    throw err;
  }
}

function accumulateLeafGrad(leaf: Tensor, g: Tensor, createGraph: boolean): void {
  if (leaf.grad) {
    const sum = add(leaf.grad, g);
    leaf.grad.dispose();
    leaf.grad = sum.keep();
    if (!createGraph) g.dispose();
  } else {
    leaf.grad = g.keep();
  }
}

/** `tensor.backward()`: gradients of `root` into every leaf's `.grad`. */
export function backward(root: Tensor, gradient?: Tensor, options: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new ValueError(`backward: tensor ${formatShape(root.shape)} does not require grad; create an input with { requiresGrad: true } or call requiresGrad_() on a leaf.`);
  }
  let seed = gradient;
  if (!seed) {
    if (root.size !== 1) {
      throw new ValueError(`backward: gradient can be implied only for one-element outputs, got shape ${formatShape(root.shape)}; pass a gradient of that shape.`);
    }
    seed = onesLike(root);
  } else if (!shapesEqual(seed.shape, root.shape)) {
    throw new ValueError(`backward: gradient shape ${formatShape(seed.shape)} does not match the output's ${formatShape(root.shape)}.`);
  }
  const ownSeed = seed !== gradient;
  propagate([root], [seed], null, options);
  if (ownSeed && !options.createGraph) seed.dispose();
}

/**
 * Gradients of a scalar `output` with respect to `inputs` (like `torch.autograd.grad`),
 * without touching `.grad`. Inputs the output does not depend on get zeros.
 */
export function gradients(output: Tensor, inputs: readonly Tensor[], options: BackwardOptions = {}): Tensor[] {
  if (output.size !== 1) throw new ValueError(`gradients: output must have one element, got shape ${formatShape(output.shape)}.`);
  if (!output.requiresGrad) return inputs.map((x) => zerosLike(x));
  const seed = onesLike(output);
  const found = propagate([output], [seed], inputs, options);
  if (!options.createGraph) seed.dispose();
  return inputs.map((x) => found.get(x) ?? zerosLike(x));
}

type GradFn = (...args: Tensor[]) => Tensor;

/**
 * `valueAndGrad(f, argnums)(...args)` returns `[f(...args), gradients]` — one tensor when
 * `argnums` is a number, an array when it is a list. Nests: `grad(grad(f))` gives second
 * derivatives, because an inner call records its backward pass when its inputs require grad.
 */
export function valueAndGrad(f: GradFn, argnums: number): (...args: Tensor[]) => [Tensor, Tensor];
export function valueAndGrad(f: GradFn, argnums: readonly number[]): (...args: Tensor[]) => [Tensor, Tensor[]];
export function valueAndGrad(f: GradFn, argnums: number | readonly number[] = 0) {
  return (...args: Tensor[]): [Tensor, Tensor | Tensor[]] => {
    const nums = typeof argnums === 'number' ? [argnums] : [...argnums];
    for (const n of nums) {
      if (!(args[n] instanceof Tensor)) throw new ValueError(`grad: argument ${n} must be a Tensor (argnums [${nums.join(', ')}], ${args.length} arguments given).`);
    }
    const nested = isGradEnabled() && nums.some((n) => args[n].requiresGrad);
    const inputs = args.map((a, i) => {
      if (!nums.includes(i)) return a;
      return nested && a.requiresGrad ? alias(a, true) : a.detach().requiresGrad_(true);
    });
    const prev = setGradEnabled(true);
    let value: Tensor;
    let grads: Tensor[];
    try {
      value = f(...inputs);
      grads = gradients(value, nums.map((n) => inputs[n]), { createGraph: nested });
    } finally {
      setGradEnabled(prev);
    }
    return [value, typeof argnums === 'number' ? grads[0] : grads];
  };
}

/** `grad(f, argnums)(...args)`: the gradient of scalar `f` with respect to the chosen arguments. */
export function grad(f: GradFn, argnums?: number): (...args: Tensor[]) => Tensor;
export function grad(f: GradFn, argnums: readonly number[]): (...args: Tensor[]) => Tensor[];
export function grad(f: GradFn, argnums: number | readonly number[] = 0): (...args: Tensor[]) => Tensor | Tensor[] {
  const vg = typeof argnums === 'number' ? valueAndGrad(f, argnums) : valueAndGrad(f, argnums);
  return (...args: Tensor[]) => vg(...args)[1];
}
