/** ExponentialLR: decay by `gamma` every epoch. @packageDocumentation */
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, type SchedulerOptions } from './lr-scheduler.js';

/**
 * torch.optim.lr_scheduler.ExponentialLR: multiplies the lr by `gamma` every epoch.
 * @example
 * const sched = new ExponentialLR(opt, 0.9);
 */
export class ExponentialLR extends LRScheduler {
  /** Multiplicative factor. */
  gamma: number;

  constructor(optimizer: Optimizer, gamma: number, options: SchedulerOptions = {}) {
    super(optimizer, 'ExponentialLR');
    this.gamma = gamma;
    this.initialize(options.lastEpoch, options.verbose);
  }

  protected computeLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** this.lastEpoch);
  }
}
