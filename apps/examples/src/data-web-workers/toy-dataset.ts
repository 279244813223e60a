/**
 * The dataset module of the Web Worker page: the page builds one copy, and each worker imports
 * this module by URL and calls `createDataset(args)` to build its own.
 */
import { rand, tensor, type Tensor } from '@kiln/tensor';
import { Dataset, getWorkerInfo } from '@kiln/data';

/** Arguments of {@link createDataset}. */
export interface ToyArgs {
  n: number;
  /** getItem throws at this index. */
  failAt?: number;
  /** Add a random feature drawn from the global generator (each worker seeds it with baseSeed + id). */
  noisy?: boolean;
}

/** One sample: `x` float32 [i, i², noise], `y` = i, `w` = the worker that loaded it (-1: the page). */
export interface ToySample {
  x: Tensor;
  y: number;
  w: number;
}

/** Sample i of a synthetic map-style dataset of `n` samples. */
export class ToyDataset extends Dataset<ToySample> {
  constructor(readonly args: ToyArgs) {
    super();
  }
  override getItem(i: number): ToySample {
    if (i === this.args.failAt) throw new Error(`toy sample ${i} is broken`);
    const noise = this.args.noisy ? (rand(1).item() as number) : 0;
    return { x: tensor([i, i * i, noise], { dtype: 'float32' }), y: i, w: getWorkerInfo()?.id ?? -1 };
  }
  override get length(): number {
    return this.args.n;
  }
}

/** The factory each DataLoader worker calls. */
export function createDataset(args: ToyArgs): ToyDataset {
  return new ToyDataset(args);
}
