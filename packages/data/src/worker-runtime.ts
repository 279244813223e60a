/**
 * What a DataLoader worker does, whatever the thread: builds the dataset from the module named in
 * the `init` message (or from a module the worker script was bundled with), then answers `batch`
 * requests (map-style: fetch the given indices) and `next` requests (iterable-style: advance this
 * worker's own iterator) with collated batches. Each failure is reported with the dataset index
 * being read. Node's `worker.ts` and the browser's `web-worker.ts` only connect this to their
 * message port, so both transports share one protocol and one implementation.
 * @packageDocumentation
 */
import { defaultCollate } from './collate.js';
import type { AnyIterableDataset, MapDataset } from './dataset.js';
import { T } from './tensor-peer.js';
import { encode } from './wire.js';
import { getWorkerInfo, setWorkerInfo } from './worker-info.js';
import type { FromWorker, ToWorker } from './worker-messages.js';

/** The two things a worker needs from its thread: send a message (moving buffers) and receive one. */
export interface WorkerPort {
  post(msg: FromWorker, transfer: ArrayBuffer[]): void;
  listen(handler: (msg: ToWorker) => void): void;
}

/**
 * The exports a dataset module offers a worker: `createDataset(args)` (or the name given in
 * `workerDataset.exportName`, or a default export), and optionally `collateFn` and `workerInitFn`.
 */
export type DatasetModule = Record<string, unknown>;

let dataset: MapDataset | AnyIterableDataset | null = null;
/** The current epoch's iterator over an iterable dataset (reset by every `epoch` message). */
let iterator: Iterator<unknown> | AsyncIterator<unknown> | null = null;
let collateInWorker = true;
let collateFn: (batch: unknown[]) => unknown = defaultCollate;
/** The module's `workerInitFn(workerId)`, run once after the worker is first seeded (PyTorch's worker_init_fn). */
let workerInitFn: ((id: number) => unknown) | null = null;

let port: WorkerPort | null = null;
/** Set by `serveDataLoaderWorker(port, module)`: a dataset module bundled into the worker script. */
let bundled: DatasetModule | null = null;

function send(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.post(msg, transfer);
}

function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
}

async function init(msg: Extract<ToWorker, { type: 'init' }>): Promise<void> {
  setWorkerInfo({ id: msg.workerId, numWorkers: msg.numWorkers, seed: 0, dataset: null });
  // As PyTorch's workers do (torch.set_num_threads(1)): the workers already fill the cores, so
  // intra-op threads inside each of them would only oversubscribe the machine.
  T?.setNumThreads(1);
  const { module } = msg.spec;
  if (!bundled && module === null) throw new Error('DataLoader worker: no dataset module: pass workerDataset.module, or serve a dataset module bundled into the worker script');
  // `@vite-ignore`: the URL is only known at run time, so bundlers must leave this import alone.
  const mod = bundled ?? ((await import(/* @vite-ignore */ module!)) as DatasetModule);
  const factory = mod[msg.spec.exportName ?? 'createDataset'] ?? mod.default;
  if (typeof factory !== 'function') {
    throw new Error(`DataLoader worker: module ${module ?? '(bundled)'} has no export '${msg.spec.exportName ?? 'createDataset'}' (or default) function that builds the dataset`);
  }
  dataset = (await factory(msg.spec.args)) as MapDataset | AnyIterableDataset;
  setWorkerInfo({ ...getWorkerInfo()!, dataset });
  collateInWorker = msg.collateInWorker;
  // A module may export its own collateFn to run in the worker (functions cannot be posted).
  if (typeof mod.collateFn === 'function') collateFn = mod.collateFn as typeof collateFn;
  if (typeof mod.workerInitFn === 'function') workerInitFn = mod.workerInitFn as typeof workerInitFn;
}

function fetchBatch(id: number, indices: number[]): void {
  const samples: unknown[] = [];
  for (const i of indices) {
    try {
      samples.push((dataset as MapDataset).getItem(i));
    } catch (e) {
      send({ type: 'error', id, index: i, message: errorText(e) });
      return;
    }
  }
  try {
    const transfer: ArrayBuffer[] = [];
    const data = encode(collateInWorker ? collateFn(samples) : samples, transfer);
    send({ type: 'batch', id, data }, transfer);
  } catch (e) {
    send({ type: 'error', id, index: undefined, message: errorText(e) });
  }
}

/**
 * Iterable datasets: the next `batchSize` samples of this worker's replica. As in PyTorch, every
 * worker iterates the whole dataset unless it shards itself with `getWorkerInfo()`.
 */
async function nextBatch(id: number, batchSize: number | null, dropLast: boolean): Promise<void> {
  const samples: unknown[] = [];
  try {
    const ds = dataset as AnyIterableDataset;
    iterator ??= Symbol.asyncIterator in ds ? ds[Symbol.asyncIterator]() : (ds as Iterable<unknown>)[Symbol.iterator]();
    while (samples.length < (batchSize ?? 1)) {
      const r = await iterator.next();
      if (r.done) break;
      samples.push(r.value);
    }
  } catch (e) {
    send({ type: 'error', id, index: undefined, message: errorText(e) });
    return;
  }
  if (samples.length === 0 || (dropLast && batchSize !== null && samples.length < batchSize)) {
    send({ type: 'end', id });
    return;
  }
  try {
    const transfer: ArrayBuffer[] = [];
    const data = encode(batchSize !== null && collateInWorker ? collateFn(samples) : samples, transfer);
    send({ type: 'batch', id, data }, transfer);
  } catch (e) {
    send({ type: 'error', id, index: undefined, message: errorText(e) });
  }
}

async function handle(msg: ToWorker): Promise<void> {
  if (msg.type === 'init') {
    try {
      await init(msg);
      send({ type: 'ready' });
    } catch (e) {
      send({ type: 'error', id: null, index: undefined, message: errorText(e) });
    }
  } else if (msg.type === 'epoch') {
    // PyTorch seeds each worker's torch RNG with base_seed + worker_id.
    const info = getWorkerInfo()!;
    const seed = msg.seed + info.id;
    T?.manualSeed(seed);
    setWorkerInfo({ ...info, seed });
    iterator = null;
    if (workerInitFn) {
      const fn = workerInitFn;
      workerInitFn = null;
      try {
        await fn(info.id);
      } catch (e) {
        send({ type: 'error', id: null, index: undefined, message: `in workerInitFn: ${errorText(e)}` });
      }
    }
  } else if (msg.type === 'next') {
    await nextBatch(msg.id, msg.batchSize, msg.dropLast);
  } else {
    fetchBatch(msg.id, msg.indices);
  }
}

/**
 * Starts answering a DataLoader on `workerPort`; called once by the worker entry scripts
 * (`worker.ts` for Node threads, `web-worker.ts` for browsers). Pass `datasetModule` when the
 * dataset module is bundled into the worker script itself (see the README's "Workers in
 * browsers"); otherwise the worker imports `workerDataset.module` by URL.
 */
export function serveDataLoaderWorker(workerPort: WorkerPort, datasetModule?: DatasetModule): void {
  if (port) throw new Error('serveDataLoaderWorker: this worker already serves a DataLoader');
  port = workerPort;
  bundled = datasetModule ?? null;
  // Messages are handled strictly in order: `init` is async (it imports the module), and batch
  // requests that arrive meanwhile must wait for the dataset.
  let queue: Promise<void> = Promise.resolve();
  port.listen((msg) => {
    queue = queue.then(() => handle(msg));
  });
  send({ type: 'hello' });
}
