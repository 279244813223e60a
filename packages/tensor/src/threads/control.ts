/**
 * Layout of the pool's control block: one shared Int32Array through which the calling thread
 * posts a job (function, arguments, per-worker unit ranges) and workers report completion.
 * Shared by the pool and the worker source so both sides agree on every index.
 * @packageDocumentation
 */

/** The most workers a pool runs (the control block reserves slots for this many). */
export const MAX_WORKERS = 63;

/** Int32 indices into the control block. */
export const CTRL = {
  /** Bumped once per job; workers wait on it. */
  generation: 0,
  /** Set to 1 by a worker whose kernel threw (trapped). */
  error: 1,
  /** Index of the exported function to call. */
  fn: 2,
  /** Number of i32 arguments before the unit range. */
  nargs: 3,
  /** The arguments (up to 28). */
  args: 4,
  /** [u0, u1) per worker. */
  ranges: 32,
  /** Per worker: 1 once its module is instantiated. */
  ready: 32 + 2 * MAX_WORKERS,
  /** Per worker: the last generation it finished. */
  done: 32 + 3 * MAX_WORKERS,
  /** Total length of the block. */
  length: 32 + 4 * MAX_WORKERS,
} as const;
