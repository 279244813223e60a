/**
 * Conformance tests for `unary`, `binary`, `cast` and `where`: every op for every dtype the
 * tensor layer sends it, over contiguous, transposed, offset, broadcast (stride 0), 0-d and
 * empty operands, with NaN/±Inf/±0 inputs for floats and wrap-around inputs for int32.
 * @packageDocumentation
 */
import type { BinaryOp, UnaryOp } from '../backend/backend.js';
import { DTYPES, type DType } from '../dtype.js';
import { broadcastShapes } from '../shape.js';
import { FLOAT_SPECIALS, INT_SPECIALS, check, randomValues, type Layout, type Tol } from './harness.js';
import { UNARY_ORACLE, binaryOracle, broadcastTo } from './oracle.js';
import type { Suite } from './registrar.js';

const isFloat = (d: DType) => d === 'float32' || d === 'float64';

/** Unary ops the tensor layer sends for each dtype (float-only ops get float inputs; bool only reaches the predicates). */
export const UNARY_FOR: Record<DType, UnaryOp[]> = {
  float32: Object.keys(UNARY_ORACLE) as UnaryOp[],
  float64: Object.keys(UNARY_ORACLE) as UnaryOp[],
  int32: ['neg', 'abs', 'sign', 'relu', 'floor', 'ceil', 'round', 'trunc', 'square', 'logicalNot', 'isnan', 'isinf'],
  bool: ['logicalNot', 'isnan', 'isinf'],
};
const PREDICATE = new Set<string>(['logicalNot', 'isnan', 'isinf', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor']);

const ALL_BINARY: BinaryOp[] = [
  'add', 'sub', 'mul', 'div', 'floorDivide', 'pow', 'maximum', 'minimum', 'remainder', 'fmod', 'atan2',
  'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor', 'bitwiseAnd', 'bitwiseOr', 'bitwiseXor',
];
/** Binary ops the tensor layer sends for each dtype (both operands share it). */
export const BINARY_FOR: Record<DType, BinaryOp[]> = {
  float32: ALL_BINARY.filter((o) => !o.startsWith('bitwise')),
  float64: ALL_BINARY.filter((o) => !o.startsWith('bitwise')),
  int32: ALL_BINARY.filter((o) => o !== 'div' && o !== 'atan2'),
  bool: ['add', 'mul', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor', 'bitwiseAnd', 'bitwiseOr', 'bitwiseXor'],
};

const APPROX_UNARY = new Set<string>(['sqrt', 'rsqrt', 'exp', 'log', 'log1p', 'expm1', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'sigmoid', 'reciprocal', 'erf', 'erfinv', 'log2', 'exp2']);
const APPROX_BINARY = new Set<string>(['div', 'pow', 'atan2', 'floorDivide', 'remainder', 'fmod']);

/** Tolerance for an op's float results: exact for exact IEEE ops, a few ulps (float32) for transcendental ones. */
function tolFor(op: string, dtype: DType): Tol {
  if (!isFloat(dtype) || !(APPROX_UNARY.has(op) || APPROX_BINARY.has(op))) return {};
  if (dtype === 'float32') return { rtol: 1e-5, atol: 1e-6 };
  return op === 'erf' || op === 'erfinv' ? { rtol: 1e-9, atol: 1e-12 } : { rtol: 1e-13, atol: 1e-15 };
}

function unaryInputs(dtype: DType, rand: () => number): number[] {
  if (dtype === 'bool') return randomValues('bool', 32, rand);
  if (dtype === 'int32') return [...INT_SPECIALS, ...randomValues('int32', 24, rand, 1000)];
  return [...FLOAT_SPECIALS, 2.5, -0.5, 1.5, -1.5, ...randomValues(dtype, 16, rand)];
}

/** Operand pairs for a binary op: b's domain avoids what the tensor layer rejects (int division by 0, negative int powers). */
function binaryDomain(op: BinaryOp, dtype: DType, rand: () => number, n: number): [number[], number[]] {
  if (dtype === 'bool') return [randomValues('bool', n, rand), randomValues('bool', n, rand)];
  if (dtype === 'int32') {
    if (op === 'pow') return [randomValues('int32', n, rand, 6), randomValues('int32', n, rand, 5).map(Math.abs)];
    const a = randomValues('int32', n, rand, 1000);
    const b = randomValues('int32', n, rand, 50);
    if (op === 'floorDivide' || op === 'remainder' || op === 'fmod') return [a, b.map((v) => (v === 0 ? 3 : v))];
    return [a, b];
  }
  return [randomValues(dtype, n, rand), randomValues(dtype, n, rand)];
}

/** Special-value pairs (every special against every special, via broadcasting [S,1] × [S]). */
function specials(op: BinaryOp, dtype: DType): number[] {
  if (dtype === 'bool') return [0, 1];
  if (dtype === 'int32') {
    if (op === 'pow') return [0, 1, 2, 3];
    if (op === 'floorDivide' || op === 'remainder' || op === 'fmod') return [7, -7, 3, -3, 1, -1];
    return INT_SPECIALS;
  }
  return FLOAT_SPECIALS;
}

/** Registers the elementwise conformance tests. */
export function registerElementwise({ define, dtypes }: Suite): void {
  for (const dtype of dtypes(DTYPES)) {
    for (const op of UNARY_FOR[dtype]) {
      define(`unary/${op}/${dtype}`, dtype, async (k) => {
        const out: DType = PREDICATE.has(op) ? 'bool' : dtype;
        const vals = unaryInputs(dtype, k.rand);
        // int32 square wraps like C/PyTorch int arithmetic ((2^31-1)^2 is not exact in float64)
        const f = op === 'square' && dtype === 'int32' ? (x: number) => Math.imul(x, x) : UNARY_ORACLE[op];
        const shape = [4, vals.length / 4];
        let expected: number[] | undefined;
        for (const layout of ['contiguous', 'transposed', 'offset', 'negative'] as Layout[]) {
          const x = k.input(dtype, shape, vals, layout);
          expected ??= x.values.map(f); // same logical values for every layout
          check(`unary ${op} ${dtype} ${layout}`, await k.read(k.b.unary(op, x.op, out), out, shape), expected, out, tolFor(op, dtype));
        }
        const z = k.input(dtype, [], [vals[7]!]);
        check(`unary ${op} ${dtype} 0-d`, await k.read(k.b.unary(op, z.op, out), out, []), z.values.map(f), out, tolFor(op, dtype));
        const e = k.input(dtype, [0, 3], []);
        check(`unary ${op} ${dtype} empty`, await k.read(k.b.unary(op, e.op, out), out, [0, 3]), [], out);
      });
    }

    for (const op of BINARY_FOR[dtype]) {
      define(`binary/${op}/${dtype}`, dtype, async (k) => {
        const out: DType = PREDICATE.has(op) ? 'bool' : dtype;
        const f = binaryOracle(op, dtype);
        const tol = tolFor(op, dtype);
        const run = async (what: string, a: { op: import('../backend/backend.js').Operand; values: number[] }, b: typeof a) => {
          const shape = broadcastShapes('conformance', a.op.view.shape, b.op.view.shape);
          const av = broadcastTo(a.values, a.op.view.shape, shape);
          const bv = broadcastTo(b.values, b.op.view.shape, shape);
          const got = await k.read(k.b.binary(op, a.op, b.op, shape, out), out, shape);
          check(`binary ${op} ${dtype} ${what}`, got, av.map((x, i) => f(x, bv[i]!)), out, tol);
        };
        // every special against every special: operands of different rank, broadcast by the backend
        const s = specials(op, dtype);
        await run('specials [S,1] x [S]', k.input(dtype, [s.length, 1], s), k.input(dtype, [s.length], s, 'offset'));
        // the same with explicit stride-0 (expanded) operands
        const col = k.input(dtype, [s.length, 1], s);
        const row = k.input(dtype, [1, s.length], s);
        const expand = (o: typeof col, shape: number[]) => ({
          op: { ...o.op, view: { shape, strides: o.op.view.shape.map((d, i) => (d === 1 ? 0 : o.op.view.strides[i]!)), offset: o.op.view.offset } },
          values: broadcastTo(o.values, o.op.view.shape, shape),
        });
        await run('specials stride-0', expand(col, [s.length, s.length]), expand(row, [s.length, s.length]));
        // random values, non-contiguous layouts
        const [va, vb] = binaryDomain(op, dtype, k.rand, 20);
        await run('transposed x negative', k.input(dtype, [4, 5], va, 'transposed'), k.input(dtype, [4, 5], vb, 'negative'));
        await run('offset x contiguous', k.input(dtype, [4, 5], va, 'offset'), k.input(dtype, [4, 5], vb));
        await run('0-d x [5]', k.input(dtype, [], [va[0]!]), k.input(dtype, [5], vb.slice(0, 5)));
        await run('0-d x 0-d', k.input(dtype, [], [va[1]!]), k.input(dtype, [], [vb[1]!]));
        await run('empty [0,3] x [3]', k.input(dtype, [0, 3], []), k.input(dtype, [3], vb.slice(0, 3)));
      });
    }

    define(`where/${dtype}`, dtype, async (k) => {
      const c = k.randomInput('bool', [4, 1]);
      const a = k.randomInput(dtype, [4, 5], 'transposed');
      const b = k.input(dtype, [5], dtype === 'bool' ? [1, 0, 1, 0, 1] : [NaN, Infinity, -0, 2, -3].map((v) => (dtype === 'int32' ? (Number.isFinite(v) ? v : 9) : v)), 'offset');
      const shape = [4, 5];
      const cv = broadcastTo(c.values, [4, 1], shape);
      const bv = broadcastTo(b.values, [5], shape);
      const got = await k.read(k.b.where(c.op, a.op, b.op, shape, dtype), dtype, shape);
      check(`where ${dtype}`, got, a.values.map((x, i) => (cv[i] ? x : bv[i]!)), dtype);
      const z = k.input('bool', [], [1]);
      const got0 = await k.read(k.b.where(z.op, a.op, b.op, shape, dtype), dtype, shape);
      check(`where ${dtype} 0-d cond`, got0, a.values, dtype);
    });
  }

  for (const from of dtypes(DTYPES)) {
    for (const to of dtypes(DTYPES)) {
      define(`cast/${from}->${to}`, [from, to], async (k) => {
        let vals: number[];
        if (from === 'bool') vals = [0, 1, 1, 0];
        else if (from === 'int32') vals = [...INT_SPECIALS, ...randomValues('int32', 8, k.rand, 100000)];
        else if (to === 'int32') vals = [-0.5, 0.5, -1.99, 2.99, 1e-3, -7.25, 1e6 + 0.5, ...randomValues(from, 9, k.rand, 1000)];
        else vals = [...FLOAT_SPECIALS, 1e-45, 3.4e38, 1e39, ...randomValues(from, 9, k.rand, 1000)];
        const conv = (v: number) => (to === 'int32' ? Math.trunc(v) : to === 'bool' ? (v !== 0 ? 1 : 0) : v);
        for (const layout of ['contiguous', 'negative'] as Layout[]) {
          const x = k.input(from, [vals.length], vals, layout);
          check(`cast ${from}->${to} ${layout}`, await k.read(k.b.cast(x.op, to), to, [vals.length]), x.values.map(conv), to);
        }
        const z = k.input(from, [], [vals[1]!]);
        check(`cast ${from}->${to} 0-d`, await k.read(k.b.cast(z.op, to), to, []), z.values.map(conv), to);
        const e = k.input(from, [2, 0], []);
        check(`cast ${from}->${to} empty`, await k.read(k.b.cast(e.op, to), to, [2, 0]), [], to);
      });
    }
  }

  define('large/elementwise', 'float32', async (k) => {
    const R = 1024, C = 1024; // 1M elements, plus a broadcast row
    const a = k.randomInput('float32', [R, C]);
    const b = k.randomInput('float32', [C]);
    const got = await k.read(k.b.binary('mul', a.op, b.op, [R, C], 'float32'), 'float32', [R, C]);
    const expected = new Array<number>(R * C);
    for (let i = 0; i < R * C; i++) expected[i] = a.values[i]! * b.values[i % C]!;
    check('mul [1024,1024] x [1024]', got, expected, 'float32');
    const e = await k.read(k.b.unary('exp', a.op, 'float32'), 'float32', [R, C]);
    check('exp [1024,1024]', e, a.values.map(Math.exp), 'float32', tolFor('exp', 'float32'));
  });
}
