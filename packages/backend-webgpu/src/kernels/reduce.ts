/**
 * Reductions, scans and sorts. The host permutes the view so the reduced (or scanned/sorted) axes
 * come last; each thread then owns one output (or one line) and walks a consecutive run of the
 * permuted view. Float sums use Kahan compensation so 1M-element sums stay accurate in f32.
 * meta: [outer, inner, shape(ndim), offset, strides(ndim), (scan/sort: len, after)].
 * @packageDocumentation
 */
import type { DType, ReduceOp, ScanOp } from '@kiln/tensor';
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
