/**
 * Timing for the JavaScript contenders: warm-up runs (JIT, thread pool start, allocator), then
 * timed runs until a run count or a time budget is reached; the median is reported so one
 * interruption from another process on a shared machine does not move the result.
 * @packageDocumentation
 */

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Timing limits for one case in one process: at least `warmup` warm-up runs, and more until
 * `warmupMs` have passed (at most 3000), so a millisecond-sized case is timed after the JavaScript
 * JIT has optimised it, as a long training loop would run it; then timed runs.
 */
export interface TimingOptions { warmup: number; warmupMs: number; maxRuns: number; minRuns: number; budgetMs: number }

/** Default limits: slow contenders (tfjs-cpu) get few runs, fast ones many. */
export const DEFAULT_TIMING: TimingOptions = { warmup: 2, warmupMs: 2000, maxRuns: 200, minRuns: 3, budgetMs: 1500 };

/** Runs `fn` per {@link TimingOptions} and returns the median run time and the run count. */
export async function timeIt(fn: () => void | Promise<void>, opts: TimingOptions = DEFAULT_TIMING): Promise<{ ms: number; runs: number }> {
  const w0 = performance.now();
  for (let i = 0; i < opts.warmup || (i < 3000 && performance.now() - w0 < opts.warmupMs); i++) {
    const t = performance.now();
    await fn();
    const took = performance.now() - t;
    // a case that takes seconds per run (tfjs-cpu on a conv backward) is past JIT warm-up effects:
    // its first run is the measurement
    if (i === 0 && took > 4 * opts.budgetMs) return { ms: took, runs: 1 };
    if (performance.now() - w0 > Math.max(opts.budgetMs, opts.warmupMs)) break;
  }
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < opts.maxRuns && (samples.length < opts.minRuns || performance.now() - start < opts.budgetMs)) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
    if (samples.length >= opts.minRuns && performance.now() - start > 4 * opts.budgetMs) break;
  }
  return { ms: median(samples), runs: samples.length };
}
