/** LinearLR: a linearly changing factor over `totalIters` epochs. @packageDocumentation */
import { ValueError } from '@kiln/tensor';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, type SchedulerOptions } from './lr-scheduler.js';

/** Options of {@link LinearLR}. */
export interface LinearLROptions extends SchedulerOptions {
  /** Factor at epoch 0 (default 1/3). */
  startFactor?: number;
  /** Factor from `totalIters` on (default 1). */
  endFactor?: number;
  /** Epochs of the ramp (default 5). */
  totalIters?: number;
}

/**
 * torch.optim.lr_scheduler.LinearLR: the factor moves linearly from `startFactor` to
 * `endFactor` over `totalIters` epochs (a warm-up when start < end).
 * @example
 * const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 10 });
 */
export class LinearLR extends LRScheduler {
  /** Factor at epoch 0. */
  startFactor: number;
  /** Final factor. */
  endFactor: number;
  /** Epochs of the ramp. */
  totalIters: number;

  constructor(optimizer: Optimizer, options: LinearLROptions = {}) {
    super(optimizer, 'LinearLR');
    this.startFactor = options.startFactor ?? 1 / 3;
    this.endFactor = options.endFactor ?? 1;
    this.totalIters = options.totalIters ?? 5;
    if (this.startFactor > 1 || this.startFactor < 0) {
      throw new ValueError(`LinearLR: Starting multiplicative factor expected to be between 0 and 1 (got startFactor ${this.startFactor}).`);
    }
    if (this.endFactor > 1 || this.endFactor < 0) {
      throw new ValueError(`LinearLR: Ending multiplicative factor expected to be between 0 and 1 (got endFactor ${this.endFactor}).`);
    }
    this.initialize(options.lastEpoch, options.verbose);
  }

  protected computeLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n, lastEpoch: t } = this;
    if (t === 0) return this.groups.map((g) => g.lr * s);
    if (t > n) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }

  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n, lastEpoch: t } = this;
    return this.baseLrs.map((lr) => lr * (s + ((e - s) * Math.min(n, t)) / n));
  }
}
