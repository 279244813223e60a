/**
 * Fixture harness: runs the cases written by tools/fixtures/functional_*.py (PyTorch 1.13) and
 * compares forward outputs and input gradients.
 *
 * Gradients are checked two ways:
 * - through autograd (`out.backward(gout)`), when `@kiln/autograd` works;
 * - directly through an op's own `vjp` rule, when the function's result is the output of an op
 *   defined in functional (conv, pooling, softmax, fold): a capture layer records the top-level
 *   op call and the rule is evaluated by hand. This checks the rules independently of autograd.
 */
import '@kiln/autograd';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { getOpDef, isTensor, noGrad, registerDispatchLayer, tensor, type DType, type OpCall, type Tensor } from '@kiln/tensor';
import * as F from '../src/index.js';

export interface TSpec {
  t: (number | string | boolean)[];
  shape: number[];
  dtype: DType;
  grad: boolean;
}

export interface Case {
  id: string;
  fn: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  out: TSpec[];
  gout?: TSpec;
  grads?: (TSpec | null)[];
  after?: unknown[];
}

const dec = (v: number | string | boolean): number | boolean =>
  v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number | boolean);

const isSpec = (v: unknown): v is TSpec => typeof v === 'object' && v !== null && 't' in v && 'shape' in v;

/** A tensor from a spec (a leaf that requires grad when the spec says so). */
export function fromSpec(s: TSpec): Tensor {
  const t = tensor(s.t.map(dec), { dtype: s.dtype }).reshape(s.shape).detach();
  return s.grad ? t.requiresGrad_() : t;
}

function decode(v: unknown, leaves: Tensor[]): unknown {
  if (isSpec(v)) {
    const t = fromSpec(v);
    if (v.grad) leaves.push(t);
    return t;
  }
  if (Array.isArray(v)) return v.map((x) => decode(x, leaves));
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x, leaves)]));
  return v;
}

/** Asserts `actual` matches the spec's shape, dtype and values (NaN equals NaN). */
export function expectClose(actual: Tensor, spec: TSpec, label: string, tol = { rtol: 1e-4, atol: 2e-5 }): void {
  expect(actual.shape, `${label}: shape`).toEqual(spec.shape);
  expect(actual.dtype, `${label}: dtype`).toBe(spec.dtype);
  const got = Array.from(actual.contiguous().dataSync() as ArrayLike<number>);
  const want = spec.t.map(dec).map(Number);
  const t = actual.dtype === 'float64' ? { rtol: 1e-9, atol: 1e-10 } : tol;
  for (let i = 0; i < want.length; i++) {
    const a = got[i]!, w = want[i]!;
    if (Number.isNaN(w)) {
      expect(Number.isNaN(a), `${label}[${i}]: expected NaN, got ${a}`).toBe(true);
      continue;
    }
    if (!Number.isFinite(w)) {
      expect(a, `${label}[${i}]`).toBe(w);
      continue;
    }
    if (Math.abs(a - w) > t.atol + t.rtol * Math.abs(w)) expect(a, `${label}[${i}] (of ${want.length})`).toBeCloseTo(w, 10);
  }
}

/** Whether @kiln/autograd works here (and why not). */
export const autograd = (() => {
  try {
    const a = tensor([1, 2], { dtype: 'float32' }).requiresGrad_();
    a.mul(a).sum().backward();
    const g = a.grad?.tolist();
    if (JSON.stringify(g) !== '[2,4]') return { ok: false, reason: `x*x backward gave ${JSON.stringify(g)}` };
    return { ok: true, reason: '' };
  } catch (e) {
    return { ok: false, reason: (e as Error).message.slice(0, 120) };
  }
})();

// top-level op calls made by the function under test (depth 1), for the direct vjp check
let depth = 0;
let captured: { call: OpCall; outputs: Tensor[] }[] = [];
registerDispatchLayer({
  name: 'functional-test-capture',
  order: -1000,
  handle(call, next) {
    depth++;
    try {
      const outputs = next(call);
      if (depth === 1) captured.push({ call, outputs });
      return outputs;
    } finally {
      depth--;
    }
  },
});

function run(c: Case): { outs: Tensor[]; leaves: Tensor[]; args: unknown[]; calls: typeof captured } {
  const leaves: Tensor[] = [];
  const args = decode(c.args, leaves) as unknown[];
  const kwargs = decode(c.kwargs, leaves) as Record<string, unknown>;
  const fn = (F as unknown as Record<string, (...a: unknown[]) => unknown>)[c.fn];
  if (!fn) throw new Error(`@kiln/functional has no export '${c.fn}'`);
  captured = [];
  const r = Object.keys(kwargs).length ? fn(...args, kwargs) : fn(...args);
  const calls = captured;
  captured = [];
  const outs = Array.isArray(r) ? (r as Tensor[]) : [r as Tensor];
  return { outs, leaves, args, calls };
}

/** Registers the tests of one fixture file. */
export function fixtureTests(file: string, tol?: { rtol: number; atol: number }): void {
  const cases = JSON.parse(readFileSync(new URL(`./fixtures/${file}.json`, import.meta.url), 'utf8')) as Case[];
  for (const c of cases) {
    it(`${c.id}: forward`, () => {
      const { outs, leaves, args, calls } = run(c);
      expect(outs.length).toBeGreaterThanOrEqual(c.out.length);
      c.out.forEach((s, i) => expectClose(outs[i]!, s, `${c.id} out[${i}]`, tol));
      if (c.after) {
        c.after.forEach((s, i) => {
          if (isSpec(s) && isTensor(args[i])) expectClose(args[i] as Tensor, s, `${c.id} arg ${i} after the call`, tol);
        });
      }
      if (!c.grads || !c.gout) return;
      const main = outs[0]!;
      const top = calls.find((k) => k.outputs[0] === main && getOpDef(k.call.op)?.vjp);
      // the rule can be checked by hand only when the op's inputs are the test's leaves themselves
      if (!top || !top.call.inputs.some((t) => leaves.includes(t))) return;
      const gout = fromSpec({ ...c.gout, grad: false });
      const grads = noGrad(() =>
        getOpDef(top.call.op)!.vjp!({
          inputs: top.call.inputs,
          outputs: top.outputs,
          gradOutputs: top.outputs.map((_, i) => (i === 0 ? gout : null)),
          attrs: top.call.attrs,
          needsInputGrad: top.call.inputs.map((t) => leaves.includes(t)),
        }),
      );
      let checked = 0;
      top.call.inputs.forEach((t, i) => {
        const li = leaves.indexOf(t);
        const want = li >= 0 ? c.grads![li] : undefined;
        if (want) {
          expectClose(grads[i]!, want, `${c.id} ${top.call.op} vjp grad of input ${i}`, tol);
          checked++;
        }
      });
      expect(checked).toBeGreaterThan(0);
    });
    if (!c.grads || !c.gout) continue;
    const title = `${c.id}: gradients through autograd`;
    if (!autograd.ok) {
      it.skip(`${title} (needs @kiln/autograd: ${autograd.reason})`, () => {});
      continue;
    }
    it(title, () => {
      const { outs, leaves } = run(c);
      outs[0]!.backward(fromSpec({ ...c.gout!, grad: false }));
      c.grads!.forEach((g, i) => {
        const got = leaves[i]!.grad;
        if (g === null) expect(got === null || (got.abs().max().item() as number) === 0, `${c.id} grad ${i} should be none/zero`).toBe(true);
        else {
          expect(got, `${c.id}: leaf ${i} has no .grad`).not.toBeNull();
          expectClose(got!, g, `${c.id} grad of leaf ${i}`, tol);
        }
      });
    });
  }
}
