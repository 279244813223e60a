/**
 * Reductions, scans and sorts. The host permutes the view so the reduced (or scanned/sorted) axes
 * come last. In the serial kernels each thread owns one output (or one line) and walks a
 * consecutive run of the permuted view; float sums use Kahan compensation so 1M-element sums stay
 * accurate in f32. When the reduced extent is large and the outputs few, {@link reduceTreeCode}
 * spreads each output over workgroups instead (a tree in workgroup memory, then a second pass
 * over the per-workgroup partials).
 * meta: [outer, inner, shape(ndim), offset, strides(ndim), (scan/sort: len, after)].
 * @packageDocumentation
 */
import type { DType, ReduceOp, ScanOp, View } from '@kiln/tensor';
import { HELPERS, MAIN_SIG, offsetFn, wgslType } from '../wgsl.js';

function header(ndim: number, inT: string, outs: string[]): string {
  return `@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read> inb: array<${inT}>;
${outs.map((t, k) => `@group(0) @binding(${k + 2}) var<storage, read_write> out${k}: array<${t}>;`).join('\n')}
${HELPERS}
${offsetFn(ndim, 2)}`;
}

/** WGSL for one reduce op; `outDt` is the output dtype (int32 for argmax/argmin). */
export function reduceCode(op: ReduceOp, dt: DType, outDt: DType, ndim: number): string {
  const t = wgslType(dt);
  const base = 2 + ndim;
  const ld = `inb[off(o * inner + j, ${base}u)]`;
  let body: string;
  if (op === 'sum' || op === 'prod') {
    if (t === 'f32' && op === 'sum') {
      body = `var s = 0.0; var c = 0.0;
    for (var j = 0u; j < inner; j++) {
      let v = f32(${ld});
      // Kahan compensation only while everything is finite (Inf - Inf would poison it with NaN)
      if (!finite_f(v) || !finite_f(s)) { s = s + v; c = 0.0; continue; }
      let y = v - c; let tt = s + y; c = (tt - s) - y; s = tt;
    }
    out0[o] = ${wgslType(outDt)}(s);`;
    } else {
      const acc = wgslType(outDt);
      body = `var s: ${acc} = ${op === 'sum' ? `${acc}(0)` : `${acc}(1)`};
    for (var j = 0u; j < inner; j++) { s = s ${op === 'sum' ? '+' : '*'} ${acc}(${ld}); }
    out0[o] = s;`;
    }
  } else {
    const isMax = op === 'max' || op === 'argmax';
    const better = t === 'f32' ? `isnan_f(v) || v ${isMax ? '>' : '<'} best` : `v ${isMax ? '>' : '<'} best`;
    const stop = t === 'f32' ? 'isnan_f(best)' : 'false';
    body = `var best = ${ld.replace('o * inner + j', 'o * inner')};
    var bi = 0u;
    for (var j = 1u; j < inner; j++) { if (${stop}) { break; } let v = ${ld}; if (${better}) { best = v; bi = j; } }
    out0[o] = ${op === 'max' || op === 'min' ? 'best' : 'i32(bi)'};`;
  }
  return `${header(ndim, t, [wgslType(outDt)])}
${MAIN_SIG}
  let o = i;
  let inner = u32(prm[1]);
  if (o >= u32(prm[0])) { return; }
  ${body}
}`;
}

/** Threads per workgroup of the tree reductions. */
export const TREE_WG = 256;
/** Elements one tree workgroup reduces (64 per thread), unless the grid limit forces more. */
export const TREE_CHUNK = TREE_WG * 64;

/**
 * Whether a reduction of `outer` outputs over `inner` elements should use the workgroup tree: the
 * serial kernel has one thread per output, so it leaves a GPU idle when outputs are few and each
 * one is a long loop (sum of 1M elements, or over dim 0 of [60000, 10]).
 */
export function useTree(outer: number, inner: number): boolean {
  return outer <= 65535 && inner >= 1024 && outer * 64 <= inner * 16;
}

/**
 * The single stride of the last `k` (reduced) axes of a view when they collapse into one run
 * (each stride is the next one times its size), else null.
 */
export function reducedStride(v: View, k: number): number | null {
  const nd = v.shape.length;
  let stride: number | null = null;
  let span = 1;
  for (let d = nd - 1; d >= nd - k; d--) {
    if (v.shape[d] === 1) continue;
    stride ??= v.strides[d]!;
    if (v.strides[d] !== stride * span) return null;
    span *= v.shape[d]!;
  }
  return stride ?? 0;
}

/** Where a tree pass reads: the strided view, the view with its reduced axes collapsed to one stride, or partials. */
export type TreeSource = 'view' | 'flat' | 'partial';

/**
 * WGSL for one pass of a workgroup-tree reduction. Workgroup (c, o) reduces elements
 * [c·chunk, min((c+1)·chunk, inner)) of output o: each thread folds a strided run serially (Kahan
 * for f32 sums), then the 256 partials are combined pairwise in workgroup memory. `final` writes
 * the result in the output dtype; otherwise it writes per-chunk partials (value, and the winning
 * index for max/min/argmax/argmin) that a second pass with source `partial` combines.
 *
 * Max/min carry (value, index) pairs so every combination order gives the serial result: NaN
 * wins (the first NaN), otherwise the larger (smaller) value, ties to the lower index.
 * meta: [outer, inner, chunk, chunks, flatStride, shape(ndim), offset, strides(ndim)];
 * bindings: prm, then inb (view) or pv [+ pi] (partial), then out0 (final) or pv [+ pi] (partial).
 */
export function reduceTreeCode(op: ReduceOp, dt: DType, outDt: DType, ndim: number, src: TreeSource, final: boolean): string {
  const t = wgslType(dt);
  const isSum = op === 'sum' || op === 'prod';
  const arg = !isSum;
  // partials and accumulation: the output type for sum/prod, the input type for max/min
  const at = isSum ? wgslType(outDt) : t;
  const kahan = op === 'sum' && at === 'f32';
  const idxIn = src === 'partial' && arg;
  const ins = src === 'partial'
    ? [`@group(0) @binding(1) var<storage, read> pvIn: array<${at}>;`, ...(idxIn ? ['@group(0) @binding(2) var<storage, read> piIn: array<u32>;'] : [])]
    : [`@group(0) @binding(1) var<storage, read> inb: array<${t}>;`];
  let k = ins.length + 1;
  const outs = final
    ? [`@group(0) @binding(${k}) var<storage, read_write> out0: array<${wgslType(outDt)}>;`]
    : [`@group(0) @binding(${k++}) var<storage, read_write> pv: array<${at}>;`, ...(arg ? [`@group(0) @binding(${k}) var<storage, read_write> pi: array<u32>;`] : [])];
  const load = (j: string) => src === 'partial' ? `pvIn[o * inner + ${j}]` : src === 'flat' ? `${at}(inb[u32(i32(obase) + i32(${j}) * prm[4])])` : `${at}(inb[off(o * inner + ${j}, ${5 + ndim}u)])`;
  const isMax = op === 'max' || op === 'argmax';
  const cmp = isMax ? '>' : '<';
  const nanRule = at === 'f32' ? `if (isnan_f(bv)) { return isnan_f(v) && i < bi; }
  if (isnan_f(v)) { return true; }
  ` : '';
  const combineFn = arg ? `const NONE = 0xffffffffu;
// whether (v, i) replaces (bv, bi): NaN first, then the ${isMax ? 'larger' : 'smaller'} value, ties to the lower index
fn take(v: ${at}, i: u32, bv: ${at}, bi: u32) -> bool {
  if (i == NONE) { return false; }
  if (bi == NONE) { return true; }
  ${nanRule}return v ${cmp} bv || (v == bv && i < bi);
}
var<workgroup> si: array<u32, ${TREE_WG}>;` : '';
  const ident = op === 'prod' ? `${at}(1)` : `${at}(0)`;
  const fold = op === 'prod' ? '*' : '+';
  let serial: string;
  if (arg) {
    serial = `var bv = ${at}(0); var bi = NONE;
  for (var j = lo + lid.x; j < hi; j += ${TREE_WG}u) {
    let v = ${load('j')};
    let i = ${idxIn ? 'piIn[o * inner + j]' : 'j'};
    if (take(v, i, bv, bi)) { bv = v; bi = i; }
  }
  sv[lid.x] = bv; si[lid.x] = bi;`;
  } else if (kahan) {
    serial = `var s = 0.0; var comp = 0.0;
  for (var j = lo + lid.x; j < hi; j += ${TREE_WG}u) {
    let v = ${load('j')};
    // compensation only while everything is finite (Inf - Inf would poison it with NaN)
    if (!finite_f(v) || !finite_f(s)) { s = s + v; comp = 0.0; continue; }
    let y = v - comp; let tt = s + y; comp = (tt - s) - y; s = tt;
  }
  sv[lid.x] = select(s, s - comp, finite_f(s - comp));`;
  } else {
    serial = `var s = ${ident};
  for (var j = lo + lid.x; j < hi; j += ${TREE_WG}u) { s = s ${fold} ${load('j')}; }
  sv[lid.x] = s;`;
  }
  const step = arg
    ? `if (take(sv[lid.x + h], si[lid.x + h], sv[lid.x], si[lid.x])) { sv[lid.x] = sv[lid.x + h]; si[lid.x] = si[lid.x + h]; }`
    : `sv[lid.x] = sv[lid.x] ${fold} sv[lid.x + h];`;
  const result = op === 'argmax' || op === 'argmin' ? 'i32(si[0])' : 'sv[0]';
  const write = final
    ? `out0[o] = ${wgslType(outDt)}(${result});`
    : `pv[o * chunks + c] = sv[0];${arg ? ' pi[o * chunks + c] = si[0];' : ''}`;
  return `@group(0) @binding(0) var<storage, read> prm: array<i32>;
${ins.join('\n')}
${outs.join('\n')}
${HELPERS}
${src === 'partial' ? '' : offsetFn(ndim, 5)}
var<workgroup> sv: array<${at}, ${TREE_WG}>;
${combineFn}
@compute @workgroup_size(${TREE_WG})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let outer = u32(prm[0]);
  let inner = u32(prm[1]);
  let chunk = u32(prm[2]);
  let chunks = u32(prm[3]);
  let c = wg.x;
  // o is uniform across the workgroup, so the barriers below stay in uniform control flow
  let o = min(wg.y, outer - 1u);
  let lo = c * chunk;
  let hi = min(lo + chunk, inner);
  ${src === 'flat' ? `let obase = off(o * inner, ${5 + ndim}u);` : ''}
  ${serial}
  for (var h = ${TREE_WG / 2}u; h > 0u; h >>= 1u) {
    workgroupBarrier();
    if (lid.x < h) { ${step} }
  }
  if (lid.x == 0u && wg.y < outer) { ${write} }
}`;
}

/** WGSL for a scan along the last (permuted) axis; writes outputs in natural row-major order. */
export function scanCode(op: ScanOp, dt: DType, outDt: DType, ndim: number): string {
  const t = wgslType(dt);
  const ot = wgslType(outDt);
  const base = 2 + ndim;
  const lenAt = base + ndim + 1;
  const withIdx = op === 'cummax' || op === 'cummin';
  const init = op === 'cumsum' ? `${ot}(0)` : op === 'cumprod' ? `${ot}(1)` : `${ot}(inb[off(line * len, ${base}u)])`;
  const step =
    op === 'cumsum' ? `acc = acc + ${ot}(v);` : op === 'cumprod' ? `acc = acc * ${ot}(v);` :
      `if (k > 0u && ${t === 'f32' ? '!isnan_f(acc) && (isnan_f(v) || ' : '('}v ${op === 'cummax' ? '>=' : '<='} acc)) { acc = v; ai = k; }`;
  return `${header(ndim, t, withIdx ? [ot, 'i32'] : [ot])}
${MAIN_SIG}
  let line = i;
  if (line >= u32(prm[0])) { return; }
  let len = u32(prm[${lenAt}]);
  let after = u32(prm[${lenAt + 1}]);
  let hi = line / after;
  let lo = line % after;
  var acc: ${ot} = ${init};
  var ai = 0u;
  for (var k = 0u; k < len; k++) {
    let v = inb[off(line * len + k, ${base}u)];
    ${step}
    let dst = hi * len * after + k * after + lo;
    out0[dst] = acc;
    ${withIdx ? 'out1[dst] = i32(ai);' : ''}
  }
}`;
}

/** WGSL for a stable per-line insertion sort (NaN largest), one thread per line. */
export function sortCode(dt: DType, ndim: number, descending: boolean): string {
  const t = wgslType(dt);
  const base = 2 + ndim;
  const lenAt = base + ndim + 1;
  // key comparison: a goes before b
  const lt = t === 'f32'
    ? (descending ? '(isnan_f(a) && !isnan_f(b)) || (!isnan_f(a) && !isnan_f(b) && a > b)' : '(!isnan_f(a) && isnan_f(b)) || (!isnan_f(a) && !isnan_f(b) && a < b)')
    : descending ? 'a > b' : 'a < b';
  return `${header(ndim, t, [t, 'i32'])}
fn before(a: ${t}, b: ${t}) -> bool { return ${lt}; }
${MAIN_SIG}
  let line = i;
  if (line >= u32(prm[0])) { return; }
  let len = u32(prm[${lenAt}]);
  let after = u32(prm[${lenAt + 1}]);
  let hi = line / after;
  let lo = line % after;
  let start = hi * len * after + lo;
  for (var k = 0u; k < len; k++) {
    let v = inb[off(line * len + k, ${base}u)];
    // insertion: shift larger elements right (strict comparison keeps the sort stable)
    var p = k;
    loop {
      if (p == 0u) { break; }
      let prev = out0[start + (p - 1u) * after];
      if (!before(v, prev)) { break; }
      out0[start + p * after] = prev;
      out1[start + p * after] = out1[start + (p - 1u) * after];
      p = p - 1u;
    }
    out0[start + p * after] = v;
    out1[start + p * after] = i32(k);
  }
}`;
}
