/**
 * Entry point of a DataLoader worker in browsers (a module Web Worker): serves the shared worker
 * runtime on the worker's global scope; the dataset comes from `workerDataset.module`, imported
 * by URL. The Node counterpart is `worker.ts`.
 * @packageDocumentation
 */
import { serveWebWorker } from './web-serve.js';

serveWebWorker();
