/**
 * The intra-op thread count (PyTorch's `torch.set_num_threads`): how many threads — the calling
 * one plus pool workers — large CPU kernels are split across. Defaults to the number of cores.
 *
 * Node's `os` and `worker_threads` are loaded with a top-level `await import(…)` guarded by a Node
 * check, so the package still loads in browsers, and by the time any user code runs (even a fully
 * synchronous script) the worker constructor is there.
 * @packageDocumentation
 */

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

let requested: number | null = null;
let cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 1;

/** The Node worker constructor once loaded (null in browsers or before it resolves). */
export let NodeWorker: (new (src: string, opts: { eval: boolean; execArgv: string[] }) => NodeWorkerLike) | null = null;

/** The part of Node's `Worker` the pool uses. */
export interface NodeWorkerLike {
  postMessage(msg: unknown): void;
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error', fn: (e: unknown) => void): void;
}

if (isNode) {
  try {
    const [os, wt] = await Promise.all([import('node:os'), import('node:worker_threads')]);
    cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    NodeWorker = wt.Worker as unknown as typeof NodeWorker;
  } catch {
    // a Node-like runtime without worker_threads: single-threaded kernels
  }
}

/** Resolved: the platform's thread support is known once this module has loaded. */
export const platformReady: Promise<void> = Promise.resolve();

/**
 * Sets the number of threads CPU kernels may use (including the calling thread). `1` keeps every
 * kernel on the calling thread. Workers are started lazily, on the first kernel big enough to
 * split.
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: expected a positive integer, got ${n}`);
  requested = n;
}

/** The number of threads CPU kernels may use: the value of `setNumThreads`, else the core count. */
export function getNumThreads(): number {
  return requested ?? cores;
}
