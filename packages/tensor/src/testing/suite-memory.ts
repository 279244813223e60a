/**
 * Conformance tests for storage (alloc, upload, read, readSync, retain/release, byteLength),
 * `contiguous` on every kind of view (transposed, broadcast, negative-stride, overlapping im2col
 * windows, offset, 0-d, empty), strided writes (`copyInto`, `fill`) and `gather`/`scatter`.
 * @packageDocumentation
 */
import type { Operand } from '../backend/backend.js';
import { DTYPES, itemSize } from '../dtype.js';
import type { View } from '../shape.js';
import { check, hostArray, randomValues } from './harness.js';
import { count, gatherOracle, readView, scatterOracle, viewPositions } from './oracle.js';
import type { Suite } from './registrar.js';

/** Views `contiguous` must materialise, over a buffer of `size` elements. */
const VIEWS: Record<string, { size: number; view: View }> = {
  transposed: { size: 12, view: { shape: [4, 3], strides: [1, 4], offset: 0 } },
  'broadcast (stride 0)': { size: 8, view: { shape: [2, 3, 4], strides: [4, 0, 1], offset: 0 } },
  'negative strides': { size: 12, view: { shape: [3, 4], strides: [-4, -1], offset: 11 } },
  'overlapping 1-D windows': { size: 10, view: { shape: [8, 3], strides: [1, 1], offset: 0 } },
  // a 5x5 image's 3x3 patches at stride 1: the im2col that conv is built on
  'overlapping im2col patches': { size: 25, view: { shape: [3, 3, 3, 3], strides: [5, 1, 5, 1], offset: 0 } },
  'offset slice with step': { size: 20, view: { shape: [2, 3], strides: [8, 2], offset: 5 } },
  '0-d at an offset': { size: 4, view: { shape: [], strides: [], offset: 2 } },
  empty: { size: 4, view: { shape: [0, 4], strides: [4, 1], offset: 0 } },
};

/** Registers the storage, layout, strided-write and gather/scatter conformance tests. */
export function registerMemory({ define, dtypes }: Suite): void {
  for (const dtype of dtypes(DTYPES)) {
    define(`storage/upload-read/${dtype}`, dtype, async (k) => {
      const vals = randomValues(dtype, 24, k.rand, 100);
      const src = hostArray(dtype, vals);
      const h = k.track(k.b.upload(src, dtype));
      const stored = Array.from(src);
      src.fill(0); // upload must copy
      if (k.b.byteLength(h) < 24 * itemSize(dtype)) throw new Error(`byteLength: ${k.b.byteLength(h)} < ${24 * itemSize(dtype)} bytes uploaded`);
      const whole: Operand = { handle: h, dtype, view: { shape: [24], strides: [1], offset: 0 } };
      const got = await k.b.read(whole);
      if (got.constructor !== src.constructor) throw new Error(`read ${dtype}: expected a ${src.constructor.name}, got ${got.constructor.name}`);
      check(`read ${dtype}`, got, stored, dtype);
      const view: Operand = { handle: h, dtype, view: { shape: [3, 4], strides: [1, 6], offset: 1 } };
      check(`read ${dtype} strided view`, await k.b.read(view), readView(stored, view.view), dtype);
      if (k.b.readSync) {
        check(`readSync ${dtype}`, k.b.readSync(whole), stored, dtype);
        check(`readSync ${dtype} strided view`, k.b.readSync(view), readView(stored, view.view), dtype);
      }
      const empty = k.track(k.b.upload(hostArray(dtype, []), dtype));
      check(`read ${dtype} empty`, await k.b.read({ handle: empty, dtype, view: { shape: [0], strides: [1], offset: 0 } }), [], dtype);
      check(`read ${dtype} 0-d`, await k.b.read({ handle: h, dtype, view: { shape: [], strides: [], offset: 5 } }), [stored[5]!], dtype);
    });

    define(`storage/alloc-fill/${dtype}`, dtype, async (k) => {
      const h = k.track(k.b.alloc(dtype, 10));
      if (k.b.byteLength(h) < 10 * itemSize(dtype)) throw new Error(`alloc: byteLength ${k.b.byteLength(h)} < ${10 * itemSize(dtype)}`);
      const whole: Operand = { handle: h, dtype, view: { shape: [10], strides: [1], offset: 0 } };
      const v = dtype === 'bool' ? 1 : dtype === 'int32' ? -7 : 2.5;
      k.b.fill(whole, v);
      check(`alloc + fill ${dtype}`, await k.b.read(whole), new Array(10).fill(v), dtype);
    });

    define(`fill/strided/${dtype}`, dtype, async (k) => {
      const base = randomValues(dtype, 24, k.rand, 100);
      const { handle, stored } = k.upload(dtype, base);
      const v = dtype === 'bool' ? (stored[1] ? 0 : 1) : dtype === 'int32' ? 42 : -1.5;
      for (const view of [
        { shape: [2, 3], strides: [12, 2], offset: 1 },
        { shape: [3, 2], strides: [-2, 12], offset: 4 },
        { shape: [], strides: [], offset: 23 },
        { shape: [0, 3], strides: [3, 1], offset: 0 },
      ] as View[]) {
        k.b.fill({ handle, dtype, view }, v);
        for (const p of viewPositions(view)) stored[p] = v;
      }
      check(`fill ${dtype} strided`, await k.b.read({ handle, dtype, view: { shape: [24], strides: [1], offset: 0 } }), stored, dtype);
    });

    define(`copyInto/strided/${dtype}`, dtype, async (k) => {
      const { handle, stored } = k.upload(dtype, randomValues(dtype, 24, k.rand, 100));
      const dstView: View = { shape: [3, 4], strides: [1, 6], offset: 1 }; // a transposed slice of a [4,6] buffer
      const write = (src: { op: Operand; values: number[] }, view: View) => {
        k.b.copyInto({ handle, dtype, view }, src.op);
        viewPositions(view).forEach((p, i) => (stored[p] = src.values[i]!));
      };
      write(k.randomInput(dtype, [3, 4], 'transposed', 100), dstView);
      // a broadcast (stride 0) source, into a negative-stride destination
      const row = k.randomInput(dtype, [4], 'offset', 100);
      write({ op: { ...row.op, view: { shape: [2, 4], strides: [0, 1], offset: row.op.view.offset } }, values: [...row.values, ...row.values] }, { shape: [2, 4], strides: [-12, 1], offset: 20 });
      write(k.randomInput(dtype, [], 'contiguous', 100), { shape: [], strides: [], offset: 0 });
      write({ op: k.input(dtype, [0], []).op, values: [] }, { shape: [0], strides: [1], offset: 3 });
      check(`copyInto ${dtype}`, await k.b.read({ handle, dtype, view: { shape: [24], strides: [1], offset: 0 } }), stored, dtype);
    });

    for (const [kind, { size, view }] of Object.entries(VIEWS)) {
      define(`contiguous/${kind.replace(/ /g, '-')}/${dtype}`, dtype, async (k) => {
        const { handle, stored } = k.upload(dtype, randomValues(dtype, size, k.rand, 100));
        const got = await k.read(k.b.contiguous({ handle, dtype, view }), dtype, view.shape);
        check(`contiguous ${kind} ${dtype}`, got, readView(stored, view), dtype);
      });
    }

    define(`gather/${dtype}`, dtype, async (k) => {
      const x = k.randomInput(dtype, [3, 5], 'transposed', 100);
      const cases: [number, number[], number][] = [[1, [3, 4], 5], [0, [2, 5], 3], [1, [3, 0], 5]];
      for (const [axis, ishape, range] of cases) {
        const iv = Array.from({ length: count(ishape) }, () => Math.floor(k.rand() * range));
        const index = k.input('int32', ishape, iv, 'offset');
        const got = await k.read(k.b.gather(x.op, axis, index.op), dtype, ishape);
        check(`gather ${dtype} axis ${axis} index ${ishape}`, got, gatherOracle(x.values, [3, 5], axis, iv, ishape), dtype);
      }
      const z = k.input(dtype, [], [dtype === 'bool' ? 1 : 3]);
      const zi = k.input('int32', [], [0]);
      check(`gather ${dtype} 0-d`, await k.read(k.b.gather(z.op, 0, zi.op), dtype, []), z.values, dtype);
    });

    for (const mode of ['assign', 'add'] as const) {
      if (mode === 'add' && dtype === 'bool') continue;
      define(`scatter/${mode}/${dtype}`, dtype, async (k) => {
        const x = k.randomInput(dtype, [3, 5], 'negative', 100);
        const src = k.randomInput(dtype, [3, 4], 'transposed', 100); // larger than the index: only its corner is read
        let iv: number[];
        let ishape: number[];
        if (mode === 'assign') {
          // distinct targets per row (duplicates make assign order-dependent, as in PyTorch)
          ishape = [3, 2];
          iv = [4, 0, 2, 3, 1, 4];
        } else {
          ishape = [3, 4];
          iv = Array.from({ length: 12 }, () => Math.floor(k.rand() * 2)); // many duplicates
        }
        const index = k.input('int32', ishape, iv, 'transposed');
        const got = await k.read(k.b.scatter(x.op, 1, index.op, src.op, mode), dtype, [3, 5]);
        check(`scatter ${mode} ${dtype}`, got, scatterOracle(x.values, [3, 5], 1, iv, ishape, src.values, [3, 4], mode, dtype), dtype);
        const iv0 = mode === 'assign' ? [2, 0] : [1, 1, 1];
        const index0 = k.input('int32', [1, iv0.length], iv0);
        const got0 = await k.read(k.b.scatter(x.op, 1, index0.op, src.op, mode), dtype, [3, 5]);
        check(`scatter ${mode} ${dtype} axis 1, one row`, got0, scatterOracle(x.values, [3, 5], 1, iv0, [1, iv0.length], src.values, [3, 4], mode, dtype), dtype);
        const ie = k.input('int32', [0, 5], []);
        check(`scatter ${mode} ${dtype} empty index`, await k.read(k.b.scatter(x.op, 0, ie.op, src.op, mode), dtype, [3, 5]), x.values, dtype);
      });
    }
  }

  define('storage/retain-release', null, async (k) => {
    const h = k.b.upload(new Float32Array([1, 2, 3]), 'float32');
    k.b.retain(h);
    k.b.release(h); // one reference left: still readable
    check('read after retain + release', await k.b.read({ handle: h, dtype: 'float32', view: { shape: [3], strides: [1], offset: 0 } }), [1, 2, 3], 'float32');
    k.b.release(h);
    k.b.flush();
  });
}
