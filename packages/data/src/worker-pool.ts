/**
 * The main-thread side of DataLoader workers (Node `worker_threads`): starts the threads, hands
 * out batch requests, and turns replies into tensors or WorkerErrors.
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { DataValueError, WorkerError } from './errors.js';
import { decode } from './wire.js';
import type { FromWorker, ToWorker, WorkerDatasetSpec } from './worker-messages.js';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  worker: number;
}

const isTs = (url: string): boolean => /\.[mc]?ts$/.test(new URL(url).pathname);

/** Normalises a module given as URL, file URL string or absolute path to a URL string. */
export function moduleUrl(module: string | URL, op: string): string {
  if (module instanceof URL) return module.href;
  if (/^(file|data|https?):/.test(module)) return module;
  if (isAbsolute(module)) return pathToFileURL(module).href;
  throw new DataValueError(`${op}: workerDataset module '${module}' must be a URL or an absolute path, e.g. new URL('./my-dataset.js', import.meta.url)`);
}

/**
 * Code the worker thread starts with. When this package runs from its TypeScript sources (tests,
 * monorepo development) or the dataset module is TypeScript, the worker first registers `tsx`
 * so it can import `.ts` files: Node 20 workers cannot load TypeScript on their own.
 */
function bootstrap(entry: string, needsTs: boolean): { code: string; execArgv: string[] } {
  const load = `await import(${JSON.stringify(entry)});`;
  if (!needsTs) return { code: `import(${JSON.stringify(entry)});`, execArgv: [] };
  let tsx: string;
  try {
    tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
  } catch {
    throw new DataValueError('DataLoader: the worker must load TypeScript (a .ts dataset module or @kiln/data sources) and needs the `tsx` package; install it (npm i -D tsx) or point workerDataset at compiled JavaScript');
  }
  const code = `(async () => { (await import(${JSON.stringify(tsx)})).register(); ${load} })();`;
  // Resolve workspace packages to their sources in the worker too, like vitest does.
  return { code, execArgv: ['--conditions=@kiln/source'] };
}

/** A set of worker threads, each holding its own copy of the dataset. */
export class WorkerPool {
  private readonly pending = new Map<number, Pending>();
  private readonly failed = new Map<number, WorkerError>();
  private closing = false;

  private constructor(private readonly workers: Worker[]) {
    workers.forEach((w, id) => {
      w.on('message', (msg: FromWorker) => this.onMessage(id, msg));
      w.on('error', (e: Error) => this.fail(id, new WorkerError(`DataLoader worker ${id} crashed: ${e.stack ?? e.message}`, id, undefined)));
      w.on('exit', (code) => {
        if (!this.closing) this.fail(id, new WorkerError(`DataLoader worker ${id} exited unexpectedly (exit code ${code})`, id, undefined));
      });
    });
  }

  /** Starts `numWorkers` threads that build the dataset from `spec`. */
  static async create(spec: WorkerDatasetSpec & { module: string }, numWorkers: number, collateInWorker: boolean): Promise<WorkerPool> {
    const { Worker } = await import('node:worker_threads');
    const here = import.meta.url;
    const entry = new URL(here.endsWith('.ts') ? './worker.ts' : './worker.js', here).href;
    const { code, execArgv } = bootstrap(entry, isTs(entry) || isTs(spec.module));
    const workers = Array.from({ length: numWorkers }, () => new Worker(code, { eval: true, execArgv }));
    const pool = new WorkerPool(workers);
    workers.forEach((w, workerId) => pool.post(workerId, { type: 'init', spec, workerId, numWorkers, collateInWorker }));
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  /** Sends the epoch's base seed; worker `i` seeds its global generator with `seed + i`. */
  startEpoch(seed: number): void {
    this.workers.forEach((_, id) => this.post(id, { type: 'epoch', seed }));
  }

  /** Asks worker `worker` for the batch at `indices`; resolves with the decoded batch. */
  request(worker: number, id: number, indices: number[]): Promise<unknown> {
    const failure = this.failed.get(worker);
    if (failure) return Promise.reject(failure);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      this.post(worker, { type: 'batch', id, indices });
    });
  }

  /**
   * Asks worker `worker` for the next batch of its iterable dataset; resolves with the batch, or
   * with `WorkerPool.END` when that worker's iterator is exhausted.
   */
  requestNext(worker: number, id: number, batchSize: number | null, dropLast: boolean): Promise<unknown> {
    const failure = this.failed.get(worker);
    if (failure) return Promise.reject(failure);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      this.post(worker, { type: 'next', id, batchSize, dropLast });
    });
  }

  /** Marks an exhausted worker iterator in `requestNext` results. */
  static readonly END: unique symbol = Symbol('end');

  /** Keeps the process alive while an epoch runs (`ref`) or lets it exit when idle (`unref`). */
  setRef(on: boolean): void {
    for (const w of this.workers) (on ? w.ref() : w.unref());
  }

  /** Stops every thread; pending requests are rejected. */
  async terminate(): Promise<void> {
    this.closing = true;
    for (const [id, p] of this.pending) {
      p.reject(new WorkerError('DataLoader workers were shut down', p.worker, undefined));
      this.pending.delete(id);
    }
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private post(worker: number, msg: ToWorker): void {
    this.workers[worker]!.postMessage(msg);
  }

  private onMessage(worker: number, msg: FromWorker): void {
    if (msg.type === 'ready') return;
    if (msg.type === 'end') {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      p?.resolve(WorkerPool.END);
      return;
    }
    if (msg.type === 'batch') {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      p?.resolve(decode(msg.data));
      return;
    }
    const where = msg.index !== undefined ? `getItem(${msg.index})` : msg.id === null ? 'creating the dataset' : 'collating';
    const err = new WorkerError(
      `Caught an error in DataLoader worker process ${worker} while ${msg.index !== undefined ? `fetching sample index ${msg.index} (${where})` : where}` +
        `${msg.id !== null ? ` for batch ${msg.id}` : ''}.\nOriginal traceback:\n${msg.message}`,
      worker,
      msg.index,
    );
    if (msg.id === null) this.fail(worker, err);
    else {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      p?.reject(err);
    }
  }

  /** A worker that cannot serve any more: reject everything it owes and what it is asked later. */
  private fail(worker: number, err: WorkerError): void {
    this.failed.set(worker, err);
    for (const [id, p] of this.pending) {
      if (p.worker === worker) {
        this.pending.delete(id);
        p.reject(err);
      }
    }
  }
}
