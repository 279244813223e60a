/** CosineAnnealingWarmRestarts: cosine annealing with restarts (SGDR). @packageDocumentation */
import { ValueError } from '@kiln/tensor';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, type SchedulerOptions } from './lr-scheduler.js';

/**
 * torch.optim.lr_scheduler.CosineAnnealingWarmRestarts: the lr follows a cosine from the base lr
 * to `etaMin` over `T0` epochs, then restarts; each period is `TMult` times the previous one.
 * `step(epoch)` accepts fractional epochs (call it per batch with `epoch + i / iters`).
 * @example
 * const sched = new CosineAnnealingWarmRestarts(opt, 10, { TMult: 2 });
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  /** First period (PyTorch's `T_0`). */
  T0: number;
  /** Current period (`T_i`). */
  Ti: number;
  /** Period growth factor (`T_mult`, default 1). */
  TMult: number;
  /** Minimum lr (default 0). */
  etaMin: number;
  /** Epochs since the last restart (`T_cur`). */
  TCur: number;

  constructor(optimizer: Optimizer, T0: number, options: SchedulerOptions & { TMult?: number; etaMin?: number } = {}) {
    super(optimizer, 'CosineAnnealingWarmRestarts');
    const TMult = options.TMult ?? 1;
    if (T0 <= 0 || !Number.isInteger(T0)) throw new ValueError(`CosineAnnealingWarmRestarts: Expected positive integer T_0, but got ${T0}`);
    if (TMult < 1 || !Number.isInteger(TMult)) throw new ValueError(`CosineAnnealingWarmRestarts: Expected integer T_mult >= 1, but got ${TMult}`);
    this.T0 = T0;
    this.Ti = T0;
    this.TMult = TMult;
    this.etaMin = options.etaMin ?? 0;
    this.TCur = options.lastEpoch ?? -1;
    this.initialize(options.lastEpoch, options.verbose);
  }

  protected computeLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.TCur) / this.Ti))) / 2);
  }

  /** Advances one epoch, or jumps to `epoch` (may be fractional; no deprecation warning here). */
  override step(epoch?: number): void {
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.TCur = this.TCur + 1;
      if (this.TCur >= this.Ti) {
        this.TCur = this.TCur - this.Ti;
        this.Ti = this.Ti * this.TMult;
      }
    } else {
      if (epoch < 0) throw new ValueError(`CosineAnnealingWarmRestarts: Expected non-negative epoch, but got ${epoch}`);
      if (epoch >= this.T0) {
        if (this.TMult === 1) {
          this.TCur = epoch % this.T0;
        } else {
          const n = Math.trunc(Math.log((epoch / this.T0) * (this.TMult - 1) + 1) / Math.log(this.TMult));
          this.TCur = epoch - (this.T0 * (this.TMult ** n - 1)) / (this.TMult - 1);
          this.Ti = this.T0 * this.TMult ** n;
        }
      } else {
        this.Ti = this.T0;
        this.TCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this.inStep = true;
    let values: number[];
    try {
      values = this.computeLr();
    } finally {
      this.inStep = false;
    }
    this.groups.forEach((g, i) => {
      g.lr = values[i]!;
      this.printLr(i, values[i]!, epoch);
    });
    this._lastLr = this.groups.map((g) => g.lr);
  }
}
