/**
 * Packing a strided A operand into the GEMM's panel layout in WebAssembly (gemm-module.ts: K-blocks
 * of kc, panels of 4 rows stored k-major). The JavaScript packer (pack.ts) costs ~1–2 ns per element;
 * here the two layouts that matter run as vector copies: a transposed A (rows adjacent in memory,
 * the `gᵀ` of a weight gradient) is one v128 load per k, a row-major A is transposed in 4×4 tiles.
 * @packageDocumentation
 */
import { FunctionBuilder, ValType } from './emit.js';
import { blockDepth } from './conv-module.js';

/** Byte lanes for the 4×4 transpose: interleave the low / high float pairs, then the low / high halves. */
const LO_PAIRS = [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23];
const HI_PAIRS = LO_PAIRS.map((b) => b + 8);
const LO_HALVES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const HI_HALVES = LO_HALVES.map((b) => b + 8);

/**
 * Emits: store at `d` (4 vectors, 64 bytes) the transpose of the 4×4 tile whose rows are the v128
 * locals `v` — element k of row l goes to lane l of vector k, the k-major order of an A panel.
 * `tmp` are 4 scratch v128 locals.
 */
export function storeTransposed4x4(f: FunctionBuilder, v: readonly number[], tmp: readonly number[], d: number): void {
  const [lo01, hi01, lo23, hi23] = tmp as [number, number, number, number];
  f.get(v[0]!).get(v[1]!).i8x16Shuffle(LO_PAIRS).set(lo01); // r0k0 r1k0 r0k1 r1k1
  f.get(v[0]!).get(v[1]!).i8x16Shuffle(HI_PAIRS).set(hi01); // r0k2 r1k2 r0k3 r1k3
  f.get(v[2]!).get(v[3]!).i8x16Shuffle(LO_PAIRS).set(lo23);
  f.get(v[2]!).get(v[3]!).i8x16Shuffle(HI_PAIRS).set(hi23);
  f.get(d).get(lo01).get(lo23).i8x16Shuffle(LO_HALVES).v128Store(0); // k0: r0 r1 r2 r3
  f.get(d).get(lo01).get(lo23).i8x16Shuffle(HI_HALVES).v128Store(16); // k1
  f.get(d).get(hi01).get(hi23).i8x16Shuffle(LO_HALVES).v128Store(32); // k2
  f.get(d).get(hi01).get(hi23).i8x16Shuffle(HI_HALVES).v128Store(48); // k3
}

/**
 * packA(dst, src, rows, K, sm, sk, mPad, kc): packs A (element (r, k) at `src + (r·sm + k·sk)·4`,
 * strides in elements, possibly negative) into K-blocks of kc and panels of 4 rows; rows past
 * `rows` up to mPad are zero.
 */
export function packAStrided(): FunctionBuilder {
  const I = ValType.i32;
  const f = new FunctionBuilder(Array<ValType>(8).fill(I));
  const [dst, src, rows, K, sm, sk, mPad, kc] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [p0, kcp, r0, d, kk, s, l, r] = Array.from({ length: 8 }, () => f.local(I)) as [number, number, number, number, number, number, number, number];
  const rowPtr = Array.from({ length: 4 }, () => f.local(I));
  const v = Array.from({ length: 4 }, () => f.local(ValType.v128));
  const tmp = Array.from({ length: 4 }, () => f.local(ValType.v128));
  f.for(p0, () => f.i32(0), () => f.get(K), 0, () => {
    blockDepth(f, kc, K, p0, kcp);
    f.for(r0, () => f.i32(0), () => f.get(mPad), 4, () => {
      f.get(dst).get(p0).get(mPad).mul().get(r0).get(kcp).mul().add().i32(2).shl().add().set(d);
      f.get(r0).i32(4).add().get(rows).gtS().eqz().get(sm).i32(1).eq().and().if();
      {
        // four adjacent rows: one vector per k
        f.get(src).get(r0).get(p0).get(sk).mul().add().i32(2).shl().add().set(s);
        f.for(kk, () => f.i32(0), () => f.get(kcp), 1, () => {
          f.get(d).get(s).v128Load().v128Store();
          f.get(d).i32(16).add().set(d);
          f.get(s).get(sk).i32(2).shl().add().set(s);
        });
      }
      f.else();
      f.get(r0).i32(4).add().get(rows).gtS().eqz().get(sk).i32(1).eq().and().if();
      {
        // row-major rows: 4×4 tiles over k, then the block's last k one at a time
        for (let q = 0; q < 4; q++) f.get(src).get(r0).i32(q).add().get(sm).mul().get(p0).add().i32(2).shl().add().set(rowPtr[q]!);
        f.i32(0).set(kk);
        f.block().loop();
        f.get(kk).i32(4).add().get(kcp).gtS().brIf(1);
        for (let q = 0; q < 4; q++) f.get(rowPtr[q]!).get(kk).i32(2).shl().add().v128Load().set(v[q]!);
        storeTransposed4x4(f, v, tmp, d);
        f.get(d).i32(64).add().set(d);
        f.get(kk).i32(4).add().set(kk);
        f.br(0).end().end();
        f.block().loop();
        f.get(kk).get(kcp).geS().brIf(1);
        for (let q = 0; q < 4; q++) f.get(d).get(rowPtr[q]!).get(kk).i32(2).shl().add().f32Load().f32Store(4 * q);
        f.get(d).i32(16).add().set(d);
        f.get(kk).i32(1).add().set(kk);
        f.br(0).end().end();
      }
      f.else();
      {
        // any strides, and the last panel's missing rows as zeros
        f.for(kk, () => f.i32(0), () => f.get(kcp), 1, () => {
          f.for(l, () => f.i32(0), () => f.i32(4), 1, () => {
            f.get(r0).get(l).add().set(r);
            f.get(d).get(l).i32(2).shl().add();
            f.get(src).get(r).get(sm).mul().get(p0).get(kk).add().get(sk).mul().add().i32(2).shl().add();
            f.get(src).get(r).get(rows).ltS().select().f32Load();
            f.f32(0).get(r).get(rows).ltS().select();
            f.f32Store();
          });
          f.get(d).i32(16).add().set(d);
        });
      }
      f.end();
      f.end();
    });
    f.get(p0).get(kc).add().set(p0);
  });
  return f;
}
