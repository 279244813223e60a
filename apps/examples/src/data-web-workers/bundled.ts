/**
 * Page for the `vite build` check of test/data-web-workers.test.ts: only the bundled route
 * (`workerUrl` of a worker script that bundles the dataset module), which is what works once
 * Vite has bundled everything. Publishes what it saw on `window.__result`.
 */
/// <reference types="vite/client" />
import { DataLoader, WorkerError } from '@kiln/data';
import type { Tensor } from '@kiln/tensor';
import { ToyDataset } from './toy-dataset.js';
import workerUrl from './toy.worker.ts?worker&url';

type Batch = { x: Tensor; y: Tensor; w: Tensor };

async function collect(dl: AsyncIterable<unknown>): Promise<{ x: number[][]; y: number[]; w: number[] }[]> {
  const out = [];
  for await (const b of dl) {
    const { x, y, w } = b as Batch;
    out.push({ x: x.tolist() as number[][], y: y.tolist() as number[], w: w.tolist() as number[] });
  }
  return out;
}

async function run() {
  const args = { n: 23 };
  const options = { batchSize: 4, shuffle: true, seed: 7 };
  const single = await collect(new DataLoader(new ToyDataset(args), options));
  const workers = await collect(new DataLoader(new ToyDataset(args), { ...options, numWorkers: 2, workerUrl, workerDataset: { args } }));
  let error: { index: number | undefined; message: string; isWorkerError: boolean } | null = null;
  try {
    await collect(new DataLoader(new ToyDataset({ n: 12, failAt: 6 }), { batchSize: 4, numWorkers: 2, workerUrl, workerDataset: { args: { n: 12, failAt: 6 } } }));
  } catch (e) {
    error = { index: (e as WorkerError).index, message: (e as Error).message, isWorkerError: e instanceof WorkerError };
  }
  return { single, workers, error };
}

run().then(
  (r) => {
    (window as unknown as { __result: unknown }).__result = r;
    document.getElementById('log')!.textContent = JSON.stringify(r);
  },
  (e: unknown) => {
    (window as unknown as { __result: unknown }).__result = { failed: String((e as Error)?.stack ?? e) };
  },
);
