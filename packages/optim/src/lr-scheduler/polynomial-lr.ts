/** PolynomialLR: polynomial decay to 0 over `totalIters` epochs. @packageDocumentation */
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, type SchedulerOptions } from './lr-scheduler.js';

/** Options of {@link PolynomialLR}. */
export interface PolynomialLROptions extends SchedulerOptions {
  /** Epochs of the decay (default 5). */
  totalIters?: number;
  /** Power of the polynomial (default 1). */
  power?: number;
}

/**
 * torch.optim.lr_scheduler.PolynomialLR: `lr = base · (1 - t/totalIters)^power` until `totalIters`.
 * @example
 * const sched = new PolynomialLR(opt, { totalIters: 100, power: 2 });
 */
export class PolynomialLR extends LRScheduler {
  /** Epochs of the decay. */
  totalIters: number;
  /** Power of the polynomial. */
  power: number;

  constructor(optimizer: Optimizer, options: PolynomialLROptions = {}) {
    super(optimizer, 'PolynomialLR');
    this.totalIters = options.totalIters ?? 5;
    this.power = options.power ?? 1;
    this.initialize(options.lastEpoch, options.verbose);
  }

  protected computeLr(): number[] {
    const { totalIters: n, lastEpoch: t } = this;
    if (t === 0 || t > n) return this.groups.map((g) => g.lr);
    const decay = ((1 - t / n) / (1 - (t - 1) / n)) ** this.power;
    return this.groups.map((g) => g.lr * decay);
  }

  protected override closedFormLr(): number[] {
    const { totalIters: n, lastEpoch: t } = this;
    return this.baseLrs.map((lr) => lr * (1 - Math.min(n, t) / n) ** this.power);
  }
}
