/** MultiplicativeLR: multiply the lr by a user function of the epoch, every epoch. @packageDocumentation */
import type { Optimizer } from '../optimizer.js';
import { lambdasFor, type LrLambda } from './lambda-lr.js';
import { LRScheduler, type SchedulerOptions, type SchedulerStateDict } from './lr-scheduler.js';

/**
 * torch.optim.lr_scheduler.MultiplicativeLR: from epoch 1 on, `lr *= lrLambda(epoch)`.
 * Functions are not part of the state dict.
 * @example
 * const sched = new MultiplicativeLR(opt, () => 0.95);
 */
export class MultiplicativeLR extends LRScheduler {
  /** The factor functions, one per group. */
  lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer, lrLambda: LrLambda | readonly LrLambda[], options: SchedulerOptions = {}) {
    super(optimizer, 'MultiplicativeLR');
    this.lrLambdas = lambdasFor(optimizer, lrLambda, 'MultiplicativeLR');
    this.initialize(options.lastEpoch, options.verbose);
  }

  protected computeLr(): number[] {
    if (this.lastEpoch > 0) return this.groups.map((g, i) => g.lr * this.lrLambdas[i]!(this.lastEpoch));
    return this.groups.map((g) => g.lr);
  }

  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), lrLambdas: this.lrLambdas.map(() => null) };
  }

  override loadStateDict(stateDict: SchedulerStateDict): void {
    const { lrLambdas: _, ...rest } = stateDict;
    super.loadStateDict(rest);
  }
}
