/** Losses, like `torch.nn.functional`'s: functions of (input, target, options) -> Tensor. */
export type { Reduction } from './reduction.js';
export { mseLoss, l1Loss, huberLoss, smoothL1Loss, type LossOptions } from './regression.js';
export {
  crossEntropy, nllLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits, klDiv,
  type CrossEntropyOptions, type NllLossOptions, type BinaryCrossEntropyOptions,
  type BinaryCrossEntropyWithLogitsOptions, type KlDivOptions,
} from './classification.js';
