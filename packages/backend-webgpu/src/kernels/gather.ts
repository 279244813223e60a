/**
 * gather and scatter along an axis. gather: one thread per index element. scatter: the output
 * starts as a contiguous copy of x (copyCode), then one thread per index element writes (assign)
 * or adds (a compare-and-swap loop on the f32 bits, since WGSL has no float atomics).
 * meta: [n, indexShape(ndim), xOff, xStrides(ndim), iOff, iStrides(ndim), sOff, sStrides(ndim), axis, xShape(ndim)].
 * @packageDocumentation
 */
import type { DType } from '@kiln/tensor';
import { HELPERS, MAIN_SIG, offsetFn, wgslType } from '../wgsl.js';

function coords(ndim: number): string {
  // decompose i over the index shape into c[d]
  return `var c: array<u32, ${Math.max(ndim, 1)}>;
  var r = i;
  for (var d: i32 = ${ndim - 1}; d >= 0; d--) { let s = u32(prm[1 + d]); c[d] = r % s; r = r / s; }`;
}

/** WGSL for gather. */
export function gatherCode(dt: DType, ndim: number): string {
  const t = wgslType(dt);
  const xAt = 1 + ndim, iAt = xAt + ndim + 1, axisAt = iAt + 2 * (ndim + 1);
  return `@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read> xb: array<${t}>;
@group(0) @binding(2) var<storage, read> ib: array<i32>;
@group(0) @binding(3) var<storage, read_write> outb: array<${t}>;
${offsetFn(ndim, 1)}
${MAIN_SIG}
  if (i >= u32(prm[0])) { return; }
  ${coords(ndim)}
  let axis = prm[${axisAt}];
  let idx = ib[off(i, ${iAt}u)];
  var o = prm[${xAt}];
  for (var d = 0; d < ${ndim}; d++) { o += select(i32(c[d]), idx, d == axis) * prm[${xAt + 1} + d]; }
  outb[i] = xb[u32(o)];
}`;
}

/** WGSL for the scatter pass (after the copy of x into out). */
export function scatterCode(dt: DType, ndim: number, mode: 'assign' | 'add'): string {
  const t = wgslType(dt);
  const xAt = 1 + ndim, iAt = xAt + ndim + 1, sAt = iAt + ndim + 1, axisAt = sAt + ndim + 1, xShapeAt = axisAt + 1;
  const outDecl = mode === 'add' ? 'array<atomic<u32>>' : `array<${t}>`;
  let write: string;
  if (mode === 'assign') write = 'outb[u32(o)] = v;';
  else if (t === 'i32') write = 'atomicAdd(&outb[u32(o)], bitcast<u32>(v));';
  else if (t === 'u32') write = 'atomicOr(&outb[u32(o)], v);';
  else {
    write = `loop {
    let old = atomicLoad(&outb[u32(o)]);
    let nv = bitcast<u32>(bitcast<f32>(old) + v);
    if (atomicCompareExchangeWeak(&outb[u32(o)], old, nv).exchanged) { break; }
  }`;
  }
  return `@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read> ib: array<i32>;
@group(0) @binding(2) var<storage, read> sb: array<${t}>;
@group(0) @binding(3) var<storage, read_write> outb: ${outDecl};
${HELPERS}
${offsetFn(ndim, 1)}
${MAIN_SIG}
  if (i >= u32(prm[0])) { return; }
  ${coords(ndim)}
  let axis = prm[${axisAt}];
  let idx = ib[off(i, ${iAt}u)];
  // destination: contiguous strides of x's shape
  var o = 0;
  var stride = 1;
  for (var d: i32 = ${ndim - 1}; d >= 0; d--) {
    o += select(i32(c[d]), idx, d == axis) * stride;
    stride *= prm[${xShapeAt} + d];
  }
  var so = prm[${sAt}];
  for (var d = 0; d < ${ndim}; d++) { so += i32(c[d]) * prm[${sAt + 1} + d]; }
  let v = sb[u32(so)];
  ${write}
}`;
}
