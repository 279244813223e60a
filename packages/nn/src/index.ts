/**
 * @kiln/nn — PyTorch's torch.nn for TypeScript: Module, Parameter, containers, layers, losses,
 * recurrent and attention layers, and utilities (clipGradNorm_, summary, …).
 * @packageDocumentation
 */
export { Module, deepcopy } from './module.js';
/** torch.nn.init and torch.nn.functional under their PyTorch paths: `nn.init.xavierUniform_(w)`, `nn.functional.relu(x)`. */
export * as init from '@kiln/init';
export * as functional from '@kiln/functional';
export type { ForwardHook, ForwardPreHook, BackwardHook, IncompatibleKeys, StateDict, ModuleToTarget } from './module.js';
export { Parameter, Buffer, isParameter, isBuffer } from './parameter.js';
export { Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict } from './containers.js';
export { Identity, Linear, Bilinear } from './linear.js';
export type { FactoryOptions } from './linear.js';
export { Flatten, Unflatten } from './flatten.js';
export { ConvNd, Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from './conv.js';
export type { ConvOptions, ConvTransposeOptions, PaddingMode } from './conv.js';
export {
  MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d, LPPool1d, LPPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d,
  AdaptiveMaxPool1d, AdaptiveMaxPool2d,
} from './pooling.js';
export type { MaxPoolOptions, AvgPoolOptions, AdaptiveSize, PoolResult } from './pooling.js';
export {
  NormBase, BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, LayerNorm, GroupNorm, LocalResponseNorm,
} from './normalization.js';
export type { NormOptions } from './normalization.js';
export { Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout } from './dropout.js';
export { Fold, Unfold } from './fold.js';
export type { FoldOptions } from './fold.js';
export { Embedding } from './sparse.js';
export type { EmbeddingOptions } from './sparse.js';
export {
  ReLU, ReLU6, LeakyReLU, ELU, CELU, SELU, GELU, SiLU, Mish, Sigmoid, LogSigmoid, Tanh, Tanhshrink, Softsign, Hardtanh, Hardsigmoid,
  Hardswish, Softplus, Softshrink, Hardshrink, Threshold, Softmax, Softmin, LogSoftmax, Softmax2d, GLU, PReLU, RReLU,
} from './activation.js';
export type { InplaceOptions } from './activation.js';
export {
  Loss, WeightedLoss, L1Loss, MSELoss, CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, SmoothL1Loss, HuberLoss, KLDivLoss,
  MarginRankingLoss, HingeEmbeddingLoss, CosineEmbeddingLoss, TripletMarginLoss, SoftMarginLoss, MultiLabelSoftMarginLoss,
  PoissonNLLLoss, GaussianNLLLoss, CTCLoss,
} from './loss.js';
export type { Reduction, LossOptions, CrossEntropyLossOptions } from './loss.js';
export {
  ZeroPad2d, ConstantPad1d, ConstantPad2d, ConstantPad3d, ReflectionPad1d, ReflectionPad2d, ReplicationPad1d, ReplicationPad2d, ReplicationPad3d,
} from './padding.js';
export { Upsample, PixelShuffle, PixelUnshuffle } from './upsampling.js';
export type { UpsampleMode } from './upsampling.js';
export { CosineSimilarity, PairwiseDistance } from './distance.js';
export { RNNBase, RNN, LSTM, GRU, RNNCellBase, RNNCell, LSTMCell, GRUCell } from './rnn.js';
export type { RNNOptions } from './rnn.js';
export {
  MultiheadAttention, NonDynamicallyQuantizableLinear, TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer, TransformerDecoder, Transformer,
} from './transformer.js';
export type {
  MultiheadAttentionOptions, AttentionCallOptions, TransformerActivation, TransformerEncoderLayerOptions, EncoderCallOptions, DecoderCallOptions,
  TransformerOptions,
} from './transformer.js';
export * as utils from './utils/index.js';
export { clipGradNorm_, clipGradValue_, parametersToVector, vectorToParameters, summary } from './utils/index.js';
export type { ParamsLike } from './utils/index.js';
