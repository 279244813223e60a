/** OneCycleLR: the 1cycle policy (warm up to `maxLr`, anneal far below the start). @packageDocumentation */
import { ValueError } from '@kiln/tensor';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, type SchedulerOptions } from './lr-scheduler.js';

/** Options of {@link OneCycleLR}. Give `totalSteps`, or `epochs` and `stepsPerEpoch`. */
export interface OneCycleLROptions extends SchedulerOptions {
  /** Steps in the cycle. */
  totalSteps?: number;
  /** Epochs (with `stepsPerEpoch`) when `totalSteps` is not given. */
  epochs?: number;
  /** Steps per epoch (with `epochs`). */
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr (default 0.3). */
  pctStart?: number;
  /** `'cos'` (default) or `'linear'` annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (or Adam's β1) inversely to the lr (default true). */
  cycleMomentum?: boolean;
  /** Lowest momentum (default 0.85), per group or for all. */
  baseMomentum?: number | readonly number[];
  /** Highest momentum (default 0.95), per group or for all. */
  maxMomentum?: number | readonly number[];
  /** `initialLr = maxLr / divFactor` (default 25). */
  divFactor?: number;
  /** `minLr = initialLr / finalDivFactor` (default 1e4). */
  finalDivFactor?: number;
  /** Use three phases (up, down to `initialLr`, then down to `minLr`) (default false). */
  threePhase?: boolean;
}

interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

/** A value per group from a scalar or a list. @internal */
export function perGroup(optimizer: Optimizer, name: string, v: number | readonly number[]): number[] {
  if (!Array.isArray(v)) return optimizer.paramGroups.map(() => v as number);
  if (v.length !== optimizer.paramGroups.length) {
    throw new ValueError(`expected ${optimizer.paramGroups.length} values for ${name}, got ${v.length}`);
  }
  return [...v];
}

/**
 * torch.optim.lr_scheduler.OneCycleLR (call `step()` after every batch). Writes `initialLr`,
 * `maxLr`, `minLr` (and `maxMomentum`, `baseMomentum`) into the groups, like PyTorch's
 * `initial_lr`, `max_lr`, `min_lr`; with an optimizer that has `betas` it cycles β1.
 * @example
 * const sched = new OneCycleLR(opt, 0.1, { totalSteps: 1000 });
 */
export class OneCycleLR extends LRScheduler {
  /** Steps in the cycle. */
  totalSteps: number;
  /** The phases (end step and which group keys to anneal between). */
  schedulePhases: Phase[];
  /** `'cos'` or `'linear'`. */
  annealStrategy: 'cos' | 'linear';
  /** Whether momentum is cycled. */
  cycleMomentum: boolean;
  /** Whether the optimizer's β1 stands for momentum. */
  useBeta1 = false;

  constructor(optimizer: Optimizer, maxLr: number | readonly number[], options: OneCycleLROptions = {}) {
    super(optimizer, 'OneCycleLR');
    const { totalSteps, epochs, stepsPerEpoch } = options;
    if (totalSteps === undefined && (epochs === undefined || stepsPerEpoch === undefined)) {
      throw new ValueError('OneCycleLR: You must define either total_steps OR (epochs AND steps_per_epoch) (totalSteps, or epochs and stepsPerEpoch)');
    }
    if (totalSteps !== undefined) {
      if (totalSteps <= 0 || !Number.isInteger(totalSteps)) throw new ValueError(`OneCycleLR: Expected positive integer total_steps, but got ${totalSteps}`);
      this.totalSteps = totalSteps;
    } else {
      if (epochs! <= 0 || !Number.isInteger(epochs)) throw new ValueError(`OneCycleLR: Expected positive integer epochs, but got ${epochs}`);
      if (stepsPerEpoch! <= 0 || !Number.isInteger(stepsPerEpoch)) {
        throw new ValueError(`OneCycleLR: Expected positive integer steps_per_epoch, but got ${stepsPerEpoch}`);
      }
      this.totalSteps = epochs! * stepsPerEpoch!;
    }
    const pct = options.pctStart ?? 0.3;
    const n = this.totalSteps;
    this.schedulePhases = options.threePhase
      ? [
          { endStep: pct * n - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * pct * n - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: n - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: pct * n - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: n - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];
    if (pct < 0 || pct > 1) throw new ValueError(`OneCycleLR: Expected float between 0 and 1 pct_start, but got ${pct}`);
    const strategy = options.annealStrategy ?? 'cos';
    if (strategy !== 'cos' && strategy !== 'linear') {
      throw new ValueError(`OneCycleLR: anneal_strategy must by one of 'cos' or 'linear', instead got ${String(strategy)}`);
    }
    this.annealStrategy = strategy;
    const lastEpoch = options.lastEpoch ?? -1;
    const maxLrs = perGroup(optimizer, 'max_lr', maxLr);
    const div = options.divFactor ?? 25;
    const finalDiv = options.finalDivFactor ?? 1e4;
    if (lastEpoch === -1) {
      this.groups.forEach((g, i) => {
        g.initialLr = maxLrs[i]! / div;
        g.maxLr = maxLrs[i]!;
        g.minLr = (g.initialLr as number) / finalDiv;
      });
    }
    this.cycleMomentum = options.cycleMomentum ?? true;
    if (this.cycleMomentum) {
      const d = optimizer.defaults as unknown as Record<string, unknown>;
      if (!('momentum' in d) && !('betas' in d)) {
        throw new ValueError('OneCycleLR: optimizer must support momentum with `cycle_momentum` option enabled (pass cycleMomentum: false)');
      }
      this.useBeta1 = 'betas' in d;
      const maxM = perGroup(optimizer, 'max_momentum', options.maxMomentum ?? 0.95);
      const baseM = perGroup(optimizer, 'base_momentum', options.baseMomentum ?? 0.85);
      if (lastEpoch === -1) {
        this.groups.forEach((g, i) => {
          if (this.useBeta1) g.betas = [maxM[i]!, ...(g.betas as number[]).slice(1)];
          else g.momentum = maxM[i]!;
          g.maxMomentum = maxM[i]!;
          g.baseMomentum = baseM[i]!;
        });
      }
    }
    this.initialize(lastEpoch, options.verbose);
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  protected computeLr(): number[] {
    const step = this.lastEpoch;
    if (step > this.totalSteps) {
      throw new ValueError(`OneCycleLR: Tried to step ${step + 1} times. The specified number of total steps is ${this.totalSteps}`);
    }
    return this.groups.map((g) => {
      let start = 0;
      let lr = 0;
      let momentum = 0;
      for (let i = 0; i < this.schedulePhases.length; i++) {
        const ph = this.schedulePhases[i]!;
        if (step <= ph.endStep || i === this.schedulePhases.length - 1) {
          const pct = (step - start) / (ph.endStep - start);
          lr = this.anneal(g[ph.startLr] as number, g[ph.endLr] as number, pct);
          if (this.cycleMomentum) momentum = this.anneal(g[ph.startMomentum] as number, g[ph.endMomentum] as number, pct);
          break;
        }
        start = ph.endStep;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) g.betas = [momentum, ...(g.betas as number[]).slice(1)];
        else g.momentum = momentum;
      }
      return lr;
    });
  }
}
