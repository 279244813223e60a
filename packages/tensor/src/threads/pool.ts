/**
 * A pool of kernel workers sharing one WebAssembly module and one shared memory with the calling
 * thread. A job is "call export `fn(...args, u0, u1)`" over `units` independent work units; the
 * pool splits the units into contiguous ranges, one per thread, runs the first range on the
 * calling thread and waits for the rest. Only plain integers cross threads (pointers into the
 * shared memory), so a job costs one `Atomics.notify` and one wait per worker.
 *
 * Workers exist only where shared memory does: Node (`worker_threads`) and cross-origin-isolated
 * browsers (Web Workers). Elsewhere `maxThreads()` is 1 and every job runs inline.
 * @packageDocumentation
 */
import { CTRL, MAX_WORKERS } from './control.js';
import { NodeWorker, getNumThreads, type NodeWorkerLike } from './num-threads.js';
import { SPIN, WORKER_SOURCE } from './worker-source.js';

interface WorkerHandle { terminate(): void }

/** Whether this thread may block in `Atomics.wait` (not a browser's main thread). */
function canBlock(c: Int32Array): boolean {
  try {
    Atomics.wait(c, CTRL.error, 1, 0); // value differs: returns 'not-equal' immediately where allowed
    return true;
  } catch {
    return false;
  }
}

/** Runs jobs of one WebAssembly module over its shared memory on several threads. */
export class WorkerPool {
  private readonly control: Int32Array;
  private readonly workers: WorkerHandle[] = [];
  private readonly blocking: boolean;
  private readonly fnIndex: Map<string, number>;

  /**
   * @param module the compiled kernel module (instantiated once per worker)
   * @param memory the shared memory every instance imports
   * @param names the exports jobs may call
   */
  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly names: readonly string[],
  ) {
    this.control = new Int32Array(new SharedArrayBuffer(CTRL.length * 4));
    this.blocking = canBlock(this.control);
    this.fnIndex = new Map(names.map((n, i) => [n, i]));
  }

  /** Whether this platform can run workers at all (shared memory and a Worker implementation). */
  static supported(): boolean {
    if (typeof SharedArrayBuffer === 'undefined') return false;
    if (NodeWorker) return true;
    return typeof Worker !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  }

  /** Starts workers until there are `n` (they become usable once instantiated). */
  private grow(n: number): void {
    while (this.workers.length < Math.min(n, MAX_WORKERS)) {
      const index = this.workers.length;
      const init = { module: this.module, memory: this.memory, control: this.control.buffer, index, names: this.names };
      if (NodeWorker) {
        // plain JavaScript: no need for the parent's loaders (tsx, --conditions) in the worker
        const w: NodeWorkerLike = new NodeWorker(WORKER_SOURCE, { eval: true, execArgv: [] });
        // a worker that fails to start just never becomes ready; its share then runs inline
        w.on('error', () => {});
        w.unref(); // never keep the process alive for idle kernel threads
        w.postMessage(init);
        this.workers.push({ terminate: () => void w.terminate() });
      } else {
        const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
        const w = new Worker(url);
        w.postMessage(init);
        this.workers.push({ terminate: () => w.terminate() });
      }
    }
  }

  /** How many workers are running and ready for jobs. */
  readyCount(): number {
    return this.readyWorkers(MAX_WORKERS).length;
  }

  /** Workers that have instantiated the module, among the first `n`. */
  private readyWorkers(n: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < Math.min(n, this.workers.length); i++) if (Atomics.load(this.control, CTRL.ready + i) === 1) out.push(i);
    return out;
  }

  /**
   * Resolves once `n - 1` workers (for `n` threads in all) are running, starting them if needed;
   * kernels issued before that simply use fewer threads.
   */
  async warmUp(n = getNumThreads()): Promise<void> {
    if (!WorkerPool.supported()) return;
    this.grow(n - 1);
    for (let tries = 0; tries < 2000 && this.readyWorkers(n - 1).length < Math.min(n - 1, this.workers.length); tries++) {
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /**
   * Calls `fn(...args, u0, u1)` over `units` work units split across up to `threads` threads
   * (the calling thread included). Returns once every range is done, with the first unit of each
   * range (kernels that keep per-thread partial results put them at their range's first unit);
   * throws if a worker trapped.
   */
  run(fn: string, args: readonly number[], units: number, threads: number, local: (u0: number, u1: number) => void): number[] {
    if (threads > 1 && WorkerPool.supported()) this.grow(threads - 1);
    const helpers = threads > 1 ? this.readyWorkers(threads - 1) : [];
    if (helpers.length === 0 || units < 2) {
      local(0, units);
      return [0];
    }
    const c = this.control;
    const parts = Math.min(units, helpers.length + 1);
    const cut = (i: number) => Math.floor((units * i) / parts);
    for (let i = 0; i < this.workers.length; i++) {
      c[CTRL.ranges + 2 * i] = 0;
      c[CTRL.ranges + 2 * i + 1] = 0;
    }
    const used = helpers.slice(0, parts - 1);
    used.forEach((w, i) => {
      c[CTRL.ranges + 2 * w] = cut(i + 1);
      c[CTRL.ranges + 2 * w + 1] = cut(i + 2);
    });
    c[CTRL.fn] = this.fnIndex.get(fn)!;
    c[CTRL.nargs] = args.length;
    args.forEach((a, i) => (c[CTRL.args + i] = a));
    Atomics.store(c, CTRL.error, 0);
    const gen = Atomics.add(c, CTRL.generation, 1) + 1;
    Atomics.notify(c, CTRL.generation);
    local(0, cut(1));
    for (const w of used) {
      // the shares are equal, so the helper is usually about done: poll (as long as a worker
      // polls for its next job, see SPIN) before sleeping
      for (let spin = 0; spin < SPIN && Atomics.load(c, CTRL.done + w) !== gen; spin++);
      for (;;) {
        const v = Atomics.load(c, CTRL.done + w);
        if (v === gen) break;
        if (this.blocking) Atomics.wait(c, CTRL.done + w, v, 1000);
      }
    }
    if (Atomics.load(c, CTRL.error) !== 0) throw new Error(`kernel worker trapped in ${fn}`);
    return Array.from({ length: parts }, (_, i) => cut(i));
  }

  /** Stops every worker (the pool can grow again afterwards). */
  terminate(): void {
    for (const w of this.workers.splice(0)) w.terminate();
    for (let i = 0; i < MAX_WORKERS; i++) Atomics.store(this.control, CTRL.ready + i, 0);
  }
}
