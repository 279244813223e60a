/**
 * Entry point of a DataLoader worker in Node (`worker_threads`): connects the shared worker
 * runtime to the thread's `parentPort`. The browser counterpart is `web-worker.ts`.
 * @packageDocumentation
 */
import { parentPort } from 'node:worker_threads';
import { serveDataLoaderWorker } from './worker-runtime.js';

const port = parentPort!;
serveDataLoaderWorker({
  post: (msg, transfer) => port.postMessage(msg, transfer),
  listen: (handler) => port.on('message', handler),
});
