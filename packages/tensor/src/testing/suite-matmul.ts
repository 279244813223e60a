/**
 * Conformance tests for `matmul`: odd sizes (1, 3, 17), batches, broadcast batch dims with
 * stride-0 operands, transposed operands, empty K/M, NaN/±Inf propagation.
 * @packageDocumentation
 */
import type { Operand } from '../backend/backend.js';
import { check, randomValues, type Layout, type Tol } from './harness.js';
import { count, matmulOracle } from './oracle.js';
import type { Suite } from './registrar.js';

/** Registers the matmul conformance tests. */
export function registerMatmul({ define, dtypes }: Suite): void {
  for (const dtype of dtypes(['float32', 'float64', 'int32'])) {
    const tolFor = (K: number): Tol => (dtype === 'float32' ? { rtol: 1e-5, atol: 1e-6 * K } : dtype === 'float64' ? { rtol: 1e-13, atol: 1e-14 * K } : {});
    const vals = (n: number, rand: () => number) => randomValues(dtype, n, rand, dtype === 'int32' ? 9 : 1);

    /** Runs one product; `a`/`b` values are logical row-major, batch shapes equal after broadcasting. */
    const run = async (k: Parameters<Parameters<typeof define>[2]>[0], what: string, a: { op: Operand; values: number[] }, b: { op: Operand; values: number[] }) => {
      const as = a.op.view.shape, bs = b.op.view.shape;
      const nd = as.length;
      const M = as[nd - 2]!, K = as[nd - 1]!, N = bs[nd - 1]!;
      const out = [...as.slice(0, nd - 2), M, N];
      const got = await k.read(k.b.matmul(a.op, b.op, out, dtype), dtype, out);
      check(`matmul ${dtype} ${what}`, got, matmulOracle(a.values, b.values, count(as.slice(0, nd - 2)), M, K, N), dtype, tolFor(K));
    };

    define(`matmul/odd-sizes/${dtype}`, dtype, async (k) => {
      for (const [M, K, N] of [[1, 1, 1], [3, 17, 5], [17, 3, 1], [1, 17, 3], [5, 1, 17], [17, 17, 17]] as const) {
        await run(k, `${M}x${K} @ ${K}x${N}`, k.input(dtype, [M, K], vals(M * K, k.rand)), k.input(dtype, [K, N], vals(K * N, k.rand)));
      }
    });

    define(`matmul/transposed/${dtype}`, dtype, async (k) => {
      for (const [la, lb] of [['transposed', 'contiguous'], ['contiguous', 'transposed'], ['transposed', 'transposed'], ['offset', 'negative']] as Layout[][]) {
        await run(k, `${la} @ ${lb}`, k.input(dtype, [3, 4], vals(12, k.rand), la), k.input(dtype, [4, 5], vals(20, k.rand), lb));
        await run(k, `batched ${la} @ ${lb}`, k.input(dtype, [2, 3, 17], vals(102, k.rand), la), k.input(dtype, [2, 17, 3], vals(102, k.rand), lb));
      }
    });

    define(`matmul/batched/${dtype}`, dtype, async (k) => {
      await run(k, '[2,3,4] @ [2,4,5]', k.input(dtype, [2, 3, 4], vals(24, k.rand)), k.input(dtype, [2, 4, 5], vals(40, k.rand)));
      await run(k, '[2,2,3,1] @ [2,2,1,3]', k.input(dtype, [2, 2, 3, 1], vals(12, k.rand)), k.input(dtype, [2, 2, 1, 3], vals(12, k.rand)));
    });

    define(`matmul/broadcast-batch/${dtype}`, dtype, async (k) => {
      // b is one [4,5] matrix expanded over a batch of 3 (stride 0), a is [3,2,4]
      const a = k.input(dtype, [3, 2, 4], vals(24, k.rand));
      const b0 = k.input(dtype, [4, 5], vals(20, k.rand), 'transposed');
      const b = { op: { ...b0.op, view: { shape: [3, 4, 5], strides: [0, ...b0.op.view.strides], offset: b0.op.view.offset } }, values: [...b0.values, ...b0.values, ...b0.values] };
      await run(k, '[3,2,4] @ expand([4,5])', a, b);
      // both expanded along different batch dims: [2,1]→[2,3] and [1,3]→[2,3]
      const c0 = k.input(dtype, [2, 3, 4], vals(24, k.rand));
      const c = { op: { ...c0.op, view: { shape: [2, 3, 3, 4], strides: [12, 0, 4, 1], offset: 0 } }, values: [0, 1].flatMap((i) => [0, 1, 2].flatMap(() => c0.values.slice(i * 12, i * 12 + 12))) };
      const d0 = k.input(dtype, [3, 4, 2], vals(24, k.rand));
      const d = { op: { ...d0.op, view: { shape: [2, 3, 4, 2], strides: [0, 8, 2, 1], offset: 0 } }, values: [...d0.values, ...d0.values] };
      await run(k, 'expand([2,1,3,4]) @ expand([1,3,4,2])', c, d);
    });

    define(`matmul/empty/${dtype}`, dtype, async (k) => {
      await run(k, 'K = 0', k.input(dtype, [2, 0], []), k.input(dtype, [0, 3], []));
      await run(k, 'M = 0', k.input(dtype, [0, 4], []), k.input(dtype, [4, 3], vals(12, k.rand)));
      await run(k, 'batch = 0', k.input(dtype, [0, 2, 4], []), k.input(dtype, [0, 4, 3], []));
    });

    if (dtype !== 'int32') {
      define(`matmul/nan-inf/${dtype}`, dtype, async (k) => {
        // 0 * Inf = NaN must propagate (no skipping of zero entries)
        const a = k.input(dtype, [3, 2], [1, NaN, 0, 1, 0, 0]);
        const b = k.input(dtype, [2, 3], [Infinity, 1, -Infinity, 1, 1, 2]);
        await run(k, 'NaN/Inf', a, b);
      });
    }
  }
}
