/**
 * DataLoader: batches of a dataset, in order or shuffled, in the main thread or from workers.
 * @packageDocumentation
 */
import { defaultCollate, type Collated } from './collate.js';
import { isIterableDataset, isMapDataset, type AnyIterableDataset, type MapDataset } from './dataset.js';
import { DataValueError } from './errors.js';
import { drawSeed, globalGenerator, seededGenerator, type RandomGenerator } from './random.js';
import { BatchSampler } from './samplers/batch.js';
import { RandomSampler } from './samplers/random.js';
import { SequentialSampler } from './samplers/sequential.js';
import { moduleUrl, WorkerPool } from './worker-pool.js';
import type { WorkerDatasetSpec } from './worker-messages.js';

/** An iterable of indices with a length (a Sampler). */
export type IndexSampler = Iterable<number> & { readonly length: number };
/** An iterable of index lists (a batch sampler); `length` is optional. */
export type IndexBatchSampler = Iterable<number[]> & { readonly length?: number };

/** DataLoader options: PyTorch's keyword arguments in camelCase. */
export interface DataLoaderOptions<S = unknown, B = Collated<S>> {
  /** Samples per batch (default 1); `null` turns automatic batching off (samples are yielded one by one). */
  batchSize?: number | null;
  /** Reshuffle at every epoch (default false). */
  shuffle?: boolean;
  /** Custom index order; mutually exclusive with `shuffle`. */
  sampler?: IndexSampler;
  /** Yields whole index lists; mutually exclusive with batchSize, shuffle, sampler and dropLast. */
  batchSampler?: IndexBatchSampler;
  /** Drop the last incomplete batch (default false). */
  dropLast?: boolean;
  /** Merges a list of samples into a batch (default: `defaultCollate`). */
  collateFn?: (samples: S[]) => B;
  /** Generator for shuffling and worker base seeds (default: the global generator). */
  generator?: RandomGenerator;
  /** Shorthand for `generator: new Generator(seed)` (needs @kiln/tensor). */
  seed?: number;
  /**
   * Workers that load batches in parallel (default 0: load in the calling thread): Node
   * `worker_threads`, or module Web Workers in browsers. Workers need `workerDataset` and
   * `for await … of`. With an iterable dataset each worker
   * iterates its own replica (shard it with `getWorkerInfo()`), as in PyTorch.
   */
  numWorkers?: number;
  /** Batches requested ahead per worker (default 2). */
  prefetchFactor?: number;
  /** Keep workers alive between epochs (default false); call `close()` when done. */
  persistentWorkers?: boolean;
  /** Seconds to wait for a batch from a worker before failing (default 0: wait forever). */
  timeout?: number;
  /**
   * How a worker builds its own copy of the dataset: functions and class instances cannot be sent
   * to another thread, so give the URL of an ES module exporting a factory, e.g.
   * `{ module: new URL('./mnist-dataset.js', import.meta.url), args: { train: true } }` where that
   * module has `export function createDataset(args) { return new MNIST(args) }`. A bare URL or
   * absolute path means `{ module }`. The module may also export `collateFn` to collate in workers
   * and `workerInitFn(workerId)`, run in each worker after seeding (PyTorch's worker_init_fn).
   */
  workerDataset?: WorkerDatasetSpec | URL | string;
  /**
   * Browsers only: the URL of the Web Worker script. By default the loader starts
   * `@kiln/data/web-worker` from next to its own file, which works wherever modules are served
   * unbundled (Vite's dev server for a linked or `optimizeDeps.exclude`d package, an import map).
   * A bundled app passes the bundler's URL of its own worker script instead, e.g. with Vite
   * `import workerUrl from './data.worker.ts?worker&url'`, where `data.worker.ts` calls
   * `serveWebWorker(datasetModule)`; `workerDataset.module` may then be left out.
   */
  workerUrl?: string | URL;
}

type Options<S, B> = DataLoaderOptions<S, B>;

/**
 * torch.utils.data.DataLoader. Iterate with `for … of` (single-process) or `for await … of`
 * (single-process, async-iterable datasets, or workers). With workers, batches arrive in sampler
 * order, tensors travel as transferred buffers, and an exception in a worker is rethrown here as a
 * `WorkerError` naming the sample index. Worker `i` seeds its global generator with
 * `baseSeed + i`, where `baseSeed` is drawn from `generator` at the start of every epoch (as
 * PyTorch does), so a seeded run reproduces its batches with any number of workers.
 */
export class DataLoader<S = unknown, B = Collated<S>> implements Iterable<B>, AsyncIterable<B> {
  readonly batchSize: number | null;
  readonly dropLast: boolean;
  readonly numWorkers: number;
  readonly prefetchFactor: number;
  readonly persistentWorkers: boolean;
  readonly timeout: number;
  readonly generator: RandomGenerator | undefined;
  /** Index order (map-style datasets only). */
  readonly sampler: IndexSampler | undefined;
  /** Index lists (map-style datasets with batching only). */
  readonly batchSampler: IndexBatchSampler | undefined;
  readonly collateFn: (samples: S[]) => B;
  private readonly workerSpec: (Omit<WorkerDatasetSpec, 'module'> & { module: string | undefined }) | undefined;
  private readonly workerUrl: string | undefined;
  private pool: Promise<WorkerPool> | null = null;

  constructor(readonly dataset: MapDataset<S> | AnyIterableDataset<S>, options: Options<S, B> = {}) {
    const o = options;
    const mapStyle = isMapDataset(dataset);
    if (!mapStyle && !isIterableDataset(dataset)) {
      throw new DataValueError('DataLoader: dataset must be map-style (getItem(i) and length) or iterable (Symbol.iterator / Symbol.asyncIterator)');
    }
    this.numWorkers = o.numWorkers ?? 0;
    if (!Number.isInteger(this.numWorkers) || this.numWorkers < 0) {
      throw new DataValueError(`DataLoader: numWorkers option should be non-negative; use numWorkers=0 to disable multiprocessing (got ${o.numWorkers})`);
    }
    if (this.numWorkers === 0 && o.prefetchFactor !== undefined) {
      throw new DataValueError('DataLoader: prefetchFactor option could only be specified in multiprocessing. Let numWorkers > 0 to enable multiprocessing, otherwise leave prefetchFactor unset.');
    }
    if (this.numWorkers === 0 && o.persistentWorkers) throw new DataValueError('DataLoader: persistentWorkers option needs numWorkers > 0');
    this.prefetchFactor = o.prefetchFactor ?? 2;
    this.persistentWorkers = o.persistentWorkers ?? false;
    this.timeout = o.timeout ?? 0;
    if (!(this.timeout >= 0)) throw new DataValueError(`DataLoader: timeout option should be non-negative, got ${o.timeout}`);
    this.generator = o.generator ?? (o.seed !== undefined ? seededGenerator(o.seed) : undefined);
    const batchSize = o.batchSize === undefined ? 1 : o.batchSize;
    const shuffle = o.shuffle ?? false;
    const dropLast = o.dropLast ?? false;

    if (!mapStyle) {
      if (shuffle) throw new DataValueError('DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=true');
      if (o.sampler) throw new DataValueError('DataLoader with IterableDataset: expected unspecified sampler option, but got a sampler');
      if (o.batchSampler) throw new DataValueError('DataLoader with IterableDataset: expected unspecified batchSampler option, but got a batchSampler');
    }
    if (o.sampler && shuffle) throw new DataValueError('DataLoader: sampler option is mutually exclusive with shuffle');
    if (o.batchSampler) {
      if (batchSize !== 1 || shuffle || o.sampler || dropLast) {
        throw new DataValueError('DataLoader: batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast');
      }
    } else if (batchSize === null && dropLast) {
      throw new DataValueError('DataLoader: batchSize=null option disables auto-batching and is mutually exclusive with dropLast');
    }
    if (batchSize !== null && (!Number.isInteger(batchSize) || batchSize <= 0)) {
      throw new DataValueError(`DataLoader: batchSize should be a positive integer value, but got batchSize=${batchSize}`);
    }
    if (mapStyle) {
      this.sampler = o.sampler ?? (shuffle ? new RandomSampler(dataset, { generator: this.generator }) : new SequentialSampler(dataset));
      this.batchSampler = o.batchSampler ?? (batchSize !== null ? new BatchSampler(this.sampler, batchSize, dropLast) : undefined);
    }
    this.batchSize = o.batchSampler ? null : batchSize;
    this.dropLast = dropLast;
    this.collateFn = o.collateFn ?? (defaultCollate as (s: S[]) => B);
    if (this.numWorkers > 0) {
      if (!o.workerDataset) {
        throw new DataValueError(
          'DataLoader: numWorkers > 0 needs workerDataset, the URL of a module that builds the dataset inside each worker ' +
            "(e.g. workerDataset: { module: new URL('./my-dataset.js', import.meta.url), args }), because datasets cannot be sent between threads",
        );
      }
      const spec = typeof o.workerDataset === 'string' || o.workerDataset instanceof URL ? { module: o.workerDataset } : o.workerDataset;
      if (spec.module === undefined && o.workerUrl === undefined) {
        throw new DataValueError('DataLoader: workerDataset.module is required (it may be left out only when workerUrl names a browser worker script that bundles the dataset module)');
      }
      this.workerSpec = { ...spec, module: spec.module === undefined ? undefined : moduleUrl(spec.module, 'DataLoader') };
      this.workerUrl = o.workerUrl === undefined ? undefined : String(o.workerUrl);
    }
    this.customCollate = o.collateFn !== undefined;
  }

  private readonly customCollate: boolean;

  /** Number of batches per epoch (PyTorch's `len(loader)`); iterable datasets need a `length`. */
  get length(): number {
    if (this.batchSampler) {
      if (typeof this.batchSampler.length !== 'number') throw new DataValueError('DataLoader.length: the batchSampler has no length');
      return this.batchSampler.length;
    }
    if (this.sampler) return this.sampler.length;
    const n = (this.dataset as { length?: unknown }).length;
    if (typeof n !== 'number') throw new DataValueError('DataLoader.length: this iterable dataset has no length');
    if (this.batchSize === null) return n;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Index lists of one epoch (each a single index when batching is off). */
  private *indexBatches(): Generator<number[]> {
    if (this.batchSampler) yield* this.batchSampler;
    else for (const i of this.sampler!) yield [i];
  }

  /** PyTorch draws a base seed from the loader's generator when every iterator is created. */
  private startEpoch(): number {
    return drawSeed(this.generator ?? globalGenerator());
  }

  private fetch(indices: number[]): B {
    const ds = this.dataset as MapDataset<S>;
    const samples = indices.map((i) => ds.getItem(i));
    return this.batchSize === null && !this.batchSampler ? (samples[0] as unknown as B) : this.collateFn(samples);
  }

  *[Symbol.iterator](): Iterator<B> {
    if (this.numWorkers > 0) throw new DataValueError('DataLoader: with numWorkers > 0 batches arrive asynchronously; iterate with for await (const batch of loader)');
    this.startEpoch();
    if (isMapDataset(this.dataset)) {
      for (const idx of this.indexBatches()) yield this.fetch(idx);
      return;
    }
    if (!(Symbol.iterator in this.dataset)) throw new DataValueError('DataLoader: this dataset is async-iterable only; iterate with for await (const batch of loader)');
    yield* this.batchStream(this.dataset as Iterable<S>);
  }

  private *batchStream(source: Iterable<S>): Generator<B> {
    if (this.batchSize === null) {
      yield* source as unknown as Iterable<B>;
      return;
    }
    let buf: S[] = [];
    for (const s of source) {
      buf.push(s);
      if (buf.length === this.batchSize) {
        yield this.collateFn(buf);
        buf = [];
      }
    }
    if (buf.length > 0 && !this.dropLast) yield this.collateFn(buf);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    if (this.numWorkers > 0) {
      yield* this.fromWorkers();
      return;
    }
    if (isMapDataset(this.dataset) || Symbol.iterator in this.dataset) {
      // `yield* this` would pick Symbol.asyncIterator again, so walk the sync iterator explicitly.
      const it = this[Symbol.iterator]();
      for (let r = it.next(); !r.done; r = it.next()) yield r.value;
      return;
    }
    this.startEpoch();
    let buf: S[] = [];
    for await (const s of this.dataset) {
      if (this.batchSize === null) {
        yield s as unknown as B;
        continue;
      }
      buf.push(s);
      if (buf.length === this.batchSize) {
        yield this.collateFn(buf);
        buf = [];
      }
    }
    if (buf.length > 0 && !this.dropLast && this.batchSize !== null) yield this.collateFn(buf);
  }

  /** Batches from the worker pool, `prefetchFactor × numWorkers` in flight, delivered in order. */
  private async *fromWorkers(): AsyncGenerator<B> {
    const seed = this.startEpoch();
    const batching = this.batchSize !== null || this.batchSampler !== undefined;
    // A custom collateFn cannot cross threads: workers then send raw samples and we collate here.
    const collateInWorker = batching && !this.customCollate;
    this.pool ??= WorkerPool.create(this.workerSpec!, this.numWorkers, collateInWorker, this.workerUrl);
    const pool = await this.pool;
    pool.setRef(true);
    pool.startEpoch(seed);
    if (!isMapDataset(this.dataset)) {
      yield* this.fromIterableWorkers(pool, collateInWorker);
      return;
    }
    const inFlight = new Map<number, Promise<unknown>>();
    const batches = this.indexBatches();
    let sent = 0, next = 0, done = false;
    try {
      for (;;) {
        while (!done && inFlight.size < this.prefetchFactor * this.numWorkers) {
          const r = batches.next();
          if (r.done) {
            done = true;
            break;
          }
          const p = pool.request(sent % this.numWorkers, sent, r.value);
          p.catch(() => {}); // awaited in order below; avoid an unhandled-rejection report meanwhile
          inFlight.set(sent++, p);
        }
        const p = inFlight.get(next);
        if (!p) break;
        inFlight.delete(next++);
        const data = await this.withTimeout(p);
        if (!batching) yield (data as unknown[])[0] as B;
        else yield (collateInWorker ? data : this.collateFn(data as S[])) as B;
      }
    } finally {
      if (this.persistentWorkers) pool.setRef(false);
      else await this.close();
    }
  }

  /**
   * Iterable datasets with workers: every worker iterates its own replica (shard it with
   * `getWorkerInfo()`, as in PyTorch). Requests go round-robin to the workers that are not yet
   * exhausted and results are delivered in request order, so the order is deterministic.
   */
  private async *fromIterableWorkers(pool: WorkerPool, collateInWorker: boolean): AsyncGenerator<B> {
    const inFlight = new Map<number, { p: Promise<unknown>; worker: number }>();
    const exhausted = new Set<number>();
    let sent = 0, next = 0, cursor = 0;
    try {
      for (;;) {
        while (inFlight.size < this.prefetchFactor * this.numWorkers && exhausted.size < this.numWorkers) {
          let w = cursor % this.numWorkers;
          while (exhausted.has(w)) w = (w + 1) % this.numWorkers;
          cursor = w + 1;
          const p = pool.requestNext(w, sent, this.batchSize, this.dropLast);
          p.catch(() => {});
          inFlight.set(sent++, { p, worker: w });
        }
        const entry = inFlight.get(next);
        if (!entry) break;
        inFlight.delete(next++);
        const data = await this.withTimeout(entry.p);
        if (data === WorkerPool.END) {
          exhausted.add(entry.worker);
          continue;
        }
        if (this.batchSize === null) yield (data as unknown[])[0] as B;
        else yield (collateInWorker ? data : this.collateFn(data as S[])) as B;
      }
    } finally {
      if (this.persistentWorkers) pool.setRef(false);
      else await this.close();
    }
  }

  /** Fails with PyTorch's message when a worker takes longer than `timeout` seconds. */
  private withTimeout<V>(p: Promise<V>): Promise<V> {
    if (this.timeout === 0) return p;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DataValueError(`DataLoader timed out after ${this.timeout} seconds`)), this.timeout * 1000);
    });
    return Promise.race([p, expired]).finally(() => clearTimeout(timer));
  }

  /** Shuts the worker threads down (needed only with `persistentWorkers`). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (pool) await (await pool).terminate();
  }
}
