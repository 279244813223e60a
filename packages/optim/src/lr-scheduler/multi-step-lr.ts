/** MultiStepLR: decay by `gamma` at each milestone. @packageDocumentation */
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, type SchedulerOptions } from './lr-scheduler.js';

/**
 * torch.optim.lr_scheduler.MultiStepLR: multiplies the lr by `gamma` at every milestone epoch
 * (a milestone listed twice multiplies by `gamma²`, as PyTorch's Counter does).
 * @example
 * const sched = new MultiStepLR(opt, [30, 80], { gamma: 0.1 });
 */
export class MultiStepLR extends LRScheduler {
  /** Epoch → how many times it was listed. */
  milestones: Record<number, number>;
  /** Multiplicative factor (default 0.1). */
  gamma: number;

  constructor(optimizer: Optimizer, milestones: readonly number[], options: SchedulerOptions & { gamma?: number } = {}) {
    super(optimizer, 'MultiStepLR');
    this.milestones = {};
    for (const m of milestones) this.milestones[m] = (this.milestones[m] ?? 0) + 1;
    this.gamma = options.gamma ?? 0.1;
    this.initialize(options.lastEpoch, options.verbose);
  }

  protected computeLr(): number[] {
    const n = this.milestones[this.lastEpoch];
    if (n === undefined) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma ** n);
  }

  protected override closedFormLr(): number[] {
    let passed = 0; // bisect_right over the sorted milestones
    for (const [m, n] of Object.entries(this.milestones)) if (Number(m) <= this.lastEpoch) passed += n;
    return this.baseLrs.map((lr) => lr * this.gamma ** passed);
  }
}
