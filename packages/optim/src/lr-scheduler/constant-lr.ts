/** ConstantLR: a constant factor for the first `totalIters` epochs. @packageDocumentation */
import { ValueError } from '@kiln/tensor';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, type SchedulerOptions } from './lr-scheduler.js';

/** Options of {@link ConstantLR}. */
export interface ConstantLROptions extends SchedulerOptions {
  /** Factor applied until `totalIters` (default 1/3). */
  factor?: number;
  /** Epochs the factor applies (default 5). */
  totalIters?: number;
}

/**
 * torch.optim.lr_scheduler.ConstantLR: lr × `factor` until epoch `totalIters`, then the base lr.
 * @example
 * const warmup = new ConstantLR(opt, { factor: 0.5, totalIters: 4 });
 */
export class ConstantLR extends LRScheduler {
  /** Factor applied until `totalIters`. */
  factor: number;
  /** Epochs the factor applies. */
  totalIters: number;

  constructor(optimizer: Optimizer, options: ConstantLROptions = {}) {
    super(optimizer, 'ConstantLR');
    this.factor = options.factor ?? 1 / 3;
    this.totalIters = options.totalIters ?? 5;
    if (this.factor > 1 || this.factor < 0) {
      throw new ValueError(`ConstantLR: Constant multiplicative factor expected to be between 0 and 1 (got factor ${this.factor}).`);
    }
    this.initialize(options.lastEpoch, options.verbose);
  }

  protected computeLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 / this.factor));
  }

  protected override closedFormLr(): number[] {
    const after = this.lastEpoch >= this.totalIters ? 1 : 0;
    return this.baseLrs.map((lr) => lr * (this.factor + after * (1 - this.factor)));
  }
}
