/**
 * L-BFGS with an optional strong-Wolfe line search (torch.optim.LBFGS, PyTorch 1.13 algorithm).
 * @packageDocumentation
 */
import { cat, enableGrad, isTensor, keep, noGrad, ValueError, zeros, type Tensor } from '@kiln/tensor';
import { Optimizer, checkArg, type Closure, type ParamGroup, type ParamState, type Params } from './optimizer.js';

/** Options of {@link LBFGS}. */
export interface LBFGSOptions {
  /** Learning rate (default 1). */
  lr: number;
  /** Iterations per `step()` (default 20). */
  maxIter: number;
  /** Function evaluations per `step()` (default `floor(maxIter * 5 / 4)`). */
  maxEval: number;
  /** Stop when every gradient entry is at most this in magnitude (default 1e-7). */
  toleranceGrad: number;
  /** Stop when the step or the loss change is below this (default 1e-9). */
  toleranceChange: number;
  /** Number of curvature pairs kept (default 100). */
  historySize: number;
  /** `'strong_wolfe'` or null (default: a fixed step of `lr`). */
  lineSearchFn: 'strong_wolfe' | null;
}

/** Minimizer of the cubic through (x1, f1, g1), (x2, f2, g2), clamped to `bounds`. */
function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 ** 2 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

type ObjFunc = (x: Tensor[], t: number, d: Tensor) => [number, Tensor];

/** The strong-Wolfe line search of PyTorch 1.13 (`_strong_wolfe`), on JS numbers for scalars. */
function strongWolfe(obj: ObjFunc, x: Tensor[], t: number, d: Tensor, f: number, g: Tensor, gtd: number, c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxLs = 25): [number, Tensor, number, number] {
  const dNorm = d.abs().max().item() as number;
  g = g.clone();
  let [fNew, gNew] = obj(x, t, d);
  let lsFuncEvals = 1;
  let gtdNew = gNew.dot(d).item() as number;
  let tPrev = 0, fPrev = f, gPrev = g, gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [], bracketF: number[] = [], bracketG: Tensor[] = [], bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew.clone()], [gtdPrev, gtdNew]];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew.clone()], [gtdPrev, gtdNew]];
      break;
    }
    // extrapolate
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew.clone();
    gtdPrev = gtdNew;
    [fNew, gNew] = obj(x, t, d);
    lsFuncEvals++;
    gtdNew = gNew.dot(d).item() as number;
    lsIter++;
  }
  if (lsIter === maxLs) [bracket, bracketF, bracketG] = [[0, t], [f, fNew], [g, gNew]];

  // zoom
  let insufProgress = false;
  let [low, high] = bracketF[0]! <= bracketF[bracketF.length - 1]! ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1]! - bracket[0]!) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0]!, bracketF[0]!, bracketGtd[0]!, bracket[1]!, bracketF[1]!, bracketGtd[1]!);
    const bMax = Math.max(...bracket), bMin = Math.min(...bracket);
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      // too close to a boundary: move away unless the last step made progress
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    [fNew, gNew] = obj(x, t, d);
    lsFuncEvals++;
    gtdNew = gNew.dot(d).item() as number;
    lsIter++;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[low]!) {
      bracket[high] = t;
      bracketF[high] = fNew;
      bracketG[high] = gNew.clone();
      bracketGtd[high] = gtdNew;
      [low, high] = bracketF[0]! <= bracketF[1]! ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (bracket[high]! - bracket[low]!) >= 0) {
        bracket[high] = bracket[low]!;
        bracketF[high] = bracketF[low]!;
        bracketG[high] = bracketG[low]!;
        bracketGtd[high] = bracketGtd[low]!;
      }
      bracket[low] = t;
      bracketF[low] = fNew;
      bracketG[low] = gNew.clone();
      bracketGtd[low] = gtdNew;
    }
  }
  return [bracketF[low]!, bracketG[low]!, bracket[low]!, lsFuncEvals];
}

const lossOf = (v: unknown): number => (isTensor(v) ? Number((v as Tensor).item()) : Number(v));

/**
 * torch.optim.LBFGS: each `step(closure)` runs up to `maxIter` L-BFGS iterations, calling the
 * closure (which must set the gradients and return the loss) for every function evaluation.
 * One parameter group only, as in PyTorch. Scalars of the algorithm (`t`, `ro`, `H_diag`, dot
 * products) are JS doubles, where PyTorch keeps 0-d tensors of the parameter dtype: identical
 * for float64 parameters, within float32 rounding otherwise.
 *
 * State (on the first parameter, PyTorch's keys): `func_evals`, `n_iter`, `d`, `t`, `old_dirs`,
 * `old_stps`, `ro`, `H_diag`, `prev_flat_grad`, `prev_loss`, `al`.
 *
 * @example
 * const opt = new LBFGS([x], { lineSearchFn: 'strong_wolfe' });
 * opt.step(() => { const loss = f(x); x.grad = df(x); return loss; });
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  constructor(params: Params<LBFGSOptions>, options: Partial<LBFGSOptions> = {}) {
    const maxIter = options.maxIter ?? 20;
    super(
      params,
      { lr: 1, maxIter, maxEval: Math.floor((maxIter * 5) / 4), toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null, ...options },
      (o) => {
        checkArg(o.lr >= 0, 'LBFGS', 'learning rate', o.lr, 'lr must be >= 0');
        if (o.lineSearchFn !== null && o.lineSearchFn !== 'strong_wolfe') {
          throw new ValueError(`LBFGS: only 'strong_wolfe' is supported (got lineSearchFn ${JSON.stringify(o.lineSearchFn)})`);
        }
      },
    );
    if (this.paramGroups.length !== 1) throw new ValueError("LBFGS doesn't support per-parameter options (parameter groups)");
  }

  private get params(): Tensor[] {
    return this.paramGroups[0]!.params;
  }

  private gatherFlatGrad(): Tensor {
    return cat(this.params.map((p) => (p.grad ? p.grad.reshape(-1) : zeros([p.numel()], { dtype: p.dtype, device: p.device }))));
  }

  private addGrad(stepSize: number, update: Tensor): void {
    let offset = 0;
    for (const p of this.params) {
      const n = p.numel();
      p.add_(update.narrow(0, offset, n).reshape(p.shape), { alpha: stepSize });
      offset += n;
    }
  }

  private directionalEvaluate(closure: Closure, x: Tensor[], t: number, d: Tensor): [number, Tensor] {
    this.addGrad(t, d);
    const loss = lossOf(enableGrad(closure));
    const flatGrad = this.gatherFlatGrad();
    this.params.forEach((p, i) => p.copy_(x[i]!));
    return [loss, flatGrad];
  }

  protected updateGroup(_group: ParamGroup<LBFGSOptions>): void {
    throw new ValueError('LBFGS.step needs a closure that re-evaluates the model, sets the gradients and returns the loss');
  }

  /** Runs up to `maxIter` iterations; `closure` is required and its first loss is returned. */
  override step<L>(closure?: Closure<L>): L {
    if (!closure) return this.updateGroup(this.paramGroups[0]!) as never;
    this._stepCount++;
    return noGrad(() => this.run(closure));
  }

  private run<L>(closure: Closure<L>): L {
    const g = this.paramGroups[0]!;
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, lineSearchFn, historySize } = g;
    const state = this.stateOf(this.params[0]!) as ParamState & Record<string, unknown>;
    state.func_evals = (state.func_evals as number | undefined) ?? 0;
    state.n_iter = (state.n_iter as number | undefined) ?? 0;

    const origLoss = enableGrad(closure);
    let loss = lossOf(origLoss);
    let currentEvals = 1;
    state.func_evals = (state.func_evals as number) + 1;
    let flatGrad = this.gatherFlatGrad();
    let optCond = (flatGrad.abs().max().item() as number) <= toleranceGrad;
    if (optCond) return origLoss;

    let d = state.d as Tensor | undefined;
    let t = state.t as number | undefined;
    let oldDirs = (state.old_dirs as Tensor[] | undefined) ?? [];
    let oldStps = (state.old_stps as Tensor[] | undefined) ?? [];
    let ro = (state.ro as number[] | undefined) ?? [];
    let hDiag = (state.H_diag as number | undefined) ?? 1;
    let prevFlatGrad = state.prev_flat_grad as Tensor | undefined;
    let prevLoss = state.prev_loss as number | undefined;

    let nIter = 0;
    while (nIter < maxIter) {
      nIter++;
      state.n_iter = (state.n_iter as number) + 1;
      if (state.n_iter === 1) {
        d = flatGrad.neg();
        oldDirs = [];
        oldStps = [];
        ro = [];
        hDiag = 1;
      } else {
        // update the curvature pairs
        const y = flatGrad.sub(prevFlatGrad!);
        const s = d!.mul(t!);
        const ys = y.dot(s).item() as number;
        if (ys > 1e-10) {
          if (oldDirs.length === historySize) {
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(keep(y));
          oldStps.push(keep(s));
          ro.push(1 / ys);
          hDiag = ys / (y.dot(y).item() as number);
        }
        // two-loop recursion for the search direction
        const al = (state.al as (number | null)[] | undefined) ?? new Array<number | null>(historySize).fill(null);
        state.al = al;
        const q = flatGrad.neg();
        for (let i = oldDirs.length - 1; i >= 0; i--) {
          al[i] = (oldStps[i]!.dot(q).item() as number) * ro[i]!;
          q.add_(oldDirs[i]!, { alpha: -al[i]! });
        }
        const r = q.mul(hDiag);
        for (let i = 0; i < oldDirs.length; i++) {
          const be = (oldDirs[i]!.dot(r).item() as number) * ro[i]!;
          r.add_(oldStps[i]!, { alpha: al[i]! - be });
        }
        d = r;
      }
      if (!prevFlatGrad) prevFlatGrad = keep(flatGrad.clone());
      else prevFlatGrad.copy_(flatGrad);
      prevLoss = loss;

      t = state.n_iter === 1 ? Math.min(1, 1 / (flatGrad.abs().sum().item() as number)) * lr : lr;
      const gtd = flatGrad.dot(d).item() as number;
      if (gtd > -toleranceChange) break;

      let lsFuncEvals = 0;
      if (lineSearchFn !== null) {
        const xInit = this.params.map((p) => p.clone());
        const obj: ObjFunc = (x, tt, dd) => this.directionalEvaluate(closure, x, tt, dd);
        [loss, flatGrad, t, lsFuncEvals] = strongWolfe(obj, xInit, t, d, loss, flatGrad, gtd);
        this.addGrad(t, d);
        optCond = (flatGrad.abs().max().item() as number) <= toleranceGrad;
      } else {
        this.addGrad(t, d);
        if (nIter !== maxIter) {
          loss = lossOf(enableGrad(closure));
          flatGrad = this.gatherFlatGrad();
          optCond = (flatGrad.abs().max().item() as number) <= toleranceGrad;
          lsFuncEvals = 1;
        }
      }
      currentEvals += lsFuncEvals;
      state.func_evals = (state.func_evals as number) + lsFuncEvals;

      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      if ((d.mul(t).abs().max().item() as number) <= toleranceChange) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }
    state.d = d ? keep(d) : d;
    state.t = t;
    state.old_dirs = oldDirs;
    state.old_stps = oldStps;
    state.ro = ro;
    state.H_diag = hDiag;
    state.prev_flat_grad = prevFlatGrad;
    state.prev_loss = prevLoss;
    return origLoss;
  }
}
