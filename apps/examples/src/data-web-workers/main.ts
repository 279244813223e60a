/**
 * Page for test/data-web-workers.test.ts: iterates DataLoaders with `numWorkers: 0` and with
 * module Web Workers over {@link ToyDataset} and publishes what it saw on `window.__result`, so
 * the test (in Node) can compare.
 */
/// <reference types="vite/client" />
import { DataLoader, WorkerError } from '@kiln/data';
import type { Tensor } from '@kiln/tensor';
import { ToyDataset, type ToyArgs } from './toy-dataset.js';
// Vite's URL of a worker script that bundles the dataset module (the route for `vite build`).
import bundledWorkerUrl from './toy.worker.ts?worker&url';

// The worker imports this URL; Vite's dev server serves the .ts file as JavaScript.
const module = new URL('./toy-dataset.ts', import.meta.url);

type Batch = { x: Tensor; y: Tensor; w: Tensor };
/** A batch as plain lists (what the test compares), plus the dtypes that came back. */
const plain = (b: Batch) => ({ x: b.x.tolist(), y: b.y.tolist(), w: b.w.tolist(), dtypes: [b.x.dtype, b.y.dtype] });

async function collect(dl: AsyncIterable<unknown>): Promise<ReturnType<typeof plain>[]> {
  const out = [];
  for await (const b of dl) out.push(plain(b as Batch));
  return out;
}

function loader(args: ToyArgs, numWorkers: number, extra: Record<string, unknown> = {}) {
  const options = { batchSize: 4, shuffle: true, seed: 7, ...extra };
  return new DataLoader(new ToyDataset(args), numWorkers === 0 ? options : { ...options, numWorkers, workerDataset: { module, args } });
}

async function run() {
  const args = { n: 23 };
  const t0 = performance.now();
  const single = await collect(loader(args, 0));
  const workers = await collect(loader(args, 2, { prefetchFactor: 2 }));
  // Random features drawn in workers are reproducible: two loaders with one seed agree.
  const noisyA = await collect(loader({ n: 10, noisy: true }, 2));
  const noisyB = await collect(loader({ n: 10, noisy: true }, 2));
  // The same loader with workers started from a script that bundles the dataset module.
  const bundled = await collect(new DataLoader(new ToyDataset(args), {
    batchSize: 4, shuffle: true, seed: 7, numWorkers: 2, workerUrl: bundledWorkerUrl, workerDataset: { args },
  }));
  // Persistent workers serve two epochs (reshuffled) and stop on close().
  const persistent = loader(args, 2, { persistentWorkers: true });
  const epochs = [await collect(persistent), await collect(persistent)];
  await persistent.close();
  let isWorkerError = false;
  let error: { name: string; index: number | undefined; workerId: number; message: string } | null = null;
  try {
    await collect(loader({ n: 12, failAt: 6 }, 2, { shuffle: false }));
  } catch (e) {
    isWorkerError = e instanceof WorkerError;
    const we = e as WorkerError;
    error = { name: we.name, index: we.index, workerId: we.workerId, message: we.message };
  }
  return {
    single, workers, bundled, noisyA, noisyB, epochs, error,
    isWorkerError,
    ms: performance.now() - t0,
  };
}

const log = document.getElementById('log')!;
run().then(
  (r) => {
    (window as unknown as { __result: unknown }).__result = r;
    log.textContent = JSON.stringify(r, null, 1);
  },
  (e: unknown) => {
    (window as unknown as { __result: unknown }).__result = { failed: String((e as Error)?.stack ?? e) };
    log.textContent = String(e);
  },
);
