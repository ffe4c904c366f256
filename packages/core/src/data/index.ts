/** Datasets, batching and shuffling, splits and feature scaling (`torch.utils.data` semantics). */
export { TensorDataset, Subset, ConcatDataset, randomSplit, trainValSplit, type Dataset, type TrainValSplitOptions } from './dataset.js';
export { DataLoader, defaultCollate, type DataLoaderOptions, type Collated } from './loader.js';
export { randperm } from './random.js';
export {
  Standardizer, MinMaxScaler, standardise, standardize, normalise, normalize, type StandardizerOptions, type MinMaxScalerOptions,
} from './scalers.js';
export { oneHot } from '../ops/indexing.js';
