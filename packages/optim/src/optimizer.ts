/**
 * The Optimizer base class: parameter groups, per-parameter state, `zeroGrad`, `step` and the
 * state-dict round trip, with PyTorch 1.13's semantics and error messages.
 * @packageDocumentation
 */
import { KilnError, ValueError, enableGrad, isTensor, keep, noGrad, type Tensor } from '@kiln/tensor';

/** Options every optimizer understands. */
export interface BaseOptions {
  /** Learning rate. */
  lr: number;
}

/**
 * One parameter group as stored in `optimizer.paramGroups`: the tensors plus every option with
 * defaults filled in. Schedulers add keys of their own (`initialLr`, `maxLr`, …).
 */
export type ParamGroup<O extends BaseOptions = BaseOptions> = O & { params: Tensor[]; [key: string]: unknown };

/** A parameter group as the user passes it: tensors plus any per-group options. */
export type ParamGroupInput<O extends BaseOptions = BaseOptions> = Partial<O> & {
  params: Iterable<Tensor> | Tensor;
  [key: string]: unknown;
};

/** What an optimizer accepts as its first argument: tensors, or parameter-group objects. */
export type Params<O extends BaseOptions = BaseOptions> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** Per-parameter state; keys are PyTorch's (`step`, `exp_avg`, `momentum_buffer`, …). */
export type ParamState = Record<string, unknown>;

/**
 * `optimizer.stateDict()`: PyTorch's structure. Parameters are replaced by their position over
 * all groups, so the dict can be loaded into another optimizer over other (equal-shaped) tensors.
 * Option keys inside `param_groups` are Kiln's camelCase names (`weightDecay`); state keys and the
 * two top-level keys stay PyTorch's.
 */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  param_groups: (Record<string, unknown> & { params: number[] })[];
}

/** A closure that re-evaluates the model and returns the loss (needed by LBFGS). */
export type Closure<L = unknown> = () => L;

/** Deep copy of a state value: tensors are cloned (cast like `like` unless `key` is `step`). */
function copyValue(v: unknown, like: Tensor | null, key?: string): unknown {
  if (isTensor(v)) {
    const t = v as Tensor;
    const cast = like && key !== 'step' ? { dtype: like.isFloatingPoint() ? like.dtype : t.dtype, device: like.device } : {};
    return keep(noGrad(() => t.detach().to({ ...cast, copy: true })));
  }
  if (Array.isArray(v)) return v.map((x) => copyValue(x, like));
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyValue(x, like, k)]));
  }
  return v;
}

/** Copies plain group options (arrays such as `betas` included, so later edits do not alias). */
function copyOptions(group: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(group)) if (k !== 'params') out[k] = Array.isArray(v) ? [...v] : v;
  return out;
}

/**
 * Base class of all optimizers (torch.optim.Optimizer). Subclasses define `updateGroup`, which
 * runs under `noGrad` and updates parameters in place (a parameter keeps its identity and
 * storage, so modules and other optimizers holding it see the update).
 */
export abstract class Optimizer<O extends BaseOptions = BaseOptions> {
  /** Default options, used for keys a parameter group leaves out. */
  readonly defaults: O;
  /** The parameter groups, each with every option filled in. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (PyTorch's `optimizer.state`; a Map because tensors cannot be object keys). */
  state = new Map<Tensor, ParamState>();
  /**
   * `step()` calls since the last learning-rate scheduler attached itself (PyTorch's
   * `optimizer._step_count`); read by schedulers to warn when they step first. @internal
   */
  _stepCount = 0;
  /**
   * Checks one option set; throws ValueError naming the bad value. Held in a method-shaped slot
   * so that `SGD` (an `Optimizer<SGDOptions>`) is still assignable to `Optimizer`.
   */
  private readonly checker: { check(o: O): void };

  /**
   * @param params tensors, or `{ params, ...options }` groups
   * @param defaults the optimizer's options with defaults applied
   * @param check validates the options of every group (defaults merged in), throwing ValueError
   */
  protected constructor(params: Params<O>, defaults: O, check: (o: O) => void = () => {}) {
    this.defaults = defaults;
    this.checker = { check };
    const iterable = params !== null && typeof params === 'object' && Symbol.iterator in params;
    if (isTensor(params) || !iterable) {
      throw new ValueError(
        `${this.name}: params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${isTensor(params) ? 'Tensor' : typeof params}; pass an array such as [p] or model.parameters()`,
      );
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput<O>>)];
    if (list.length === 0) throw new ValueError(`${this.name}: optimizer got an empty parameter list`);
    // As in PyTorch, the first element decides: a group object means a list of groups.
    const first = list[0];
    const isGroup = first !== null && typeof first === 'object' && !isTensor(first) && 'params' in first;
    const groups = isGroup ? (list as ParamGroupInput<O>[]) : [{ params: list as Tensor[] } as unknown as ParamGroupInput<O>];
    for (const g of groups) this.addParamGroup(g);
  }

  /** The class name used in messages. */
  protected get name(): string {
    return this.constructor.name;
  }

  /**
   * Adds a parameter group (e.g. to train layers unfrozen later). Missing options take the
   * defaults. Throws for non-tensors, non-leaf tensors, a tensor listed twice in the group
   * (PyTorch 1.13 only warns; it announced this would become an error) or already in another group.
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    if (group === null || typeof group !== 'object' || isTensor(group)) {
      throw new ValueError(`${this.name}.addParamGroup: param group must be an object { params, ...options }`);
    }
    if (group.params === undefined || group.params === null) {
      throw new ValueError(`${this.name}.addParamGroup: the group has no 'params' key; pass { params: [tensors], ...options }`);
    }
    if (group.params instanceof Set) {
      throw new ValueError(
        `${this.name}: optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use a list instead.`,
      );
    }
    const params = isTensor(group.params) ? [group.params as Tensor] : [...(group.params as Iterable<Tensor>)];
    for (const p of params) {
      if (!isTensor(p)) {
        throw new ValueError(`${this.name}: optimizer can only optimize Tensors, but one of the params is ${p === null ? 'null' : typeof p}`);
      }
      if (!p.isLeaf && !p.retainsGrad) {
        throw new ValueError(
          `${this.name}: can't optimize a non-leaf Tensor (shape [${p.shape.join(', ')}]); pass the leaf it was computed from, or a detached copy: x.detach().requiresGrad_()`,
        );
      }
    }
    const unique = new Set(params);
    if (unique.size !== params.length) {
      throw new ValueError(`${this.name}: optimizer contains a parameter group with duplicate parameters; list each tensor once`);
    }
    for (const g of this.paramGroups) {
      if (g.params.some((p) => unique.has(p))) {
        throw new ValueError(`${this.name}: some parameters appear in more than one parameter group`);
      }
    }
    const merged = { ...this.defaults, ...group, params } as ParamGroup<O>;
    for (const [k, v] of Object.entries(this.defaults)) {
      if (v === undefined && merged[k] === undefined) {
        throw new ValueError(`${this.name}: parameter group didn't specify a value of required optimization parameter ${k}`);
      }
    }
    this.checker.check(merged);
    this.paramGroups.push(merged);
  }

  /**
   * Resets gradients. With `setToNone` (the default, as in PyTorch 2; PyTorch 1.13 defaulted to
   * false) `.grad` becomes null and the old gradient tensor is disposed — JavaScript has no
   * reference counting, so waiting for the garbage collector would keep one copy of every
   * parameter alive per step (clone a gradient first if you need it afterwards); `step` then skips
   * parameters that got no gradient. With `setToNone: false` gradients are detached and zeroed.
   */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = options.setToNone ?? true;
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        const grad = p.grad;
        if (!grad) continue;
        if (setToNone) {
          p.grad = null;
          grad.dispose();
        } else noGrad(() => grad.detach_().zero_());
      }
    }
  }

  /**
   * Performs one optimization step. The optional closure re-evaluates the model (run with grad
   * enabled) and its result is returned, as in PyTorch.
   */
  step<L>(closure?: Closure<L>): L | undefined {
    this._stepCount++;
    const loss = closure ? enableGrad(closure) : undefined;
    if (loss instanceof Promise) {
      // The update would run before the closure's gradients exist.
      throw new ValueError(`${this.name}.step(closure): the closure returned a Promise; step() is synchronous, so await the async work before calling step() and pass a synchronous closure`);
    }
    noGrad(() => {
      for (const g of this.paramGroups) this.updateGroup(g);
    });
    return loss;
  }

  /** Updates the parameters of one group in place (called under `noGrad`). */
  protected abstract updateGroup(group: ParamGroup<O>): void;

  /** The state of `p`, created empty on first use (PyTorch's `defaultdict(dict)`). */
  protected stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (!s) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /**
   * The optimizer's state in PyTorch's structure: `{ state: { 0: {...} }, param_groups: [{ ...,
   * params: [0, 1] }] }`. State tensors are cloned, so later steps do not change a saved dict.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const param_groups = this.paramGroups.map((g) => {
      const params = g.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return { ...copyOptions(g), params };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = copyValue(s, null) as ParamState;
    }
    return { state, param_groups };
  }

  /**
   * Loads a dict from `stateDict()` (of this or an identically structured optimizer). State
   * tensors are copied and cast to their parameter's dtype and device (except `step`), so training
   * resumes bit for bit.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const saved = stateDict.param_groups;
    if (!saved || !stateDict.state) {
      throw new KilnError(`${this.name}.loadStateDict: expected { state, param_groups } as returned by stateDict()`);
    }
    if (saved.length !== this.paramGroups.length) {
      throw new ValueError(
        `${this.name}.loadStateDict: loaded state dict has a different number of parameter groups (${saved.length} saved, ${this.paramGroups.length} here)`,
      );
    }
    const idMap = new Map<number, Tensor>();
    saved.forEach((sg, gi) => {
      const g = this.paramGroups[gi]!;
      if (sg.params.length !== g.params.length) {
        throw new ValueError(
          `${this.name}.loadStateDict: loaded state dict contains a parameter group that doesn't match the size of optimizer's group (group ${gi}: ${sg.params.length} saved, ${g.params.length} here)`,
        );
      }
      sg.params.forEach((id, j) => idMap.set(id, g.params[j]!));
    });
    const state = new Map<Tensor, ParamState>();
    for (const [k, v] of Object.entries(stateDict.state)) {
      const p = idMap.get(Number(k));
      if (p) state.set(p, copyValue(v, p) as ParamState);
    }
    this.state = state;
    saved.forEach((sg, gi) => {
      const g = this.paramGroups[gi]!;
      const params = g.params;
      for (const k of Object.keys(g)) delete g[k];
      Object.assign(g, copyOptions(sg), { params });
    });
  }

  /** PyTorch-style summary of the groups' options. */
  toString(): string {
    const lines = [`${this.name} (`];
    this.paramGroups.forEach((g, i) => {
      lines.push(`Parameter Group ${i}`);
      for (const k of Object.keys(g).sort()) if (k !== 'params') lines.push(`    ${k}: ${JSON.stringify(g[k])}`);
    });
    lines.push(')');
    return lines.join('\n');
  }
}

/** Throws PyTorch's "Invalid … value" error when `ok` is false. @internal */
export function checkArg(ok: boolean, optimizer: string, what: string, value: unknown, rule: string): void {
  if (!ok) throw new ValueError(`${optimizer}: Invalid ${what}: ${String(value)} (${rule})`);
}

/** Validates `betas`, `eps`, `lr` and `weightDecay` as PyTorch's Adam family does. @internal */
export function checkAdamLike(name: string, o: { lr: number; eps: number; weightDecay: number; betas?: readonly number[] }): void {
  checkArg(o.lr >= 0, name, 'learning rate', o.lr, 'lr must be >= 0');
  checkArg(o.eps >= 0, name, 'epsilon value', o.eps, 'eps must be >= 0');
  if (o.betas) {
    const [b1, b2] = o.betas;
    checkArg(b1 !== undefined && b1 >= 0 && b1 < 1, name, 'beta parameter at index 0', b1, 'betas[0] must be in [0, 1)');
    checkArg(b2 !== undefined && b2 >= 0 && b2 < 1, name, 'beta parameter at index 1', b2, 'betas[1] must be in [0, 1)');
  }
  checkArg(o.weightDecay >= 0, name, 'weight_decay value', o.weightDecay, 'weightDecay must be >= 0');
}
