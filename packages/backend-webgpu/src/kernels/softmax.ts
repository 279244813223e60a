/**
 * Fused softmax / logSoftmax along one dim: one workgroup per row (a row is every element along
 * `dim` for one position of the other dims), three sweeps over the row — max (tree in workgroup
 * memory), sum of exp(x - max) (tree), then the normalised write — instead of the five strided
 * kernels and two temporaries of the decomposition. The input may be any strided view; the
 * output is contiguous in the input's shape.
 *
 * Special values follow the decomposition `exp(x - amax) / sum(...)`: a row containing NaN or
 * +inf, or made only of -inf, is all NaN; a -inf element gives 0 (softmax) or -inf (logSoftmax).
 * Those cases are tested explicitly rather than left to IEEE arithmetic, because WGSL lets a
 * compiler assume finite values (SwiftShader's exp(NaN) is Inf).
 *
 * meta: [rows, L, after, stride of dim, shape(ndim)…, offset, strides(ndim)…] with the view
 * permuted so that `dim` is last; `after` is the product of the dims after `dim` (to place
 * row element j in the output).
 * @packageDocumentation
 */
import { HELPERS, offsetFn } from '../wgsl.js';

/** Threads per row: 64 for rows up to 1024 elements, 256 beyond. */
export function softmaxThreads(len: number): 64 | 256 {
  return len <= 1024 ? 64 : 256;
}

/** WGSL of the fused softmax (`log` false) or logSoftmax (`log` true) for a rank-`ndim` view. */
export function softmaxCode(log: boolean, ndim: number, wg: 64 | 256): string {
  const tree = (combine: string) => `for (var h = ${wg / 2}u; h > 0u; h >>= 1u) {
    workgroupBarrier();
    if (lid.x < h) { red[lid.x] = ${combine}; }
  }
  workgroupBarrier();`;
  const write = log
    ? 'select(select(d - ls, -inf_f(), isinf_f(d)), nan_f(), bad)'
    : 'select(select(exp(d) / s, 0.0, isinf_f(d)), nan_f(), bad)';
  return `@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read> inb: array<f32>;
@group(0) @binding(2) var<storage, read_write> out0: array<f32>;
${HELPERS}
${offsetFn(ndim, 4)}
var<workgroup> red: array<f32, ${wg}>;

@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let rows = u32(prm[0]);
  let L = u32(prm[1]);
  let after = u32(prm[2]);
  let sL = prm[3];
  // the row index is uniform across the workgroup, so every barrier stays in uniform control flow
  let row = wg.x + wg.y * nwg.x;
  let o = min(row, rows - 1u);
  let base = i32(off(o * L, ${4 + ndim}u));
  var m = -inf_f();
  for (var j = lid.x; j < L; j += ${wg}u) { m = max_f(m, inb[u32(base + i32(j) * sL)]); }
  red[lid.x] = m;
  ${tree('max_f(red[lid.x], red[lid.x + h])')}
  m = red[0];
  // NaN, +inf, or a row of -inf: x - max is NaN somewhere, so the decomposition gives all NaN
  let bad = !finite_f(m);
  workgroupBarrier();
  var s = 0.0;
  for (var j = lid.x; j < L; j += ${wg}u) {
    let d = inb[u32(base + i32(j) * sL)] - m;
    s += select(exp(d), 0.0, isinf_f(d) || bad);
  }
  red[lid.x] = s;
  ${tree('red[lid.x] + red[lid.x + h]')}
  s = red[0];
  let ls = log(s);
  if (row >= rows) { return; }
  let hi = o / after;
  let lo = o % after;
  for (var j = lid.x; j < L; j += ${wg}u) {
    let d = inb[u32(base + i32(j) * sL)] - m;
    out0[hi * L * after + j * after + lo] = ${write};
  }
}`;
}
