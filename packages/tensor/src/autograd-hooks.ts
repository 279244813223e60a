/**
 * The autograd slot's interface. Tensor declares `backward()`, `.grad`, `.gradFn`, `.isLeaf`,
 * `retainGrad()` and `registerHook()` and forwards them here; `@kiln/autograd` installs the real
 * hooks on import. Without it, `requiresGrad` is still stored (so nn.Parameter works for
 * inference) but `backward()` explains which import is missing.
 * @packageDocumentation
 */
import { AutogradError } from './errors.js';
import type { Tensor } from './tensor.js';

/** Fields every autograd slot has; `@kiln/autograd` extends this with graph data. */
export interface AutogradMetaBase {
  requiresGrad: boolean;
  grad: Tensor | null;
}

/** Options of `Tensor.backward`. */
export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
  inputs?: Tensor | readonly Tensor[];
}

/**
 * A node of the autograd graph as seen from a tensor's `gradFn` (PyTorch's
 * `torch.autograd.graph.Node`): `name()` such as `MulBackward0`, and `nextFunctions`, the
 * `[node, inputNr]` pairs it sends gradients to (`[null, 0]` for inputs that need none).
 */
export interface GradFn {
  name(): string;
  readonly nextFunctions: [GradFn | null, number][];
}

/** A handle returned by `registerHook`; `remove()` unregisters the hook. */
export interface RemovableHandle {
  remove(): void;
}

/** What `@kiln/autograd` provides. */
export interface AutogradHooks {
  requiresGrad(t: Tensor): boolean;
  setRequiresGrad(t: Tensor, value: boolean): void;
  grad(t: Tensor): Tensor | null;
  setGrad(t: Tensor, g: Tensor | null): void;
  /** The tensor's node (a {@link GradFn}; typed loosely so test doubles may stub only `name()`). */
  gradFn(t: Tensor): unknown;
  isLeaf(t: Tensor): boolean;
  backward(t: Tensor, gradient: Tensor | undefined, options: BackwardOptions): void;
  retainGrad(t: Tensor): void;
  retainsGrad(t: Tensor): boolean;
  registerHook(t: Tensor, hook: (grad: Tensor) => Tensor | void): RemovableHandle;
  /** Called by `detach_()`: make `t` a leaf that does not require grad. */
  detachInPlace(t: Tensor): void;
}

const MISSING = "backward() needs @kiln/autograd: add `import '@kiln/autograd'` (or import 'kiln', which loads it).";

function meta(t: Tensor): AutogradMetaBase | null {
  return t.autograd as AutogradMetaBase | null;
}

/** Hooks in force before `@kiln/autograd` is imported. */
const defaultHooks: AutogradHooks = {
  requiresGrad: (t) => meta(t)?.requiresGrad ?? false,
  setRequiresGrad: (t, v) => {
    const m = meta(t);
    if (m) m.requiresGrad = v;
    else if (v) t.autograd = { requiresGrad: true, grad: null } satisfies AutogradMetaBase;
  },
  grad: (t) => meta(t)?.grad ?? null,
  setGrad: (t, g) => {
    const m = meta(t);
    if (m) m.grad = g;
    else if (g) t.autograd = { requiresGrad: false, grad: g } satisfies AutogradMetaBase;
  },
  gradFn: () => null,
  isLeaf: () => true,
  backward: () => {
    throw new AutogradError(MISSING);
  },
  retainGrad: () => {
    throw new AutogradError(MISSING.replace('backward()', 'retainGrad()'));
  },
  retainsGrad: () => false,
  registerHook: () => {
    throw new AutogradError(MISSING.replace('backward()', 'registerHook()'));
  },
  detachInPlace: (t) => {
    const m = meta(t);
    if (m) m.requiresGrad = false;
  },
};

let hooks: AutogradHooks = defaultHooks;

/** Installed by `@kiln/autograd`. */
export function installAutogradHooks(h: AutogradHooks): void {
  hooks = h;
}

/** The hooks in force. */
export function autogradHooks(): AutogradHooks {
  return hooks;
}
