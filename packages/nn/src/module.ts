/**
 * Module: the base class of every layer and model (torch.nn.Module).
 *
 * **Registration.** PyTorch's `__setattr__` records every Parameter/Module assigned to `self`. Kiln
 * gets the same effect without a Proxy: a module's parameters, buffers and children *are* its own
 * enumerable fields that hold a {@link Parameter}, a {@link Buffer} (or a tensor named by
 * `registerBuffer`), or a Module, in field-definition order — the order PyTorch's dicts keep.
 * So `this.fc1 = new Linear(784, 128)` (or a class field `fc1 = new Linear(784, 128)`) registers
 * `fc1`, field access stays a plain property read, and TypeScript sees the field's real type.
 * A field declared without an initialiser (`running_mean: Tensor | null;`) takes its slot at the
 * declaration, before the constructor body runs. (JavaScript lists integer-like keys first;
 * Sequential/ModuleList only use integer names, and ModuleDict/ParameterDict keep their own
 * ordered Map, so order still matches PyTorch.) Assigning a plain Tensor registers nothing, as in
 * PyTorch: use `registerBuffer` or wrap it in `Parameter`/`Buffer`.
 *
 * **Calling.** `forward(...)` is the computation; `call(...)` is PyTorch's `model(x)`: it runs
 * forward pre-hooks, `forward`, forward hooks and installs backward hooks. JavaScript objects
 * cannot be called like functions without a Proxy over a function, which breaks `instanceof` and
 * typing, so Kiln spells `model(x)` as `model.call(x)`.
 *
 * **Tensor attribute names** (parameters and buffers) are PyTorch's snake_case names
 * (`running_mean`, `weight_ih_l0`) because they are the state-dict keys; other attributes and
 * options are camelCase (`inFeatures`, `kernelSize`).
 * @packageDocumentation
 */
import { KilnError, ShapeError, ValueError, DTYPES, fmtShape, isGradEnabled, isTensor, noGrad, type DType, type DeviceLike, type RemovableHandle, type Tensor } from '@kiln/tensor';
import { Buffer, Parameter, isBuffer, isParameter, setData_ } from './parameter.js';

/** Called before `forward` with the call's arguments; may return replacement arguments. */
export type ForwardPreHook = (module: Module, args: unknown[]) => unknown[] | void;
/** Called after `forward` with the arguments and the output; may return a replacement output. */
export type ForwardHook = (module: Module, args: unknown[], output: unknown) => unknown;
/**
 * Called during backward with the gradients w.r.t. the module's tensor input and output; may
 * return replacement input gradients. See {@link Module.registerFullBackwardHook} for its limits.
 */
export type BackwardHook = (module: Module, gradInput: (Tensor | null)[], gradOutput: (Tensor | null)[]) => (Tensor | null)[] | void;

/** The result of `loadStateDict` (PyTorch's `_IncompatibleKeys`). */
export interface IncompatibleKeys {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** A state dict: PyTorch-named keys (`fc1.weight`, `bn.running_mean`) to tensors, in module order. */
export type StateDict = Record<string, Tensor>;

/** What `Module.to` accepts: a dtype, a device, or both. */
export type ModuleToTarget = DType | DeviceLike | Tensor | { dtype?: DType; device?: DeviceLike };

let nextHookId = 0;

/**
 * Base class of all neural-network modules. Subclass it, assign layers and parameters as fields
 * in the constructor, and implement `forward`.
 *
 * @example
 * ```ts
 * class Net extends Module {
 *   fc1 = new Linear(784, 128);
 *   fc2 = new Linear(128, 10);
 *   override forward(x: Tensor): Tensor {
 *     return this.fc2.call(F.relu(this.fc1.call(x)));
 *   }
 * }
 * const logits = new Net().call(x);
 * ```
 */
export class Module {
  /** True in training mode (dropout active, batch-norm uses batch statistics). */
  training = true;
  #buffers = new Map<string, boolean>(); // names registered with registerBuffer → persistent
  #preHooks = new Map<number, ForwardPreHook>();
  #hooks = new Map<number, ForwardHook>();
  #backwardHooks = new Map<number, BackwardHook>();

  /**
   * The computation; subclasses override it with their own signature. Call `call(...)` (which
   * runs hooks) rather than `forward` directly, as PyTorch recommends `model(x)`.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  forward(..._args: any[]): any {
    throw new KilnError(`Module [${this._getName()}] is missing the required "forward" function`);
  }

  /**
   * PyTorch's `model(...args)`: pre-hooks, `forward`, forward hooks, backward hooks. Typed as the
   * subclass's own `forward` (overloads and generics included), so `this.fc1.call(x)` is a Tensor.
   */
  declare readonly call: this['forward'];

  /** The body of `call` (installed on the prototype below, so `call` can carry forward's type). @internal */
  protected _call(args: unknown[]): unknown {
    const self = this as Module;
    let a: unknown[] = args;
    for (const h of self.#preHooks.values()) {
      const r = h(self, a);
      if (r !== undefined) a = Array.isArray(r) ? r : [r];
    }
    const bw = self.#backwardHooks.size > 0 && isGradEnabled();
    if (bw) a = a.map((x) => (isTensor(x) && x.requiresGrad ? x.view(x.shape) : x));
    let out: unknown = self.forward(...a);
    for (const h of self.#hooks.values()) {
      const r = h(self, a, out);
      if (r !== undefined) out = r;
    }
    if (bw) installBackwardHooks(self, [...self.#backwardHooks.values()], a, out);
    return out;
  }

  // ------------------------------------------------------------------ registration

  /** Own entries that may be parameters, buffers or children. @internal */
  protected _entries(): [string, unknown][] {
    return Object.entries(this);
  }

  /** Own parameters, in registration order (null slots skipped). */
  protected _ownParameters(): [string, Parameter][] {
    return this._entries().filter((e): e is [string, Parameter] => isParameter(e[1]));
  }

  /** Own buffers with their persistence, in registration order. */
  protected _ownBuffers(): [string, Tensor, boolean][] {
    const out: [string, Tensor, boolean][] = [];
    for (const [k, v] of this._entries()) {
      if (!isTensor(v) || isParameter(v)) continue;
      if (this.#buffers.has(k)) out.push([k, v, this.#buffers.get(k)!]);
      else if (isBuffer(v)) out.push([k, v, v.persistent]);
    }
    return out;
  }

  /** Own direct submodules in registration order. */
  protected _ownModules(): [string, Module][] {
    return this._entries().filter((e): e is [string, Module] => e[1] instanceof Module);
  }

  private checkName(name: string, kind: string): void {
    if (typeof name !== 'string') throw new ValueError(`${kind} name should be a string. Got ${typeof name}`);
    if (name.includes('.')) throw new KilnError(`${kind} name can't contain ".", got: ${name}`);
    if (name === '') throw new KilnError(`${kind} name can't be empty string ""`);
  }

  /** Registers a tensor (or null) as a buffer; `persistent: false` keeps it out of `stateDict()`. */
  registerBuffer(name: string, tensor: Tensor | null, options: { persistent?: boolean } = {}): void {
    this.checkName(name, 'buffer');
    // A field declared as `running_mean: Tensor | null = null` may become a buffer; any other existing attribute may not.
    const cur = (this as Record<string, unknown>)[name];
    if (name in this && cur !== null && cur !== undefined && !this.#buffers.has(name) && !isBuffer(cur)) {
      throw new KilnError(`attribute '${name}' already exists`);
    }
    if (tensor !== null && !isTensor(tensor)) throw new ValueError(`cannot assign '${typeof tensor}' object to buffer '${name}' (torch Tensor or None required)`);
    this.#buffers.set(name, options.persistent ?? true);
    (this as Record<string, unknown>)[name] = tensor;
  }

  /** Registers a Parameter (or null, as PyTorch's `register_parameter(name, None)`). */
  registerParameter(name: string, param: Parameter | null): void {
    this.checkName(name, 'parameter');
    if (param !== null && !isParameter(param)) {
      throw new ValueError(`cannot assign 'Tensor' object to parameter '${name}' (torch.nn.Parameter or None required)`);
    }
    (this as Record<string, unknown>)[name] = param;
  }

  /** Registers a child module (or null) under `name` (PyTorch's `add_module`). */
  addModule(name: string, module: Module | null): void {
    this.checkName(name, 'module');
    if (module !== null && !(module instanceof Module)) throw new ValueError(`${typeof module} is not a Module subclass`);
    (this as Record<string, unknown>)[name] = module;
  }

  /** Alias of {@link addModule} (PyTorch's `register_module`). */
  registerModule(name: string, module: Module | null): void {
    this.addModule(name, module);
  }

  // ------------------------------------------------------------------ traversal

  /**
   * `[name, module]` for this module and all descendants, depth first (each module once unless
   * `removeDuplicate: false`). Arrays rather than generators: JS generators are single-use, and
   * PyTorch code usually wraps these in `list(...)`.
   */
  namedModules(options: { prefix?: string; removeDuplicate?: boolean } = {}, memo: Set<Module> = new Set()): [string, Module][] {
    const prefix = options.prefix ?? '';
    const dedupe = options.removeDuplicate ?? true;
    if (dedupe && memo.has(this)) return [];
    if (dedupe) memo.add(this);
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, m] of this._ownModules()) {
      out.push(...m.namedModules({ prefix: prefix ? `${prefix}.${name}` : name, removeDuplicate: dedupe }, memo));
    }
    return out;
  }

  /** This module and all descendants. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** `[name, child]` for the direct children (each once). */
  namedChildren(): [string, Module][] {
    const seen = new Set<Module>();
    return this._ownModules().filter(([, m]) => !seen.has(m) && !!seen.add(m));
  }

  /** The direct children. */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  private namedMembers<T extends Tensor>(
    get: (m: Module) => [string, T][],
    prefix: string,
    recurse: boolean,
    removeDuplicate: boolean,
  ): [string, T][] {
    const mods: [string, Module][] = recurse ? this.namedModules({ prefix, removeDuplicate }) : [[prefix, this]];
    const seen = new Set<Tensor>();
    const out: [string, T][] = [];
    for (const [mp, m] of mods) {
      for (const [k, v] of get(m)) {
        if (removeDuplicate) {
          if (seen.has(v)) continue;
          seen.add(v);
        }
        out.push([mp ? `${mp}.${k}` : k, v]);
      }
    }
    return out;
  }

  /** `[name, parameter]` pairs, recursing into children (shared parameters listed once). */
  namedParameters(options: { prefix?: string; recurse?: boolean; removeDuplicate?: boolean } = {}): [string, Parameter][] {
    return this.namedMembers((m) => m._ownParameters(), options.prefix ?? '', options.recurse ?? true, options.removeDuplicate ?? true);
  }

  /** All parameters (pass them to an optimizer). */
  parameters(options: { recurse?: boolean } = {}): Parameter[] {
    return this.namedParameters(options).map(([, p]) => p);
  }

  /** `[name, buffer]` pairs, recursing into children. */
  namedBuffers(options: { prefix?: string; recurse?: boolean; removeDuplicate?: boolean } = {}): [string, Tensor][] {
    return this.namedMembers((m) => m._ownBuffers().map(([k, t]) => [k, t] as [string, Tensor]), options.prefix ?? '', options.recurse ?? true, options.removeDuplicate ?? true);
  }

  /** All buffers. */
  buffers(options: { recurse?: boolean } = {}): Tensor[] {
    return this.namedBuffers(options).map(([, b]) => b);
  }

  /** The submodule at a dotted path (`'features.0'`); throws naming the missing part. */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    let mod: Module = this;
    for (const item of target.split('.')) {
      const next = mod._ownModules().find(([k]) => k === item)?.[1];
      if (!next) throw new KilnError(`${mod._getName()} has no attribute \`${item}\``);
      mod = next;
    }
    return mod;
  }

  /** The parameter at a dotted path (`'fc1.weight'`, `'weight_ih_l0'`); throws naming what is missing. */
  getParameter(target: string): Parameter {
    const i = target.lastIndexOf('.');
    const mod = this.getSubmodule(i < 0 ? '' : target.slice(0, i));
    const name = target.slice(i + 1);
    const p = mod._ownParameters().find(([k]) => k === name)?.[1];
    if (!p) throw new KilnError(`${mod._getName()} has no parameter \`${name}\``);
    return p;
  }

  /** The buffer at a dotted path (`'bn.running_mean'`); throws naming what is missing. */
  getBuffer(target: string): Tensor {
    const i = target.lastIndexOf('.');
    const mod = this.getSubmodule(i < 0 ? '' : target.slice(0, i));
    const name = target.slice(i + 1);
    const b = mod._ownBuffers().find(([k]) => k === name)?.[1];
    if (!b) throw new KilnError(`${mod._getName()} has no buffer \`${name}\``);
    return b;
  }

  // ------------------------------------------------------------------ modes and in-place updates

  /** Sets training mode on this module and all descendants; returns this. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new ValueError('training mode is expected to be boolean');
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** `train(false)`: evaluation mode. */
  eval(): this {
    return this.train(false);
  }

  /** Sets `requiresGrad` on every parameter; returns this. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Resets gradients: to null (default, as PyTorch ≥ 2.0) or to zeros with `setToNone: false`. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = options.setToNone ?? true;
    for (const p of this.parameters()) {
      const g = p.grad;
      if (!g) continue;
      if (setToNone) {
        // disposed eagerly: JS has no refcounting, and the GC would keep one copy per step alive
        p.grad = null;
        g.dispose();
      } else noGrad(() => g.detach().zero_());
    }
  }

  /** Calls `fn` on every submodule (children first) and then on this module; returns this. */
  apply(fn: (module: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Converts parameters and buffers in place: `to('float64')`, `to('webgpu')`,
   * `to({ dtype, device })`, `to(otherTensor)`. As in PyTorch, a dtype applies to floating-point tensors only and
   * the Parameter objects keep their identity (optimizers holding them stay valid).
   */
  to(target: ModuleToTarget): this {
    let dtype: DType | undefined;
    let device: DeviceLike | undefined;
    if (isTensor(target)) {
      // PyTorch's module.to(tensor): that tensor's dtype and device.
      dtype = target.dtype;
      device = target.device;
    } else if (typeof target === 'string') {
      if ((DTYPES as readonly string[]).includes(target)) dtype = target as DType;
      else device = target;
    } else if (typeof target === 'object' && target !== null && ('dtype' in target || 'device' in target) && !('type' in target && 'index' in target)) {
      ({ dtype, device } = target as { dtype?: DType; device?: DeviceLike });
    } else device = target as DeviceLike;
    if (dtype !== undefined && dtype !== 'float32' && dtype !== 'float64') {
      throw new ValueError(`nn.Module.to only accepts floating point dtypes, but got desired dtype=${dtype}`);
    }
    return this._apply((t) => {
      let r = t;
      if (device !== undefined) r = r.to(device);
      if (dtype !== undefined && t.isFloatingPoint()) r = r.to(dtype);
      return r;
    });
  }

  /** `to('float32')`. */
  float(): this {
    return this.to('float32');
  }
  /** `to('float64')`. */
  double(): this {
    return this.to('float64');
  }
  /** `to('cpu')`. */
  cpu(): this {
    return this.to('cpu');
  }

  /** Applies `fn` to every parameter, gradient and buffer in place (the machinery of `to`). */
  protected _apply(fn: (t: Tensor) => Tensor): this {
    noGrad(() => {
      for (const m of this.modules()) {
        for (const [, p] of m._ownParameters()) {
          setData_(p, fn(p));
          const g = p.grad;
          if (g) p.grad = fn(g);
        }
        for (const [, b] of m._ownBuffers()) setData_(b, fn(b));
      }
    });
    return this;
  }

  // ------------------------------------------------------------------ state dict

  /**
   * The module's state: parameters and persistent buffers by PyTorch's dotted names, detached
   * (sharing storage) unless `keepVars`.
   */
  stateDict(options: { prefix?: string; keepVars?: boolean } = {}): StateDict {
    const out: StateDict = {};
    const prefix = options.prefix ?? '';
    const walk = (m: Module, p: string): void => {
      for (const [k, v] of m._ownParameters()) out[p + k] = options.keepVars ? v : v.detach();
      for (const [k, v, persistent] of m._ownBuffers()) if (persistent) out[p + k] = options.keepVars ? v : v.detach();
      for (const [k, c] of m._ownModules()) walk(c, `${p}${k}.`);
    };
    walk(this, prefix);
    return out;
  }

  /**
   * Copies parameters and buffers from `stateDict` (a record or Map, e.g. from `load()`).
   * With `strict` (default) missing or unexpected keys throw PyTorch's error; a shape mismatch
   * always throws. Returns the missing and unexpected keys.
   */
  loadStateDict(stateDict: StateDict | Map<string, Tensor>, options: { strict?: boolean } = {}): IncompatibleKeys {
    const strict = options.strict ?? true;
    const sd = stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
    const own = this.stateDict({ keepVars: true });
    const missingKeys = Object.keys(own).filter((k) => !sd.has(k));
    const unexpectedKeys = [...sd.keys()].filter((k) => !(k in own));
    const errors: string[] = [];
    const toCopy: [Tensor, Tensor][] = [];
    for (const [k, dst] of Object.entries(own)) {
      const src = sd.get(k);
      if (src === undefined) continue;
      if (!isTensor(src)) {
        errors.push(`While copying the parameter named "${k}", expected torch.Tensor or Tensor-like object from checkpoint but received ${typeof src}`);
      } else if (src.shape.join() !== dst.shape.join()) {
        errors.push(`size mismatch for ${k}: copying a param with shape ${fmtShape(src.shape)} from checkpoint, the shape in current model is ${fmtShape(dst.shape)}.`);
      } else toCopy.push([dst, src]);
    }
    if (strict) {
      if (unexpectedKeys.length) errors.unshift(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `);
      if (missingKeys.length) errors.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}. `);
    }
    if (errors.length) throw new ShapeError(`Error(s) in loading state_dict for ${this._getName()}:\n\t${errors.join('\n\t')}`);
    noGrad(() => {
      for (const [dst, src] of toCopy) dst.copy_(src);
    });
    return { missingKeys, unexpectedKeys };
  }

  // ------------------------------------------------------------------ hooks

  private addHook<H>(map: Map<number, H>, hook: H, prepend: boolean): RemovableHandle {
    const id = nextHookId++;
    if (prepend) {
      const rest = [...map];
      map.clear();
      map.set(id, hook);
      for (const [k, v] of rest) map.set(k, v);
    } else map.set(id, hook);
    return { remove: () => void map.delete(id) };
  }

  /** Runs `hook(module, args)` before every `call`; a returned array replaces the arguments. */
  registerForwardPreHook(hook: ForwardPreHook, options: { prepend?: boolean } = {}): RemovableHandle {
    return this.addHook(this.#preHooks, hook, options.prepend ?? false);
  }

  /** Runs `hook(module, args, output)` after every `call`; a returned value replaces the output. */
  registerForwardHook(hook: ForwardHook, options: { prepend?: boolean } = {}): RemovableHandle {
    return this.addHook(this.#hooks, hook, options.prepend ?? false);
  }

  /**
   * Runs `hook(module, gradInput, gradOutput)` when the gradient w.r.t. the module's input is
   * computed; a returned array replaces `gradInput`. Needs `@kiln/autograd`.
   *
   * Limits (PyTorch wraps the whole call in a BackwardHookFunction; Kiln uses tensor hooks):
   * tensor outputs only (the first tensor output gives `gradOutput`); with several tensor inputs
   * the hook runs once per input that requires grad, with that input's gradient in its slot and
   * null elsewhere; when no input requires grad it runs once with `gradInput = [null]`.
   */
  registerFullBackwardHook(hook: BackwardHook, options: { prepend?: boolean } = {}): RemovableHandle {
    return this.addHook(this.#backwardHooks, hook, options.prepend ?? false);
  }

  /** Copies Module's private registries and hooks into `copy` (used by {@link deepcopy}). @internal */
  protected _copyStateTo(copy: Module): void {
    copy.#buffers = new Map(this.#buffers);
    copy.#preHooks = new Map(this.#preHooks);
    copy.#hooks = new Map(this.#hooks);
    copy.#backwardHooks = new Map(this.#backwardHooks);
  }

  // ------------------------------------------------------------------ printing

  /** The class name, used by `toString()` (PyTorch's `_get_name`). */
  _getName(): string {
    return this.constructor.name;
  }

  /** Extra text shown inside the parentheses of `toString()` (PyTorch's `extra_repr`). */
  extraRepr(): string {
    return '';
  }

  /** The module tree exactly as PyTorch's `repr(model)` prints it. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines = this._ownModules().map(([k, m]) => `(${k}): ${addIndent(m.toString(), 2)}`);
    const lines = [...extraLines, ...childLines];
    let s = `${this._getName()}(`;
    if (lines.length) {
      if (extraLines.length === 1 && childLines.length === 0) s += extraLines[0];
      else s += `\n  ${lines.join('\n  ')}\n`;
    }
    return `${s})`;
  }

  /** Node's `console.log(model)` prints the PyTorch-style tree. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * A deep copy of a module (Python's `copy.deepcopy(model)`): same class and structure, with its own
 * copies of parameters (and their gradients), buffers and submodules; parameters or modules shared
 * inside the original stay shared inside the copy. Hooks are copied by reference, as Python copies
 * the hook dicts. Use it for target networks, EMA models or to stamp out identical layers.
 *
 * Why it works without running constructors: the copy is created with Module's constructor and the
 * original's prototype, then every own field is copied. A subclass that keeps state in its own
 * `#private` fields would lose it, so Kiln's modules keep such state in ordinary fields.
 */
export function deepcopy<T extends Module>(module: T): T {
  return copyValue(module, new Map()) as T;
}

function copyValue(v: unknown, memo: Map<unknown, unknown>): unknown {
  if (v === null || typeof v !== 'object') return v; // primitives and functions are shared
  if (memo.has(v)) return memo.get(v);
  if (v instanceof Module) {
    const c = Reflect.construct(Module, [], v.constructor) as Module;
    memo.set(v, c);
    (v as unknown as { _copyStateTo(c: Module): void })._copyStateTo(c);
    for (const key of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, key)!;
      if ('value' in d) d.value = copyValue(d.value, memo);
      Object.defineProperty(c, key, d);
    }
    return c;
  }
  if (isTensor(v)) {
    const data = noGrad(() => v.detach().clone());
    let c: Tensor;
    if (isParameter(v)) c = new Parameter(data, v.requiresGrad);
    else if (isBuffer(v)) c = new Buffer(data, { persistent: v.persistent });
    else c = v.requiresGrad && v.isLeaf ? data.requiresGrad_(true) : data;
    memo.set(v, c);
    const g = v.grad;
    if (g) c.grad = noGrad(() => g.detach().clone());
    return c;
  }
  if (Array.isArray(v)) {
    const c: unknown[] = [];
    memo.set(v, c);
    for (const x of v) c.push(copyValue(x, memo));
    return c;
  }
  if (v instanceof Map) {
    const c = new Map<unknown, unknown>();
    memo.set(v, c);
    for (const [k, x] of v) c.set(k, copyValue(x, memo));
    return c;
  }
  if (Object.getPrototypeOf(v) === Object.prototype) {
    const c: Record<string, unknown> = {};
    memo.set(v, c);
    for (const [k, x] of Object.entries(v)) c[k] = copyValue(x, memo);
    return c;
  }
  return v; // devices, generators and other objects are shared
}

// `call` lives on the prototype as an ordinary method; the class only declares its type.
Object.defineProperty(Module.prototype, 'call', {
  value: function call(this: Module, ...args: unknown[]): unknown {
    return (this as unknown as { _call(a: unknown[]): unknown })._call(args);
  },
  writable: true,
  configurable: true,
});

/** PyTorch's `_addindent`: indents every line but the first. */
function addIndent(s: string, n: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  const pad = ' '.repeat(n);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join('\n');
}

/** Tensor hooks that emulate PyTorch's full backward hooks (see registerFullBackwardHook). */
function installBackwardHooks(m: Module, hooks: BackwardHook[], inputs: unknown[], output: unknown): void {
  const outT = isTensor(output) ? output : Array.isArray(output) ? output.find(isTensor) : undefined;
  if (!outT || !outT.requiresGrad) return;
  const ins = inputs.map((x, i) => [x, i] as const).filter(([x]) => isTensor(x) && x.requiresGrad) as [Tensor, number][];
  let gradOutput: Tensor | null = null;
  const run = (gradInput: (Tensor | null)[]): (Tensor | null)[] => {
    let gi = gradInput;
    for (const h of hooks) {
      const r = h(m, gi, [gradOutput]);
      if (r !== undefined) gi = r;
    }
    return gi;
  };
  outT.registerHook((g) => {
    gradOutput = g;
    if (ins.length === 0) run([null]);
  });
  for (const [x, i] of ins) {
    x.registerHook((g) => {
      const gi: (Tensor | null)[] = inputs.map(() => null);
      gi[i] = g;
      return run(gi)[i] ?? undefined;
    });
  }
}
