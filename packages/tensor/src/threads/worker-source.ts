/**
 * The source of a kernel worker, kept as a string so the pool can start it with
 * `new Worker(src, { eval: true })` in Node or from a Blob URL in browsers: no separate file to
 * locate at run time, which keeps the package working from `src/` (tsx, vitest) and from `dist/`.
 *
 * A worker instantiates the kernel module on the shared memory, flags itself ready, then sleeps
 * in `Atomics.wait` on the job generation (after spinning a while, see SPIN). For each new generation it runs its unit range of the
 * job (if any) and publishes the generation as done. It never returns to its event loop, so it
 * costs nothing between jobs; the pool `unref`s it so it never keeps a process alive.
 * @packageDocumentation
 */
import { CTRL } from './control.js';

/**
 * Polls of the job word before a worker sleeps: ~2–9 ms. A training step issues its kernels a few
 * hundred microseconds apart; a worker asleep in `Atomics.wait` needs a futex wake-up that costs
 * 50–100+ µs on a VM, more than a small GEMM's share, and made the MLP step ~25 % slower and
 * jittery (measured: median 1.26–1.38 ms with a 20 k-poll spin against 0.92–1.23 ms with 1 M, same
 * runs interleaved). OpenMP runtimes spin-wait the same way before sleeping.
 */
export const SPIN = 1_000_000;

/** JavaScript source of a kernel worker (Node `worker_threads` or a browser Web Worker). */
export const WORKER_SOURCE = `
'use strict';
const C = ${JSON.stringify(CTRL)};
const isNode = typeof process !== 'undefined' && !!(process.versions && process.versions.node);
const onFirstMessage = (fn) => {
  if (isNode) require('node:worker_threads').parentPort.once('message', fn);
  else self.onmessage = (e) => { self.onmessage = null; fn(e.data); };
};
onFirstMessage(({ module, memory, control, index, names }) => {
  const c = new Int32Array(control);
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const fns = names.map((n) => exports[n]);
  let gen = Atomics.load(c, C.generation);
  Atomics.store(c, C.ready + index, 1);
  Atomics.notify(c, C.ready + index);
  for (;;) {
    // spin briefly before sleeping: kernels of one training step come back to back, and a futex
    // wake-up costs tens of microseconds — as much as a small GEMM's share
    for (let spin = 0; spin < ${SPIN} && Atomics.load(c, C.generation) === gen; spin++);
    Atomics.wait(c, C.generation, gen);
    gen = Atomics.load(c, C.generation);
    const u0 = c[C.ranges + 2 * index], u1 = c[C.ranges + 2 * index + 1];
    if (u0 < u1) {
      const args = [];
      for (let i = 0; i < c[C.nargs]; i++) args.push(c[C.args + i]);
      try { fns[c[C.fn]](...args, u0, u1); } catch (e) { Atomics.store(c, C.error, 1); }
    }
    Atomics.store(c, C.done + index, gen);
    Atomics.notify(c, C.done + index);
  }
});
`;
