/** ChainedScheduler: step several chainable schedulers together. @packageDocumentation */
import { ValueError } from '@kiln/tensor';
import { LRScheduler, copyData, type SchedulerStateDict } from './lr-scheduler.js';

/**
 * torch.optim.lr_scheduler.ChainedScheduler: every `step()` steps all schedulers in order, so
 * their (chainable) effects multiply.
 * @example
 * const sched = new ChainedScheduler([new ConstantLR(opt, { factor: 0.1, totalIters: 2 }), new ExponentialLR(opt, 0.9)]);
 */
export class ChainedScheduler extends LRScheduler {
  /** The chained schedulers. */
  readonly schedulers: LRScheduler[];

  constructor(schedulers: readonly LRScheduler[]) {
    if (schedulers.length === 0) throw new ValueError('ChainedScheduler: expected at least one scheduler');
    super(schedulers[0]!.optimizer, 'ChainedScheduler');
    for (let i = 1; i < schedulers.length; i++) {
      if (schedulers[i]!.optimizer !== schedulers[0]!.optimizer) {
        throw new ValueError(
          `ChainedScheduler: ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`,
        );
      }
    }
    this.schedulers = [...schedulers];
    this._lastLr = this.groups.map((g) => g.lr);
  }

  protected computeLr(): number[] {
    return this.groups.map((g) => g.lr);
  }

  override step(): void {
    for (const s of this.schedulers) s.step();
    this._lastLr = this.groups.map((g) => g.lr);
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
