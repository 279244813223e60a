/**
 * Strided iteration without offset lists: several operands viewed over one shape are walked in
 * row-major order as a sequence of innermost *runs* (a start offset per operand plus one stride
 * per operand). Dims that are contiguous with their inner neighbour in every operand are merged
 * first, so a contiguous tensor is one run and a bias broadcast over [B, C, H, W] is B·C runs of
 * H·W. The reference kernels build an Int32Array of every element's offset instead, which costs
 * more than the arithmetic for cheap ops.
 * @packageDocumentation
 */

/** Merges dims that every operand can step through as one, and drops size-1 dims. */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const s: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = s.length - 1;
    // dim d folds into the previous kept dim p when stride_p = stride_d · n for every operand
    if (last >= 0 && strides.every((x, k) => st[k]![last] === x[d]! * n)) {
      s[last] = s[last]! * n;
      strides.forEach((x, k) => (st[k]![last] = x[d]!));
    } else {
      s.push(n);
      strides.forEach((x, k) => st[k]!.push(x[d]!));
    }
  }
  return { shape: s, strides: st };
}

/**
 * Calls `run(len, base, step)` for each innermost run of `shape`: `base[k]` is operand k's
 * offset at the run's first element and `step[k]` its stride along the run. `base` and `step` are
 * reused between calls (read them, do not keep them).
 */
export function forEachRun(
  shape: readonly number[], offsets: readonly number[], strides: readonly (readonly number[])[],
  run: (len: number, base: Int32Array, step: Int32Array) => void,
): void {
  if (shape.some((n) => n === 0)) return;
  const c = coalesce(shape, strides);
  const nd = c.shape.length;
  const ops = offsets.length;
  const base = Int32Array.from(offsets);
  const step = new Int32Array(ops);
  if (nd === 0) {
    run(1, base, step);
    return;
  }
  for (let k = 0; k < ops; k++) step[k] = c.strides[k]![nd - 1]!;
  const len = c.shape[nd - 1]!;
  const idx = new Int32Array(nd);
  for (;;) {
    run(len, base, step);
    // odometer over the outer dims, moving every operand's base along
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]!++;
      for (let k = 0; k < ops; k++) base[k] = base[k]! + c.strides[k]![d]!;
      if (idx[d]! < c.shape[d]!) break;
      for (let k = 0; k < ops; k++) base[k] = base[k]! - idx[d]! * c.strides[k]![d]!;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
