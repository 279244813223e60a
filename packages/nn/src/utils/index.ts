/**
 * torch.nn.utils: gradient clipping, parameter/vector conversion, summary, and `rnn` helpers.
 * @packageDocumentation
 */
export { clipGradNorm_, clipGradValue_ } from './clip-grad.js';
export type { ParamsLike } from './clip-grad.js';
export { parametersToVector, vectorToParameters } from './convert-parameters.js';
export { summary } from './summary.js';
export * as rnn from './rnn.js';
export { PackedSequence } from './rnn.js';
