/**
 * Fused optimizer steps for @kiln/optim's hook (`overrides.sgdStep`, `adamStep`, `adamwStep`; see
 * optim's fused.ts for the contract): one WGSL dispatch per parameter reads the gradient and
 * updates the parameter and its state buffers in place, element by element, with the same
 * float32 operations in the same order as the composed update (so results agree with it, and with
 * the CPU backend, to float32 rounding). Host-side constants — bias corrections, `1 − β`,
 * `1 − lr·weightDecay` — are computed in float64 as PyTorch does in Python, then passed as
 * float32 bit patterns in the int32 metadata buffer. Parameters and states may be strided views
 * (each is addressed through its own offset and strides); the rare cases a single dispatch cannot
 * express (overlapping views, operands sharing a buffer, other dtypes, mismatched shapes) run
 * the composed update with tensor ops instead.
 * @packageDocumentation
 */
import { Tensor, numelOf, tidy, zerosLike, type CompositeKernel, type View } from '@kiln/tensor';
import type { GpuHandle } from '../backend.js';
import { MAIN_SIG, offsetFn } from '../wgsl.js';
import type { GpuKernelContext } from './context.js';

/** The float32 bit pattern of `x` as an int32 (how float constants travel in the metadata). */
function f32Bits(x: number): number {
  return new Int32Array(new Float32Array([x]).buffer)[0]!;
}

/** True when no two in-bounds indices of the view address the same element. */
function nonOverlapping(v: View): boolean {
  const dims = v.shape.map((s, i) => ({ s, st: Math.abs(v.strides[i]!) })).filter((d) => d.s > 1).sort((a, b) => a.st - b.st);
  let extent = 1;
  for (const d of dims) {
    if (d.st < extent) return false;
    extent = d.st * (d.s - 1) + 1;
  }
  return true;
}

const bufOf = (t: Tensor): GPUBuffer => (t.operand().handle as GpuHandle).buffer;

/**
 * The per-element addressing of a set of same-shape operands: when all are contiguous, one
 * dimension (`i + offset`); otherwise the full shape with every operand's strides.
 */
function layout(ts: readonly Tensor[]): { ndim: number; meta: number[]; at: (k: number) => string; fns: string } {
  const shape = ts[0]!.shape;
  const n = numelOf(shape);
  if (ts.every((t) => t.isContiguous())) {
    return { ndim: 1, meta: [n, n, ...ts.flatMap((t) => [t.operand().view.offset, 1])], at: (k) => `i + u32(prm[${2 + 2 * k}])`, fns: '' };
  }
  const nd = shape.length;
  const base = (k: number) => 1 + nd + k * (nd + 1);
  return {
    ndim: nd,
    meta: [n, ...shape, ...ts.flatMap((t) => { const v = t.operand().view; return [v.offset, ...v.strides]; })],
    at: (k) => `off(i, ${base(k)}u)`,
    fns: offsetFn(nd, 1),
  };
}

/** True when the fused kernel can update these operands in one dispatch. */
function fusable(p: Tensor, others: readonly Tensor[]): boolean {
  const all = [p, ...others];
  if (!all.every((t) => t.dtype === 'float32' && t.device.equals(p.device))) return false;
  const shape = p.shape.join(',');
  if (!others.every((t) => t.shape.join(',') === shape)) return false;
  // a storage buffer written by a dispatch cannot also be bound for reading in it
  const bufs = new Set(all.map(bufOf));
  if (bufs.size !== all.length) return false;
  return all.every((t) => nonOverlapping(t.operand().view));
}

/** Marks in-place writes the way the composed in-place ops do (autograd's saved-tensor check). */
function bump(...ts: (Tensor | undefined)[]): void {
  for (const t of ts) if (t) t.storage.version++;
}

/** WGSL of one update kernel: `rw` names are read_write bindings after `G` (read). */
function stepCode(ndimFns: string, rw: string[], floatsAt: number, body: string): string {
  const binds = rw.map((name, k) => `@group(0) @binding(${k + 2}) var<storage, read_write> ${name}: array<f32>;`).join('\n');
  return `@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read> G: array<f32>;
${binds}
${ndimFns}
fn cf(k: u32) -> f32 { return bitcast<f32>(prm[${floatsAt}u + k]); }
fn nanmax(a: f32, b: f32) -> f32 {
  // torch.maximum propagates NaN; WGSL's max need not
  if ((bitcast<u32>(a) & 0x7fffffffu) > 0x7f800000u) { return a; }
  if ((bitcast<u32>(b) & 0x7fffffffu) > 0x7f800000u) { return b; }
  return max(a, b);
}
${MAIN_SIG}
  if (i >= u32(prm[0])) { return; }
${body}
}`;
}

interface SgdAttrs { lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean; maximize: boolean }
interface AdamAttrs { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; amsgrad: boolean; maximize: boolean; step: number }

/** The composed SGD update (optim's sgdUpdate), for operands the kernel cannot take. */
function sgdComposed(p: Tensor, grad: Tensor, buf: Tensor | undefined, o: SgdAttrs): Tensor | undefined {
  const created = !buf && o.momentum !== 0;
  const next = tidy(() => {
    let d = o.maximize ? grad.neg() : grad;
    if (o.weightDecay !== 0) d = d.add(p, { alpha: o.weightDecay });
    let b = buf;
    if (o.momentum !== 0) {
      if (!b) b = d.clone();
      else b.mul_(o.momentum).add_(d, { alpha: 1 - o.dampening });
      d = o.nesterov ? d.add(b, { alpha: o.momentum }) : b;
    }
    p.add_(d, { alpha: -o.lr });
    return b;
  });
  return created ? next : undefined;
}

/** The composed Adam/AdamW update (optim's adamStep), for operands the kernel cannot take. */
function adamComposed(p: Tensor, grad: Tensor, m: Tensor, v: Tensor, maxSq: Tensor | undefined, o: AdamAttrs, decoupled: boolean): void {
  tidy(() => {
    let g = o.maximize ? grad.neg() : grad;
    if (decoupled) p.mul_(1 - o.lr * o.weightDecay);
    else if (o.weightDecay !== 0) g = g.add(p, { alpha: o.weightDecay });
    m.mul_(o.beta1).add_(g, { alpha: 1 - o.beta1 });
    v.mul_(o.beta2).addcmul_(g, g, { value: 1 - o.beta2 });
    const stepSize = o.lr / (1 - o.beta1 ** o.step);
    const bc2Sqrt = Math.sqrt(1 - o.beta2 ** o.step);
    let second = v;
    if (o.amsgrad && maxSq) second = maxSq.copy_(maxSq.maximum(v));
    p.addcdiv_(m, second.sqrt().div(bc2Sqrt).add_(o.eps), { value: -stepSize });
  });
}

/** The optim overrides of the WebGPU backend: `sgdStep`, `adamStep`, `adamwStep`. */
export function optimOverrides(ctx: GpuKernelContext): Record<string, CompositeKernel> {
  const { rt } = ctx;

  /**
   * SGD (PyTorch 1.13): `d = ±g (+ wd·p)`; with momentum `buf = d` on the first step, else
   * `buf = μ·buf + (1 − dampening)·d`, then `d = buf` (Nesterov: `d + μ·buf`); `p += −lr·d`.
   * Returns the momentum buffer it created on the first step.
   */
  const sgdStep = (tensors: readonly (Tensor | undefined)[], attrs: Readonly<Record<string, unknown>>): Tensor | undefined => {
    const [p, grad, buf] = tensors as [Tensor, Tensor, Tensor | undefined];
    const o = attrs as unknown as SgdAttrs;
    const hasMomentum = o.momentum !== 0;
    if (!fusable(p, buf ? [grad, buf] : [grad])) return sgdComposed(p, grad, buf, o);
    const n = p.numel();
    if (n === 0) return sgdComposed(p, grad, buf, o);
    // the first momentum step creates the buffer (contiguous, written by the kernel: buf = d)
    const fresh = hasMomentum && !buf ? ctx.alloc('float32', n) : null;
    const bufT = buf ?? (fresh ? Tensor.fromHandle(fresh, 'float32', p.shape, p.device) : undefined);
    const ops = bufT ? [p, grad, bufT] : [p, grad];
    const L = layout(ops);
    const floatsAt = L.meta.length;
    const flags = (o.nesterov ? 1 : 0) | (o.maximize ? 2 : 0) | (fresh ? 4 : 0) | (o.weightDecay !== 0 ? 8 : 0);
    const meta = [...L.meta, f32Bits(o.lr), f32Bits(o.momentum), f32Bits(1 - o.dampening), f32Bits(o.weightDecay), flags];
    const [pi, gi, bi] = [L.at(0), L.at(1), L.at(2)];
    const body = `  let flags = prm[${floatsAt + 4}u];
  let pv = P[${pi}];
  var d = G[${gi}];
  if ((flags & 2) != 0) { d = -d; }
  if ((flags & 8) != 0) { d = d + cf(3u) * pv; }
${hasMomentum ? `  var b = d;
  if ((flags & 4) == 0) { b = Buf[${bi}] * cf(1u) + cf(2u) * d; }
  Buf[${bi}] = b;
  if ((flags & 1) != 0) { d = d + cf(1u) * b; } else { d = b; }` : ''}
  P[${pi}] = pv + (-cf(0u)) * d;`;
    const code = stepCode(L.fns, hasMomentum ? ['P', 'Buf'] : ['P'], floatsAt, body);
    const bufs = [rt.meta(meta), bufOf(grad), bufOf(p)];
    if (bufT) bufs.push(bufOf(bufT));
    rt.dispatch(code, bufs, rt.grid(n));
    bump(p, buf);
    return fresh ? bufT : undefined;
  };

  /**
   * Adam/AdamW (PyTorch 1.13's single-tensor update): `g = ±g`, AdamW `p *= 1 − lr·wd` (Adam:
   * `g += wd·p`), `m = β1·m + (1 − β1)·g`, `v = β2·v + (1 − β2)·g²`, AMSGrad `vmax = max(vmax, v)`,
   * `p += −lr/(1 − β1ᵗ) · m / (sqrt(v or vmax) / sqrt(1 − β2ᵗ) + eps)`.
   */
  const adamLike = (decoupled: boolean) => (tensors: readonly (Tensor | undefined)[], attrs: Readonly<Record<string, unknown>>): void => {
    const [p, grad, m0, v0, max0] = tensors as [Tensor, Tensor, Tensor | undefined, Tensor | undefined, Tensor | undefined];
    const o = attrs as unknown as AdamAttrs;
    // optim creates the state before calling; be robust if a caller does not
    const m = m0 ?? zerosLike(p);
    const v = v0 ?? zerosLike(p);
    const maxSq = o.amsgrad ? max0 : undefined;
    const ams = o.amsgrad && maxSq !== undefined;
    const states = ams ? [m, v, maxSq] : [m, v];
    if (!fusable(p, [grad, ...states]) || p.numel() === 0) {
      adamComposed(p, grad, m, v, maxSq, o, decoupled);
      return;
    }
    const L = layout([p, grad, ...states]);
    const floatsAt = L.meta.length;
    const stepSize = o.lr / (1 - o.beta1 ** o.step);
    const bc2Sqrt = Math.sqrt(1 - o.beta2 ** o.step);
    const flags = (o.maximize ? 1 : 0) | (decoupled ? 2 : 0) | (o.weightDecay !== 0 ? 4 : 0);
    const meta = [
      ...L.meta,
      f32Bits(1 - o.lr * o.weightDecay), f32Bits(o.weightDecay), f32Bits(o.beta1), f32Bits(1 - o.beta1),
      f32Bits(o.beta2), f32Bits(1 - o.beta2), f32Bits(o.eps), f32Bits(-stepSize), f32Bits(bc2Sqrt), flags,
    ];
    const [pi, gi, mi, vi, xi] = [L.at(0), L.at(1), L.at(2), L.at(3), L.at(4)];
    const body = `  let flags = prm[${floatsAt + 9}u];
  var pv = P[${pi}];
  var g = G[${gi}];
  if ((flags & 1) != 0) { g = -g; }
  if ((flags & 2) != 0) { pv = pv * cf(0u); } else if ((flags & 4) != 0) { g = g + cf(1u) * pv; }
  let mv = M[${mi}] * cf(2u) + cf(3u) * g;
  let vv = V[${vi}] * cf(4u) + cf(5u) * g * g;
  M[${mi}] = mv;
  V[${vi}] = vv;
  var second = vv;
${ams ? `  second = nanmax(Vmax[${xi}], vv);
  Vmax[${xi}] = second;` : ''}
  let denom = sqrt(second) / cf(8u) + cf(6u);
  P[${pi}] = pv + cf(7u) * (mv / denom);`;
    const code = stepCode(L.fns, ams ? ['P', 'M', 'V', 'Vmax'] : ['P', 'M', 'V'], floatsAt, body);
    const bufs = [rt.meta(meta), bufOf(grad), bufOf(p), bufOf(m), bufOf(v)];
    if (ams) bufs.push(bufOf(maxSq));
    rt.dispatch(code, bufs, rt.grid(p.numel()));
    bump(p, m, v, maxSq);
  };

  return { sgdStep, adamStep: adamLike(false), adamwStep: adamLike(true) } as Record<string, CompositeKernel>;
}
