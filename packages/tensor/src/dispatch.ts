/**
 * The dispatcher: every op call runs through an ordered list of layers; the kernel layer is
 * last. `@kiln/autograd` installs a layer above it that records the graph. A layer that handles an
 * op completely (autograd with a gradient rule) runs the rest of the stack with itself excluded,
 * so the op's own sub-ops are not recorded twice (PyTorch's AutoDispatchBelowAutograd).
 * @packageDocumentation
 */
import type { Tensor } from './tensor.js';
import { backendOf, type Device } from './device.js';
import { DeviceError, DisposedError, KilnError } from './errors.js';

/** One op invocation as it travels through the layers. */
export interface OpCall {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly attrs: Readonly<Record<string, unknown>>;
}

/** A dispatch layer (autograd, profiling, tracing …). Lower `order` runs first. */
export interface DispatchLayer {
  readonly name: string;
  readonly order: number;
  handle(call: OpCall, next: (call: OpCall) => Tensor[]): Tensor[];
}

/** An op's definition: its decomposition (or primitive call) and optional metadata for autograd. */
export interface OpDef {
  readonly name: string;
  /** Runs the op on its inputs (all on one device). Composites call other ops; primitives call the backend. */
  readonly impl: (inputs: readonly Tensor[], attrs: Readonly<Record<string, unknown>>) => Tensor[];
  /** Outputs share storage with input 0 (reshape, permute …). */
  readonly view?: boolean;
  /** Writes into input 0 and returns it (add_, copy_ …). */
  readonly inplace?: boolean;
  /** Outputs are never differentiable (comparisons, argmax, indices …). */
  readonly nondifferentiable?: boolean;
  /**
   * A gradient rule carried by the op itself (for ops defined outside tensor, e.g. conv2d in
   * functional): given output grads, returns one grad (or null) per input. Written with public ops.
   */
  readonly vjp?: (ctx: VjpContext) => (Tensor | null)[];
}

/** What an op's `vjp` receives. */
export interface VjpContext {
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly gradOutputs: readonly (Tensor | null)[];
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly needsInputGrad: readonly boolean[];
}

const opDefs = new Map<string, OpDef>();
const layers: DispatchLayer[] = [];
const excluded = new Set<string>();

/** Registers an op; re-defining a name replaces it (a package may upgrade an op). */
export function defineOp(def: OpDef): OpDef {
  opDefs.set(def.name, def);
  return def;
}

/** The definition of a registered op, or undefined. */
export function getOpDef(name: string): OpDef | undefined {
  return opDefs.get(name);
}

/** Names of every registered op (used by the generated op table and coverage tests). */
export function registeredOps(): string[] {
  return [...opDefs.keys()].sort();
}

/** Installs a dispatch layer (replacing one with the same name). */
export function registerDispatchLayer(layer: DispatchLayer): void {
  const i = layers.findIndex((l) => l.name === layer.name);
  if (i >= 0) layers.splice(i, 1);
  layers.push(layer);
  layers.sort((a, b) => a.order - b.order);
}

/** Removes a dispatch layer by name. */
export function unregisterDispatchLayer(name: string): void {
  const i = layers.findIndex((l) => l.name === name);
  if (i >= 0) layers.splice(i, 1);
}

/** Runs `fn` with the named layers skipped by every dispatch inside it. */
export function withLayersExcluded<T>(names: readonly string[], fn: () => T): T {
  const added = names.filter((n) => !excluded.has(n));
  for (const n of added) excluded.add(n);
  try {
    return fn();
  } finally {
    for (const n of added) excluded.delete(n);
  }
}

/** The device an op runs on: the common device of its inputs; 0-d CPU tensors may join any device. */
export function commonDevice(op: string, inputs: readonly Tensor[]): Device | null {
  let dev: Device | null = null;
  let fallback: Device | null = null;
  for (const t of inputs) {
    if (t.ndim === 0 && t.device.type === 'cpu') {
      fallback ??= t.device;
      continue;
    }
    if (dev === null) dev = t.device;
    else if (!dev.equals(t.device)) {
      throw new DeviceError(
        `${op}: Expected all tensors to be on the same device, but found at least two devices, ${dev} and ${t.device}! ` +
          `Move them to one device first, e.g. \`x.to('${dev}')\`.`,
      );
    }
  }
  return dev ?? fallback;
}

function kernelLayer(call: OpCall): Tensor[] {
  const def = opDefs.get(call.op);
  if (!def) throw new KilnError(`dispatch: unknown op '${call.op}'`);
  for (const t of call.inputs) {
    if (t.isDisposed) {
      throw new DisposedError(
        `${call.op}: an input tensor (shape [${t.shape.join(', ')}], ${t.dtype}) was disposed; ` +
          'keep it alive (do not dispose it, or return it from tidy()) while it is still used.',
      );
    }
  }
  const device = commonDevice(call.op, call.inputs);
  let inputs = call.inputs;
  if (device && device.type !== 'cpu') {
    inputs = inputs.map((t) => (t.device.equals(device) ? t : t.to(device)));
  }
  const override = device ? backendOf(device).overrides?.[call.op] : undefined;
  if (override) {
    const r = override(inputs, call.attrs) as Tensor | Tensor[];
    return Array.isArray(r) ? r : [r];
  }
  return def.impl(inputs, call.attrs);
}

/** Dispatches an op through every active layer. */
export function dispatch(op: string, inputs: readonly Tensor[], attrs: Readonly<Record<string, unknown>> = {}): Tensor[] {
  const active = excluded.size === 0 ? layers : layers.filter((l) => !excluded.has(l.name));
  const run = (i: number, call: OpCall): Tensor[] => {
    const layer = active[i];
    return layer ? layer.handle(call, (c) => run(i + 1, c)) : kernelLayer(call);
  };
  return run(0, { op, inputs, attrs });
}

/** Dispatches an op that has exactly one output. */
export function dispatch1(op: string, inputs: readonly Tensor[], attrs: Readonly<Record<string, unknown>> = {}): Tensor {
  return dispatch(op, inputs, attrs)[0]!;
}
