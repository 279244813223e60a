/**
 * DataLoader workers as browser module Web Workers. Each runs `web-worker.ts` (or the script
 * given as `workerUrl`), which speaks the same protocol as the Node threads.
 * @packageDocumentation
 */
import type { Transport, WorkerHandle } from './worker-pool.js';

/**
 * The worker entry next to this file: `web-worker.ts` when served from sources (Vite's dev
 * server, the monorepo), `web-worker.js` in `dist/`. This only works where files are served
 * unbundled; bundled apps pass `workerUrl` (see the README).
 */
function defaultWorkerUrl(): string {
  const here = import.meta.url;
  return new URL(new URL(here).pathname.endsWith('.ts') ? './web-worker.ts' : './web-worker.js', here).href;
}

/** Spawns module Web Workers. @internal */
export const webTransport: Transport = {
  // A path such as '/data/mnist.js' means a path on this site; the worker needs an absolute URL
  // because it would otherwise resolve it against its own script.
  resolveModule: (module) => new URL(module, (globalThis as { location?: { href: string } }).location?.href).href,
  spawn(count, events, { workerUrl }) {
    const url = workerUrl ?? defaultWorkerUrl();
    return Array.from({ length: count }, (_, id): WorkerHandle => {
      const w = new Worker(url, { type: 'module', name: `kiln-data-worker-${id}` });
      w.addEventListener('message', (e: MessageEvent) => events.message(id, e.data));
      w.addEventListener('error', (e: ErrorEvent) => {
        // A module worker that fails to load reports an ErrorEvent without a message.
        e.preventDefault();
        events.error(id, e.message || `the worker script ${url} failed to load (is workerUrl right, and served as JavaScript?)`);
      });
      w.addEventListener('messageerror', () => events.error(id, 'a message from the worker could not be deserialized'));
      return {
        post: (msg) => w.postMessage(msg),
        terminate: () => w.terminate(),
        setRef: () => {}, // a page does not "exit", so there is nothing to keep alive
      };
    });
  },
};
