/**
 * Packing strided float32 operands into the GEMM's panel layout (see gemm-module.ts). Packing
 * reads each operand once, straight from its strided view (transposed, sliced, broadcast or
 * batched), so the kernel only ever sees dense, aligned, zero-padded panels.
 *
 * Loop order matters more than anything else here (a badly ordered pack of a 1024² matrix costs
 * as much as a fifth of the GEMM): each packer writes the destination sequentially and reads the
 * source along its smaller stride, with the common unit-stride cases unrolled.
 * @packageDocumentation
 */

/** Where an A operand's rows live: storage offset of row r, and the stride between its columns. */
export interface RowSource { rowOffsets: Int32Array; colStride: number }

/**
 * Packs rows × K of `src` into `dst` at float index `at`: K-blocks of `kc`, panels of `mr` rows
 * (here 4), `mr` floats per k. Rows past the end of the last panel are zero.
 */
export function packA(dst: Float32Array, at: number, src: Float32Array, a: RowSource, K: number, rowsPad: number, mr: number, kc: number): void {
  const rows = a.rowOffsets.length;
  const sk = a.colStride;
  const ro = a.rowOffsets;
  for (let p0 = 0; p0 < K; p0 += kc) {
    const kcp = Math.min(kc, K - p0);
    let d = at + p0 * rowsPad;
    for (let r0 = 0; r0 < rowsPad; r0 += mr) {
      if (mr === 4 && r0 + 4 <= rows) {
        // four source rows read in lockstep, one packed k step (4 floats) written at a time
        let s0 = ro[r0]! + p0 * sk, s1 = ro[r0 + 1]! + p0 * sk, s2 = ro[r0 + 2]! + p0 * sk, s3 = ro[r0 + 3]! + p0 * sk;
        for (let kk = 0; kk < kcp; kk++) {
          dst[d] = src[s0]!; dst[d + 1] = src[s1]!; dst[d + 2] = src[s2]!; dst[d + 3] = src[s3]!;
          d += 4; s0 += sk; s1 += sk; s2 += sk; s3 += sk;
        }
      } else {
        for (let kk = 0; kk < kcp; kk++) {
          for (let l = 0; l < mr; l++) dst[d + l] = r0 + l < rows ? src[ro[r0 + l]! + (p0 + kk) * sk]! : 0;
          d += mr;
        }
      }
    }
  }
}

/**
 * Packs K × N of `src` (element (k, n) at `base + k·sk + n·sn`) into `dst` at float index `at`:
 * K-blocks of `kc`, panels of `nr` columns (here 8), `nr` floats per k. Columns past N are zero.
 */
export function packB(dst: Float32Array, at: number, src: Float32Array, base: number, sk: number, sn: number, K: number, N: number, nPad: number, nr: number, kc: number): void {
  const full = nr === 8 ? Math.floor(N / 8) : 0; // panels copied by the unrolled loops
  for (let p0 = 0; p0 < K; p0 += kc) {
    const kcp = Math.min(kc, K - p0);
    const blk = at + p0 * nPad;
    const panelSize = kcp * nr;
    if (Math.abs(sn) <= Math.abs(sk)) {
      // row-major B: walk each source row once, scattering 8-float runs to the panels
      for (let kk = 0; kk < kcp; kk++) {
        let s = base + (p0 + kk) * sk;
        let d = blk + kk * nr;
        if (sn === 1) {
          for (let j = 0; j < full; j++) {
            dst[d] = src[s]!; dst[d + 1] = src[s + 1]!; dst[d + 2] = src[s + 2]!; dst[d + 3] = src[s + 3]!;
            dst[d + 4] = src[s + 4]!; dst[d + 5] = src[s + 5]!; dst[d + 6] = src[s + 6]!; dst[d + 7] = src[s + 7]!;
            s += 8; d += panelSize;
          }
        } else {
          for (let j = 0; j < full; j++) {
            for (let l = 0; l < 8; l++) dst[d + l] = src[s + l * sn]!;
            s += 8 * sn; d += panelSize;
          }
        }
        for (let n0 = full * nr; n0 < nPad; n0 += nr) {
          for (let l = 0; l < nr; l++) dst[d + l] = n0 + l < N ? src[s + l * sn]! : 0;
          s += nr * sn; d += panelSize;
        }
      }
    } else {
      // column-major (transposed) B: eight columns read in lockstep down k
      let d = blk;
      for (let n0 = 0; n0 < nPad; n0 += nr) {
        const s0 = base + p0 * sk + n0 * sn;
        if (n0 + nr <= N) {
          for (let kk = 0; kk < kcp; kk++) {
            const s = s0 + kk * sk;
            for (let l = 0; l < nr; l++) dst[d + l] = src[s + l * sn]!;
            d += nr;
          }
        } else {
          for (let kk = 0; kk < kcp; kk++) {
            const s = s0 + kk * sk;
            for (let l = 0; l < nr; l++) dst[d + l] = n0 + l < N ? src[s + l * sn]! : 0;
            d += nr;
          }
        }
      }
    }
  }
}
