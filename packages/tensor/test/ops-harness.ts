/**
 * Replays the PyTorch golden fixtures written by `tools/fixtures/tensor_ops.py` (case format in
 * `tools/fixtures/tensor_ops_lib.py`). An op key is a Tensor method name (`x.sum(...args)`) or
 * `fn:<name>` for a function export (`cat(...args)`), or `test:<name>` for a compound call defined
 * the same way on both sides; the inputs are the positional arguments and a trailing `{ kw }` is the
 * options object. Each case checks shape, dtype and values against PyTorch's (float32 within
 * 1e-5 relative, float64 within 1e-10, ints and bools exactly, NaN where PyTorch has NaN), or that
 * Kiln throws the expected typed error, naming the op, where PyTorch raises.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as K from '../src/index.js';
import { Tensor, isTensor, type DType } from '../src/index.js';

type Raw = number | boolean | string | null | Raw[];
interface TensorSpec { data: Raw[]; shape: number[]; dtype: DType; tf?: Raw[][] }
type Input = TensorSpec | { list: TensorSpec[] } | { kw: Record<string, Raw> } | Raw;
interface OutSpec { data?: Raw[]; shape?: number[]; dtype?: DType; list?: OutSpec[]; value?: Raw }
interface Case { id: string; op: string; inputs: Input[]; out?: OutSpec; error?: string; message?: string; kiln?: string; only?: number[] }

/** JSON cannot hold NaN/±Inf: the generator writes them as strings. */
export function decode(v: Raw): number | boolean | string | null | unknown[] {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  if (Array.isArray(v)) return v.map(decode);
  return v;
}

/** View transforms that make inputs non-contiguous (mirrors `apply_tf` in the generator). */
function applyTransforms(t: Tensor, tf: Raw[][] = []): Tensor {
  for (const [kind, ...a] of tf) {
    const n = a as number[];
    if (kind === 'transpose') t = t.transpose(n[0]!, n[1]!);
    else if (kind === 'permute') t = t.permute(a[0] as number[]);
    else if (kind === 'slice') t = t.slice(n[0]!, n[1]!, n[2]!, n[3]!);
    else if (kind === 'expand') t = t.expand(a[0] as number[]);
    else if (kind === 'flip') t = t.flip(a[0] as number[]);
    else throw new Error(`unknown transform ${String(kind)}`);
  }
  return t;
}

function isSpec(v: unknown): v is TensorSpec {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'data' in v;
}

/** Builds a Kiln tensor from a spec: data, then reshape, then the view transforms. */
export function buildTensor(s: TensorSpec): Tensor {
  const vals = s.data.map(decode) as (number | boolean)[];
  return applyTransforms(K.tensor(vals, { dtype: s.dtype }).reshape(s.shape), s.tf);
}

function buildInput(v: Input): unknown {
  if (isSpec(v)) return buildTensor(v);
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    if ('list' in v) return (v.list as TensorSpec[]).map(buildTensor);
    if ('kw' in v) return Object.fromEntries(Object.entries(v.kw as Record<string, Raw>).map(([k, x]) => [k, decode(x)]));
  }
  return decode(v as Raw);
}

type Fn = (...args: unknown[]) => unknown;

/**
 * Where PyTorch's keyword-only form has no direct Kiln spelling, the natural Kiln call:
 * `x.argmax(keepdim=True)` is `x.argmax(null, { keepdim: true })`, `x.topk(2, largest=False)` is
 * `x.topk(2, -1, { largest: false })`.
 */
const ADAPT: Record<string, (x: Tensor, args: unknown[]) => unknown> = {
  argmax: (x, a) => (isKw(a[0]) ? x.argmax(null, a[0] as { keepdim?: boolean }) : (x.argmax as Fn)(...a)),
  argmin: (x, a) => (isKw(a[0]) ? x.argmin(null, a[0] as { keepdim?: boolean }) : (x.argmin as Fn)(...a)),
  topk: (x, a) => (isKw(a[1]) ? x.topk(a[0] as number, -1, a[1] as { largest?: boolean }) : (x.topk as Fn)(...a)),
};

/** `test:*` ops: compound calls defined identically in the generator's SPECIAL table. */
const COMPOUND: Record<string, (x: Tensor) => unknown> = {
  copyFlipSelf: (x) => x.copy_(x.flip(0)),
  addFlipSelf: (x) => x.add_(x.flip(0)),
  mulTransposedSelf: (x) => x.mul_(x.t().contiguous()),
};

function isKw(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isTensor(v);
}

/** Runs one case's Kiln call. */
export function callOp(c: Case): unknown {
  const args = c.inputs.map(buildInput);
  if (c.op.startsWith('fn:')) {
    const f = (K as unknown as Record<string, Fn>)[c.op.slice(3)];
    if (typeof f !== 'function') throw new Error(`no export ${c.op.slice(3)}`);
    return f(...args);
  }
  const [x, ...rest] = args as [Tensor, ...unknown[]];
  if (c.op.startsWith('test:')) return COMPOUND[c.op.slice(5)]!(x);
  const adapt = ADAPT[c.op];
  if (adapt) return adapt(x, rest);
  const m = (x as unknown as Record<string, unknown>)[c.op];
  // getters such as `x.T` / `x.mT` are PyTorch properties too
  if (isTensor(m) && rest.length === 0) return m;
  if (typeof m !== 'function') throw new Error(`no method Tensor.${c.op}`);
  return (m as Fn).apply(x, rest);
}

const TOL: Record<DType, { rtol: number; atol: number }> = {
  float32: { rtol: 1e-5, atol: 1e-6 },
  float64: { rtol: 1e-10, atol: 1e-12 },
  int32: { rtol: 0, atol: 0 },
  bool: { rtol: 0, atol: 0 },
};

/** Compares a Kiln result with PyTorch's; returns a description of the first mismatch, or null. */
export function mismatch(got: unknown, want: OutSpec, where = 'out'): string | null {
  if (want.list) {
    if (!Array.isArray(got)) return `${where}: expected a list of ${want.list.length}, got ${typeof got}`;
    if (got.length !== want.list.length) return `${where}: expected ${want.list.length} results, got ${got.length}`;
    for (let i = 0; i < got.length; i++) {
      const m = mismatch(got[i], want.list[i]!, `${where}[${i}]`);
      if (m) return m;
    }
    return null;
  }
  if (want.value !== undefined) return got === decode(want.value) ? null : `${where}: expected ${String(want.value)}, got ${String(got)}`;
  if (!isTensor(got)) return `${where}: expected a tensor, got ${typeof got}`;
  const t = got as Tensor;
  if (JSON.stringify(t.shape) !== JSON.stringify(want.shape)) return `${where}: shape ${JSON.stringify(t.shape)} != ${JSON.stringify(want.shape)}`;
  if (t.dtype !== want.dtype) return `${where}: dtype ${t.dtype} != ${want.dtype}`;
  const vals = Array.from(t.dataSync());
  const exp = want.data!.map((v) => Number(decode(v)));
  const { rtol, atol } = TOL[t.dtype];
  for (let i = 0; i < exp.length; i++) {
    const a = vals[i]!, b = exp[i]!;
    const ok = Number.isNaN(b) ? Number.isNaN(a) : a === b || Math.abs(a - b) <= atol + rtol * Math.abs(b);
    if (!ok) return `${where}: element ${i}: got ${a}, PyTorch ${b}\n got ${JSON.stringify(vals)}\nwant ${JSON.stringify(exp)}`;
  }
  return null;
}

/** The name an error message must mention: the method or function name, without the `_` of in-place ops. */
function opName(op: string): string {
  return op.replace(/^fn:/, '').replace(/_$/, '');
}

/** Loads `test/fixtures/<file>` and defines one test per case; `skip` maps case ids to reasons. */
export function runFixture(file: string, skip: Record<string, string> = {}): void {
  const { cases } = JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')) as { cases: Case[] };
  describe(file, () => {
    for (const c of cases) {
      const reason = skip[c.id];
      if (reason) {
        it.skip(`${c.id} (${reason})`, () => {});
        continue;
      }
      it(c.id, () => {
        if (c.kiln) {
          const cls = (K as unknown as Record<string, new (...a: never[]) => Error>)[c.kiln]!;
          expect(cls, `unknown error class ${c.kiln}`).toBeTypeOf('function');
          let err: unknown;
          try {
            callOp(c);
          } catch (e) {
            err = e;
          }
          expect(err, `PyTorch raised ${c.error}: ${c.message}`).toBeInstanceOf(cls);
          // every message names the op (in Kiln's spelling) so users can find the failing call
          expect((err as Error).message.toLowerCase()).toContain(opName(c.op).toLowerCase());
          return;
        }
        let got = callOp(c);
        let want = c.out!;
        if (c.only) {
          // compare only the outputs PyTorch specifies (tied topk indices are implementation-defined)
          got = c.only.map((i) => (got as unknown[])[i]);
          want = { list: c.only.map((i) => want.list![i]!) };
        }
        const m = mismatch(got, want);
        expect(m, `${c.op}(${JSON.stringify(c.inputs)})`).toBeNull();
      });
    }
  });
}
