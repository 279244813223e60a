/**
 * The main-thread side of DataLoader workers: starts them through a transport (Node
 * `worker_threads` in `node-transport.ts`, browser Web Workers in `web-transport.ts`), hands out
 * batch requests, and turns replies into tensors or WorkerErrors. Everything here is the same
 * for both transports; they only create workers and forward their events.
 * @packageDocumentation
 */
import { DataValueError, WorkerError } from './errors.js';
import { decode } from './wire.js';
import type { FromWorker, ResolvedSpec, ToWorker } from './worker-messages.js';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  worker: number;
}

/** What the pool needs from one worker, whatever its kind. @internal */
export interface WorkerHandle {
  post(msg: ToWorker): void;
  terminate(): Promise<unknown> | void;
  /** Node only: whether the worker keeps the process alive (browsers have no such notion). */
  setRef(on: boolean): void;
}

/** Events a transport forwards from worker `id`. @internal */
export interface WorkerEvents {
  message(id: number, msg: FromWorker): void;
  /** The worker crashed or its script failed to load. */
  error(id: number, message: string): void;
  /** The worker stopped by itself. */
  exit(id: number, code: number): void;
}

/** A transport: resolves the module URL for its platform and starts `count` workers. @internal */
export interface Transport {
  resolveModule(module: string): string;
  spawn(count: number, events: WorkerEvents, options: { needsTs: boolean; workerUrl: string | undefined }): WorkerHandle[];
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * Normalises `workerDataset.module` (a URL, a URL string or an absolute path) to a string; the
 * transport later turns a path into a `file:` URL (Node) or resolves it against the page (browser).
 * Relative strings are refused: relative to what would be ambiguous across threads.
 */
export function moduleUrl(module: string | URL, op: string): string {
  if (module instanceof URL) return module.href;
  // A scheme has two letters or more, which tells `https:`/`file:`/`blob:` from a Windows drive.
  if (/^[a-z][a-z0-9+.-]+:/i.test(module)) return module;
  if (module.startsWith('/') || module.startsWith('\\\\') || /^[a-z]:[\\/]/i.test(module)) return module;
  throw new DataValueError(`${op}: workerDataset module '${module}' must be a URL or an absolute path, e.g. new URL('./my-dataset.js', import.meta.url)`);
}

/** The platform's transport: `worker_threads` under Node, else Web Workers where they exist. */
async function transport(): Promise<Transport> {
  if (isNode) return (await import('./node-transport.js')).nodeTransport;
  if (typeof (globalThis as { Worker?: unknown }).Worker === 'function') return (await import('./web-transport.js')).webTransport;
  throw new DataValueError('DataLoader: numWorkers > 0 needs Node worker_threads or Web Workers, and this runtime has neither; use numWorkers: 0');
}

const isTs = (url: string | null): boolean => url !== null && /\.[mc]?ts$/.test(url.replace(/[?#].*$/, ''));

/** A set of workers, each holding its own copy of the dataset. */
export class WorkerPool {
  private readonly pending = new Map<number, Pending>();
  private readonly failed = new Map<number, WorkerError>();
  private closing = false;
  private workers: WorkerHandle[] = [];
  /** Messages held back per worker until it says hello (`null` once it has). */
  private held: (ToWorker[] | null)[] = [];

  private constructor() {}

  /**
   * Starts `numWorkers` workers that build the dataset from `spec` (`spec.module` null: the
   * worker script at `workerUrl` bundles the dataset module).
   */
  static async create(
    spec: Omit<ResolvedSpec, 'module'> & { module: string | undefined },
    numWorkers: number,
    collateInWorker: boolean,
    workerUrl?: string,
  ): Promise<WorkerPool> {
    const t = await transport();
    const module = spec.module === undefined ? null : t.resolveModule(spec.module);
    const pool = new WorkerPool();
    pool.workers = t.spawn(
      numWorkers,
      {
        message: (id, msg) => pool.onMessage(id, msg),
        error: (id, message) => pool.fail(id, new WorkerError(`DataLoader worker ${id} crashed: ${message}`, id, undefined)),
        exit: (id, code) => {
          if (!pool.closing) pool.fail(id, new WorkerError(`DataLoader worker ${id} exited unexpectedly (exit code ${code})`, id, undefined));
        },
      },
      { needsTs: isTs(module), workerUrl },
    );
    pool.held = pool.workers.map(() => []);
    pool.workers.forEach((_, workerId) => pool.post(workerId, { type: 'init', spec: { ...spec, module }, workerId, numWorkers, collateInWorker }));
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
    for (const w of this.workers) w.setRef(on);
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

  /**
   * Sends `msg`, or holds it until the worker has said hello. A module Web Worker starts taking
   * messages when its script starts evaluating, and @kiln/data's modules wait (top-level await
   * for the optional @kiln/tensor) before the worker can listen, so an early message would be
   * dispatched to nobody and lost.
   */
  private post(worker: number, msg: ToWorker): void {
    const held = this.held[worker];
    if (held) held.push(msg);
    else this.workers[worker]!.post(msg);
  }

  private onMessage(worker: number, msg: FromWorker): void {
    if (msg.type === 'hello') {
      const held = this.held[worker] ?? [];
      this.held[worker] = null;
      for (const m of held) this.workers[worker]!.post(m);
      return;
    }
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
