/**
 * @kiln/data — torch.utils.data for TypeScript: datasets, samplers, DataLoader (with worker
 * threads or Web Workers), default collation and a progress bar.
 * @packageDocumentation
 */
export { Dataset, IterableDataset, isMapDataset, isIterableDataset } from './dataset.js';
export type { MapDataset, AnyIterableDataset } from './dataset.js';
export { TensorDataset } from './tensor-dataset.js';
export { Subset } from './subset.js';
export { ConcatDataset } from './concat-dataset.js';
export { ChainDataset } from './chain-dataset.js';
export { randomSplit } from './random-split.js';
export type { RandomGenerator } from './random.js';
export { Sampler } from './samplers/sampler.js';
export { SequentialSampler } from './samplers/sequential.js';
export { RandomSampler } from './samplers/random.js';
export type { RandomSamplerOptions } from './samplers/random.js';
export { SubsetRandomSampler } from './samplers/subset-random.js';
export { WeightedRandomSampler } from './samplers/weighted-random.js';
export { BatchSampler } from './samplers/batch.js';
export { defaultCollate } from './collate.js';
export type { Collated } from './collate.js';
export { DataLoader } from './dataloader.js';
export type { DataLoaderOptions, IndexSampler, IndexBatchSampler } from './dataloader.js';
export type { WorkerDatasetSpec } from './worker-messages.js';
export { serveWebWorker } from './web-serve.js';
export type { DatasetModule } from './worker-runtime.js';
export { getWorkerInfo } from './worker-info.js';
export type { WorkerInfo } from './worker-info.js';
export { progress, Progress, formatBar, formatTime } from './progress.js';
export type { ProgressOptions, ProgressStream } from './progress.js';
export { DataError, DataValueError, DataIndexError, WorkerError } from './errors.js';
