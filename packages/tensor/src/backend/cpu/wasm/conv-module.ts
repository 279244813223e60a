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
import { storeTransposed4x4 } from './pack-module.js';

/** kcp = min(kc, K − p0): the depth of the K-block starting at p0 (the last one may be short). */
export function blockDepth(f: FunctionBuilder, kc: number, K: number, p0: number, kcp: number): void {
  f.get(kc).get(K).get(p0).sub().get(K).get(p0).sub().get(kc).gtS().select().set(kcp);
}

/** Writes `count` zeros `stride` bytes apart from `d` onwards (a padding lane of a packed panel). */
function zeroLane(f: FunctionBuilder, kk: number, count: number, d: number, stride: number): void {
  f.for(kk, () => f.i32(0), () => f.get(count), 1, () => {
    f.get(d).f32(0).f32Store();
    f.get(d).i32(stride).add().set(d);
  });
}

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

  const unit = f.local(I);
  const Wm3 = f.local(I);
  // vector copies need stride 1 and whole half panels; iw <u W − 3 ⟺ 0 ≤ iw and iw + 4 ≤ W (W ≥ 4)
  if (nr % 4 !== 0) throw new Error('im2colB: nr must be a multiple of 4');
  f.get(sw).i32(1).eq().get(W).i32(3).gtS().and().set(unit);
  f.get(W).i32(3).sub().set(Wm3);
  f.get(kh).get(kw).mul().set(khw);
  f.get(C).get(khw).mul().set(K);
  f.get(OH).get(OW).mul().set(L);
  f.for(p0, () => f.i32(0), () => f.get(K), 0, () => {
    blockDepth(f, kc, K, p0, kcp); // a panel holds kcp rows of nr floats
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
        f.for(ow, () => f.i32(0), () => f.get(OW), 0, () => {
          // four columns at once when they start a half panel (lane 0 or 4), are contiguous in x
          // (stride 1) and lie inside the image row: one v128 copy instead of four scalar ones
          f.get(unit).get(rowOk).and().get(lane).i32(3).and().eqz().and();
          f.get(ow).i32(4).add().get(OW).gtS().eqz().and();
          f.get(iw).get(Wm3).ltU().and();
          f.if();
          {
            f.get(d).get(src).get(iw).i32(2).shl().add().v128Load().v128Store();
            f.get(d).i32(16).add().set(d);
            f.get(lane).i32(4).add().tee(lane).i32(nr).eq().if();
            f.i32(0).set(lane);
            f.get(d).get(skip).add().set(d);
            f.end();
            f.get(iw).i32(4).add().set(iw);
            f.get(ow).i32(4).add().set(ow);
          }
          f.else();
          {
            f.get(rowOk).get(iw).get(W).ltU().and().set(ok);
            // dst = ok ? x[src + iw] : 0, loading from a valid address either way
            f.get(d);
            f.get(src).get(iw).i32(2).shl().add().get(x).get(ok).select().f32Load();
            f.f32(0);
            f.get(ok).select();
            f.f32Store();
            advance();
            f.get(iw).get(sw).add().set(iw);
            f.get(ow).i32(1).add().set(ow);
          }
          f.end();
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
 * sh, sw, ph, pw, dh, dw, OH, OW, out, bias, Cout, u0, u1): for each image u in [u0, u1): im2col of
 * image u into a scratch slot, C = A · cols (A = the packed weights, shared), then y_u = C + bias
 * written to `out` ([B, Cout, OH·OW], contiguous). A thread's units are one contiguous range, so the
 * slots of its first unit (`scratch + u0·scratchStride`, `c + u0·cStride`) are private to it and
 * reused for every image it handles: columns and products are written and read while in cache, and
 * the caller gets the finished output in one block.
 */
export function convForward(mr: number, gemmIndex: number, im2colIndex: number): FunctionBuilder {
  const I = ValType.i32;
  const f = new FunctionBuilder(Array<ValType>(28).fill(I));
  const [a, x, scratch, scratchStride, c, cStride, mPad, nPad, kc, mcPanels, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, out, bias, Cout, u0, u1] =
    Array.from({ length: 28 }, (_, i) => i) as number[] as [
      number, number, number, number, number, number, number, number, number, number, number, number, number, number,
      number, number, number, number, number, number, number, number, number, number, number, number, number, number,
    ];
  const [u, slot, cSlot, image, L, co, src, dst, l, bv] = [...Array.from({ length: 9 }, () => f.local(I)), f.local(ValType.v128)] as [
    number, number, number, number, number, number, number, number, number, number,
  ];
  f.get(scratch).get(u0).get(scratchStride).mul().add().set(slot);
  f.get(c).get(u0).get(cStride).mul().add().set(cSlot);
  f.get(C).get(H).mul().get(W).mul().i32(2).shl().set(image);
  f.get(OH).get(OW).mul().set(L);
  f.for(u, () => f.get(u0), () => f.get(u1), 1, () => {
    f.get(slot).get(x).get(u).get(image).mul().add();
    for (const p of [C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, nPad, kc]) f.get(p);
    f.call(im2colIndex);
    // gemm(a, b, c, mPad, nPad, K, kc, ldc, mcPanels, m0, m1, accumulate = 0)
    f.get(a).get(slot).get(cSlot);
    f.get(mPad).get(nPad).get(C).get(kh).mul().get(kw).mul().get(kc).get(nPad).i32(2).shl().get(mcPanels);
    f.i32(0).get(mPad).i32(mr).divU().i32(0);
    f.call(gemmIndex);
    // y[u, co, :] = C[co, :L] + bias[co], four at a time, then the tail
    f.for(co, () => f.i32(0), () => f.get(Cout), 1, () => {
      f.get(bias).get(co).i32(2).shl().add().load32Splat().set(bv);
      f.get(cSlot).get(co).get(nPad).mul().i32(2).shl().add().set(src);
      f.get(out).get(u).get(Cout).mul().get(co).add().get(L).mul().i32(2).shl().add().set(dst);
      f.i32(0).set(l);
      f.block().loop();
      f.get(l).i32(4).add().get(L).gtS().brIf(1);
      f.get(dst).get(src).v128Load().get(bv).f32x4Add().v128Store();
      f.get(src).i32(16).add().set(src);
      f.get(dst).i32(16).add().set(dst);
      f.get(l).i32(4).add().set(l);
      f.br(0).end().end();
      f.block().loop();
      f.get(l).get(L).geS().brIf(1);
      f.get(dst).get(src).f32Load().get(bias).get(co).i32(2).shl().add().f32Load().f32Add().f32Store();
      f.get(src).i32(4).add().set(src);
      f.get(dst).i32(4).add().set(dst);
      f.get(l).i32(1).add().set(l);
      f.br(0).end().end();
    });
  });
  return f;
}

/**
 * im2colA(dst, x, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, mPad, kc): packs the columns of
 * one image as GEMM operand A for the weight gradient: rows (c, i, j) (C·kh·kw of them, zero rows
 * up to mPad), K = OH·OW columns (oh, ow); K-blocks of kc, panels of 4 rows stored k-major.
 *
 * A panel's k-major layout is a transpose of the image's rows, so the packer works on 4×4 tiles:
 * with stride 1 and all four rows' windows inside the image, four consecutive k are four
 * contiguous floats of each row; four v128 loads, a shuffle transpose and four stores replace
 * sixteen scalar copies with their bounds checks. Anything else (padding, strides, row ends, the
 * block's last columns, zero rows) goes one k at a time.
 */
export function im2colA(mr: number): FunctionBuilder {
  if (mr !== 4) throw new Error('im2colA: the 4×4 transpose needs mr = 4');
  const I = ValType.i32;
  const f = new FunctionBuilder(Array<ValType>(17).fill(I));
  const [dst, x, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, mPad, kc] = Array.from({ length: 17 }, (_, i) => i) as number[] as [
    number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number,
  ];
  const [rows, khw, L, p0, kcp, r0, r, c, i, d, kk, oh, ow, ih, iw, ok, fast, unit, Wm3] = Array.from({ length: 19 }, () => f.local(I)) as [
    number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number,
  ];
  // per panel row: its channel plane, its tap's offsets (i·dh − ph, j·dw − pw), whether it is a real row
  const plane = Array.from({ length: 4 }, () => f.local(I));
  const ioff = Array.from({ length: 4 }, () => f.local(I));
  const joff = Array.from({ length: 4 }, () => f.local(I));
  const valid = Array.from({ length: 4 }, () => f.local(I));
  const v = Array.from({ length: 4 }, () => f.local(ValType.v128));
  const tmp = Array.from({ length: 4 }, () => f.local(ValType.v128));

  f.get(kh).get(kw).mul().set(khw);
  f.get(C).get(khw).mul().set(rows);
  f.get(OH).get(OW).mul().set(L);
  // 4-wide tiles need stride 1 and rows of at least 4; iw <u W − 3 ⟺ 0 ≤ iw and iw + 4 ≤ W
  f.get(sw).i32(1).eq().get(W).i32(3).gtS().and().set(unit);
  f.get(W).i32(3).sub().set(Wm3);
  f.for(p0, () => f.i32(0), () => f.get(L), 0, () => {
    blockDepth(f, kc, L, p0, kcp);
    f.for(r0, () => f.i32(0), () => f.get(mPad), 4, () => {
      for (let l = 0; l < 4; l++) {
        f.get(r0).i32(l).add().set(r);
        f.get(r).get(rows).ltS().set(valid[l]!);
        f.get(valid[l]!).if();
        f.get(r).get(khw).divU().set(c);
        f.get(r).get(c).get(khw).mul().sub().set(r); // r = i·kw + j
        f.get(r).get(kw).divU().set(i);
        f.get(i).get(dh).mul().get(ph).sub().set(ioff[l]!);
        f.get(r).get(i).get(kw).mul().sub().get(dw).mul().get(pw).sub().set(joff[l]!);
        f.get(x).get(c).get(H).mul().get(W).mul().i32(2).shl().add().set(plane[l]!);
        f.else();
        f.get(x).set(plane[l]!); // never read: masked to zero below
        f.i32(0).set(ioff[l]!);
        f.i32(0).set(joff[l]!);
        f.end();
      }
      // d = dst + (p0·mPad + r0·kcp)·4: the panel's first k step
      f.get(dst).get(p0).get(mPad).mul().get(r0).get(kcp).mul().add().i32(2).shl().add().set(d);
      f.get(p0).get(OW).divU().set(oh);
      f.get(p0).get(oh).get(OW).mul().sub().set(ow);
      f.for(kk, () => f.i32(0), () => f.get(kcp), 0, () => {
        // fast = a whole tile fits: 4 k left in the block and in the output row, every row inside the image
        f.get(unit).get(kk).i32(4).add().get(kcp).gtS().eqz().and();
        f.get(ow).i32(4).add().get(OW).gtS().eqz().and().set(fast);
        for (let l = 0; l < 4; l++) {
          f.get(fast).get(valid[l]!).and();
          f.get(oh).get(sh).mul().get(ioff[l]!).add().get(H).ltU().and();
          f.get(ow).get(joff[l]!).add().get(Wm3).ltU().and().set(fast);
        }
        f.get(fast).if();
        {
          for (let l = 0; l < 4; l++) {
            f.get(plane[l]!);
            f.get(oh).get(sh).mul().get(ioff[l]!).add().get(W).mul().get(ow).get(joff[l]!).add().add().i32(2).shl().add();
            f.v128Load().set(v[l]!);
          }
          storeTransposed4x4(f, v, tmp, d);
          f.get(d).i32(64).add().set(d);
          f.get(kk).i32(4).add().set(kk);
          f.get(ow).i32(4).add().set(ow);
        }
        f.else();
        {
          for (let l = 0; l < 4; l++) {
            f.get(oh).get(sh).mul().get(ioff[l]!).add().set(ih);
            f.get(ow).get(sw).mul().get(joff[l]!).add().set(iw);
            f.get(valid[l]!).get(ih).get(H).ltU().and().get(iw).get(W).ltU().and().set(ok);
            // d[l] = ok ? x[plane + ih·W + iw] : 0, loading from a valid address either way
            f.get(d);
            f.get(plane[l]!).get(ih).get(W).mul().get(iw).add().i32(2).shl().add().get(x).get(ok).select().f32Load();
            f.f32(0).get(ok).select();
            f.f32Store(4 * l);
          }
          f.get(d).i32(16).add().set(d);
          f.get(kk).i32(1).add().set(kk);
          f.get(ow).i32(1).add().set(ow);
        }
        f.end();
        f.get(ow).get(OW).eq().if();
        f.i32(0).set(ow);
        f.get(oh).i32(1).add().set(oh);
        f.end();
      });
    });
    f.get(p0).get(kc).add().set(p0);
  });
  return f;
}

/**
 * packB(dst, src, K, N, sk, sn, nPad, kc): packs B (element (k, n) at `src + (k·sk + n·sn)·4`) into
 * K-blocks of kc and panels of `nr` columns; columns past N are zero. The weight gradient packs an
 * output gradient read transposed (sk = 1, sn = K), the transposed convolution a plain row-major
 * image (sk = N, sn = 1).
 */
export function packBStrided(nr: number): FunctionBuilder {
  const I = ValType.i32;
  const f = new FunctionBuilder(Array<ValType>(8).fill(I));
  const [dst, src, K, N, sk, sn, nPad, kc] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [p0, kcp, n0, lane, n, s, d, kk, full] = Array.from({ length: 9 }, () => f.local(I)) as [
    number, number, number, number, number, number, number, number, number,
  ];
  // columns in whole panels: with unit column stride they are copied row by row as vectors
  f.get(N).i32(nr).divU().i32(nr).mul().set(full);
  f.get(sn).i32(1).eq().if();
  f.else();
  f.i32(0).set(full);
  f.end();
  f.for(p0, () => f.i32(0), () => f.get(K), 0, () => {
    blockDepth(f, kc, K, p0, kcp);
    // row-major B (sn = 1): each row's whole panels, nr floats = nr/4 vectors per panel, reading
    // the row sequentially (walking columns down k would stride by a whole row per float)
    f.for(kk, () => f.i32(0), () => f.get(kcp), 1, () => {
      f.get(src).get(p0).get(kk).add().get(sk).mul().i32(2).shl().add().set(s);
      f.get(dst).get(p0).get(nPad).mul().get(kk).i32(nr).mul().add().i32(2).shl().add().set(d);
      f.for(n0, () => f.i32(0), () => f.get(full), nr, () => {
        for (let q = 0; q < nr / 4; q++) f.get(d).get(s).v128Load(16 * q).v128Store(16 * q);
        f.get(s).i32(4 * nr).add().set(s);
        f.get(d).get(kcp).i32(4 * nr).mul().add().set(d);
      });
    });
    f.for(n0, () => f.get(full), () => f.get(nPad), nr, () => {
      f.for(lane, () => f.i32(0), () => f.i32(nr), 1, () => {
        // d = dst + (p0·nPad + n0·kcp + lane)·4; column n is read along k
        f.get(dst).get(p0).get(nPad).mul().get(n0).get(kcp).mul().add().get(lane).add().i32(2).shl().add().set(d);
        f.get(n0).get(lane).add().set(n);
        f.get(n).get(N).ltS().if();
        f.get(src).get(p0).get(sk).mul().get(n).get(sn).mul().add().i32(2).shl().add().set(s);
        f.for(kk, () => f.i32(0), () => f.get(kcp), 1, () => {
          f.get(d).get(s).f32Load().f32Store();
          f.get(s).get(sk).i32(2).shl().add().set(s);
          f.get(d).i32(4 * nr).add().set(d);
        });
        f.else();
        zeroLane(f, kk, kcp, d, 4 * nr);
        f.end();
      });
    });
    f.get(p0).get(kc).add().set(p0);
  });
  return f;
}

/**
 * col2im(cols, pitch, out, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Sh, Sw): out [C, H, W] =
 * the columns (rows (c, i, j) of `pitch` floats, columns (y, x) over the Sh × Sw window grid) added
 * back into the image — the adjoint of im2col. `out` is zeroed first.
 */
export function col2im(): FunctionBuilder {
  const I = ValType.i32;
  const f = new FunctionBuilder(Array<ValType>(16).fill(I));
  const [cols, pitch, out, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Sh, Sw] = Array.from({ length: 16 }, (_, i) => i) as number[] as [
    number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number,
  ];
  const [q, end, c, i, j, crow, y, x, ih, iw, plane, src, shift, xlo, xhi, dbase] = Array.from({ length: 16 }, () => f.local(I)) as [
    number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number,
  ];
  f.get(out).get(C).get(H).mul().get(W).mul().i32(2).shl().add().set(end);
  f.for(q, () => f.get(out), () => f.get(end), 4, () => f.get(q).f32(0).f32Store());
  f.for(c, () => f.i32(0), () => f.get(C), 1, () => {
    f.get(out).get(c).get(H).mul().get(W).mul().i32(2).shl().add().set(plane);
    f.for(i, () => f.i32(0), () => f.get(kh), 1, () => {
      f.for(j, () => f.i32(0), () => f.get(kw), 1, () => {
        f.get(cols).get(c).get(kh).mul().get(i).add().get(kw).mul().get(j).add().get(pitch).mul().i32(2).shl().add().set(crow);
        f.for(y, () => f.i32(0), () => f.get(Sh), 1, () => {
          f.get(y).get(sh).mul().get(ph).sub().get(i).get(dh).mul().add().set(ih);
          f.get(ih).get(H).ltU().if();
          f.get(crow).get(y).get(Sw).mul().i32(2).shl().add().set(src);
          f.get(sw).i32(1).eq().if();
          {
            // stride 1: the window columns x ∈ [xlo, xhi) land on iw = x + shift inside the row, a
            // contiguous run added four floats at a time
            f.get(j).get(dw).mul().get(pw).sub().set(shift);
            f.i32(0).get(shift).sub().set(xlo);
            f.get(xlo).i32(0).get(xlo).i32(0).gtS().select().set(xlo);
            f.get(W).get(shift).sub().set(xhi);
            f.get(xhi).get(Sw).get(xhi).get(Sw).ltS().select().set(xhi);
            // dst(x) = dbase + 4·x
            f.get(plane).get(ih).get(W).mul().get(shift).add().i32(2).shl().add().set(dbase);
            f.get(xlo).set(x);
            f.block().loop();
            f.get(x).i32(4).add().get(xhi).gtS().brIf(1);
            f.get(dbase).get(x).i32(2).shl().add();
            f.get(dbase).get(x).i32(2).shl().add().v128Load();
            f.get(src).get(x).i32(2).shl().add().v128Load();
            f.f32x4Add().v128Store();
            f.get(x).i32(4).add().set(x);
            f.br(0).end().end();
            f.block().loop();
            f.get(x).get(xhi).geS().brIf(1);
            f.get(dbase).get(x).i32(2).shl().add();
            f.get(dbase).get(x).i32(2).shl().add().f32Load();
            f.get(src).get(x).i32(2).shl().add().f32Load();
            f.f32Add().f32Store();
            f.get(x).i32(1).add().set(x);
            f.br(0).end().end();
          }
          f.else();
          f.for(x, () => f.i32(0), () => f.get(Sw), 1, () => {
            f.get(x).get(sw).mul().get(pw).sub().get(j).get(dw).mul().add().set(iw);
            f.get(iw).get(W).ltU().if();
            // out[c, ih, iw] += cols[(c, i, j), (y, x)]
            f.get(plane).get(ih).get(W).mul().get(iw).add().i32(2).shl().add();
            f.get(plane).get(ih).get(W).mul().get(iw).add().i32(2).shl().add().f32Load();
            f.get(src).get(x).i32(2).shl().add().f32Load();
            f.f32Add().f32Store();
            f.end();
          });
          f.end();
          f.end();
        });
      });
    });
  });
  return f;
}

/**
 * convTranspose(a, x, bScratch, bStride, cScratch, cStride, out, mPad, nPad, kc, mcPanels, Cin, Cout,
 * outH, outW, kh, kw, sh, sw, ph, pw, dh, dw, Sh, Sw, u0, u1): for each image u in [u0, u1):
 * cols = A · x_u (A = Wᵀ [Cout·kh·kw, Cin], packed once and shared; x_u [Cin, Sh·Sw]), then col2im of
 * cols into out_u [Cout, outH, outW]. Scratch slots are those of the range's first image.
 */
export function convTranspose(mr: number, gemmIndex: number, packBIndex: number, col2imIndex: number): FunctionBuilder {
  const I = ValType.i32;
  const f = new FunctionBuilder(Array<ValType>(27).fill(I));
  const [a, x, bScratch, bStride, cScratch, cStride, out, mPad, nPad, kc, mcPanels, Cin, Cout, outH, outW, kh, kw, sh, sw, ph, pw, dh, dw, Sh, Sw, u0, u1] =
    Array.from({ length: 27 }, (_, i) => i) as number[] as [
      number, number, number, number, number, number, number, number, number, number, number, number, number, number,
      number, number, number, number, number, number, number, number, number, number, number, number, number,
    ];
  const [u, bSlot, cSlot, L] = Array.from({ length: 4 }, () => f.local(I)) as [number, number, number, number];
  f.get(bScratch).get(u0).get(bStride).mul().add().set(bSlot);
  f.get(cScratch).get(u0).get(cStride).mul().add().set(cSlot);
  f.get(Sh).get(Sw).mul().set(L);
  f.for(u, () => f.get(u0), () => f.get(u1), 1, () => {
    // packB(bSlot, x_u, K = Cin, N = L, sk = L, sn = 1, nPad, kc)
    f.get(bSlot).get(x).get(u).get(Cin).mul().get(L).mul().i32(2).shl().add();
    f.get(Cin).get(L).get(L).i32(1).get(nPad).get(kc);
    f.call(packBIndex);
    // gemm(a, bSlot, cSlot, mPad, nPad, K = Cin, kc, ldc, mcPanels, 0, mPad / mr, accumulate = 0)
    f.get(a).get(bSlot).get(cSlot).get(mPad).get(nPad).get(Cin).get(kc).get(nPad).i32(2).shl().get(mcPanels);
    f.i32(0).get(mPad).i32(mr).divU().i32(0);
    f.call(gemmIndex);
    // col2im(cSlot, pitch = nPad, out_u, Cout, outH, outW, kh, kw, sh, sw, ph, pw, dh, dw, Sh, Sw)
    f.get(cSlot).get(nPad).get(out).get(u).get(Cout).mul().get(outH).mul().get(outW).mul().i32(2).shl().add();
    for (const p of [Cout, outH, outW, kh, kw, sh, sw, ph, pw, dh, dw, Sh, Sw]) f.get(p);
    f.call(col2imIndex);
  });
  return f;
}

/**
 * convWeightGrad(aScratch, aStride, bScratch, bStride, x, gy, c, cStride, mPad, nPad, kc, mcPanels,
 * Cout, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, u0, u1): dWᵀ [C·kh·kw, Cout] summed over
 * the images u in [u0, u1): for each, A = cols(x_u), B = gy_uᵀ, C += A·B. The thread's sum goes to
 * the slot of its first image (`c + u0·cStride`, likewise the packing scratch), so threads never
 * share memory; the caller adds the slots of the ranges it handed out.
 */
export function convWeightGrad(mr: number, gemmIndex: number, im2colAIndex: number, packBIndex: number): FunctionBuilder {
  const I = ValType.i32;
  const f = new FunctionBuilder(Array<ValType>(28).fill(I));
  const [aScratch, aStride, bScratch, bStride, x, gy, c, cStride, mPad, nPad, kc, mcPanels, Cout, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, u0, u1] =
    Array.from({ length: 28 }, (_, i) => i) as number[] as [
      number, number, number, number, number, number, number, number, number, number, number, number, number, number,
      number, number, number, number, number, number, number, number, number, number, number, number, number, number,
    ];
  const [u, aSlot, bSlot, cSlot, image, L] = Array.from({ length: 6 }, () => f.local(I)) as [number, number, number, number, number, number];
  f.get(aScratch).get(u0).get(aStride).mul().add().set(aSlot);
  f.get(bScratch).get(u0).get(bStride).mul().add().set(bSlot);
  f.get(c).get(u0).get(cStride).mul().add().set(cSlot);
  f.get(C).get(H).mul().get(W).mul().i32(2).shl().set(image);
  f.get(OH).get(OW).mul().set(L);
  f.for(u, () => f.get(u0), () => f.get(u1), 1, () => {
    f.get(aSlot).get(x).get(u).get(image).mul().add();
    for (const p of [C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, mPad, kc]) f.get(p);
    f.call(im2colAIndex);
    // packB(bSlot, gy_u, K = L, N = Cout, sk = 1, sn = L, nPad, kc): gy_uᵀ
    f.get(bSlot).get(gy).get(u).get(Cout).mul().get(L).mul().i32(2).shl().add();
    f.get(L).get(Cout).i32(1).get(L).get(nPad).get(kc);
    f.call(packBIndex);
    // gemm(a, b, c, mPad, nPad, K = L, kc, ldc, mcPanels, 0, mPad / mr, accumulate = u > u0)
    f.get(aSlot).get(bSlot).get(cSlot).get(mPad).get(nPad).get(L).get(kc).get(nPad).i32(2).shl().get(mcPanels);
    f.i32(0).get(mPad).i32(mr).divU();
    f.get(u).get(u0).gtS();
    f.call(gemmIndex);
  });
  return f;
}
