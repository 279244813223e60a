/**
 * The browser side of a DataLoader worker: serves the shared worker runtime on a Web Worker's
 * global scope (`self.postMessage` / `message` events).
 * @packageDocumentation
 */
import type { FromWorker, ToWorker } from './worker-messages.js';
import { serveDataLoaderWorker, type DatasetModule } from './worker-runtime.js';

/** The parts of `DedicatedWorkerGlobalScope` we use (the DOM lib has no worker-scope types). */
interface WorkerScope {
  postMessage(msg: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
}

/**
 * Makes the current Web Worker answer a DataLoader. `@kiln/data/web-worker` calls it with no
 * argument (the worker then imports `workerDataset.module` by URL). A bundled app calls it from its
 * own worker script with the dataset module imported statically, so that the bundler puts the
 * dataset, @kiln/data and @kiln/tensor into one worker bundle (one copy of each, so the seed the
 * worker sets is the one the dataset's transforms draw from):
 *
 * ```ts
 * // data.worker.ts
 * import { serveWebWorker } from '@kiln/data';
 * import * as myDataset from './my-dataset.js';
 * serveWebWorker(myDataset);
 * ```
 */
export function serveWebWorker(datasetModule?: DatasetModule): void {
  const scope = globalThis as unknown as WorkerScope;
  if (typeof scope.postMessage !== 'function' || typeof (globalThis as { document?: unknown }).document !== 'undefined') {
    throw new Error('serveWebWorker must run inside a Web Worker');
  }
  serveDataLoaderWorker(
    {
      post: (msg: FromWorker, transfer) => scope.postMessage(msg, transfer),
      listen: (handler) => scope.addEventListener('message', (e) => handler(e.data as ToWorker)),
    },
    datasetModule,
  );
}
