/**
 * Batched, strided matmul: 16×16 output tiles per workgroup, each thread computing a 2×2 block
 * from 32-wide K slices staged in workgroup memory. Operands may be transposed, sliced or
 * batch-broadcast (stride 0) views; out is contiguous [batch, M, N].
 * meta: [B, M, N, K, nb, batchShape(nb)…, aOff, aBatchStrides(nb), aRowStride, aColStride, (same for b)].
 * @packageDocumentation
 */
import type { DType } from '@kiln/tensor';
import { wgslType } from '../wgsl.js';

export const MM_TILE = 32;

/** WGSL for a matmul of dtype `dt` with `nb` batch dims. */
export function matmulCode(dt: DType, nb: number): string {
  const t = wgslType(dt);
  const aAt = 5 + nb;
  const bAt = aAt + nb + 3;
  return `@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read> A: array<${t}>;
@group(0) @binding(2) var<storage, read> Bm: array<${t}>;
@group(0) @binding(3) var<storage, read_write> C: array<${t}>;
var<workgroup> tA: array<array<${t}, 32>, 32>;
var<workgroup> tB: array<array<${t}, 32>, 32>;

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

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let M = u32(prm[1]);
  let N = u32(prm[2]);
  let K = u32(prm[3]);
  let bi = wg.z;
  let aBase = batchOff(bi, ${aAt}u);
  let bBase = batchOff(bi, ${bAt}u);
  let aRs = prm[${aAt + nb + 1}]; let aCs = prm[${aAt + nb + 2}];
  let bRs = prm[${bAt + nb + 1}]; let bCs = prm[${bAt + nb + 2}];
  let row0 = wg.y * 32u;
  let col0 = wg.x * 32u;
  var acc: array<${t}, 4>;
  for (var k0 = 0u; k0 < K; k0 += 32u) {
    // each of the 256 threads stages 4 elements of each 32×32 tile
    for (var q = 0u; q < 4u; q++) {
      let e = (lid.y * 16u + lid.x) * 4u + q;
      let r = e / 32u;
      let c = e % 32u;
      let ar = row0 + r; let ak = k0 + c;
      tA[r][c] = select(${t}(0), A[u32(aBase + i32(ar) * aRs + i32(ak) * aCs)], ar < M && ak < K);
      let bk = k0 + r; let bc = col0 + c;
      tB[r][c] = select(${t}(0), Bm[u32(bBase + i32(bk) * bRs + i32(bc) * bCs)], bk < K && bc < N);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 32u; kk++) {
      let a0 = tA[lid.y * 2u][kk]; let a1 = tA[lid.y * 2u + 1u][kk];
      let b0 = tB[kk][lid.x * 2u]; let b1 = tB[kk][lid.x * 2u + 1u];
      acc[0] += a0 * b0; acc[1] += a0 * b1; acc[2] += a1 * b0; acc[3] += a1 * b1;
    }
    workgroupBarrier();
  }
  for (var q = 0u; q < 4u; q++) {
    let r = row0 + lid.y * 2u + q / 2u;
    let c = col0 + lid.x * 2u + q % 2u;
    if (r < M && c < N) { C[bi * M * N + r * N + c] = acc[q]; }
  }
}`;
}
