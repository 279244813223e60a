/**
 * gradcheck / gradgradcheck (torch.autograd.gradcheck): compare the analytical Jacobian the
 * engine computes (one backward per output element) with central finite differences. Use
 * float64 inputs; the tolerances are PyTorch's defaults (eps 1e-6, atol 1e-5, rtol 1e-3).
 * @packageDocumentation
 */
import { AutogradError, ValueError, fromTypedArray, isTensor, noGrad, randn, type Tensor } from '@kiln/tensor';
import { grad } from './backward.js';
import { requiresGrad } from './meta.js';

/** Options of {@link gradcheck} (PyTorch's defaults). */
export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Throw a {@link GradcheckError} on mismatch (default) instead of returning false. */
  raiseException?: boolean;
}

/** A gradcheck failure (PyTorch's GradcheckError). */
export class GradcheckError extends AutogradError {
  override name = 'GradcheckError';
}

type Fn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

const outputsOf = (r: Tensor | readonly Tensor[]): Tensor[] => (isTensor(r) ? [r as Tensor] : [...(r as readonly Tensor[])]);

/** Storage position of the j-th element (row-major logical order) of `t`. */
function storagePos(t: Tensor, j: number): number {
  let pos = t.storageOffset();
  for (let d = t.ndim - 1; d >= 0; d--) {
    const s = t.shape[d]!;
    pos += (j % s) * t.stride(d);
    j = Math.floor(j / s);
  }
  return pos;
}

function flat(t: Tensor): number[] {
  return Array.from(t.contiguous().dataSync() as Float64Array, Number);
}

/** Numerical Jacobians d(out o)/d(input i) as [outNumel][inNumel], perturbing each input element in place. */
function numerical(fn: Fn, inputs: Tensor[], diff: number[], eps: number): number[][][][] {
  return diff.map((i) => {
      const x = inputs[i]!;
      const cols: number[][][] = []; // [inElem][out][outElem]
      for (let j = 0; j < x.numel(); j++) {
        // perturb the input's own storage (in place, outside the graph), so non-contiguous inputs keep their layout
        const cell = noGrad(() => x.detach().asStrided([], [], storagePos(x, j)));
        const orig = cell.item() as number;
        noGrad(() => cell.fill_(orig + eps));
        const plus = outputsOf(fn(...inputs)).map(flat);
        noGrad(() => cell.fill_(orig - eps));
        const minus = outputsOf(fn(...inputs)).map(flat);
        noGrad(() => cell.fill_(orig));
        cols.push(plus.map((p, o) => p.map((v, k) => (v - minus[o]![k]!) / (2 * eps))));
      }
      // transpose to [out][outElem][inElem]
      const nOut = cols[0]?.length ?? 0;
      return Array.from({ length: nOut }, (_, o) => Array.from({ length: cols[0]![o]!.length }, (_, k) => cols.map((c) => c[o]![k]!)));
    });
}

/** Analytical Jacobians from one vector-Jacobian product per output element. */
function analytical(fn: Fn, inputs: Tensor[], diff: number[]): number[][][][] {
  const outs = outputsOf(fn(...inputs));
  const jac = diff.map(() => outs.map((o) => Array.from({ length: o.numel() }, () => [] as number[])));
  outs.forEach((o, oi) => {
    for (let k = 0; k < o.numel(); k++) {
      let gs: (Tensor | null)[] = diff.map(() => null);
      if (requiresGrad(o)) {
        const data = new Float64Array(o.numel());
        data[k] = 1;
        const go = fromTypedArray(data, o.shape).to(o.dtype);
        gs = grad([o], diff.map((i) => inputs[i]!), { gradOutputs: [go], retainGraph: true, allowUnused: true });
      }
      diff.forEach((i, di) => {
        const g = gs[di];
        jac[di]![oi]![k] = g ? flat(g.to('float64')) : new Array<number>(inputs[i]!.numel()).fill(0);
      });
    }
  });
  return jac;
}

/**
 * torch.autograd.gradcheck: true when the analytical gradients of `fn` at `inputs` match finite
 * differences. Inputs that require grad are checked (use float64).
 */
export function gradcheck(fn: Fn, inputs: Tensor | readonly Tensor[], options: GradcheckOptions = {}): boolean {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, raiseException = true } = options;
  const ins = outputsOf(inputs as Tensor | readonly Tensor[]);
  const diff = ins.map((t, i) => (requiresGrad(t) ? i : -1)).filter((i) => i >= 0);
  if (diff.length === 0) throw new ValueError('gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True.');
  const ana = analytical(fn, ins, diff);
  const num = numerical(fn, ins, diff, eps);
  for (let di = 0; di < diff.length; di++) {
    for (let o = 0; o < ana[di]!.length; o++) {
      const a = ana[di]![o]!, n = num[di]![o]!;
      const bad = a.some((row, k) => row.some((v, j) => !(Math.abs(v - n[k]![j]!) <= atol + rtol * Math.abs(n[k]![j]!))));
      if (bad) {
        if (!raiseException) return false;
        const fmt = (m: number[][]) => `[${m.map((r) => `[${r.map((v) => v.toFixed(4)).join(', ')}]`).join(',\n ')}]`;
        throw new GradcheckError(
          `Jacobian mismatch for output ${o} with respect to input ${diff[di]},\nnumerical:${fmt(transpose(n))}\nanalytical:${fmt(transpose(a))}\n`,
        );
      }
    }
  }
  return true;
}

/** PyTorch prints Jacobians as [input elements × output elements]. */
function transpose(m: number[][]): number[][] {
  return (m[0] ?? []).map((_, j) => m.map((r) => r[j]!));
}

/**
 * torch.autograd.gradgradcheck: gradcheck of the first derivative (computed with createGraph)
 * w.r.t. the inputs and the output gradients, i.e. checks second derivatives.
 */
export function gradgradcheck(fn: Fn, inputs: Tensor | readonly Tensor[], gradOutputs?: Tensor | readonly Tensor[] | null, options: GradcheckOptions = {}): boolean {
  const ins = outputsOf(inputs as Tensor | readonly Tensor[]);
  const outs = outputsOf(fn(...ins));
  const gos = gradOutputs ? outputsOf(gradOutputs) : outs.map((o) => randn(o.shape, { dtype: 'float64' }).requiresGrad_());
  const n = ins.length;
  const first = (...all: Tensor[]) => {
    const xs = all.slice(0, n);
    const ys = outputsOf(fn(...xs));
    const d = xs.filter((t) => requiresGrad(t));
    const gs = grad(ys, d, { gradOutputs: all.slice(n), createGraph: true, allowUnused: true });
    return gs.filter((g): g is Tensor => g !== null);
  };
  return gradcheck(first, [...ins, ...gos], options);
}
