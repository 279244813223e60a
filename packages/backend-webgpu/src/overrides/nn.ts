/**
 * Fused WebGPU kernels for functional's nn ops: `softmax` and `logSoftmax` along one dim
 * (kernels/softmax.ts), `maxPool2d` (values and PyTorch-style flat indices) and `avgPool2d`
 * (kernels/pool.ts).
 *
 * An override replaces only the forward kernel of its op: autograd still records the op and runs
 * the op's own gradient rule (softmax/logSoftmax: from the output; maxPool2d: a scatterAdd to the
 * index output; avgPool2d: col2im), so gradients flow through these kernels unchanged. Anything a
 * kernel does not cover (a dtype other than float32, an unexpected rank) runs the op's registered
 * decomposition, so an override changes speed, never what an op accepts.
 * @packageDocumentation
 */
import { getOpDef, KilnError, Tensor, type CompositeKernel, type Operand, type View } from '@kiln/tensor';
import type { GpuKernelContext } from './context.js';
import type { GpuHandle } from '../backend.js';
import { softmaxCode, softmaxThreads } from '../kernels/softmax.js';
import { pool2dCode } from '../kernels/pool.js';

type Attrs = Readonly<Record<string, unknown>>;

/** The op's registered decomposition (what runs when no override exists). */
function decomposition(op: string, inputs: Tensor[], attrs: Attrs): Tensor[] {
  const def = getOpDef(op);
  if (!def) throw new KilnError(`${op}: the webgpu override found no registered op '${op}' to fall back to; import @kiln/functional before calling it`);
  return def.impl(inputs, attrs);
}

const buffer = (o: Operand): GPUBuffer => (o.handle as GpuHandle).buffer;
const numel = (shape: readonly number[]) => shape.reduce((p, c) => p * c, 1);

/** Pooling attributes as functional's pool ops carry them. */
interface PoolAttrs { kernel: number[]; stride: number[]; padding: number[]; dilation: number[]; ceilMode: boolean; out: number[] }

/** The nn overrides of the WebGPU backend. */
export function nnOverrides(ctx: GpuKernelContext): Record<string, CompositeKernel> {
  const { rt } = ctx;
  const wrap = (h: GpuHandle, dtype: 'float32' | 'int32', shape: readonly number[], like: Tensor) => Tensor.fromHandle(h, dtype, shape, like.device);

  /** softmax / logSoftmax of a float32 tensor along `dim`, one workgroup per row. */
  const softmaxLike = (op: 'softmax' | 'logSoftmax'): CompositeKernel => (inputs, attrs) => {
    const ins = inputs as Tensor[];
    const x = ins[0]!;
    const nd = x.ndim;
    const dim = attrs.dim as number;
    if (x.dtype !== 'float32' || nd === 0 || !Number.isInteger(dim) || dim < 0 || dim >= nd) return decomposition(op, ins, attrs);
    const n = x.numel();
    const out = ctx.alloc('float32', n);
    if (n === 0) return wrap(out, 'float32', x.shape, x);
    const xo = x.operand();
    const L = x.shape[dim]!;
    const rows = n / L;
    const after = numel(x.shape.slice(dim + 1));
    // the view with `dim` moved last: row o's element j is element o·L + j of this view
    const perm = [...x.shape.keys()].filter((d) => d !== dim).concat(dim);
    const v: View = { shape: perm.map((p) => xo.view.shape[p]!), strides: perm.map((p) => xo.view.strides[p]!), offset: xo.view.offset };
    const wg = softmaxThreads(L);
    const meta = rt.meta([rows, L, after, xo.view.strides[dim]!, ...v.shape, v.offset, ...v.strides]);
    const gx = Math.min(rows, rt.maxWorkgroups);
    rt.dispatch(softmaxCode(op === 'logSoftmax', nd, wg), [meta, buffer(xo), out.buffer], [gx, Math.ceil(rows / gx)]);
    return wrap(out, 'float32', x.shape, x);
  };

  /** Shared set-up of the 2-D pools: null when the fast path does not apply. */
  const poolMeta = (x: Tensor, a: PoolAttrs): number[] | null => {
    if (x.dtype !== 'float32' || x.ndim !== 4 || a.kernel.length !== 2 || a.out.length !== 2) return null;
    const [, C, H, W] = x.shape as [number, number, number, number];
    const [OH, OW] = a.out as [number, number];
    const xo = x.operand();
    return [x.shape[0]! * C * OH * OW, C, H, W, OH, OW, ...a.kernel, ...a.stride, ...a.padding, ...a.dilation, xo.view.offset, ...xo.view.strides];
  };

  return {
    softmax: softmaxLike('softmax'),
    logSoftmax: softmaxLike('logSoftmax'),
    maxPool2d: (inputs, attrs) => {
      const ins = inputs as Tensor[];
      const x = ins[0]!;
      const a = attrs as unknown as PoolAttrs;
      const m = poolMeta(x, a);
      if (!m) return decomposition('maxPool2d', ins, attrs);
      const shape = [x.shape[0]!, x.shape[1]!, ...a.out];
      const n = m[0]!;
      const values = ctx.alloc('float32', n);
      const indices = ctx.alloc('int32', n);
      if (n > 0) rt.dispatch(pool2dCode('max'), [rt.meta(m), buffer(x.operand()), values.buffer, indices.buffer], rt.grid(n));
      return [wrap(values, 'float32', shape, x), wrap(indices, 'int32', shape, x)];
    },
    avgPool2d: (inputs, attrs) => {
      const ins = inputs as Tensor[];
      const [x, divisor] = ins as [Tensor, Tensor];
      const a = attrs as unknown as PoolAttrs;
      const m = poolMeta(x, a);
      // the divisor is a scalar or one value per output position ([OH, OW])
      const dv = divisor?.dtype === 'float32' && (divisor.ndim === 0 || (divisor.ndim === 2 && divisor.shape[0] === a.out[0] && divisor.shape[1] === a.out[1])) ? divisor.operand() : null;
      if (!m || !dv) return decomposition('avgPool2d', ins, attrs);
      const shape = [x.shape[0]!, x.shape[1]!, ...a.out];
      const n = m[0]!;
      const out = ctx.alloc('float32', n);
      const dm = divisor.ndim === 0 ? [dv.view.offset, 0, 0] : [dv.view.offset, dv.view.strides[0]!, dv.view.strides[1]!];
      if (n > 0) rt.dispatch(pool2dCode('avg'), [rt.meta([...m, ...dm]), buffer(x.operand()), buffer(dv), out.buffer], rt.grid(n));
      return wrap(out, 'float32', shape, x);
    },
  };
}
