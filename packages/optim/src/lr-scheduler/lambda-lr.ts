/** LambdaLR: lr = base lr × a user function of the epoch. @packageDocumentation */
import { ValueError } from '@kiln/tensor';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, type SchedulerOptions, type SchedulerStateDict } from './lr-scheduler.js';

/** A function of the epoch number giving a factor. */
export type LrLambda = (epoch: number) => number;

/** One lambda per group (or one for all), checked against the group count. @internal */
export function lambdasFor(optimizer: Optimizer, lrLambda: LrLambda | readonly LrLambda[], name: string): LrLambda[] {
  if (!Array.isArray(lrLambda)) return optimizer.paramGroups.map(() => lrLambda as LrLambda);
  if (lrLambda.length !== optimizer.paramGroups.length) {
    throw new ValueError(`${name}: Expected ${optimizer.paramGroups.length} lr_lambdas, but got ${lrLambda.length}`);
  }
  return [...lrLambda];
}

/**
 * torch.optim.lr_scheduler.LambdaLR: `lr = initialLr × lrLambda(epoch)` (one function, or one per group).
 * Functions are not part of the state dict (PyTorch saves `None` for plain functions too).
 * @example
 * const sched = new LambdaLR(opt, (epoch) => 0.95 ** epoch);
 */
export class LambdaLR extends LRScheduler {
  /** The factor functions, one per group. */
  lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer, lrLambda: LrLambda | readonly LrLambda[], options: SchedulerOptions = {}) {
    super(optimizer, 'LambdaLR');
    this.lrLambdas = lambdasFor(optimizer, lrLambda, 'LambdaLR');
    this.initialize(options.lastEpoch, options.verbose);
  }

  protected computeLr(): number[] {
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i]!(this.lastEpoch));
  }

  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), lrLambdas: this.lrLambdas.map(() => null) };
  }

  override loadStateDict(stateDict: SchedulerStateDict): void {
    const { lrLambdas: _, ...rest } = stateDict;
    super.loadStateDict(rest);
  }
}
