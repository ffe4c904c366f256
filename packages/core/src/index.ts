/**
 * @tessera/core: tensors, the Backend contract, autograd and the op set.
 * Every op is available as a function here and as a Tensor method.
 */
export * from './backend.js';
export * from './errors.js';
export * from './dtype.js';
export * from './shape.js';
export {
  registerBackend, listBackends, setBackend, getBackend, use,
  isGradEnabled, setGradEnabled, detectAnomaly, isAnomalyDetectionEnabled,
  manualSeed, getRngState, setRngState,
} from './runtime.js';
export { Tensor } from './tensor.js';
export { Storage } from './storage.js';
export { backward, gradients, grad, valueAndGrad, noGrad, enableGrad, record, type GradNode, type VJP, type BackwardOptions } from './autograd.js';
export { tidy, tidyAsync, keep, dispose, memory, type MemoryInfo, type BackendMemory } from './memory.js';
export { philox4x32 } from './random.js';
export * from './ops/creation.js';
export * from './ops/elementwise.js';
export * from './ops/reduce.js';
export * from './ops/views.js';
export * from './ops/matmul.js';
export * from './ops/combine.js';
export * from './ops/indexing.js';
export * from './ops/softmax.js';
export * from './ops/conv.js';
export * from './ops/pool.js';
export * from './ops/norm.js';
export * as nn from './nn/index.js';
export * from './losses/index.js';
export * as optim from './optim/index.js';
export * as data from './data/index.js';
export * as io from './io/index.js';
export * from './training/index.js';
