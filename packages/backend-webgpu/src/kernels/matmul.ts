/**
 * Batched, strided matmul. Each workgroup of W×W threads computes an S×S output tile (S = 4W),
 * each thread a 4×4 block held in four vec4 accumulators, from 16-deep K slices staged in
 * workgroup memory. The staged tiles are stored K-major as vec4s along M (for A) and N (for B),
 * so the inner product loop reads one vec4 of A and one of B per k and issues four vec4 FMAs.
 *
 * Both operands are described the same way: an "outer" axis (M for A, N for B), the "inner"
 * (reduced) axis K, and a stride for each. How a tile is loaded from global memory is a
 * compile-time variant per operand ({@link OperandLoad}), picked by the host from the view's
 * strides: vec4 loads when the view is contiguous and 16-byte aligned along one of its axes,
 * coalesced scalar loads along the unit-stride axis otherwise, and a general strided path for
 * any other view (transposed, sliced, batch-broadcast with stride 0, …). Out is contiguous
 * [batch, M, N]; it is written as vec4s when N is a multiple of 4.
 *
 * meta: [B, M, N, K, nb, batchShape(nb)…, aOff, aBatchStrides(nb), aOuterStride, aInnerStride,
 *        (same for b), rowTile0, batch0] — the last two offset a dispatch that was split because
 * it had more row tiles or batches than one dispatch dimension allows.
 * @packageDocumentation
 */
import { ShapeError, type DType } from '@kiln/tensor';
import { wgslType } from '../wgsl.js';

/** Depth of the K slices staged per step. */
const TK = 16;

/**
 * How an operand's tile is read from global memory:
 * - `inner4` / `outer4`: vec4 loads along K / along the outer axis (that axis has stride 1, the
 *   offset, the other stride and the batch strides are multiples of 4, and the axis length too);
 * - `inner` / `outer`: scalar loads, consecutive threads walking the unit-stride axis;
 * - `strided`: scalar loads through both strides (any view).
 */
export type OperandLoad = 'inner4' | 'outer4' | 'inner' | 'outer' | 'strided';

/** The kernel variant: dtype, batch rank, tile width and each operand's load path. */
export interface MatmulVariant {
  dtype: DType;
  /** Number of batch dims. */
  nb: number;
  /** Threads per tile side; the tile is 4·W × 4·W outputs (16 → 64×64, 8 → 32×32). */
  W: 8 | 16;
  a: OperandLoad;
  b: OperandLoad;
  /** Out written as vec4 (N % 4 === 0). */
  out4: boolean;
}

const mod4 = (x: number) => ((x % 4) + 4) % 4 === 0;

/**
 * The load path for one operand from its view: `off`, batch strides, outer/inner strides and the
 * outer extent (M or N) and K.
 */
export function operandLoad(off: number, batchStrides: readonly number[], so: number, si: number, outer: number, K: number): OperandLoad {
  const aligned = (other: number) => mod4(off) && mod4(other) && batchStrides.every(mod4);
  if (si === 1 && mod4(K) && aligned(so)) return 'inner4';
  if (so === 1 && mod4(outer) && aligned(si)) return 'outer4';
  if (si === 1) return 'inner';
  if (so === 1) return 'outer';
  return 'strided';
}

/**
 * WGSL that stages one operand's S×16 tile into workgroup memory `dst` (K-major, vec4 along the
 * outer axis). `X`/`X4` are its scalar/vec4 bindings; `base`, `so`, `si` name WGSL values.
 */
function loadTile(mode: OperandLoad, v: MatmulVariant, X: string, dst: string, t: string, o0: string, OE: string): string {
  const W = v.W, T = W * W, S = 4 * W;
  const vecPerThread = (S * TK) / 4 / T;
  const zero = `vec4<${t}>(${t}(0))`;
  const lines: string[] = [];
  if (mode === 'inner4') {
    for (let q = 0; q < vecPerThread; q++) {
      lines.push(`{
      let e = tid + ${q * T}u; let o = e / 4u; let kq = (e % 4u) * 4u;
      let go = ${o0} + o; let gk = k0 + kq;
      let v = select(${zero}, ${X}4[u32(${X}base + i32(go) * ${X}so + i32(gk)) / 4u], go < ${OE} && gk < K);
      for (var c = 0u; c < 4u; c++) { ${dst}[(kq + c) * ${W}u + o / 4u][o % 4u] = v[c]; }
    }`);
    }
  } else if (mode === 'outer4') {
    for (let q = 0; q < vecPerThread; q++) {
      lines.push(`{
      let e = tid + ${q * T}u; let k = e / ${W}u; let o4 = e % ${W}u;
      let go = ${o0} + o4 * 4u; let gk = k0 + k;
      ${dst}[k * ${W}u + o4] = select(${zero}, ${X}4[u32(${X}base + i32(go) + i32(gk) * ${X}si) / 4u], go < ${OE} && gk < K);
    }`);
    }
  } else {
    // scalar: consecutive threads walk the unit-stride axis so neighbouring loads coalesce
    const outerFast = mode === 'outer';
    const so = mode === 'outer' ? '' : ` * ${X}so`;
    const si = mode === 'inner' ? '' : ` * ${X}si`;
    lines.push(`for (var q = 0u; q < ${vecPerThread * 4}u; q++) {
      let f = tid + q * ${T}u;
      let o = ${outerFast ? `f % ${S}u` : `f / ${TK}u`}; let k = ${outerFast ? `f / ${S}u` : `f % ${TK}u`};
      let go = ${o0} + o; let gk = k0 + k;
      ${dst}[k * ${W}u + o / 4u][o % 4u] = select(${t}(0), ${X}[u32(${X}base + i32(go)${so} + i32(gk)${si})], go < ${OE} && gk < K);
    }`);
  }
  return lines.join('\n    ');
}

/** Throws when the output's column tiles do not fit one dispatch dimension (N beyond ~4M). */
export function checkMatmulGrid(N: number, colTiles: number, limit: number): void {
  if (colTiles > limit) {
    throw new ShapeError(`matmul: N = ${N} needs ${colTiles} workgroups along x, more than this WebGPU device allows (${limit}); split the matmul along N (e.g. with narrow) or transpose the problem`);
  }
}

/** Cache key of a variant (the WGSL source is also the pipeline cache key; this names it). */
export function matmulKey(v: MatmulVariant): string {
  return `mm:${v.dtype}:${v.nb}:${v.W}:${v.a}:${v.b}:${v.out4 ? 'v' : 's'}`;
}

/** WGSL for one matmul variant. */
export function matmulCode(v: MatmulVariant): string {
  const t = wgslType(v.dtype);
  const { nb, W } = v;
  const S = 4 * W;
  const aAt = 5 + nb;
  const bAt = aAt + nb + 3;
  const extraAt = bAt + nb + 3;
  const bind = (k: number, name: string, vec: boolean, rw = false) =>
    `@group(0) @binding(${k}) var<storage, ${rw ? 'read_write' : 'read'}> ${name}: array<${vec ? `vec4<${t}>` : t}>;`;
  const a4 = v.a === 'inner4' || v.a === 'outer4';
  const b4 = v.b === 'inner4' || v.b === 'outer4';
  // the accumulators are four named vectors, not an array: a dynamically indexed array may be
  // kept in memory instead of registers (SwiftShader's LLVM does that)
  const store = (acc: string) => v.out4
    ? `if (r < M && col < N) { C4[(cBase + r * N + col) / 4u] = ${acc}; }`
    : `for (var j = 0u; j < 4u; j++) { if (r < M && col + j < N) { C[cBase + r * N + col + j] = ${acc}[j]; } }`;
  return `// ${matmulKey(v)}
@group(0) @binding(0) var<storage, read> prm: array<i32>;
${bind(1, a4 ? 'A4' : 'A', a4)}
${bind(2, b4 ? 'B4' : 'B', b4)}
${bind(3, v.out4 ? 'C4' : 'C', v.out4, true)}
var<workgroup> As: array<vec4<${t}>, ${TK * W}>;
var<workgroup> Bs: array<vec4<${t}>, ${TK * W}>;

fn batchOff(bi: u32, at: u32) -> i32 {
  var r = bi;
  var o = prm[at];
  for (var d: i32 = ${nb - 1}; d >= 0; d--) {
    let s = u32(prm[5 + d]);
    let c = r % s;
    r = r / s;
    o += i32(c) * prm[at + 1u + u32(d)];
  }
  return o;
}

@compute @workgroup_size(${W}, ${W})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let M = u32(prm[1]);
  let N = u32(prm[2]);
  let K = u32(prm[3]);
  let bi = wg.z + u32(prm[${extraAt + 1}]);
  let Abase = batchOff(bi, ${aAt}u);
  let Bbase = batchOff(bi, ${bAt}u);
  let Aso = prm[${aAt + nb + 1}]; let Asi = prm[${aAt + nb + 2}];
  let Bso = prm[${bAt + nb + 1}]; let Bsi = prm[${bAt + nb + 2}];
  let row0 = (wg.y + u32(prm[${extraAt}])) * ${S}u;
  let col0 = wg.x * ${S}u;
  let tid = lid.y * ${W}u + lid.x;
  var acc0 = vec4<${t}>(${t}(0)); var acc1 = acc0; var acc2 = acc0; var acc3 = acc0;
  for (var k0 = 0u; k0 < K; k0 += ${TK}u) {
    ${loadTile(v.a, v, 'A', 'As', t, 'row0', 'M')}
    ${loadTile(v.b, v, 'B', 'Bs', t, 'col0', 'N')}
    workgroupBarrier();
    ${Array.from({ length: TK }, (_, kk) => `{
      let a = As[${kk * W}u + lid.y]; let b = Bs[${kk * W}u + lid.x];
      acc0 += a.x * b; acc1 += a.y * b; acc2 += a.z * b; acc3 += a.w * b;
    }`).join('\n    ')}
    workgroupBarrier();
  }
  let cBase = bi * M * N;
  let col = col0 + lid.x * 4u;
  ${[0, 1, 2, 3].map((i) => `{
    let r = row0 + lid.y * 4u + ${i}u;
    ${store(`acc${i}`)}
  }`).join('\n  ')}
}`;
}
