/** StepLR: decay by `gamma` every `stepSize` epochs. @packageDocumentation */
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, type SchedulerOptions } from './lr-scheduler.js';

/**
 * torch.optim.lr_scheduler.StepLR: multiplies each group's lr by `gamma` every `stepSize` epochs.
 * @example
 * const sched = new StepLR(opt, 30, { gamma: 0.1 }); // lr 0.05 → 0.005 at epoch 30 → 0.0005 at 60
 */
export class StepLR extends LRScheduler {
  /** Period of the decay, in epochs. */
  stepSize: number;
  /** Multiplicative factor (default 0.1). */
  gamma: number;

  constructor(optimizer: Optimizer, stepSize: number, options: SchedulerOptions & { gamma?: number } = {}) {
    super(optimizer, 'StepLR');
    this.stepSize = stepSize;
    this.gamma = options.gamma ?? 0.1;
    this.initialize(options.lastEpoch, options.verbose);
  }

  protected computeLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}
