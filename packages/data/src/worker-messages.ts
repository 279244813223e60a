/**
 * Messages between a DataLoader and its workers.
 * @packageDocumentation
 */

/** Where a worker finds its dataset: a module URL/path and the factory export to call. */
export interface WorkerDatasetSpec {
  /**
   * URL (or absolute path / file URL string) of an ES module that builds the dataset. Required,
   * except in browsers when `workerUrl` names a worker script with the dataset module bundled in
   * (`serveWebWorker(datasetModule)`).
   */
  module?: string | URL;
  /** Named export of the factory (default: `'createDataset'`, falling back to `default`). */
  exportName?: string;
  /** Structured-cloneable argument passed to the factory. */
  args?: unknown;
}

/** A spec whose module is an absolute URL string (or `null`: the worker script bundles it). */
export type ResolvedSpec = Omit<WorkerDatasetSpec, 'module'> & { module: string | null };

/** Main → worker. */
export type ToWorker =
  | { type: 'init'; spec: ResolvedSpec; workerId: number; numWorkers: number; collateInWorker: boolean }
  | { type: 'epoch'; seed: number }
  | { type: 'batch'; id: number; indices: number[] }
  /** Iterable datasets: the next batch of this worker's own replica (`batchSize` null: one sample). */
  | { type: 'next'; id: number; batchSize: number | null; dropLast: boolean };

/** Worker → main. */
export type FromWorker =
  /** The worker listens: only now may it be sent messages (see WorkerPool.post). */
  | { type: 'hello' }
  | { type: 'ready' }
  | { type: 'batch'; id: number; data: unknown }
  | { type: 'end'; id: number }
  | { type: 'error'; id: number | null; index: number | undefined; message: string };
