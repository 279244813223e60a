/**
 * CPU fallback for compute primitives a backend does not implement, so that a partial backend
 * still runs every op (slowly) instead of failing: the operands are read back synchronously, the
 * CPU backend's kernel runs, and the result is uploaded to the backend again. Each missing method
 * warns once per backend the first time it is used. `registerBackend` applies this to every backend.
 * @packageDocumentation
 */
import type { DType, TypedArray } from '../dtype.js';
import { DeviceError } from '../errors.js';
import { contiguousView, numelOf } from '../shape.js';
import type { Backend, Handle, Operand } from './backend.js';
import { createCpuBackend } from './cpu/cpu-backend.js';

/** The compute primitives the fallback can fill: each returns fresh handles and writes nothing in place. */
export const FALLBACK_METHODS = [
  'unary', 'binary', 'cast', 'where', 'reduce', 'scan', 'contiguous', 'matmul', 'gather', 'scatter', 'sort',
] as const;

/** A compute primitive that `withCpuFallback` fills in when a backend leaves it out. */
export type FallbackMethod = (typeof FALLBACK_METHODS)[number];

/**
 * A backend that may leave out compute primitives (see {@link FALLBACK_METHODS}); storage
 * (`alloc`, `upload`, `read`, `retain`, `release`, `byteLength`, `flush`, `dispose`) and the in-place
 * writes (`copyInto`, `fill`) it must still implement, since they act on its own buffers.
 */
export type PartialBackend = Omit<Backend, FallbackMethod> & Partial<Pick<Backend, FallbackMethod>>;

/** Members with no CPU fallback: without them the backend cannot hold or write its own data. */
const REQUIRED = ['alloc', 'upload', 'read', 'retain', 'release', 'byteLength', 'flush', 'dispose', 'copyInto', 'fill'] as const;

/**
 * How each primitive's outputs look, from its arguments: which arguments are operands (moved to the
 * CPU) and each output's shape and dtype (to upload the result back). The shapes follow the
 * contract's comments in backend.ts.
 */
type Out = { shape: readonly number[]; dtype: DType };
const SPECS: Record<FallbackMethod, { operands: readonly number[]; outs: (args: readonly unknown[]) => Out[] | Out }> = {
  unary: { operands: [1], outs: (a) => ({ shape: op(a[1]).view.shape, dtype: a[2] as DType }) },
  binary: { operands: [1, 2], outs: (a) => ({ shape: a[3] as number[], dtype: a[4] as DType }) },
  cast: { operands: [0], outs: (a) => ({ shape: op(a[0]).view.shape, dtype: a[1] as DType }) },
  where: { operands: [0, 1, 2], outs: (a) => ({ shape: a[3] as number[], dtype: a[4] as DType }) },
  reduce: {
    operands: [1],
    outs: (a) => {
      const axes = a[2] as readonly number[];
      return { shape: op(a[1]).view.shape.filter((_, i) => !axes.includes(i)), dtype: a[3] as DType };
    },
  },
  // `indices` (cummax/cummin) are int64 in PyTorch, int32 here, as the CPU kernel returns them.
  scan: { operands: [1], outs: (a) => [{ shape: op(a[1]).view.shape, dtype: a[3] as DType }, { shape: op(a[1]).view.shape, dtype: 'int32' }] },
  contiguous: { operands: [0], outs: (a) => ({ shape: op(a[0]).view.shape, dtype: op(a[0]).dtype }) },
  matmul: { operands: [0, 1], outs: (a) => ({ shape: a[2] as number[], dtype: a[3] as DType }) },
  gather: { operands: [0, 2], outs: (a) => ({ shape: op(a[2]).view.shape, dtype: op(a[0]).dtype }) },
  scatter: { operands: [0, 2, 3], outs: (a) => ({ shape: op(a[0]).view.shape, dtype: op(a[0]).dtype }) },
  sort: { operands: [0], outs: (a) => [{ shape: op(a[0]).view.shape, dtype: op(a[0]).dtype }, { shape: op(a[0]).view.shape, dtype: 'int32' }] },
};

const op = (x: unknown): Operand => x as Operand;

let cpuBackend: Backend | undefined;
/** A private CPU backend instance (importing the registry here would close an import cycle). */
const cpu = (): Backend => (cpuBackend ??= createCpuBackend());

/** Which (backend, method) pairs have warned already: once per backend object and method. */
const warned = new WeakMap<object, Set<string>>();

function warnOnce(backend: PartialBackend, method: FallbackMethod): void {
  let seen = warned.get(backend);
  if (!seen) warned.set(backend, (seen = new Set()));
  if (seen.has(method)) return;
  seen.add(method);
  console.warn(
    `kiln: backend '${backend.name}' has no '${method}' kernel; running it on the CPU (slow). ` +
      `Each call copies its operands to the CPU and the result back; implement '${method}' in the backend to avoid this.`,
  );
}

/** Puts a device operand on the CPU: a contiguous synchronous copy of its view. */
function toCpu(backend: PartialBackend, x: Operand): Operand {
  const data = backend.readSync!(x);
  return { handle: cpu().adopt!(data, x.dtype), dtype: x.dtype, view: contiguousView(x.view.shape) };
}

/** Uploads a CPU result to the backend and frees the CPU copy. */
function fromCpu(backend: PartialBackend, h: Handle, out: Out): Handle {
  const c = cpu();
  const data: TypedArray = c.readSync!({ handle: h, dtype: out.dtype, view: contiguousView([numelOf(out.shape)]) });
  c.release(h);
  return backend.upload(data, out.dtype);
}

function fallback(backend: PartialBackend, method: FallbackMethod): (...args: unknown[]) => unknown {
  const spec = SPECS[method];
  return (...args: unknown[]): unknown => {
    if (typeof backend.readSync !== 'function') {
      throw new DeviceError(
        `${method}: backend '${backend.name}' has no '${method}' kernel, and no readSync, so Kiln cannot run it on the CPU instead. ` +
          `Implement '${method}' in the backend (or readSync, which enables the slow CPU fallback), or move the tensors to the CPU first with \`.to('cpu')\`.`,
      );
    }
    warnOnce(backend, method);
    const cpuArgs = [...args];
    const moved: Operand[] = [];
    for (const i of spec.operands) {
      const o = toCpu(backend, op(args[i]));
      cpuArgs[i] = o;
      moved.push(o);
    }
    try {
      const r = (cpu()[method] as (...a: unknown[]) => unknown)(...cpuArgs);
      const outs = spec.outs(args);
      if (!Array.isArray(outs)) return fromCpu(backend, r as Handle, outs);
      // two-output primitives: { values, indices } (scan's indices only for cummax/cummin)
      const pair = r as { values: Handle; indices?: Handle };
      const res: { values: Handle; indices?: Handle } = { values: fromCpu(backend, pair.values, outs[0]!) };
      if (pair.indices) res.indices = fromCpu(backend, pair.indices, outs[1]!);
      return res;
    } finally {
      for (const o of moved) cpu().release(o.handle);
    }
  };
}

/**
 * Fills every compute primitive a backend leaves out (`undefined`) with one that runs the CPU
 * backend's kernel: operands are copied to the CPU with the backend's `readSync`, the result is
 * uploaded back with its `upload`, and the first use of each missing method prints one
 * `console.warn` per backend. A backend without `readSync` gets methods that throw a
 * {@link DeviceError} naming the op and the backend. Missing storage members (`alloc`, `upload`,
 * `read` …) or in-place writes (`copyInto`, `fill`) have no fallback and throw a DeviceError here.
 *
 * The methods are added to the backend object itself (it keeps its identity, prototype and `this`);
 * a frozen object gets a wrapper that inherits from it. A complete backend is returned unchanged.
 * `registerBackend` calls this, so registering a partial backend is enough.
 *
 * @example
 * ```ts
 * const { matmul, ...noMatmul } = createCpuBackend();
 * registerBackend('mine', { ...noMatmul, name: 'mine' }); // matmul runs on the CPU, with one warning
 * ```
 */
export function withCpuFallback(backend: PartialBackend): Backend {
  const missingStorage = REQUIRED.filter((k) => typeof (backend as unknown as Record<string, unknown>)[k] !== 'function');
  if (missingStorage.length) {
    throw new DeviceError(
      `registerBackend: backend '${backend.name}' does not implement ${missingStorage.join(', ')}. ` +
        'These act on the backend\'s own buffers, so there is no CPU fallback for them; every backend must implement them ' +
        '(see docs/custom-backend.md).',
    );
  }
  const missing = FALLBACK_METHODS.filter((m) => backend[m] === undefined);
  if (!missing.length) return backend as Backend;
  const define = (target: object): void => {
    for (const m of missing) Object.defineProperty(target, m, { value: fallback(backend, m), writable: true, configurable: true, enumerable: true });
  };
  try {
    define(backend);
    return backend as Backend;
  } catch {
    // frozen or sealed: a wrapper that inherits every member and adds the fallbacks
    const wrapper = Object.create(backend) as object;
    define(wrapper);
    return wrapper as Backend;
  }
}
