/**
 * Convolution functions of the generated WebAssembly module (see gemm-module.ts, which includes
 * them): im2col packed straight into the GEMM's B-panel layout, and a batched forward driver that
 * packs one image and multiplies it while its columns are still in cache.
 *
 * Why in WebAssembly rather than TypeScript: the forward of the MNIST CNN's second layer packs
 * 10.6 M floats per pass, more work than its GEMM once the GEMM runs on every core. Written here,
 * the packing runs on the kernel workers too — each worker packs and multiplies its own images —
 * instead of serially on the calling thread before any multiply starts.
 *
 * Geometry follows PyTorch: output position o along a spatial dim reads input index
 * `o·stride − padding + k·dilation` for kernel tap k; indices outside the image read 0.
 * @packageDocumentation
 */
import { FunctionBuilder, ValType } from './emit.js';

/**
 * im2colB(dst, x, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, nPad, kc): packs the columns of
 * one image x [C, H, W] as GEMM operand B (K = C·kh·kw rows ordered (c, i, j), N = OH·OW columns,
 * zero-padded to nPad) into K-blocks of kc rows and panels of 8 columns. Pointers are byte offsets.
 */
export function im2colB(nr: number): FunctionBuilder {
  const I = ValType.i32;
  const f = new FunctionBuilder(Array<ValType>(17).fill(I));
  const [dst, x, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, nPad, kc] = Array.from({ length: 17 }, (_, i) => i) as number[] as [
    number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number,
  ];
  const [K, khw, L, p0, kcp, blk, skip, kk, c, r, i, j, plane, d, lane, oh, ih, rowOk, src, iw, ow, ok, n] = Array.from({ length: 23 }, () => f.local(I)) as [
    number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number,
  ];
  // one column written: d += 4; after `nr` lanes jump to the same row of the next panel
  const advance = () => {
    f.get(d).i32(4).add().set(d);
    f.get(lane).i32(1).add().tee(lane).i32(nr).eq().if();
    f.i32(0).set(lane);
    f.get(d).get(skip).add().set(d);
    f.end();
  };

  f.get(kh).get(kw).mul().set(khw);
  f.get(C).get(khw).mul().set(K);
  f.get(OH).get(OW).mul().set(L);
  f.for(p0, () => f.i32(0), () => f.get(K), 0, () => {
    // kcp = min(kc, K - p0); a panel holds kcp rows of nr floats
    f.get(kc).get(K).get(p0).sub().get(K).get(p0).sub().get(kc).gtS().select().set(kcp);
    f.get(dst).get(p0).get(nPad).mul().i32(2).shl().add().set(blk);
    f.get(kcp).i32(4 * nr).mul().i32(4 * nr).sub().set(skip);
    f.for(kk, () => f.i32(0), () => f.get(kcp), 1, () => {
      // k = p0 + kk → (c, i, j)
      f.get(p0).get(kk).add().get(khw).divU().set(c);
      f.get(p0).get(kk).add().get(c).get(khw).mul().sub().set(r);
      f.get(r).get(kw).divU().set(i);
      f.get(r).get(i).get(kw).mul().sub().set(j);
      f.get(x).get(c).get(H).mul().get(W).mul().i32(2).shl().add().set(plane);
      f.get(blk).get(kk).i32(4 * nr).mul().add().set(d);
      f.i32(0).set(lane);
      f.for(oh, () => f.i32(0), () => f.get(OH), 1, () => {
        f.get(oh).get(sh).mul().get(ph).sub().get(i).get(dh).mul().add().set(ih);
        f.get(ih).get(H).ltU().set(rowOk);
        f.get(plane).get(ih).get(W).mul().i32(2).shl().add().set(src);
        f.get(j).get(dw).mul().get(pw).sub().set(iw);
        f.for(ow, () => f.i32(0), () => f.get(OW), 1, () => {
          f.get(rowOk).get(iw).get(W).ltU().and().set(ok);
          // dst = ok ? x[src + iw] : 0, loading from a valid address either way
          f.get(d);
          f.get(src).get(iw).i32(2).shl().add().get(x).get(ok).select().f32Load();
          f.f32(0);
          f.get(ok).select();
          f.f32Store();
          advance();
          f.get(iw).get(sw).add().set(iw);
        });
      });
      // columns past L up to nPad are zero
      f.for(n, () => f.get(L), () => f.get(nPad), 1, () => {
        f.get(d).f32(0).f32Store();
        advance();
      });
    });
    f.get(p0).get(kc).add().set(p0);
  });
  return f;
}

/**
 * convForward(a, x, scratch, scratchStride, c, cStride, mPad, nPad, kc, mcPanels, C, H, W, kh, kw,
 * sh, sw, ph, pw, dh, dw, OH, OW, u0, u1): for each image u in [u0, u1): im2col of image u into a
 * scratch slot, then C_u = A · cols (A = the packed weights, shared). A thread's units are one
 * contiguous range, so the slot of its first unit (`scratch + u0·scratchStride`) is private to it
 * and reused for every image it handles: the columns are written and read while in cache.
 */
export function convForward(mr: number, gemmIndex: number, im2colIndex: number): FunctionBuilder {
  const I = ValType.i32;
  const f = new FunctionBuilder(Array<ValType>(25).fill(I));
  const [a, x, scratch, scratchStride, c, cStride, mPad, nPad, kc, mcPanels, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, u0, u1] =
    Array.from({ length: 25 }, (_, i) => i) as number[] as [
      number, number, number, number, number, number, number, number, number, number, number, number, number,
      number, number, number, number, number, number, number, number, number, number, number, number,
    ];
  const [u, slot, image] = [f.local(I), f.local(I), f.local(I)];
  f.get(scratch).get(u0).get(scratchStride).mul().add().set(slot);
  f.get(C).get(H).mul().get(W).mul().i32(2).shl().set(image);
  f.for(u, () => f.get(u0), () => f.get(u1), 1, () => {
    f.get(slot).get(x).get(u).get(image).mul().add();
    for (const p of [C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, nPad, kc]) f.get(p);
    f.call(im2colIndex);
    // gemm(a, b, c, mPad, nPad, K, kc, ldc, mcPanels, m0, m1)
    f.get(a).get(slot).get(c).get(u).get(cStride).mul().add();
    f.get(mPad).get(nPad).get(C).get(kh).mul().get(kw).mul().get(kc).get(nPad).i32(2).shl().get(mcPanels);
    f.i32(0).get(mPad).i32(mr).divU();
    f.call(gemmIndex);
  });
  return f;
}
