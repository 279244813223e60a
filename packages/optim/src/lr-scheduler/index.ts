/**
 * @kiln/optim/lr-scheduler — learning-rate schedulers with PyTorch 1.13's semantics
 * (torch.optim.lr_scheduler).
 * @packageDocumentation
 */
export { LRScheduler, STEP_ORDER_WARNING, EPOCH_DEPRECATION_WARNING } from './lr-scheduler.js';
export type { SchedulerOptions, SchedulerStateDict } from './lr-scheduler.js';
export { StepLR } from './step-lr.js';
export { MultiStepLR } from './multi-step-lr.js';
export { ExponentialLR } from './exponential-lr.js';
export { ConstantLR } from './constant-lr.js';
export type { ConstantLROptions } from './constant-lr.js';
export { LinearLR } from './linear-lr.js';
export type { LinearLROptions } from './linear-lr.js';
export { PolynomialLR } from './polynomial-lr.js';
export type { PolynomialLROptions } from './polynomial-lr.js';
export { CosineAnnealingLR } from './cosine-annealing-lr.js';
export { CosineAnnealingWarmRestarts } from './cosine-annealing-warm-restarts.js';
export { LambdaLR } from './lambda-lr.js';
export type { LrLambda } from './lambda-lr.js';
export { MultiplicativeLR } from './multiplicative-lr.js';
export { OneCycleLR } from './one-cycle-lr.js';
export type { OneCycleLROptions } from './one-cycle-lr.js';
export { CyclicLR } from './cyclic-lr.js';
export type { CyclicLROptions } from './cyclic-lr.js';
export { SequentialLR } from './sequential-lr.js';
export { ChainedScheduler } from './chained-scheduler.js';
export { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';
export type { ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';
