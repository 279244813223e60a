/** CosineAnnealingLR: cosine annealing from the base lr to `etaMin` over `TMax` epochs. @packageDocumentation */
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, type SchedulerOptions } from './lr-scheduler.js';

/**
 * torch.optim.lr_scheduler.CosineAnnealingLR (SGDR without restarts). The chainable form follows
 * PyTorch 1.13 exactly: after `TMax` the lr climbs back up along the cosine (period `2 TMax`).
 * @example
 * const sched = new CosineAnnealingLR(opt, 50, { etaMin: 1e-5 });
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Half period, in epochs (PyTorch's `T_max`). */
  TMax: number;
  /** Minimum lr (default 0). */
  etaMin: number;

  constructor(optimizer: Optimizer, TMax: number, options: SchedulerOptions & { etaMin?: number } = {}) {
    super(optimizer, 'CosineAnnealingLR');
    this.TMax = TMax;
    this.etaMin = options.etaMin ?? 0;
    this.initialize(options.lastEpoch, options.verbose);
  }

  protected computeLr(): number[] {
    const { TMax: T, etaMin: eta, lastEpoch: t } = this;
    if (t === 0) return this.groups.map((g) => g.lr);
    if (this._stepCount === 1 && t > 0) {
      return this.baseLrs.map((base) => eta + ((base - eta) * (1 + Math.cos((t * Math.PI) / T))) / 2);
    }
    // Python's % is a floor modulo; the left side may be negative.
    const m = (((t - 1 - T) % (2 * T)) + 2 * T) % (2 * T);
    if (m === 0) {
      return this.groups.map((g, i) => g.lr + ((this.baseLrs[i]! - eta) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return this.groups.map(
      (g) => ((1 + Math.cos((Math.PI * t) / T)) / (1 + Math.cos((Math.PI * (t - 1)) / T))) * (g.lr - eta) + eta,
    );
  }

  protected override closedFormLr(): number[] {
    const { TMax: T, etaMin: eta, lastEpoch: t } = this;
    return this.baseLrs.map((base) => eta + ((base - eta) * (1 + Math.cos((Math.PI * t) / T))) / 2);
  }
}
