/**
 * Containers: Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict.
 *
 * Python's `seq[i]`, `seq[1:]`, `dict['k']` become `get(i)`, `slice(1)`, `get('k')`: JavaScript has
 * no operator overloading, and a Proxy for `seq[0]` would slow every property access.
 * @packageDocumentation
 */
import { KilnError, IndexError, type Tensor } from '@kiln/tensor';
import { Module } from './module.js';
import { Parameter, isParameter } from './parameter.js';

function normIndex(i: number, n: number, what: string): number {
  const j = i < 0 ? i + n : i;
  if (!Number.isInteger(j) || j < 0 || j >= n) throw new IndexError(`index ${i} is out of range`.replace('index', what ? `${what} index` : 'index'));
  return j;
}

function sliceRange(n: number, start = 0, end = n): [number, number] {
  const s = Math.min(Math.max(start < 0 ? start + n : start, 0), n);
  const e = Math.min(Math.max(end < 0 ? end + n : end, 0), n);
  return [s, Math.max(s, e)];
}

/** A chain of modules applied in order (torch.nn.Sequential). */
export class Sequential extends Module {
  /**
   * `new Sequential(a, b, c)` names the children `0, 1, 2`; `new Sequential({ conv: …, relu: … })`
   * or a `Map` gives them names (PyTorch's `Sequential(OrderedDict(...))`).
   */
  constructor(...modules: Module[] | [Record<string, Module> | Map<string, Module>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && first !== undefined && !(first instanceof Module)) {
      const entries = first instanceof Map ? [...first] : Object.entries(first);
      for (const [k, m] of entries) this.addModule(k, m);
    } else (modules as Module[]).forEach((m, i) => this.addModule(String(i), m));
  }

  /** Number of children (`len(seq)`). */
  get length(): number {
    return this._ownModules().length;
  }

  /** The child at position `i` (negative counts from the end), as `seq[i]`. */
  get(i: number): Module {
    const mods = this._ownModules();
    return mods[normIndex(i, mods.length, '')]![1];
  }

  /** A Sequential of children `start..end` keeping their names (as `seq[start:end]`). */
  slice(start?: number, end?: number): Sequential {
    const mods = this._ownModules();
    const [s, e] = sliceRange(mods.length, start, end);
    return new Sequential(new Map(mods.slice(s, e)));
  }

  /** Appends a module under the next integer name; returns this. */
  append(module: Module): this {
    this.addModule(String(this.length), module);
    return this;
  }

  /** Appends several modules; returns this. */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** Iterates over the children. */
  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  /** Feeds `input` through every child in order. */
  override forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const [, m] of this._ownModules()) x = m.call(x);
    return x as Tensor;
  }
}

/** A list of modules whose parameters are registered (torch.nn.ModuleList). It has no forward. */
export class ModuleList extends Module {
  /** Creates a list holding `modules`. */
  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }

  /** Number of modules. */
  get length(): number {
    return this._ownModules().length;
  }

  /** The module at `i` (negative counts from the end). */
  get(i: number): Module {
    const mods = this._ownModules();
    return mods[normIndex(i, mods.length, '')]![1];
  }

  /** Replaces the module at `i`. */
  set(i: number, module: Module): void {
    this.addModule(String(normIndex(i, this.length, '')), module);
  }

  /** A new ModuleList of modules `start..end`. */
  slice(start?: number, end?: number): ModuleList {
    const mods = this.children();
    const [s, e] = sliceRange(mods.length, start, end);
    return new ModuleList(mods.slice(s, e));
  }

  /** Appends a module; returns this. */
  append(module: Module): this {
    this.addModule(String(this.length), module);
    return this;
  }

  /** Appends several modules; returns this. */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** Inserts `module` before position `index`, renumbering the rest. */
  insert(index: number, module: Module): void {
    const mods = this.children();
    const n = mods.length;
    const at = Math.min(Math.max(index < 0 ? index + n : index, 0), n);
    mods.splice(at, 0, module);
    mods.forEach((m, i) => this.addModule(String(i), m));
  }

  /** Iterates over the modules. */
  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }
}

/** An ordered dictionary of modules (torch.nn.ModuleDict). Keys keep insertion order. */
export class ModuleDict extends Module {
  // A Map keeps insertion order for every key, including integer-like ones ('1', '2'). It is a
  // non-enumerable own property (not #private) so that deepcopy can copy it.
  declare private readonly _items: Map<string, Module>;

  /** Creates a dict from a record, Map or `[key, module]` pairs. */
  constructor(modules: Record<string, Module> | Map<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    Object.defineProperty(this, '_items', { value: new Map(), enumerable: false, writable: true });
    this.update(modules);
  }

  protected override _entries(): [string, unknown][] {
    return [...Object.entries(this), ...this._items];
  }

  /** Number of entries. */
  get length(): number {
    return this._items.size;
  }
  /** The module under `key`; throws PyTorch's KeyError text when absent. */
  get(key: string): Module {
    const m = this._items.get(key);
    if (!m) throw new KilnError(`KeyError: '${key}'`);
    return m;
  }
  /** Sets `key` to `module`. */
  set(key: string, module: Module): void {
    if (key.includes('.') || key === '') throw new KilnError(`module name can't contain ".", got: ${key}`);
    this._items.set(key, module);
  }
  /** True when `key` is present (`key in dict`). */
  has(key: string): boolean {
    return this._items.has(key);
  }
  /** Removes `key` and returns its module (`pop`). */
  pop(key: string): Module {
    const m = this.get(key);
    this._items.delete(key);
    return m;
  }
  /** Removes every entry. */
  clear(): void {
    this._items.clear();
  }
  /** The keys in order. */
  keys(): string[] {
    return [...this._items.keys()];
  }
  /** The modules in order. */
  values(): Module[] {
    return [...this._items.values()];
  }
  /** `[key, module]` pairs in order. */
  items(): [string, Module][] {
    return [...this._items];
  }
  /** Adds or replaces entries. */
  update(modules: Record<string, Module> | Map<string, Module> | Iterable<[string, Module]>): void {
    const entries = modules instanceof Map || Symbol.iterator in modules ? [...(modules as Iterable<[string, Module]>)] : Object.entries(modules);
    for (const [k, m] of entries) this.set(k, m);
  }
  /** Iterates over the keys (as Python's dict does). */
  [Symbol.iterator](): Iterator<string> {
    return this._items.keys();
  }
}

const TYPENAME: Record<string, string> = { float32: 'torch.FloatTensor', float64: 'torch.DoubleTensor', int32: 'torch.LongTensor', bool: 'torch.BoolTensor' };
// Kiln's int32 stands for PyTorch's int64, so it prints as PyTorch would print the int64 tensor.
const TORCH_DTYPE: Record<string, string> = { float32: 'torch.float32', float64: 'torch.float64', int32: 'torch.int64', bool: 'torch.bool' };

function paramLine(k: string, p: Tensor, typename: string): string {
  return `  (${k}): ${isParameter(p) ? 'Parameter' : 'Tensor'} containing: [${typename} of size ${p.shape.join('x')}]`;
}

function asParameter(t: Tensor): Parameter {
  return isParameter(t) ? t : new Parameter(t);
}

/** A list of parameters registered under `0, 1, …` (torch.nn.ParameterList). */
export class ParameterList extends Module {
  /** Creates a list; plain tensors are wrapped in Parameters, as PyTorch does. */
  constructor(values: Iterable<Tensor> = []) {
    super();
    this.extend(values);
  }
  /** Number of parameters. */
  get length(): number {
    return this._ownParameters().length;
  }
  /** The parameter at `i`. */
  get(i: number): Parameter {
    const ps = this._ownParameters();
    return ps[normIndex(i, ps.length, '')]![1];
  }
  /** Replaces the parameter at `i`. */
  set(i: number, value: Tensor): void {
    this.registerParameter(String(normIndex(i, this.length, '')), asParameter(value));
  }
  /** Appends a parameter; returns this. */
  append(value: Tensor): this {
    this.registerParameter(String(this.length), asParameter(value));
    return this;
  }
  /** Appends several parameters; returns this. */
  extend(values: Iterable<Tensor>): this {
    for (const v of values) this.append(v);
    return this;
  }
  /** Iterates over the parameters. */
  [Symbol.iterator](): Iterator<Parameter> {
    return this._ownParameters().map(([, p]) => p)[Symbol.iterator]();
  }
  /** PyTorch lists each entry with its dtype and size. */
  override extraRepr(): string {
    return this._ownParameters().map(([k, p]) => paramLine(k, p, TORCH_DTYPE[p.dtype] ?? p.dtype)).join('\n');
  }
  /** ParameterList cannot be called (PyTorch raises the same). */
  override forward(): never {
    throw new KilnError('ParameterList should not be called.');
  }
}

/** An ordered dictionary of parameters (torch.nn.ParameterDict). */
export class ParameterDict extends Module {
  declare private readonly _items: Map<string, Parameter>; // non-enumerable, see ModuleDict

  /** Creates a dict; plain tensors are wrapped in Parameters. */
  constructor(values: Record<string, Tensor> | Map<string, Tensor> | Iterable<[string, Tensor]> = {}) {
    super();
    Object.defineProperty(this, '_items', { value: new Map(), enumerable: false, writable: true });
    this.update(values);
  }
  protected override _entries(): [string, unknown][] {
    return [...Object.entries(this), ...this._items];
  }
  /** Number of entries. */
  get length(): number {
    return this._items.size;
  }
  /** The parameter under `key`. */
  get(key: string): Parameter {
    const p = this._items.get(key);
    if (!p) throw new KilnError(`KeyError: '${key}'`);
    return p;
  }
  /** Sets `key` (wrapping plain tensors in a Parameter). */
  set(key: string, value: Tensor): void {
    if (key.includes('.') || key === '') throw new KilnError(`parameter name can't contain ".", got: ${key}`);
    this._items.set(key, asParameter(value));
  }
  /** True when `key` is present. */
  has(key: string): boolean {
    return this._items.has(key);
  }
  /** Removes `key` and returns its parameter. */
  pop(key: string): Parameter {
    const p = this.get(key);
    this._items.delete(key);
    return p;
  }
  /** The keys in order. */
  keys(): string[] {
    return [...this._items.keys()];
  }
  /** The parameters in order. */
  values(): Parameter[] {
    return [...this._items.values()];
  }
  /** `[key, parameter]` pairs in order. */
  items(): [string, Parameter][] {
    return [...this._items];
  }
  /** Adds or replaces entries. */
  update(values: Record<string, Tensor> | Map<string, Tensor> | Iterable<[string, Tensor]>): void {
    const entries = values instanceof Map || Symbol.iterator in values ? [...(values as Iterable<[string, Tensor]>)] : Object.entries(values);
    for (const [k, v] of entries) this.set(k, v);
  }
  /** Iterates over the keys. */
  [Symbol.iterator](): Iterator<string> {
    return this._items.keys();
  }
  /** PyTorch lists each entry with its type name and size. */
  override extraRepr(): string {
    return this.items().map(([k, p]) => paramLine(k, p, TYPENAME[p.dtype] ?? p.dtype)).join('\n');
  }
  /** ParameterDict cannot be called (PyTorch raises the same). */
  override forward(): never {
    throw new KilnError('ParameterDict should not be called.');
  }
}
