/**
 * A worker script with the dataset module bundled in, the route for bundled apps: the page gets
 * its URL from Vite (`import url from './toy.worker.ts?worker&url'`) and passes it as `workerUrl`,
 * so the bundler puts this file, the dataset, @kiln/data and @kiln/tensor into one worker bundle.
 */
import { serveWebWorker } from '@kiln/data';
import * as toy from './toy-dataset.js';

serveWebWorker(toy);
