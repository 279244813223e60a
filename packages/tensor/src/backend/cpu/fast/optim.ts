/**
 * The CPU backend's fused optimizer steps (optim's `overrides['<name>Step']` hook, see
 * @kiln/optim's fused.ts for the contract): one loop per parameter that updates the parameter and
 * its state in place, instead of the 4–8 composed tensor ops (each a pass over memory and a fresh
 * output array) of the reference update. For a 784×128 weight that is the difference between ~10
 * passes plus ~3 MB of short-lived arrays and one pass with none.
 *
 * The arithmetic follows PyTorch's single-tensor updates (the same formulas as the composed path in
 * optim), evaluated per element in float64 and stored in the parameter's dtype; float32 results can
 * differ from the composed path in the last bit, where the composed path rounds every intermediate.
 *
 * Parameters and state are contiguous on the CPU in every normal case (nn creates them so); any
 * operand that is a view is made contiguous first and the result written back with `copy_`.
 * @packageDocumentation
 */
import type { CompositeKernel } from '../../backend.js';
import type { Tensor } from '../../../tensor.js';
import { DTypeError } from '../../../errors.js';
import { MIN_STAGED, stagedMap } from '../wasm/map.js';

type Floats = Float32Array | Float64Array;

/** A contiguous float array of `t`: its own storage when contiguous, else a dense copy. */
interface Dense { t: Tensor; data: Floats; off: number }

function dense(t: Tensor): Dense {
  const c = t.isContiguous() ? t : t.contiguous();
  const op = c.operand();
  return { t: c, data: (op.handle as { data: Floats }).data, off: op.view.offset };
}

/** Runs `body` over dense copies of the in-place operands, then writes back any that were views. */
function inPlace(targets: (Tensor | undefined)[], body: (d: (Dense | undefined)[]) => void): void {
  const d = targets.map((t) => (t ? dense(t) : undefined));
  body(d);
  targets.forEach((t, i) => {
    if (!t) return;
    if (d[i]!.t !== t) t.copy_(d[i]!.t); // copy_ bumps the version itself
    else t.storage.version++; // what an in-place op does: autograd sees the change
  });
}

const isFloat = (ts: (Tensor | undefined)[]) => ts.every((t) => !t || t.dtype === 'float32' || t.dtype === 'float64');
const num = (a: Readonly<Record<string, unknown>>, k: string) => a[k] as number;

/** sgdStep: `[param, grad, momentumBuffer | undefined]`; returns a new buffer on the first momentum step. */
function sgdStep(p: Tensor, grad: Tensor, buf: Tensor | undefined, a: Readonly<Record<string, unknown>>, zerosLike: (t: Tensor) => Tensor): Tensor | undefined {
  const lr = num(a, 'lr'), momentum = num(a, 'momentum'), dampening = num(a, 'dampening'), wd = num(a, 'weightDecay');
  const nesterov = a.nesterov === true, sign = a.maximize === true ? -1 : 1;
  // the first momentum step sets buf = d: start from a zero buffer with (momentum, 1 - dampening) = (0, 1)
  const fresh = momentum !== 0 && !buf;
  if (fresh) buf = zerosLike(p);
  const g = dense(grad);
  const m = fresh ? 0 : momentum, keepD = fresh ? 1 : 1 - dampening;
  if (!buf && p.dtype === 'float32' && grad.dtype === 'float32') {
    // plain SGD on float32, the common case: a monomorphic two-array loop
    inPlace([p], ([pd]) => sgdPlainF32(pd!.data as Float32Array, pd!.off, g.data as Float32Array, g.off, p.numel(), lr, sign, wd));
    return undefined;
  }
  inPlace([p, buf], ([pd, bd]) => {
    const P = pd!.data, G = g.data, n = p.numel();
    for (let i = 0, pi = pd!.off, gi = g.off; i < n; i++, pi++, gi++) {
      let d = sign * G[gi]!;
      if (wd !== 0) d += wd * P[pi]!;
      if (bd) {
        const bi = bd.off + i;
        const b = m * bd.data[bi]! + keepD * d;
        bd.data[bi] = b;
        d = nesterov ? d + momentum * b : b;
      }
      P[pi] = P[pi]! - lr * d;
    }
  });
  return fresh ? buf : undefined;
}

/**
 * SGD without momentum on float32 (kept apart so V8 sees only Float32Arrays here), rounding like the
 * composed update `d = g (+ wd·p); p.add_(d, alpha = -lr)`: each product and sum is rounded to
 * float32, so `optim.SGD` takes exactly the steps of a hand-written `p.sub_(p.grad.mul(lr))`.
 */
function sgdPlainF32(P: Float32Array, po: number, G: Float32Array, go: number, n: number, lr64: number, sign: number, wd64: number): void {
  const f = Math.fround;
  // Python-number operands of a float32 op are float32 too (PyTorch's wrapped-number rule)
  const lr = f(lr64), wd = f(wd64);
  // the same float32 operations, four lanes at a time in WebAssembly
  if (n >= MIN_STAGED) {
    const ops = [{ data: P, offset: po }, { data: G, offset: go }];
    if (wd === 0 ? stagedMap('sgd', ops, n, [lr * sign], P, po) : stagedMap('sgdWeightDecay', ops, n, [lr, sign, wd], P, po)) return;
  }
  if (wd === 0) for (let i = 0; i < n; i++) P[po + i] = P[po + i]! - f(lr * sign * G[go + i]!);
  else for (let i = 0; i < n; i++) P[po + i] = P[po + i]! - f(lr * f(sign * G[go + i]! + f(wd * P[po + i]!)));
}

/** adamStep / adamwStep: `[param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq | undefined]`. */
function adamStep(ts: (Tensor | undefined)[], a: Readonly<Record<string, unknown>>, decoupled: boolean): void {
  const [p, grad, expAvg, expAvgSq, maxSq] = ts as [Tensor, Tensor, Tensor, Tensor, Tensor | undefined];
  const lr = num(a, 'lr'), b1 = num(a, 'beta1'), b2 = num(a, 'beta2'), eps = num(a, 'eps'), wd = num(a, 'weightDecay'), step = num(a, 'step');
  const sign = a.maximize === true ? -1 : 1, amsgrad = a.amsgrad === true && maxSq !== undefined;
  const stepSize = lr / (1 - b1 ** step);
  const bc2Sqrt = Math.sqrt(1 - b2 ** step);
  const decay = decoupled ? 1 - lr * wd : 1;
  const g = dense(grad);
  inPlace([p, expAvg, expAvgSq, amsgrad ? maxSq : undefined], ([pd, md, vd, xd]) => {
    const P = pd!.data, G = g.data, M = md!.data, V = vd!.data, n = p.numel();
    for (let i = 0; i < n; i++) {
      const pi = pd!.off + i, mi = md!.off + i, vi = vd!.off + i;
      let gi = sign * G[g.off + i]!;
      let pv = P[pi]!;
      if (decoupled) pv *= decay;
      else if (wd !== 0) gi += wd * pv;
      const mv = b1 * M[mi]! + (1 - b1) * gi;
      const vv = b2 * V[vi]! + (1 - b2) * gi * gi;
      M[mi] = mv;
      V[vi] = vv;
      let second = V[vi]!; // the stored (rounded) value, as the composed path reads it back
      if (xd) {
        const xi = xd.off + i;
        second = Math.max(xd.data[xi]!, second);
        xd.data[xi] = second;
        second = xd.data[xi]!;
      }
      P[pi] = pv - (stepSize * M[mi]!) / (Math.sqrt(second) / bc2Sqrt + eps);
    }
  });
}

/** adadeltaStep: `[param, grad, square_avg, acc_delta]`. */
function adadeltaStep(ts: (Tensor | undefined)[], a: Readonly<Record<string, unknown>>): void {
  const [p, grad, sq, acc] = ts as [Tensor, Tensor, Tensor, Tensor];
  const lr = num(a, 'lr'), rho = num(a, 'rho'), eps = num(a, 'eps'), wd = num(a, 'weightDecay');
  const sign = a.maximize === true ? -1 : 1;
  const g = dense(grad);
  inPlace([p, sq, acc], ([pd, sd, ad]) => {
    const P = pd!.data, G = g.data, S = sd!.data, A = ad!.data, n = p.numel();
    for (let i = 0; i < n; i++) {
      const pi = pd!.off + i, si = sd!.off + i, ai = ad!.off + i;
      let gi = sign * G[g.off + i]!;
      if (wd !== 0) gi += wd * P[pi]!;
      S[si] = rho * S[si]! + (1 - rho) * gi * gi;
      const delta = (Math.sqrt(A[ai]! + eps) / Math.sqrt(S[si]! + eps)) * gi;
      A[ai] = rho * A[ai]! + (1 - rho) * delta * delta;
      P[pi] = P[pi]! - lr * delta;
    }
  });
}

/**
 * The fused optimizer steps of the CPU backend, keyed by the names optim looks up. Each accepts
 * only floating tensors on this backend (optimizers never see others); shapes are the parameter's.
 * `zerosLike` makes SGD's first momentum buffer (injected: this module sits below the Tensor class).
 */
export function cpuOptimizerOverrides(zerosLike: (t: Tensor) => Tensor): Record<string, CompositeKernel> {
  const guard = (ts: readonly unknown[], name: string) => {
    const t = ts as (Tensor | undefined)[];
    if (!isFloat(t)) {
      const dtypes = t.map((x) => x?.dtype ?? 'none').join(', ');
      throw new DTypeError(`${name}: optimizer steps need floating-point parameters, gradients and state (got ${dtypes}); make the parameter float32 or float64`);
    }
    return ts as (Tensor | undefined)[];
  };
  return {
    sgdStep: (ts, a) => {
      const [p, g, buf] = guard(ts, 'sgdStep');
      return sgdStep(p!, g!, buf, a, zerosLike);
    },
    adamStep: (ts, a) => adamStep(guard(ts, 'adamStep'), a, false),
    adamwStep: (ts, a) => adamStep(guard(ts, 'adamwStep'), a, true),
    adadeltaStep: (ts, a) => adadeltaStep(guard(ts, 'adadeltaStep'), a),
  };
}
