/**
 * @kiln/optim — optimizers with PyTorch 1.13's update rules (`SGD`, `Adam`, `AdamW`, `Adagrad`,
 * `RMSprop`, `Adadelta`, `Adamax`, `NAdam`, `RAdam`, `LBFGS`) on top of @kiln/tensor. Learning-rate
 * schedulers live in the `@kiln/optim/lr-scheduler` entry point.
 * @packageDocumentation
 */
export { Optimizer } from './optimizer.js';
export type { BaseOptions, ParamGroup, ParamGroupInput, Params, ParamState, OptimizerStateDict, Closure } from './optimizer.js';
export { fusedKernel, fusedOverrides } from './fused.js';
export type { FusedOptimizerKernel } from './fused.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam } from './adam.js';
export type { AdamOptions } from './adam.js';
export { AdamW } from './adamw.js';
export { Adagrad } from './adagrad.js';
export type { AdagradOptions } from './adagrad.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropOptions } from './rmsprop.js';
export { Adadelta } from './adadelta.js';
export type { AdadeltaOptions } from './adadelta.js';
export { Adamax } from './adamax.js';
export type { AdamaxOptions } from './adamax.js';
export { NAdam } from './nadam.js';
export type { NAdamOptions } from './nadam.js';
export { RAdam } from './radam.js';
export type { RAdamOptions } from './radam.js';
export { LBFGS } from './lbfgs.js';
export type { LBFGSOptions } from './lbfgs.js';
