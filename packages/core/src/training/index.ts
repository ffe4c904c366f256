/** The training loop: `train` (epochs, accumulation, clipping, schedules, checkpoints, resume) and `trainStep`. */
export {
  train, trainStep, removeStaleTempFiles, NonFiniteLossError,
  type TrainOptions, type TrainResult, type TrainStepOptions, type StepInfo, type EpochInfo, type CheckpointOptions,
  type TrainModel, type TrainOptimizer, type TrainScheduler, type LossFn,
} from './train.js';
