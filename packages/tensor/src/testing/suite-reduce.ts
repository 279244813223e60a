/**
 * Conformance tests for `reduce`, `scan` and `sort`: every op over single, multiple, all and no
 * axes of non-contiguous inputs, ties (first/last index rules), NaN/±Inf, 0-d and empty tensors,
 * and a 1M-element reduction.
 * @packageDocumentation
 */
import type { ReduceOp, ScanOp } from '../backend/backend.js';
import { DTYPES, type DType } from '../dtype.js';
import { check, type Layout } from './harness.js';
import { reduceOracle, scanOracle, sortOracle } from './oracle.js';
import type { Suite } from './registrar.js';

const isFloat = (d: DType) => d === 'float32' || d === 'float64';

/** Values with many ties: halves in [-2, 2] for floats, small ints, bools. */
function tied(dtype: DType, n: number, rand: () => number): number[] {
  return Array.from({ length: n }, () => {
    const u = rand();
    if (dtype === 'bool') return u > 0.5 ? 1 : 0;
    return dtype === 'int32' ? Math.floor(u * 9) - 4 : Math.floor(u * 9) / 2 - 2;
  });
}

/** Per-element absolute tolerance of a float sum: a few ulps of Σ|x| over each reduced group. */
function sumTol(values: readonly number[], shape: readonly number[], axes: readonly number[], dtype: DType): number[] {
  const eps = dtype === 'float32' ? 1e-6 : 1e-14;
  return reduceOracle('sum', values.map(Math.abs), shape, axes, 'float64').map((s) => eps * s);
}

/** Reduce ops the tensor layer sends per dtype (sum/prod of bool are promoted to int32 first). */
const REDUCE_FOR: Record<DType, ReduceOp[]> = {
  float32: ['sum', 'prod', 'max', 'min', 'argmax', 'argmin'],
  float64: ['sum', 'prod', 'max', 'min', 'argmax', 'argmin'],
  int32: ['sum', 'prod', 'max', 'min', 'argmax', 'argmin'],
  bool: ['max', 'min'],
};

/** Registers the reduction, scan and sort conformance tests. */
export function registerReduce({ define, dtypes }: Suite): void {
  for (const dtype of dtypes(DTYPES)) {
    for (const op of REDUCE_FOR[dtype]) {
      define(`reduce/${op}/${dtype}`, dtype, async (k) => {
        const out: DType = op === 'argmax' || op === 'argmin' ? 'int32' : dtype;
        const shape = [3, 4, 5];
        const vals = tied(dtype, 60, k.rand);
        // argmax/argmin take one axis or all of them (PyTorch's dim=None flattens)
        const axesList = op.startsWith('arg') ? [[0], [2], [0, 1, 2]] : [[2], [1], [0, 2], [0, 1, 2]];
        for (const layout of ['transposed', 'negative'] as Layout[]) {
          const x = k.input(dtype, shape, vals, layout);
          for (const axes of axesList) {
            const oshape = shape.filter((_, d) => !axes.includes(d));
            const tol = op === 'sum' && isFloat(dtype) ? { atol: sumTol(x.values, shape, axes, dtype) } : {};
            const got = await k.read(k.b.reduce(op, x.op, axes, out), out, oshape);
            check(`reduce ${op} ${dtype} ${layout} axes [${axes}]`, got, reduceOracle(op, x.values, shape, axes, dtype), out, tol);
          }
        }
        // no axes: 0-d input, identity
        const z = k.input(dtype, [], [vals[3]!]);
        check(`reduce ${op} ${dtype} 0-d`, await k.read(k.b.reduce(op, z.op, [], out), out, []), reduceOracle(op, z.values, [], [], dtype), out);
        if (op === 'sum' || op === 'prod') {
          // empty: reducing a size-0 axis gives the identity; keeping it gives an empty result
          const e = k.input(dtype, [0, 3], []);
          check(`reduce ${op} ${dtype} over empty axis`, await k.read(k.b.reduce(op, e.op, [0], out), out, [3]), [op === 'sum' ? 0 : 1, op === 'sum' ? 0 : 1, op === 'sum' ? 0 : 1], out);
          check(`reduce ${op} ${dtype} of empty, other axis`, await k.read(k.b.reduce(op, e.op, [1], out), out, [0]), [], out);
        }
      });
    }

    if (isFloat(dtype)) {
      define(`reduce/nan-inf/${dtype}`, dtype, async (k) => {
        const rows = [
          [1, NaN, 5, NaN],
          [Infinity, 2, -Infinity, 0],
          [-Infinity, -Infinity, 3, -1],
          [Infinity, Infinity, -0, 0],
        ];
        const x = k.input(dtype, [4, 4], rows.flat(), 'transposed');
        for (const op of REDUCE_FOR[dtype]) {
          const out: DType = op.startsWith('arg') ? 'int32' : dtype;
          check(`reduce ${op} ${dtype} NaN/Inf`, await k.read(k.b.reduce(op, x.op, [1], out), out, [4]), reduceOracle(op, x.values, [4, 4], [1], dtype), out);
        }
      });
    }

    if (dtype === 'bool') continue;
    for (const op of ['cumsum', 'cumprod', 'cummax', 'cummin'] as ScanOp[]) {
      define(`scan/${op}/${dtype}`, dtype, async (k) => {
        const shape = [4, 6];
        const vals = tied(dtype, 24, k.rand);
        if (isFloat(dtype)) {
          vals[8] = NaN; // NaN sticks in cummax/cummin and propagates in sums
          vals[15] = Infinity;
        }
        const withIdx = op === 'cummax' || op === 'cummin';
        for (const layout of ['transposed', 'offset'] as Layout[]) {
          const x = k.input(dtype, shape, vals, layout);
          for (const axis of [0, 1]) {
            const r = k.b.scan(op, x.op, axis, dtype);
            const want = scanOracle(op, x.values, shape, axis, dtype);
            check(`scan ${op} ${dtype} ${layout} axis ${axis}`, await k.read(r.values, dtype, shape), want.values, dtype, isFloat(dtype) ? { rtol: 1e-6 } : {});
            if (withIdx) {
              if (!r.indices) throw new Error(`scan ${op}: the backend returned no indices`);
              check(`scan ${op} ${dtype} ${layout} axis ${axis} indices`, await k.read(r.indices, 'int32', shape), want.indices, 'int32');
            } else if (r.indices) k.track(r.indices);
          }
        }
        const z = k.input(dtype, [], [vals[2]!]);
        const r0 = k.b.scan(op, z.op, 0, dtype);
        if (r0.indices) k.track(r0.indices);
        check(`scan ${op} ${dtype} 0-d`, await k.read(r0.values, dtype, []), z.values, dtype);
        const e = k.input(dtype, [0, 3], []);
        const re = k.b.scan(op, e.op, 0, dtype);
        if (re.indices) k.track(re.indices);
        check(`scan ${op} ${dtype} empty`, await k.read(re.values, dtype, [0, 3]), [], dtype);
      });
    }
  }

  for (const dtype of dtypes(DTYPES)) {
    define(`sort/${dtype}`, dtype, async (k) => {
      const shape = [4, 7];
      const vals = tied(dtype, 28, k.rand);
      if (isFloat(dtype)) Object.assign(vals, { 2: NaN, 5: NaN, 9: -Infinity, 10: Infinity, 20: NaN, 21: -0 });
      for (const layout of ['contiguous', 'transposed', 'negative'] as Layout[]) {
        const x = k.input(dtype, shape, vals, layout);
        for (const axis of [1, 0]) {
          for (const descending of [false, true]) {
            const what = `sort ${dtype} ${layout} axis ${axis}${descending ? ' descending' : ''}`;
            const r = k.b.sort(x.op, axis, descending, true);
            const want = sortOracle(x.values, shape, axis, descending);
            check(what, await k.read(r.values, dtype, shape), want.values, dtype);
            check(`${what} indices (stable)`, await k.read(r.indices, 'int32', shape), want.indices, 'int32');
          }
        }
      }
      // unstable sort: values must match; indices must be a permutation that selects those values
      const x = k.input(dtype, shape, vals);
      const r = k.b.sort(x.op, 1, false, false);
      const v = await k.read(r.values, dtype, shape);
      const idx = await k.read(r.indices, 'int32', shape);
      check(`sort ${dtype} unstable values`, v, sortOracle(x.values, shape, 1, false).values, dtype);
      const picked = idx.map((j, p) => x.values[Math.floor(p / 7) * 7 + j]!);
      check(`sort ${dtype} unstable indices select the values`, picked, v, dtype);
      for (let row = 0; row < 4; row++) {
        const s = new Set(idx.slice(row * 7, row * 7 + 7));
        if (s.size !== 7) throw new Error(`sort ${dtype} unstable: indices of row ${row} are not a permutation: ${idx.slice(row * 7, row * 7 + 7)}`);
      }
      const z = k.input(dtype, [], [vals[0]!]);
      const r0 = k.b.sort(z.op, 0, false, true);
      check(`sort ${dtype} 0-d`, await k.read(r0.values, dtype, []), z.values, dtype);
      check(`sort ${dtype} 0-d index`, await k.read(r0.indices, 'int32', []), [0], 'int32');
      const e = k.input(dtype, [0, 3], []);
      const re = k.b.sort(e.op, 1, true, true);
      check(`sort ${dtype} empty`, await k.read(re.values, dtype, [0, 3]), [], dtype);
      k.track(re.indices);
    });
  }

  define('large/reduce', 'float32', async (k) => {
    const shape = [1 << 20];
    const x = k.randomInput('float32', shape, 'contiguous', 1);
    const sum = await k.read(k.b.reduce('sum', x.op, [0], 'float32'), 'float32', []);
    check('sum of 1M', sum, reduceOracle('sum', x.values, shape, [0], 'float32'), 'float32', { atol: sumTol(x.values, shape, [0], 'float32') });
    const mx = await k.read(k.b.reduce('max', x.op, [0], 'float32'), 'float32', []);
    check('max of 1M', mx, reduceOracle('max', x.values, shape, [0], 'float32'), 'float32');
    const am = await k.read(k.b.reduce('argmax', x.op, [0], 'int32'), 'int32', []);
    check('argmax of 1M', am, reduceOracle('argmax', x.values, shape, [0], 'float32'), 'int32');
    const rows = k.randomInput('float32', [1024, 1024], 'transposed', 1);
    const rs = await k.read(k.b.reduce('sum', rows.op, [1], 'float32'), 'float32', [1024]);
    check('row sums of a transposed 1024x1024', rs, reduceOracle('sum', rows.values, [1024, 1024], [1], 'float32'), 'float32', { atol: sumTol(rows.values, [1024, 1024], [1], 'float32') });
  });
}
