/**
 * @kiln/functional — PyTorch's torch.nn.functional for Kiln, usually imported as
 * `import * as F from '@kiln/functional'`.
 * @packageDocumentation
 */
export * from './activations.js';
export * from './softmax.js';
export * from './linear.js';
export * from './conv.js';
export * from './pooling.js';
export * from './loss.js';
export * from './normalization.js';
export * from './dropout.js';
export * from './embedding.js';
export * from './padding.js';
export * from './interpolate.js';
export * from './pixel-shuffle.js';
export * from './fold.js';
export * from './distance.js';
export * from './attention.js';
export type { Reduction, IntOrTuple } from './util.js';
export * from './ctc.js';
export * from './grid-sample.js';
