/**
 * 2-D max pooling kernels of the generated WebAssembly module (scalar: a window's arg-max has to
 * track an index, which f32x4 lanes cannot do cheaply). Work units are (batch, channel) planes.
 * Written here rather than in TypeScript because the JavaScript scan measured ~35 ns per output
 * (four taps) on the MNIST CNN's 64×64×24×24 activation; the same loop in WebAssembly runs several
 * times faster and splits across the kernel threads.
 *
 * Semantics are the reference's (fast/pool.ts and functional's decomposition): ties keep the first
 * window element, a NaN wins and stays (the first NaN of the window), and indices are flat
 * `ih·W + iw` positions inside the input plane, as PyTorch returns them.
 * @packageDocumentation
 */
import { FunctionBuilder, ValType } from './emit.js';

/**
 * maxPool2d(x, values, indices, H, W, OH, OW, kh, kw, sh, sw, dh, dw, u0, u1): for planes
 * [u0, u1), window maxima into `values` (f32) and their plane positions into `indices` (i32).
 * Windows must lie inside the plane (no padding; the caller checks).
 */
export function maxPool2dKernel(): FunctionBuilder {
  const I = ValType.i32;
  const f = new FunctionBuilder(Array<ValType>(15).fill(I));
  const [x, values, indices, H, W, OH, OW, kh, kw, sh, sw, dh, dw, u0, u1] = Array.from({ length: 15 }, (_, i) => i) as number[] as [
    number, number, number, number, number, number, number, number, number, number, number, number, number, number, number,
  ];
  const [p, plane, o, oh, ow, base, bi, i, j, row, at] = Array.from({ length: 11 }, () => f.local(I)) as [
    number, number, number, number, number, number, number, number, number, number, number,
  ];
  const best = f.local(ValType.f32);
  const v = f.local(ValType.f32);
  const take = f.local(I);
  // o = first output of plane u0 (in elements)
  f.get(u0).get(OH).mul().get(OW).mul().set(o);
  f.for(p, () => f.get(u0), () => f.get(u1), 1, () => {
    f.get(x).get(p).get(H).mul().get(W).mul().i32(2).shl().add().set(plane);
    f.for(oh, () => f.i32(0), () => f.get(OH), 1, () => {
      f.for(ow, () => f.i32(0), () => f.get(OW), 1, () => {
        // window origin (oh·sh, ow·sw): the first tap is the starting best
        f.get(oh).get(sh).mul().get(W).mul().get(ow).get(sw).mul().add().set(base);
        f.get(base).set(bi);
        f.get(plane).get(base).i32(2).shl().add().f32Load().set(best);
        f.for(i, () => f.i32(0), () => f.get(kh), 1, () => {
          f.get(base).get(i).get(dh).mul().get(W).mul().add().set(row);
          f.for(j, () => f.i32(0), () => f.get(kw), 1, () => {
            f.get(row).get(j).get(dw).mul().add().set(at);
            f.get(plane).get(at).i32(2).shl().add().f32Load().set(v);
            // take v when v > best, or when v is NaN and best is not yet NaN; branch-free (select):
            // on real activations the comparison is a coin flip a branch would mispredict
            f.get(v).get(best).f32Gt();
            f.get(v).get(v).f32Ne().get(best).get(best).f32Eq().and();
            f.or().set(take);
            f.get(at).get(bi).get(take).select().set(bi);
            f.get(v).get(best).get(take).select().set(best);
          });
        });
        f.get(values).get(o).i32(2).shl().add().get(best).f32Store();
        f.get(indices).get(o).i32(2).shl().add().get(bi).i32Store();
        f.get(o).i32(1).add().set(o);
      });
    });
  });
  return f;
}

/**
 * maxPool2dBackward(gx, g, indices, HW, L, u0, u1): for planes [u0, u1), gx's plane (HW floats) is
 * zeroed and every output gradient g[t] is added at its window's arg-max `indices[t]` (L outputs
 * per plane). Indices come from the forward kernel, so they are inside the plane.
 */
export function maxPool2dBackwardKernel(): FunctionBuilder {
  const I = ValType.i32;
  const f = new FunctionBuilder(Array<ValType>(7).fill(I));
  const [gx, g, indices, HW, L, u0, u1] = [0, 1, 2, 3, 4, 5, 6];
  const [p, plane, t, src, at, e] = Array.from({ length: 6 }, () => f.local(I)) as [number, number, number, number, number, number];
  f.for(p, () => f.get(u0), () => f.get(u1), 1, () => {
    f.get(gx).get(p).get(HW).mul().i32(2).shl().add().set(plane);
    // zero the plane
    f.get(plane).get(HW).i32(2).shl().add().set(e);
    f.for(at, () => f.get(plane), () => f.get(e), 4, () => {
      f.get(at).f32(0).f32Store();
    });
    // scatter-add this plane's L output gradients
    f.get(p).get(L).mul().i32(2).shl().set(src);
    f.for(t, () => f.i32(0), () => f.get(L), 1, () => {
      f.get(plane).get(indices).get(src).add().i32Load().i32(2).shl().add().set(at);
      f.get(at);
      f.get(at).f32Load().get(g).get(src).add().f32Load().f32Add();
      f.f32Store();
      f.get(src).i32(4).add().set(src);
    });
  });
  return f;
}

/** Byte lanes of the even / odd floats of two vectors (floats 0, 2, 4, 6 / 1, 3, 5, 7). */
const EVEN = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];
const ODD = EVEN.map((b) => b + 4);

/**
 * maxPool2x2(x, values, indices, H, W, OH, OW, u0, u1): the same as maxPool2d for the 2×2 window
 * with stride 2 (nn.MaxPool2d(2), by far the most common pooling), four outputs at a time: two
 * rows of eight inputs are split into even and odd columns, and the four taps are compared lane-wise
 * in the reference's scan order, with bit-select keeping each lane's value and index. The generic
 * kernel spends ~25 ns per output on index arithmetic; this one a few. Columns past the last
 * multiple of four go through the scalar kernel's logic.
 */
export function maxPool2x2Kernel(): FunctionBuilder {
  const I = ValType.i32;
  const V = ValType.v128;
  const f = new FunctionBuilder(Array<ValType>(9).fill(I));
  const [x, values, indices, H, W, OH, OW, u0, u1] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [p, plane, o, oh, ow, ow4, at, rowA, take, bi] = Array.from({ length: 10 }, () => f.local(I)) as [
    number, number, number, number, number, number, number, number, number, number,
  ];
  const [best, bidx, base, cand, mask] = Array.from({ length: 5 }, () => f.local(V)) as [number, number, number, number, number];
  const sBest = f.local(ValType.f32);
  const sv = f.local(ValType.f32);
  // lanes: take the candidate when cand > best, or when cand is NaN and best is not yet NaN
  const vecStep = (offset: () => void) => {
    f.get(cand).get(best).f32x4Gt();
    f.get(cand).get(cand).f32x4Ne().get(best).get(best).f32x4Eq().v128And();
    f.v128Or().set(mask);
    f.get(cand).get(best).get(mask).v128Bitselect().set(best);
    f.get(base); offset(); f.i32x4Add();
    f.get(bidx).get(mask).v128Bitselect().set(bidx);
  };
  const scalarStep = (pos: () => void) => {
    f.get(plane); pos(); f.i32(2).shl().add().f32Load().set(sv);
    f.get(sv).get(sBest).f32Gt();
    f.get(sv).get(sv).f32Ne().get(sBest).get(sBest).f32Eq().and();
    f.or().set(take);
    pos(); f.get(bi).get(take).select().set(bi);
    f.get(sv).get(sBest).get(take).select().set(sBest);
  };

  f.get(OW).i32(-4).and().set(ow4);
  f.get(u0).get(OH).mul().get(OW).mul().set(o);
  f.for(p, () => f.get(u0), () => f.get(u1), 1, () => {
    f.get(x).get(p).get(H).mul().get(W).mul().i32(2).shl().add().set(plane);
    f.for(oh, () => f.i32(0), () => f.get(OH), 1, () => {
      f.for(ow, () => f.i32(0), () => f.get(ow4), 4, () => {
        // at = 2·oh·W + 2·ow: the window's top-left input
        f.get(oh).get(W).mul().get(ow).add().i32(1).shl().set(at);
        f.get(plane).get(at).i32(2).shl().add().set(rowA);
        f.get(at).i32x4Splat().i32x4Const([0, 2, 4, 6]).i32x4Add().set(base);
        f.get(rowA).v128Load().get(rowA).v128Load(16).i8x16Shuffle(EVEN).set(best);
        f.get(base).set(bidx);
        f.get(rowA).v128Load().get(rowA).v128Load(16).i8x16Shuffle(ODD).set(cand);
        vecStep(() => f.i32(1).i32x4Splat());
        f.get(rowA).get(W).i32(2).shl().add().set(rowA);
        f.get(rowA).v128Load().get(rowA).v128Load(16).i8x16Shuffle(EVEN).set(cand);
        vecStep(() => f.get(W).i32x4Splat());
        f.get(rowA).v128Load().get(rowA).v128Load(16).i8x16Shuffle(ODD).set(cand);
        vecStep(() => f.get(W).i32(1).add().i32x4Splat());
        f.get(values).get(o).i32(2).shl().add().get(best).v128Store();
        f.get(indices).get(o).i32(2).shl().add().get(bidx).v128Store();
        f.get(o).i32(4).add().set(o);
      });
      f.for(ow, () => f.get(ow4), () => f.get(OW), 1, () => {
        f.get(oh).get(W).mul().get(ow).add().i32(1).shl().set(at);
        f.get(at).set(bi);
        f.get(plane).get(at).i32(2).shl().add().f32Load().set(sBest);
        scalarStep(() => f.get(at).i32(1).add());
        scalarStep(() => f.get(at).get(W).add());
        scalarStep(() => f.get(at).get(W).add().i32(1).add());
        f.get(values).get(o).i32(2).shl().add().get(sBest).f32Store();
        f.get(indices).get(o).i32(2).shl().add().get(bi).i32Store();
        f.get(o).i32(1).add().set(o);
      });
    });
  });
  return f;
}
