/**
 * `torch.optim` for the umbrella: every optimizer of `@kiln/optim`, with the learning-rate
 * schedulers under `lrScheduler` (PyTorch's `torch.optim.lr_scheduler`). The schedulers are a
 * separate entry point of `@kiln/optim` so that users of the scoped packages only load them when
 * they ask; the umbrella gathers both so PyTorch code ports line by line.
 * @packageDocumentation
 */
export * from '@kiln/optim';
/** torch.optim.lr_scheduler: `new torch.optim.lrScheduler.StepLR(optimizer, 1, { gamma: 0.7 })`. */
export * as lrScheduler from '@kiln/optim/lr-scheduler';
