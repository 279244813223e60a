/**
 * The learning-rate scheduler base class (PyTorch 1.13's `_LRScheduler`, named `LRScheduler` as
 * in PyTorch 2): `initialLr` bookkeeping in the optimizer's groups, `lastEpoch`, `step()`,
 * `getLastLr()`, state dicts and PyTorch's warnings.
 * @packageDocumentation
 */
import { KilnError, ValueError } from '@kiln/tensor';
import { Optimizer, type ParamGroup } from '../optimizer.js';

/** Options every scheduler accepts (PyTorch's `last_epoch` and `verbose`). */
export interface SchedulerOptions {
  /** Index of the last epoch; -1 (default) starts fresh, anything else resumes (groups need `initialLr`). */
  lastEpoch?: number;
  /** Print a line for every learning-rate update (default false). */
  verbose?: boolean;
}

/**
 * A scheduler's state: its fields except the optimizer and functions, by their Kiln (camelCase)
 * names, e.g. `{ lastEpoch, baseLrs, _stepCount, _lastLr, stepSize, gamma }`.
 */
export type SchedulerStateDict = Record<string, unknown>;

/** The warning PyTorch gives when `scheduler.step()` runs before the first `optimizer.step()`. */
export const STEP_ORDER_WARNING =
  'Detected call of `lr_scheduler.step()` before `optimizer.step()`. ' +
  'In PyTorch 1.1.0 and later, you should call them in the opposite order: ' +
  '`optimizer.step()` before `lr_scheduler.step()`.  Failure to do this ' +
  'will result in PyTorch skipping the first value of the learning rate schedule. ' +
  'See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate';

/** PyTorch's deprecation warning for `step(epoch)`. */
export const EPOCH_DEPRECATION_WARNING =
  'The epoch parameter in `scheduler.step()` was not necessary and is being ' +
  'deprecated where possible. Please use `scheduler.step()` to step the ' +
  'scheduler. During the deprecation, if epoch is different from None, the ' +
  'closed form is used instead of the new chainable form, where available. ' +
  'Please open an issue if you are unable to replicate your use case: ' +
  'https://github.com/pytorch/pytorch/issues/new/choose.';

/** Emits a UserWarning the way Kiln does (console.warn, prefixed like Python's warnings). @internal */
export function warn(message: string): void {
  console.warn(`UserWarning: ${message}`);
}

/** Python's `'{:.4e}'` (two-digit exponent), for verbose messages. @internal */
export function fmtE(x: number): string {
  return x.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Python's `'%.5d' % epoch` for integers, `'%.2f'` otherwise (JS cannot tell 3.0 from 3). @internal */
export function fmtEpoch(epoch: number): string {
  return Number.isInteger(epoch) ? String(epoch).padStart(5, '0') : epoch.toFixed(2);
}

/** Deep copy of plain data (numbers, arrays, plain objects). @internal */
export function copyData<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copyData) as T;
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyData(x)])) as T;
  }
  return v;
}

/** Checks that `optimizer` is a Kiln Optimizer (PyTorch's TypeError). @internal */
export function checkOptimizer(optimizer: unknown, scheduler: string): Optimizer {
  if (!(optimizer instanceof Optimizer)) {
    const what = optimizer === null ? 'null' : typeof optimizer === 'object' ? optimizer.constructor.name : typeof optimizer;
    throw new ValueError(`${scheduler}: ${what} is not an Optimizer; pass the optimizer whose learning rate it should schedule`);
  }
  return optimizer;
}

/**
 * Base class of the epoch-based schedulers. Subclasses set their own fields and then call
 * `this.initialize(lastEpoch)` at the end of their constructor (PyTorch calls `super().__init__`
 * last; a JavaScript subclass cannot set fields before `super()`), and implement `computeLr`.
 *
 * Like PyTorch, schedulers are *chainable*: `computeLr` usually derives the next lr from the
 * group's current lr, so several schedulers may act on one optimizer. `closedFormLr` (where
 * defined) computes the lr from `lastEpoch` alone and is used by `step(epoch)`.
 */
export abstract class LRScheduler {
  /** The optimizer whose groups' `lr` this scheduler sets. */
  readonly optimizer: Optimizer;
  /** The number of the last step taken (-1 before the first). */
  lastEpoch = -1;
  /** Each group's `initialLr`. */
  baseLrs: number[] = [];
  /** Print every update. */
  verbose = false;
  /** `step()` calls so far (PyTorch's `_step_count`). @internal */
  _stepCount = 0;
  /** The lrs set by the last step. @internal */
  _lastLr: number[] = [];
  /** True while `step()` runs `computeLr` (PyTorch's `_get_lr_called_within_step`). */
  protected inStep = false;

  protected constructor(optimizer: Optimizer, name: string) {
    this.optimizer = checkOptimizer(optimizer, name);
  }

  /** The parameter groups. */
  protected get groups(): ParamGroup[] {
    return this.optimizer.paramGroups;
  }

  /** Records `initialLr` in every group (or checks it when resuming) and takes the initial step. */
  protected initialize(lastEpoch = -1, verbose = false): void {
    if (lastEpoch === -1) {
      for (const g of this.groups) if (!('initialLr' in g)) g.initialLr = g.lr;
    } else {
      this.groups.forEach((g, i) => {
        if (!('initialLr' in g)) {
          throw new KilnError(
            `${this.constructor.name}: param 'initialLr' (PyTorch's 'initial_lr') is not specified in paramGroups[${i}] when resuming an optimizer; ` +
              'start with lastEpoch: -1, or load the optimizer state dict saved with the scheduler first',
          );
        }
      });
    }
    this.baseLrs = this.groups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
    this.verbose = verbose;
    this._initialStep();
  }

  /** Resets the step counters and takes the first step (sets the epoch-0 lr). @internal */
  _initialStep(): void {
    this.optimizer._stepCount = 0;
    this._stepCount = 0;
    this.step();
  }

  /** The lrs of the next step, chainable form (reads the groups' current lr). */
  protected abstract computeLr(): number[];

  /** The lrs at `lastEpoch` in closed form; undefined when the scheduler has none. */
  protected closedFormLr(): number[] | undefined {
    return undefined;
  }

  /**
   * The lrs the scheduler computes for the current `lastEpoch` (PyTorch's `get_lr`). Meant for
   * subclasses; outside `step()` it warns, as PyTorch does, that `getLastLr()` is what you want.
   */
  getLr(): number[] {
    if (!this.inStep) warn('To get the last learning rate computed by the scheduler, please use `getLastLr()`.');
    return this.computeLr();
  }

  /** The learning rates set by the last `step()`, one per group. */
  getLastLr(): number[] {
    return [...this._lastLr];
  }

  /**
   * Advances one epoch and writes the new lr into every group. Passing `epoch` is deprecated in
   * PyTorch (warns) and uses the closed form where there is one.
   */
  step(epoch?: number): void {
    if (this._stepCount === 1 && this.optimizer._stepCount < 1) warn(STEP_ORDER_WARNING);
    this._stepCount++;
    let values: number[];
    this.inStep = true;
    try {
      if (epoch === undefined) {
        this.lastEpoch++;
        values = this.computeLr();
      } else {
        warn(EPOCH_DEPRECATION_WARNING);
        this.lastEpoch = epoch;
        values = this.closedFormLr() ?? this.computeLr();
      }
    } finally {
      this.inStep = false;
    }
    this.groups.forEach((g, i) => {
      g.lr = values[i]!;
      this.printLr(i, values[i]!, epoch);
    });
    this._lastLr = this.groups.map((g) => g.lr);
  }

  /** Prints PyTorch's verbose line. */
  protected printLr(group: number, lr: number, epoch?: number): void {
    if (!this.verbose) return;
    if (epoch === undefined) console.log(`Adjusting learning rate of group ${group} to ${fmtE(lr)}.`);
    else console.log(`Epoch ${fmtEpoch(epoch)}: adjusting learning rate of group ${group} to ${fmtE(lr)}.`);
  }

  /** The scheduler's state: every field except the optimizer and functions (copied). */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [k, v] of Object.entries(this)) {
      if (k !== 'optimizer' && k !== 'inStep' && typeof v !== 'function') out[k] = copyData(v);
    }
    return out;
  }

  /** Restores fields saved by `stateDict()`. */
  loadStateDict(stateDict: SchedulerStateDict): void {
    Object.assign(this, copyData(stateDict));
  }
}
