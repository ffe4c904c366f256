/**
 * Neural-network layers, like `torch.nn`: `Module` and its tree of parameters, the layers,
 * `nn.init` and `nn.functional`. Names, options, parameter names and default initialisation
 * follow PyTorch, so a PyTorch state dict loads with `loadStateDict`.
 */
export { Module, Parameter, copyInto, type AnyModule, type LoadResult, type StateDict } from './module.js';
export * as init from './init.js';
export * as functional from './functional.js';
export { Linear, Identity, Flatten, Unflatten, type LinearOptions } from './linear.js';
export { ReLU, GELU, SiLU, Tanh, Sigmoid, Softplus, LeakyReLU, ELU, Softmax, LogSoftmax } from './activation.js';
export { Sequential, ModuleList, ModuleDict, type TensorModule } from './container.js';
export { Conv1d, Conv2d, type ConvOptions, type Padding } from './conv.js';
export { MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, type MaxPoolOptions, type AvgPoolOptions } from './pool.js';
export { BatchNorm1d, BatchNorm2d, LayerNorm, RMSNorm, GroupNorm, type BatchNormOptions, type LayerNormOptions } from './normalization.js';
export { Embedding, Dropout, type EmbeddingOptions } from './sparse.js';
export { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell, type RNNOptions, type SimpleRNNOptions } from './rnn.js';
export {
  MultiHeadAttention, MultiheadAttention, generateSquareSubsequentMask,
  type MultiHeadAttentionOptions, type MultiHeadAttentionForwardOptions,
} from './attention.js';
export {
  TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder, TransformerDecoder,
  type TransformerLayerOptions, type EncoderForwardOptions, type DecoderForwardOptions, type Activation,
} from './transformer.js';
export {
  MSELoss, L1Loss, HuberLoss, SmoothL1Loss, KLDivLoss, CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss,
} from './loss.js';
