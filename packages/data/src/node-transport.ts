/**
 * DataLoader workers as Node `worker_threads`. Loaded lazily by the worker pool, so browser
 * bundles never see these `node:` imports.
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DataValueError } from './errors.js';
import type { Transport, WorkerHandle } from './worker-pool.js';

/**
 * Code the worker thread starts with. When this package runs from its TypeScript sources (tests,
 * monorepo development) or the dataset module is TypeScript, the worker first registers `tsx`
 * so it can import `.ts` files: Node 20 workers cannot load TypeScript on their own.
 */
function bootstrap(entry: string, needsTs: boolean): { code: string; execArgv: string[] } {
  if (!needsTs) return { code: `import(${JSON.stringify(entry)});`, execArgv: [] };
  let tsx: string;
  try {
    // The ESM build of tsx's API (`import` condition): its CommonJS build registers hooks by a
    // path that breaks when the parent process already runs under `--import tsx`.
    tsx = typeof import.meta.resolve === 'function'
      ? import.meta.resolve('tsx/esm/api')
      : pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
  } catch {
    throw new DataValueError('DataLoader: the worker must load TypeScript (a .ts dataset module or @kiln/data sources) and needs the `tsx` package; install it (npm i -D tsx) or point workerDataset at compiled JavaScript');
  }
  const code = `(async () => { (await import(${JSON.stringify(tsx)})).register(); await import(${JSON.stringify(entry)}); })();`;
  // Resolve workspace packages to their sources in the worker too, like vitest does.
  return { code, execArgv: ['--conditions=@kiln/source'] };
}

/** Spawns `worker_threads` running `worker.ts` (sources) or `worker.js` (dist). @internal */
export const nodeTransport: Transport = {
  resolveModule: (module) => (/^[a-z][a-z0-9+.-]+:/i.test(module) ? module : pathToFileURL(module).href),
  spawn(count, events, { needsTs }) {
    const here = import.meta.url;
    const entry = new URL(here.endsWith('.ts') ? './worker.ts' : './worker.js', here).href;
    const { code, execArgv } = bootstrap(entry, needsTs || entry.endsWith('.ts'));
    return Array.from({ length: count }, (_, id): WorkerHandle => {
      const w = new Worker(code, { eval: true, execArgv });
      w.on('message', (msg) => events.message(id, msg));
      w.on('error', (e: Error) => events.error(id, e.stack ?? e.message));
      w.on('exit', (code: number) => events.exit(id, code));
      return {
        post: (msg) => w.postMessage(msg),
        terminate: () => w.terminate(),
        setRef: (on) => (on ? w.ref() : w.unref()),
      };
    });
  },
};
