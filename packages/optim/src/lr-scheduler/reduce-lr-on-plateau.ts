/** ReduceLROnPlateau: cut the lr when a metric stops improving. @packageDocumentation */
import { ValueError, isTensor, type Tensor } from '@kiln/tensor';
import type { Optimizer } from '../optimizer.js';
import { EPOCH_DEPRECATION_WARNING, checkOptimizer, copyData, fmtE, fmtEpoch, warn, type SchedulerStateDict } from './lr-scheduler.js';

/** Options of {@link ReduceLROnPlateau}. */
export interface ReduceLROnPlateauOptions {
  /** `'min'` (default): lower is better; `'max'`: higher is better. */
  mode?: 'min' | 'max';
  /** `newLr = lr × factor` (default 0.1; must be < 1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Minimum change that counts as an improvement (default 1e-4). */
  threshold?: number;
  /** `'rel'` (default: relative to the best) or `'abs'`. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** Lower bound on the lr, per group or for all (default 0). */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
  /** Print a line for every reduction (default false). */
  verbose?: boolean;
}

/**
 * torch.optim.lr_scheduler.ReduceLROnPlateau: call `step(metric)` once per epoch with the
 * validation metric. Not an {@link LRScheduler} (as in PyTorch); `getLastLr()` is PyTorch 2's
 * addition and available before the first step too.
 * @example
 * const sched = new ReduceLROnPlateau(opt, { patience: 3 });
 * sched.step(valLoss);
 */
export class ReduceLROnPlateau {
  /** The optimizer whose lr is reduced. */
  readonly optimizer: Optimizer;
  /** Reduction factor. */
  factor: number;
  /** Lower bound per group. */
  minLrs: number[];
  /** Tolerated bad epochs. */
  patience: number;
  /** Print reductions. */
  verbose: boolean;
  /** Cooldown length. */
  cooldown: number;
  /** Remaining cooldown epochs. */
  cooldownCounter = 0;
  /** `'min'` or `'max'`. */
  mode: 'min' | 'max';
  /** Improvement threshold. */
  threshold: number;
  /** `'rel'` or `'abs'`. */
  thresholdMode: 'rel' | 'abs';
  /** Best metric so far. */
  best: number;
  /** Consecutive epochs without improvement. */
  numBadEpochs = 0;
  /** The worst possible metric for the mode (±Infinity). */
  modeWorse: number;
  /** Minimal effective reduction. */
  eps: number;
  /** Epochs seen. */
  lastEpoch = 0;
  /** The lrs after the last step. @internal */
  _lastLr: number[];

  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    this.factor = options.factor ?? 0.1;
    if (this.factor >= 1) throw new ValueError(`ReduceLROnPlateau: Factor should be < 1.0. (got factor ${this.factor})`);
    this.optimizer = checkOptimizer(optimizer, 'ReduceLROnPlateau');
    const minLr = options.minLr ?? 0;
    if (Array.isArray(minLr)) {
      if (minLr.length !== optimizer.paramGroups.length) {
        throw new ValueError(`ReduceLROnPlateau: expected ${optimizer.paramGroups.length} min_lrs, got ${minLr.length}`);
      }
      this.minLrs = [...minLr];
    } else {
      this.minLrs = optimizer.paramGroups.map(() => minLr as number);
    }
    this.patience = options.patience ?? 10;
    this.verbose = options.verbose ?? false;
    this.cooldown = options.cooldown ?? 0;
    this.mode = options.mode ?? 'min';
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? 'rel';
    this.eps = options.eps ?? 1e-8;
    if (this.mode !== 'min' && this.mode !== 'max') throw new ValueError(`ReduceLROnPlateau: mode ${String(this.mode)} is unknown! (use 'min' or 'max')`);
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') {
      throw new ValueError(`ReduceLROnPlateau: threshold mode ${String(this.thresholdMode)} is unknown! (use 'rel' or 'abs')`);
    }
    this.modeWorse = this.mode === 'min' ? Infinity : -Infinity;
    this.best = this.modeWorse;
    this._lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** True while cooling down after a reduction. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Whether `a` improves on `best` under the mode and threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  /** Records one epoch's metric (a number or a one-element tensor) and reduces the lr if needed. */
  step(metrics: number | Tensor, epoch?: number): void {
    const current = isTensor(metrics) ? Number((metrics as Tensor).item()) : Number(metrics);
    if (epoch === undefined) epoch = this.lastEpoch + 1;
    else warn(EPOCH_DEPRECATION_WARNING);
    this.lastEpoch = epoch;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs during cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr(epoch);
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(epoch: number): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const oldLr = g.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]!);
      if (oldLr - newLr > this.eps) {
        g.lr = newLr;
        if (this.verbose) console.log(`Epoch ${fmtEpoch(epoch)}: reducing learning rate of group ${i} to ${fmtE(newLr)}.`);
      }
    });
  }

  /** The lrs after the last `step()`. */
  getLastLr(): number[] {
    return [...this._lastLr];
  }

  /** Every field except the optimizer. */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer') out[k] = copyData(v);
    return out;
  }

  /** Restores fields saved by `stateDict()`. */
  loadStateDict(stateDict: SchedulerStateDict): void {
    Object.assign(this, copyData(stateDict));
  }
}
