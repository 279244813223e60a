/**
 * Memory management: explicit `dispose()`, `tidy(fn)` scopes, `using` (Symbol.dispose), a
 * FinalizationRegistry backstop that frees storage of tensors the program forgot, and `memory()`.
 * @packageDocumentation
 */
import type { Storage } from './storage.js';
import { storageStats } from './storage.js';
import type { Tensor } from './tensor.js';
import { KilnError } from './errors.js';

const stats = { tensors: 0 };
let debug = false;

/** Turns on warnings when the FinalizationRegistry frees a tensor the program never disposed. */
export function setMemoryDebug(on: boolean): void {
  debug = on;
}

/**
 * What the backstop keeps per tensor: its storage, and its shape and dtype for the debug warning
 * (the description string is built only when a warning is printed: building it for every tensor
 * cost ~1 µs per op).
 */
interface Held { storage: Storage; shape: readonly number[]; dtype: string }

const registry =
  typeof FinalizationRegistry !== 'undefined'
    ? new FinalizationRegistry<Held>((held) => {
        stats.tensors--;
        if (debug) console.warn(`[kiln] a tensor [${held.shape.join(', ')}] ${held.dtype} was garbage-collected without dispose()`);
        held.storage.release();
      })
    : null;

const scopes: Set<Tensor>[] = [];
/** Tensors registered with the backstop (each at most once: two registrations would free twice). */
const registered = new WeakSet<Tensor>();

function register(t: Tensor, storage: Storage): void {
  if (!registry || registered.has(t) || t.isDisposed) return;
  registry.register(t, { storage, shape: t.layout.shape, dtype: t.dtype }, t);
  registered.add(t);
}

/**
 * Called by every Tensor constructor. A tensor made inside a `tidy` scope is registered with the
 * backstop only if it outlives the scope (returned at the outermost level, or kept): the scope
 * disposes the rest, and a FinalizationRegistry registration costs ~1 µs — a tenth of a small op.
 */
export function trackTensor(t: Tensor, storage: Storage): void {
  stats.tensors++;
  const scope = scopes[scopes.length - 1];
  if (scope) scope.add(t);
  else register(t, storage);
}

/** Called by `Tensor.set_()`: the backstop must free the storage the tensor now points at. */
export function retrackTensor(t: Tensor, storage: Storage): void {
  if (registered.delete(t)) registry?.unregister(t);
  register(t, storage);
}

/** Called by `Tensor.dispose()`. */
export function untrackTensor(t: Tensor): void {
  stats.tensors--;
  if (registered.delete(t)) registry?.unregister(t);
}

/** Tensors reachable from a value returned by a tidy scope (tensors, arrays, plain objects). */
function collect(v: unknown, out: Set<Tensor>, seen = new Set<unknown>()): void {
  if (v === null || typeof v !== 'object' || seen.has(v)) return;
  seen.add(v);
  if ((v as { isTensor?: boolean }).isTensor === true) {
    out.add(v as Tensor);
    return;
  }
  if (Array.isArray(v)) for (const x of v) collect(x, out, seen);
  else if (Object.getPrototypeOf(v) === Object.prototype) for (const x of Object.values(v)) collect(x, out, seen);
}

/**
 * Runs `fn` and disposes every tensor created inside it except those it returns (tfjs's tidy).
 * `fn` must be synchronous: a tensor created after an `await` would escape the scope.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    // tfjs does the same: a throwing scope must not leak what it allocated before the throw
    for (const t of scope) {
      if ((t as { _keep?: boolean })._keep) survive(t);
      else if (!t.isDisposed) t.dispose();
    }
    throw e;
  }
  scopes.pop();
  if (result instanceof Promise) {
    for (const t of scope) survive(t); // the error below must not free what fn made
    throw new KilnError('tidy(fn): fn returned a Promise; tidy only tracks synchronous code. Use `using` or dispose() across awaits.');
  }
  const keep = new Set<Tensor>();
  collect(result, keep);
  for (const t of scope) {
    if (keep.has(t) || (t as { _keep?: boolean })._keep) survive(t);
    else if (!t.isDisposed) t.dispose();
  }
  return result;
}

/** A tensor outlives its tidy scope: it joins the enclosing scope, or the backstop at the top. */
function survive(t: Tensor): void {
  const parent = scopes[scopes.length - 1];
  if (parent && !(t as { _keep?: boolean })._keep) parent.add(t);
  else register(t, t.storage);
}

/** Marks a tensor to survive the enclosing tidy scopes (tfjs's keep). */
export function keep<T extends Tensor>(t: T): T {
  (t as { _keep?: boolean })._keep = true;
  return t;
}

/** What memory is held: live tensor objects, storages, and bytes per device. */
export interface MemoryInfo {
  tensors: number;
  storages: number;
  bytes: number;
  perDevice: Record<string, { bytes: number }>;
}

/** A snapshot of live tensors and bytes, in total and per device. */
export function memory(): MemoryInfo {
  const s = storageStats();
  const perDevice: Record<string, { bytes: number }> = {};
  let bytes = 0;
  for (const [d, b] of Object.entries(s.bytesPerDevice)) {
    perDevice[d] = { bytes: b };
    bytes += b;
  }
  return { tensors: stats.tensors, storages: s.storages, bytes, perDevice };
}
