/** Optimizers, learning-rate schedules and gradient clipping (`torch.optim` semantics). */
export {
  Optimizer, assign, type BaseParamGroup, type ParamGroup, type ParamGroupSpec, type ParamsArg, type ParamState,
  type OptimizerStateDict, type HasParamGroups,
} from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { RMSprop, Adagrad, type RMSpropOptions, type AdagradOptions } from './rmsprop.js';
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from './clip.js';
export { addcmul, addcdiv, powi } from './functional.js';
export {
  LRScheduler, StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, PolynomialLR, CosineAnnealingLR, LambdaLR,
  WarmupCosineLR, OneCycleLR, SequentialLR, ReduceLROnPlateau,
  type Scheduler, type StepLROptions, type MultiStepLROptions, type ConstantLROptions, type LinearLROptions,
  type ExponentialLROptions, type PolynomialLROptions, type CosineAnnealingLROptions, type LambdaLROptions,
  type WarmupCosineLROptions, type OneCycleLROptions, type SequentialLROptions, type ReduceLROnPlateauOptions,
} from './scheduler.js';
