/**
 * The op × dtype × backend table of packages/backend-webgpu/README.md, derived from the code:
 *
 * - the rows are every registered op (`registeredOps()` once @kiln/autograd and @kiln/functional
 *   have registered theirs) plus the optimizers' fused-step hooks (found by running each
 *   @kiln/optim optimizer and recording which `overrides` names it asks the backend for);
 * - the CPU cells come from running each op's sample (samples.ts) on the CPU device for each
 *   dtype while a dispatch layer, wrapped op implementations and wrapped CPU backend methods watch
 *   the call: did the backend's fused override run, did the op's implementation call a Backend
 *   primitive itself, only dispatch other ops, or touch no data at all (a view);
 * - the WebGPU cells cannot be run here (no GPU in Node on this machine), so they are inferred:
 *   a dtype the op supports on the CPU and the WebGPU backend lists in its capabilities gets the
 *   op's status without CPU overrides (its decomposition), or "fused" when `createWebGPUBackend`'s
 *   `overrides` has the op's name. Both lists are read from a backend built over an inert stand-in
 *   GPUDevice (the factory only builds closures), so the table follows new overrides without edits.
 *
 * `pnpm op-table` writes the table (tools/op-table/generate.ts);
 * packages/backend-webgpu/test/op-table.test.ts fails when the README's copy is stale.
 * @packageDocumentation
 */
import '../../packages/autograd/src/index.js';
import '../../packages/functional/src/index.js';
import * as optim from '../../packages/optim/src/index.js';
import {
  AutogradError, DTypeError, backendOf, createCpuBackend, defineOp, getDevice, getOpDef, registerBackend, registerDispatchLayer,
  registeredDeviceTypes, registeredOps, unregisterDispatchLayer, type Backend, type DType, type OpDef, type Tensor,
} from '../../packages/tensor/src/index.js';
import { createWebGPUBackend } from '../../packages/backend-webgpu/src/backend.js';
import { sampleFor, sampleTensor, type Sample } from './samples.js';

/** Cell symbols: see {@link LEGEND}. */
export type Status = 'K' | 'F' | 'C' | 'V' | '—' | '?' | 'E';

/** The dtype columns of each backend. */
export const CPU_DTYPES = ['float32', 'float64', 'int32', 'bool'] as const satisfies readonly DType[];
export const WEBGPU_DTYPES = ['float32', 'int32', 'bool'] as const satisfies readonly DType[];

/** One row of the table. */
export interface OpRow {
  /** The op name, or the fused-step hook name of an optimizer. */
  name: string;
  kind: 'op' | 'optimizer';
  /** For optimizer rows: the optimizer class. */
  owner?: string;
  cpu: Record<(typeof CPU_DTYPES)[number], Status>;
  webgpu: Record<(typeof WEBGPU_DTYPES)[number], Status>;
  /** Kernel rows: the Backend primitives the op calls; composed rows: the ops it dispatches. */
  via: string[];
}

/** The whole derived table. */
export interface OpTable {
  rows: OpRow[];
  /** `createWebGPUBackend(...).capabilities.dtypes`. */
  webgpuDtypes: string[];
  /** Keys of `createWebGPUBackend(...).overrides`. */
  webgpuOverrides: string[];
  /** Override keys that name neither a registered op nor an optimizer hook (never looked up). */
  unusedWebgpuOverrides: string[];
  /** Ops without a sample, and samples that failed with an error other than an unsupported dtype. */
  problems: string[];
}

/** The Backend methods that compute (storage management and reads are not counted). */
const COMPUTE = ['unary', 'binary', 'cast', 'where', 'reduce', 'scan', 'contiguous', 'matmul', 'gather', 'scatter', 'sort', 'copyInto', 'fill', 'random'] as const;
/** Methods that move data between devices: the primitive of `toDevice`. */
const TRANSFER = ['upload', 'readSync'] as const;

/** What the probe saw of one op call. */
interface Frame {
  op: string;
  implRan: boolean;
  overrideHit: boolean;
  /** Backend methods called while this frame was innermost. */
  direct: Set<string>;
  /** Ops this frame dispatched itself. */
  childOps: Set<string>;
  /** Compute calls in this frame and all frames below it. */
  computeDeep: number;
}

const stack: Frame[] = [];
let target: string | null = null;
let found: Frame | null = null;
/** Override names looked up on the CPU backend while `lookups` is set. */
let lookups: Set<string> | null = null;

const probeLayer = {
  name: 'op-table-probe',
  // after autograd (order 100): autograd re-dispatches an op's sub-ops below itself
  order: 1e9,
  handle(call: { op: string }, next: (c: never) => Tensor[]): Tensor[] {
    const f: Frame = { op: call.op, implRan: false, overrideHit: false, direct: new Set(), childOps: new Set(), computeDeep: 0 };
    const parent = stack.at(-1);
    parent?.childOps.add(call.op);
    if (!found && call.op === target) found = f;
    stack.push(f);
    try {
      return next(call as never);
    } finally {
      stack.pop();
      if (parent) parent.computeDeep += f.computeDeep;
    }
  },
};

/**
 * Installs the watchers (probe layer, wrapped op impls, wrapped CPU backend methods and overrides
 * table) for the duration of `fn`; everything is restored afterwards.
 */
function withWatchers<T>(cpu: Backend, useOverrides: boolean, fn: () => T, also: readonly Backend[] = []): T {
  const defs = registeredOps().map((n) => getOpDef(n)!);
  for (const def of defs) {
    const impl = def.impl;
    defineOp({
      ...def,
      impl: (inputs, attrs) => {
        const f = stack.at(-1);
        if (f && f.op === def.name) f.implRan = true;
        return impl(inputs, attrs);
      },
    });
  }
  const saved: [Record<string, unknown>, string, unknown][] = [];
  for (const b of [cpu, ...also]) {
    const mutable = b as unknown as Record<string, unknown>;
    for (const m of [...COMPUTE, ...TRANSFER]) {
      const orig = mutable[m];
      if (typeof orig !== 'function') continue;
      saved.push([mutable, m, orig]);
      mutable[m] = (...args: unknown[]) => {
        const f = stack.at(-1);
        if (f) {
          f.direct.add(m);
          if ((COMPUTE as readonly string[]).includes(m)) f.computeDeep++;
        }
        return (orig as (...a: unknown[]) => unknown).apply(b, args);
      };
    }
  }
  const overrides = cpu.overrides;
  cpu.overrides = new Proxy({} as Record<string, unknown>, {
    get(_t, name) {
      if (typeof name !== 'string') return undefined;
      lookups?.add(name);
      const k = useOverrides ? overrides?.[name] : undefined;
      const f = stack.at(-1);
      if (k && f && f.op === name) f.overrideHit = true;
      return k;
    },
  }) as Backend['overrides'];
  registerDispatchLayer(probeLayer as never);
  try {
    return fn();
  } finally {
    unregisterDispatchLayer(probeLayer.name);
    cpu.overrides = overrides;
    for (const [obj, m, orig] of saved) obj[m] = orig;
    for (const def of defs) defineOp(def as OpDef);
  }
}

/** Is `e` the typed error of an op that does not take this dtype? */
function isUnsupported(e: unknown): boolean {
  return e instanceof DTypeError || (e instanceof AutogradError && /floating point/.test(e.message));
}

/** Runs one sample for one dtype and classifies what happened. */
function probeOne(op: string, sample: Sample, dtype: DType): { status: Status; via: string[]; error?: string } {
  let call: () => unknown;
  try {
    call = sample(dtype);
  } catch (e) {
    return isUnsupported(e) ? { status: '—', via: [] } : { status: 'E', via: [], error: `setup: ${(e as Error).message}` };
  }
  target = op;
  found = null;
  try {
    call();
  } catch (e) {
    if (isUnsupported(e)) return { status: '—', via: [] };
    return { status: 'E', via: [], error: (e as Error).message.split('\n')[0] };
  } finally {
    target = null;
  }
  const f = found as Frame | null;
  if (!f) return { status: 'E', via: [], error: `the sample never dispatched '${op}'` };
  const direct = COMPUTE.filter((m) => f.direct.has(m));
  if (f.overrideHit && !f.implRan) return { status: 'F', via: [] };
  if (direct.length) return { status: 'K', via: direct };
  if (f.computeDeep > 0) return { status: 'C', via: [...f.childOps].sort() };
  const transfer = TRANSFER.filter((m) => f.direct.has(m));
  if (transfer.length) return { status: 'K', via: transfer };
  return { status: 'V', via: [] };
}

/**
 * A stand-in GPUDevice: every property read, call or `new` gives the stand-in back, so
 * `createWebGPUBackend` can build its closures (and read its capabilities and override keys)
 * without a GPU. Nothing is ever dispatched through it.
 */
function inertDevice(): GPUDevice {
  const fn = function inert() {};
  const p: unknown = new Proxy(fn, {
    get: (_t, k) => (k === Symbol.toPrimitive ? () => 0 : p),
    apply: () => p,
    construct: () => p as object,
  });
  return p as GPUDevice;
}

/** The WebGPU spec's flag constants, for the factory's `GPUBufferUsage.STORAGE | …` where no WebGPU global exists. */
const GPU_GLOBALS: Record<string, Record<string, number>> = {
  GPUBufferUsage: { MAP_READ: 1, MAP_WRITE: 2, COPY_SRC: 4, COPY_DST: 8, INDEX: 16, VERTEX: 32, UNIFORM: 64, STORAGE: 128, INDIRECT: 256, QUERY_RESOLVE: 512 },
  GPUMapMode: { READ: 1, WRITE: 2 },
  GPUShaderStage: { VERTEX: 1, FRAGMENT: 2, COMPUTE: 4 },
};

/** `createWebGPUBackend`'s capabilities and override keys, read without a GPU. */
export function webgpuFacts(): { dtypes: string[]; overrides: string[] } {
  const g = globalThis as Record<string, unknown>;
  const added = Object.keys(GPU_GLOBALS).filter((k) => g[k] === undefined);
  for (const k of added) g[k] = GPU_GLOBALS[k];
  try {
    const b = createWebGPUBackend(inertDevice());
    return { dtypes: [...b.capabilities.dtypes], overrides: Object.keys(b.overrides ?? {}).sort() };
  } finally {
    for (const k of added) delete g[k];
  }
}

/** The optimizer classes of @kiln/optim (every exported subclass of `Optimizer`). */
function optimizerClasses(): [string, new (params: Tensor[], options: Record<string, unknown>) => { step(): unknown }][] {
  return Object.entries(optim)
    .filter(([, v]) => typeof v === 'function' && v.prototype instanceof optim.Optimizer)
    .map(([k, v]) => [k, v as never] as [string, never])
    // a module namespace lists exports sorted, vitest's module object in source order: sort for a stable table
    .sort(([a], [b]) => (a < b ? -1 : 1));
}

/** One optimizer step on a three-element parameter of `dtype`. */
const optimizerSample = (Cls: new (params: Tensor[], options: Record<string, unknown>) => { step(): unknown }): Sample => (dtype) => {
  const p = sampleTensor(dtype, [3]);
  return () => {
    p.requiresGrad_();
    p.mul(p).sum().backward();
    new Cls([p], { lr: 0.01 }).step();
  };
};

/** Probes every op and optimizer and returns the table. */
export function buildOpTable(): OpTable {
  const cpuDev = getDevice('cpu');
  const cpu = backendOf(cpuDev);
  // a second CPU-backed device type, so `to()` has somewhere to transfer to
  if (!registeredDeviceTypes().includes('probe')) registerBackend('probe', createCpuBackend());
  const probe = backendOf(getDevice('probe'));
  const gpu = webgpuFacts();
  const problems: string[] = [];
  const rows: OpRow[] = [];

  const classify = (name: string, sample: Sample) => {
    const withOv = withWatchers(cpu, true, () => CPU_DTYPES.map((d) => probeOne(name, sample, d)), [probe]);
    const without = withWatchers(cpu, false, () => CPU_DTYPES.map((d) => probeOne(name, sample, d)), [probe]);
    withOv.forEach((r, i) => r.error && problems.push(`${name} (${CPU_DTYPES[i]}): ${r.error}`));
    return { withOv, without };
  };
  const webgpuCell = (name: string, decomposed: Status, dtype: DType): Status => {
    if (decomposed === '—' || decomposed === '?' || decomposed === 'E' || !gpu.dtypes.includes(dtype)) return decomposed === '?' || decomposed === 'E' ? decomposed : '—';
    return gpu.overrides.includes(name) ? 'F' : decomposed;
  };

  for (const op of registeredOps()) {
    const sample = sampleFor(op);
    if (!sample) {
      problems.push(`${op}: no sample in tools/op-table/samples.ts`);
      const q = { float32: '?', float64: '?', int32: '?', bool: '?' } as const;
      rows.push({ name: op, kind: 'op', cpu: q, webgpu: q, via: [] });
      continue;
    }
    const { withOv, without } = classify(op, sample);
    const cpuCells = Object.fromEntries(CPU_DTYPES.map((d, i) => [d, withOv[i]!.status])) as OpRow['cpu'];
    const gpuCells = Object.fromEntries(WEBGPU_DTYPES.map((d) => [d, webgpuCell(op, without[CPU_DTYPES.indexOf(d)]!.status, d)])) as OpRow['webgpu'];
    const via = [...new Set(without.flatMap((r) => r.via))];
    rows.push({ name: op, kind: 'op', cpu: cpuCells, webgpu: gpuCells, via });
  }

  // optimizers: the hook names they ask the backend for, then per dtype whether a step runs
  const hooks = new Set<string>();
  for (const [cls, Cls] of optimizerClasses()) {
    const sample = optimizerSample(Cls);
    const seen = new Set<string>();
    lookups = seen;
    try {
      withWatchers(cpu, true, () => sample('float32')());
    } catch {
      // an optimizer that cannot step this way (LBFGS needs a closure) has no hook to report
    } finally {
      lookups = null;
    }
    const hook = [...seen].find((n) => !getOpDef(n));
    if (!hook) continue;
    hooks.add(hook);
    const cells = CPU_DTYPES.map((d) => {
      try {
        withWatchers(cpu, true, () => sample(d)());
        return cpu.overrides?.[hook] ? 'F' : 'C';
      } catch (e) {
        if (isUnsupported(e)) return '—';
        problems.push(`${hook} (${cls}, ${d}): ${(e as Error).message.split('\n')[0]}`);
        return 'E';
      }
    });
    const cpuCells = Object.fromEntries(CPU_DTYPES.map((d, i) => [d, cells[i]])) as OpRow['cpu'];
    // the decomposition (no CPU override) is what WebGPU runs without its own hook
    const gpuCells = Object.fromEntries(WEBGPU_DTYPES.map((d) => [d, webgpuCell(hook, cpuCells[d] === 'F' ? 'C' : cpuCells[d], d)])) as OpRow['webgpu'];
    rows.push({ name: hook, kind: 'optimizer', owner: cls, cpu: cpuCells, webgpu: gpuCells, via: [] });
  }

  const known = new Set([...registeredOps(), ...hooks]);
  return {
    rows,
    webgpuDtypes: gpu.dtypes,
    webgpuOverrides: gpu.overrides,
    unusedWebgpuOverrides: gpu.overrides.filter((k) => !known.has(k)),
    problems,
  };
}

/** The markers around the generated region of the README. */
export const START_MARKER = '<!-- op-table:start -->';
export const END_MARKER = '<!-- op-table:end -->';

/** The legend printed above the table. */
export const LEGEND = [
  '**K** kernel: the op calls a Backend primitive itself (last column)',
  '**F** fused: the backend\'s `overrides` kernel for the op runs instead of its decomposition (last column), which still runs where the fused fast path does not apply',
  '**C** composed: the op dispatches other ops (last column), each running as its own row says',
  '**V** view: no kernel, only new shape/strides over the same storage',
  '**—** dtype not supported (a typed `DTypeError`; for optimizer steps: only floating-point parameters train)',
];

/** Renders the table as the markdown of the README region (without the markers). */
export function renderOpTable(t: OpTable): string {
  const cell = (s: readonly Status[]) => `\`${s.join(' ')}\``;
  const lines = [
    '<!-- generated by `pnpm op-table` (tools/op-table/generate.ts); do not edit by hand -->',
    '',
    `Derived from the code: every registered op and every optimizer step hook is run on the CPU device for each dtype; ` +
      `the WebGPU columns follow from that, \`createWebGPUBackend\`'s capabilities (${t.webgpuDtypes.join(', ')}) and its overrides ` +
      `(${t.webgpuOverrides.length ? t.webgpuOverrides.map((k) => `\`${k}\``).join(', ') : 'none yet'}). ` +
      'float64 has no WebGPU kernels (WGSL has no f64); float16 is not a Kiln dtype yet.',
    '',
    ...LEGEND.map((l) => `- ${l}`),
    '',
    '| op | CPU f32 f64 i32 bool | WebGPU f32 i32 bool | primitive / sub-ops |',
    '| --- | --- | --- | --- |',
    ...t.rows.map((r) => {
      const name = r.kind === 'optimizer' ? `\`${r.name}\` (${r.owner} step)` : `\`${r.name}\``;
      const via = r.via.length > 6 ? [...r.via.slice(0, 6), '…'] : r.via;
      return `| ${name} | ${cell(CPU_DTYPES.map((d) => r.cpu[d]))} | ${cell(WEBGPU_DTYPES.map((d) => r.webgpu[d]))} | ${via.join(', ')} |`;
    }),
  ];
  if (t.unusedWebgpuOverrides.length) {
    lines.push('', `WebGPU override keys that name no op or optimizer hook (never looked up): ${t.unusedWebgpuOverrides.map((k) => `\`${k}\``).join(', ')}.`);
  }
  return lines.join('\n');
}

/**
 * `readme` with the region between the markers replaced by `body`; a README without the markers
 * gets a new "## Op coverage" section at the end.
 */
export function replaceRegion(readme: string, body: string): string {
  const block = `${START_MARKER}\n${body}\n${END_MARKER}`;
  const s = readme.indexOf(START_MARKER);
  const e = readme.indexOf(END_MARKER);
  if (s < 0 || e < s) return `${readme.trimEnd()}\n\n## Op coverage\n\n${block}\n`;
  return readme.slice(0, s) + block + readme.slice(e + END_MARKER.length);
}

/** The region between the markers, or null when the README has none. */
export function currentRegion(readme: string): string | null {
  const s = readme.indexOf(START_MARKER);
  const e = readme.indexOf(END_MARKER);
  if (s < 0 || e < s) return null;
  return readme.slice(s + START_MARKER.length, e).replace(/^\n/, '').replace(/\n$/, '');
}
