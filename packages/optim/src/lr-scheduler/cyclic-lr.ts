/** CyclicLR: the cyclical learning-rate policy (triangular, triangular2, exp_range). @packageDocumentation */
import { ValueError } from '@kiln/tensor';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, type SchedulerOptions } from './lr-scheduler.js';
import { perGroup } from './one-cycle-lr.js';

/** Options of {@link CyclicLR}. */
export interface CyclicLROptions extends SchedulerOptions {
  /** Steps in the increasing half of a cycle (default 2000). */
  stepSizeUp?: number;
  /** Steps in the decreasing half (default `stepSizeUp`). */
  stepSizeDown?: number;
  /** `'triangular'` (default), `'triangular2'` or `'exp_range'`; ignored with `scaleFn`. */
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  /** Base of `exp_range`'s scaling `gamma^iterations` (default 1). */
  gamma?: number;
  /** A custom amplitude scaling; then `scaleMode` says what it receives. */
  scaleFn?: (x: number) => number;
  /** `'cycle'` (default) or `'iterations'`: the argument of `scaleFn`. */
  scaleMode?: 'cycle' | 'iterations';
  /** Cycle the groups' `momentum` inversely to the lr (default true). */
  cycleMomentum?: boolean;
  /** Lowest momentum (default 0.8). */
  baseMomentum?: number | readonly number[];
  /** Highest momentum (default 0.9). */
  maxMomentum?: number | readonly number[];
}

/**
 * torch.optim.lr_scheduler.CyclicLR (call `step()` after every batch): the lr goes from `baseLr`
 * to `maxLr` and back in cycles of `stepSizeUp + stepSizeDown` steps.
 * @example
 * const sched = new CyclicLR(opt, 0.001, 0.1, { stepSizeUp: 10, mode: 'triangular2' });
 */
export class CyclicLR extends LRScheduler {
  /** Upper lr per group. */
  maxLrs: number[];
  /** Steps per cycle. */
  totalSize: number;
  /** Fraction of the cycle spent going up. */
  stepRatio: number;
  /** The built-in policy. */
  mode: 'triangular' | 'triangular2' | 'exp_range';
  /** exp_range base. */
  gamma: number;
  /** What the scaling function receives. */
  scaleMode: 'cycle' | 'iterations';
  /** Whether momentum is cycled. */
  cycleMomentum: boolean;
  /** Lower momentum per group. */
  baseMomentums: number[] = [];
  /** Upper momentum per group. */
  maxMomentums: number[] = [];
  private readonly customScale: ((x: number) => number) | undefined;

  constructor(optimizer: Optimizer, baseLr: number | readonly number[], maxLr: number | readonly number[], options: CyclicLROptions = {}) {
    super(optimizer, 'CyclicLR');
    const lastEpoch = options.lastEpoch ?? -1;
    const baseLrs = perGroup(optimizer, 'base_lr', baseLr);
    if (lastEpoch === -1) this.groups.forEach((g, i) => (g.lr = baseLrs[i]!));
    this.maxLrs = perGroup(optimizer, 'max_lr', maxLr);
    const up = options.stepSizeUp ?? 2000;
    const down = options.stepSizeDown ?? up;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = options.mode ?? 'triangular';
    if (!['triangular', 'triangular2', 'exp_range'].includes(this.mode) && !options.scaleFn) {
      throw new ValueError(`CyclicLR: mode is invalid and scale_fn is None (got mode '${this.mode}'; use triangular, triangular2, exp_range or pass scaleFn)`);
    }
    this.gamma = options.gamma ?? 1;
    this.customScale = options.scaleFn;
    this.scaleMode = options.scaleFn ? options.scaleMode ?? 'cycle' : this.mode === 'exp_range' ? 'iterations' : 'cycle';
    this.cycleMomentum = options.cycleMomentum ?? true;
    if (this.cycleMomentum) {
      if (!('momentum' in (optimizer.defaults as object))) {
        throw new ValueError('CyclicLR: optimizer must support momentum with `cycle_momentum` option enabled (pass cycleMomentum: false)');
      }
      const baseM = perGroup(optimizer, 'base_momentum', options.baseMomentum ?? 0.8);
      if (lastEpoch === -1) this.groups.forEach((g, i) => (g.momentum = baseM[i]!));
      this.baseMomentums = this.groups.map((g) => g.momentum as number);
      this.maxMomentums = perGroup(optimizer, 'max_momentum', options.maxMomentum ?? 0.9);
    }
    this.initialize(lastEpoch, options.verbose);
    this.baseLrs = baseLrs;
  }

  /** The amplitude scaling at `x` (cycle number or iteration). */
  scaleFn(x: number): number {
    if (this.customScale) return this.customScale(x);
    if (this.mode === 'triangular2') return 1 / 2 ** (x - 1);
    if (this.mode === 'exp_range') return this.gamma ** x;
    return 1;
  }

  protected computeLr(): number[] {
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const scale = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const arg = this.scaleMode === 'cycle' ? cycle : this.lastEpoch;
    const lrs = this.baseLrs.map((base, i) => base + (this.maxLrs[i]! - base) * scale * this.scaleFn(arg));
    if (this.cycleMomentum) {
      this.groups.forEach((g, i) => {
        const height = (this.maxMomentums[i]! - this.baseMomentums[i]!) * scale;
        g.momentum = this.maxMomentums[i]! - height * this.scaleFn(arg);
      });
    }
    return lrs;
  }
}
