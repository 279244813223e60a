/**
 * `torch.utils` for the umbrella. PyTorch keeps its data loading under `torch.utils.data`, so the
 * umbrella nests `@kiln/data` there rather than at the top level: `torch.utils.data.DataLoader`.
 * @packageDocumentation
 */
/** torch.utils.data: Dataset, TensorDataset, samplers, DataLoader, randomSplit … (`@kiln/data`). */
export * as data from '@kiln/data';
