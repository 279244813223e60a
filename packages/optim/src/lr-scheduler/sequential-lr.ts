/** SequentialLR: run schedulers one after another, switching at milestones. @packageDocumentation */
import { ValueError } from '@kiln/tensor';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler, checkOptimizer, copyData, type SchedulerStateDict } from './lr-scheduler.js';

/**
 * torch.optim.lr_scheduler.SequentialLR: `schedulers[i]` drives the lr from `milestones[i-1]`
 * on; at a milestone the next scheduler restarts from its epoch 0 (closed form, as PyTorch's
 * `step(0)`, which also prints PyTorch's deprecation warning).
 * @example
 * const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const decay = new ExponentialLR(opt, 0.9);
 * const sched = new SequentialLR(opt, [warmup, decay], [5]);
 */
export class SequentialLR extends LRScheduler {
  /** The schedulers, in order. */
  readonly schedulers: LRScheduler[];
  /** Epochs at which the next scheduler takes over. */
  milestones: number[];

  constructor(optimizer: Optimizer, schedulers: readonly LRScheduler[], milestones: readonly number[], options: { lastEpoch?: number } = {}) {
    super(checkOptimizer(optimizer, 'SequentialLR'), 'SequentialLR');
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) {
        throw new ValueError(
          `SequentialLR: Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`,
        );
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new ValueError(
        `SequentialLR: Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`,
      );
    }
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch = (options.lastEpoch ?? -1) + 1;
    // Undo the initial steps the schedulers took on construction, then restart the first one.
    for (const g of this.groups) g.lr = g.initialLr as number;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0]!._initialStep();
    this._lastLr = this.schedulers[0]!.getLastLr();
  }

  protected computeLr(): number[] {
    return this.groups.map((g) => g.lr);
  }

  override step(): void {
    this.lastEpoch += 1;
    let idx = 0; // bisect_right
    while (idx < this.milestones.length && this.milestones[idx]! <= this.lastEpoch) idx++;
    const s = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.step(0);
    else s.step();
    this._lastLr = s.getLastLr();
  }

  /** Own fields plus each scheduler's state under `_schedulers`. */
  override stateDict(): SchedulerStateDict {
    const { schedulers: _, ...own } = super.stateDict();
    return { ...own, _schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(stateDict: SchedulerStateDict): void {
    const { _schedulers, ...own } = stateDict;
    Object.assign(this, copyData(own));
    (_schedulers as SchedulerStateDict[]).forEach((sd, i) => this.schedulers[i]!.loadStateDict(sd));
  }
}
