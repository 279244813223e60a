/**
 * Elementwise kernels over strided operands: unary, binary (broadcast through stride-0 views),
 * where, cast, contiguous, copyInto (strided destination) and fill. One WGSL template: each input
 * is read at `off(i, base_k)`, the output is written at `i` (or at a strided offset for copyInto/fill).
 * @packageDocumentation
 */
import type { BinaryOp, DType, UnaryOp } from '@kiln/tensor';
import { DTypeError } from '@kiln/tensor';
import { HELPERS, MAIN_SIG, offsetFn, wgslType } from '../wgsl.js';

type T = 'f32' | 'i32' | 'u32';

const UNARY_F: Record<UnaryOp, string> = {
  neg: '-x', abs: 'abs(x)', sign: 'select(select(0.0, -1.0, x < 0.0), 1.0, x > 0.0)', sqrt: 'sqrt(x)', rsqrt: 'inverseSqrt(x)',
  exp: 'exp(x)', log: 'select(select(log(x), -inf_f(), x == 0.0), nan_f(), x < 0.0)', log1p: 'select(select(select(log(1.0 + x), x * (1.0 - x * (0.5 - x / 3.0)), abs(x) < 1e-4), -inf_f(), x == -1.0), nan_f(), x < -1.0)',
  expm1: 'select(exp(x) - 1.0, x * (1.0 + x * (0.5 + x / 6.0)), abs(x) < 1e-4)', sin: 'sin_f(x)', cos: 'cos_f(x)', tan: 'sin_f(x) / cos_f(x)',
  asin: 'select(atan2_f(x, sqrt((1.0 - x) * (1.0 + x))), nan_f(), abs(x) > 1.0)', acos: 'select(atan2_f(sqrt((1.0 - x) * (1.0 + x)), x), nan_f(), abs(x) > 1.0)', atan: 'atan(x)', sinh: 'sinh(x)', cosh: 'cosh(x)',
  tanh: 'select(tanh(x), sign(x), abs(x) > 15.0)', sigmoid: 'sigmoid_f(x)', relu: 'select(x, 0.0, x <= 0.0)',
  floor: 'floor(x)', ceil: 'ceil(x)', round: 'round(x)', trunc: 'trunc(x)', reciprocal: '1.0 / x', erf: 'erf_f(x)',
  erfinv: 'erfinv_f(x)', logicalNot: 'b2u(!truthy_f(x))', isnan: 'b2u(isnan_f(x))', isinf: 'b2u(isinf_f(x))', square: 'x * x',
  log2: 'select(select(log2(x), -inf_f(), x == 0.0), nan_f(), x < 0.0)', exp2: 'exp2(x)',
};
const UNARY_I: Partial<Record<UnaryOp, string>> = {
  neg: '-x', abs: 'abs(x)', sign: 'sign(x)', relu: 'max(x, 0)', floor: 'x', ceil: 'x', round: 'x', trunc: 'x',
  logicalNot: 'b2u(x == 0)', isnan: '0u', isinf: '0u', square: 'x * x',
};
const UNARY_B: Partial<Record<UnaryOp, string>> = { logicalNot: 'b2u(x == 0u)', isnan: '0u', isinf: '0u' };

const CMP: Record<string, string> = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };

function binaryExpr(op: BinaryOp, t: T): string {
  if (op in CMP) {
    if (t !== 'f32') return `b2u(a ${CMP[op]} b)`;
    // NaN compares unequal to everything; test it through the bits, which compilers cannot fold away
    return op === 'ne' ? 'b2u(isnan_f(a) || isnan_f(b) || a != b)' : `b2u(!isnan_f(a) && !isnan_f(b) && a ${CMP[op]} b)`;
  }
  const nz = (v: string) => (t === 'f32' ? `truthy_f(${v})` : t === 'i32' ? `(${v} != 0)` : `(${v} != 0u)`);
  if (op === 'logicalAnd') return `b2u(${nz('a')} && ${nz('b')})`;
  if (op === 'logicalOr') return `b2u(${nz('a')} || ${nz('b')})`;
  if (op === 'logicalXor') return `b2u(${nz('a')} != ${nz('b')})`;
  if (t === 'u32') {
    // bool arithmetic: PyTorch keeps 0/1 (True + True == True)
    const m: Partial<Record<BinaryOp, string>> = {
      add: 'b2u((a | b) != 0u)', mul: 'a & b', maximum: 'a | b', minimum: 'a & b', bitwiseAnd: 'a & b', bitwiseOr: 'a | b', bitwiseXor: 'a ^ b',
    };
    const e = m[op];
    if (!e) throw new DTypeError(`webgpu: ${op} is not defined for bool tensors`);
    return e;
  }
  if (t === 'i32') {
    const m: Partial<Record<BinaryOp, string>> = {
      add: 'a + b', sub: 'a - b', mul: 'a * b', div: 'a / b', floorDivide: 'fdiv_i(a, b)', pow: 'pow_i(a, b)', maximum: 'max(a, b)',
      minimum: 'min(a, b)', remainder: 'rem_i(a, b)', fmod: 'a % b', bitwiseAnd: 'a & b', bitwiseOr: 'a | b', bitwiseXor: 'a ^ b',
    };
    const e = m[op];
    if (!e) throw new DTypeError(`webgpu: ${op} is not defined for int32 tensors`);
    return e;
  }
  const m: Partial<Record<BinaryOp, string>> = {
    add: 'a + b', sub: 'a - b', mul: 'a * b', div: 'a / b', floorDivide: 'fdiv_f(a, b)', pow: 'pow_f(a, b)', maximum: 'max_f(a, b)',
    minimum: 'min_f(a, b)', remainder: 'rem_f(a, b)', fmod: 'fmod_f(a, b)', atan2: 'atan2_f(a, b)',
  };
  const e = m[op];
  if (!e) throw new DTypeError(`webgpu: ${op} is not defined for float32 tensors`);
  return e;
}

/**
 * A strided elementwise kernel: `ins` are read at their own strided offsets, the result `expr`
 * (over v0, v1, …) is written to `out` at `outIndex` ('i' or a strided offset).
 * meta: [n, shape(ndim), then per operand (offset, strides(ndim)), then per extra value].
 */
function template(ndim: number, ins: T[], outT: T, expr: string, outStrided: boolean): string {
  const opBase = (k: number) => 1 + ndim + k * (ndim + 1);
  const bindings = ins.map((t, k) => `@group(0) @binding(${k + 1}) var<storage, read> in${k}: array<${t}>;`).join('\n');
  const reads = ins.map((_, k) => `  let v${k} = in${k}[off(i, ${opBase(k)}u)];`).join('\n');
  const outIdx = outStrided ? `off(i, ${opBase(ins.length)}u)` : 'i';
  return `@group(0) @binding(0) var<storage, read> prm: array<i32>;
${bindings}
@group(0) @binding(${ins.length + 1}) var<storage, read_write> outb: array<${outT}>;
${HELPERS}
${offsetFn(ndim, 1)}
${MAIN_SIG}
  if (i >= u32(prm[0])) { return; }
${reads}
  outb[${outIdx}] = ${expr};
}`;
}

/**
 * Float ops that must return NaN for NaN input explicitly: WGSL lets a compiler assume finite
 * values, and Chrome's SwiftShader returns e.g. exp(NaN) = Inf and log(NaN) = 89.
 */
const NAN_GUARDED = new Set<UnaryOp>([
  'exp', 'log', 'log1p', 'expm1', 'exp2', 'log2', 'sqrt', 'rsqrt', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan',
  'sinh', 'cosh', 'tanh', 'sigmoid', 'erf', 'erfinv', 'reciprocal', 'floor', 'ceil', 'round', 'trunc', 'abs', 'neg', 'square',
]);

/** WGSL for a unary op on dtype `dt` producing `outDt`. */
export function unaryCode(op: UnaryOp, dt: DType, outDt: DType, ndim: number): string {
  const t = wgslType(dt);
  const table = t === 'f32' ? UNARY_F : t === 'i32' ? UNARY_I : UNARY_B;
  let e = table[op];
  if (!e) throw new DTypeError(`webgpu: unary ${op} is not defined for ${dt}`);
  if (t === 'f32' && NAN_GUARDED.has(op)) e = `select(${e}, x, isnan_f(x))`;
  return template(ndim, [t], wgslType(outDt), `${wgslType(outDt)}(${e.replace(/\bx\b/g, 'v0')})`, false);
}

/** WGSL for a binary op (both inputs of dtype `dt`). */
export function binaryCode(op: BinaryOp, dt: DType, outDt: DType, ndim: number): string {
  const t = wgslType(dt);
  const e = binaryExpr(op, t).replace(/\ba\b/g, 'v0').replace(/\bb\b/g, 'v1');
  return template(ndim, [t, t], wgslType(outDt), `${wgslType(outDt)}(${e})`, false);
}

/** WGSL for where(cond, a, b). */
export function whereCode(dt: DType, ndim: number): string {
  const t = wgslType(dt);
  return template(ndim, ['u32', t, t], t, 'select(v2, v1, v0 != 0u)', false);
}

/** WGSL for dtype conversion with PyTorch's rules (float→int truncates, x→bool is x != 0). */
export function castCode(from: DType, to: DType, ndim: number): string {
  const a = wgslType(from), b = wgslType(to);
  let e: string;
  if (b === 'u32') e = a === 'f32' ? 'b2u(truthy_f(v0))' : a === 'i32' ? 'b2u(v0 != 0)' : 'v0';
  else e = `${b}(v0)`;
  return template(ndim, [a], b, e, false);
}

/** WGSL that copies a strided view into a contiguous output (also `contiguous`). */
export function copyCode(dt: DType, ndim: number): string {
  const t = wgslType(dt);
  return template(ndim, [t], t, 'v0', false);
}

/** WGSL that writes a strided source into a strided destination view (copyInto). */
export function copyIntoCode(dt: DType, ndim: number): string {
  const t = wgslType(dt);
  return template(ndim, [t], t, 'v0', true);
}

/** WGSL that fills a strided destination view with a value stored (as bits) after the operand metadata. */
export function fillCode(dt: DType, ndim: number): string {
  const t = wgslType(dt);
  const valAt = 1 + ndim + (ndim + 1);
  const v = t === 'f32' ? `bitcast<f32>(prm[${valAt}])` : t === 'i32' ? `prm[${valAt}]` : `b2u(prm[${valAt}] != 0)`;
  return template(ndim, [], t, v, true);
}
