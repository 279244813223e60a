/**
 * getWorkerInfo: what a dataset can learn about the worker it runs in.
 * @packageDocumentation
 */

/** torch.utils.data.get_worker_info()'s fields. */
export interface WorkerInfo {
  id: number;
  numWorkers: number;
  /** The seed this worker's global generator was given for the current epoch (baseSeed + id). */
  seed: number;
  dataset: unknown;
}

let current: WorkerInfo | null = null;

/** Inside a DataLoader worker: its id, count, seed and dataset; `null` in the main thread. */
export function getWorkerInfo(): WorkerInfo | null {
  return current;
}

/** Set by the worker entry point. @internal */
export function setWorkerInfo(info: WorkerInfo | null): void {
  current = info;
}
