/**
 * Plumbing for the conformance suite: deterministic inputs, strided layouts over uploaded
 * buffers, readback, and the tolerance check that reports the first mismatching element.
 * @packageDocumentation
 */
import type { Backend, Handle, Operand } from '../backend/backend.js';
import { allocArray, type DType, type TypedArray } from '../dtype.js';
import { contiguousStrides, type View } from '../shape.js';
import { count, readView, roundTo } from './oracle.js';

/** A small seeded PRNG (mulberry32): the same test id always sees the same inputs. */
export function rng(seedText: string): () => number {
  let s = 0;
  for (const c of seedText) s = (Math.imul(s, 31) + c.charCodeAt(0)) | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Floats that exercise edge cases: NaN, ±Inf, ±0, halves (round-half-even), tiny and ordinary values. */
export const FLOAT_SPECIALS = [NaN, -Infinity, Infinity, -0, 0, 1, -1, 0.5, -2.5, 3, 1e-3, 7.25];
/** Ints with sign, zero and the int32 extremes (for wrap-around). */
export const INT_SPECIALS = [0, 1, -1, 7, -7, 2147483647, -2147483648, 46341];

/** Random values suited to a dtype: floats in [-lo, lo], ints in [-lo, lo], bools 0/1. */
export function randomValues(dtype: DType, n: number, rand: () => number, lo = 4): number[] {
  return Array.from({ length: n }, () => {
    const u = rand() * 2 - 1;
    if (dtype === 'bool') return u > 0 ? 1 : 0;
    if (dtype === 'int32') return Math.round(u * lo);
    return roundTo(u * lo, dtype);
  });
}

/** How a logical input is laid out in its uploaded buffer. */
export type Layout = 'contiguous' | 'transposed' | 'offset' | 'negative';

/** The view giving `shape` under `layout`, and the length of the buffer it needs. */
export function layoutView(shape: readonly number[], layout: Layout): { view: View; size: number } {
  const n = count(shape);
  const nd = shape.length;
  if (layout === 'transposed' && nd >= 2) {
    // buffer holds the last two dims swapped; the view swaps them back
    const bshape = [...shape.slice(0, nd - 2), shape[nd - 1]!, shape[nd - 2]!];
    const st = contiguousStrides(bshape);
    const strides = [...st.slice(0, nd - 2), st[nd - 1]!, st[nd - 2]!];
    return { view: { shape: [...shape], strides, offset: 0 }, size: n };
  }
  if (layout === 'offset') return { view: { shape: [...shape], strides: contiguousStrides(shape), offset: 3 }, size: n + 5 };
  if (layout === 'negative' && nd >= 1 && n > 0) {
    const st = contiguousStrides(shape);
    const strides = [-st[0]!, ...st.slice(1)];
    return { view: { shape: [...shape], strides, offset: (shape[0]! - 1) * st[0]! }, size: n };
  }
  return { view: { shape: [...shape], strides: contiguousStrides(shape), offset: 0 }, size: n };
}

/** Host typed array of a dtype from plain numbers. */
export function hostArray(dtype: DType, values: readonly number[]): TypedArray {
  const a = allocArray(dtype, values.length);
  for (let i = 0; i < values.length; i++) a[i] = dtype === 'bool' ? (values[i] ? 1 : 0) : values[i]!;
  return a;
}

/** Tolerance of a comparison: |actual − expected| ≤ atol + rtol·|expected| (NaN must meet NaN, ±Inf must be exact). */
export interface Tol { rtol?: number; atol?: number | readonly number[] }

/** Per-test helper bound to a backend: uploads, tracks handles for release, reads and checks. */
export class Bench {
  private readonly handles: Handle[] = [];
  constructor(readonly b: Backend, readonly rand: () => number) {}

  /** Registers a handle for release at the end of the test. */
  track<H extends Handle>(h: H): H {
    this.handles.push(h);
    return h;
  }

  /** Uploads plain numbers as `dtype`; returns the handle and the values as stored (rounded). */
  upload(dtype: DType, values: readonly number[]): { handle: Handle; stored: number[] } {
    const a = hostArray(dtype, values);
    return { handle: this.track(this.b.upload(a, dtype)), stored: Array.from(a) };
  }

  /** An operand of `shape` holding `values` (row-major) under `layout`. */
  input(dtype: DType, shape: readonly number[], values: readonly number[], layout: Layout = 'contiguous'): { op: Operand; values: number[] } {
    const { view, size } = layoutView(shape, layout);
    // place the logical values where the view will read them; fill the rest with junk
    const buf = new Array<number>(size).fill(dtype === 'bool' ? 1 : 99);
    const pos = readView([...Array(size).keys()], view);
    pos.forEach((p, i) => (buf[p] = values[i]!));
    const { handle, stored } = this.upload(dtype, buf);
    return { op: { handle, dtype, view }, values: readView(stored, view) };
  }

  /** An operand with random values. */
  randomInput(dtype: DType, shape: readonly number[], layout: Layout = 'contiguous', lo = 4): { op: Operand; values: number[] } {
    return this.input(dtype, shape, randomValues(dtype, count(shape), this.rand, lo), layout);
  }

  /** Reads a fresh contiguous output handle. */
  async read(h: Handle, dtype: DType, shape: readonly number[]): Promise<number[]> {
    this.track(h);
    return Array.from(await this.b.read({ handle: h, dtype, view: { shape: [...shape], strides: contiguousStrides(shape), offset: 0 } }));
  }

  /** Releases every tracked handle. */
  dispose(): void {
    for (const h of this.handles.splice(0)) this.b.release(h);
  }
}

function fmt(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** Throws a readable error at the first element outside tolerance (expected values are rounded to `dtype`). */
export function check(what: string, actual: ArrayLike<number>, expected: readonly number[], dtype: DType, tol: Tol = {}): void {
  if (actual.length !== expected.length) throw new Error(`${what}: expected ${expected.length} elements, got ${actual.length}`);
  const rtol = tol.rtol ?? 0;
  let bad = 0;
  let first = -1;
  for (let i = 0; i < expected.length; i++) {
    const e = roundTo(expected[i]!, dtype);
    const a = actual[i]!;
    const atol = typeof tol.atol === 'number' ? tol.atol : tol.atol?.[i] ?? 0;
    const ok = e !== e ? a !== a : Math.abs(e) === Infinity ? a === e : Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad) {
    const e = roundTo(expected[first]!, dtype);
    throw new Error(
      `${what}: ${bad} of ${expected.length} elements differ from the oracle; first at flat index ${first}: got ${fmt(actual[first]!)}, expected ${fmt(e)}` +
        (rtol || tol.atol ? ` (rtol ${rtol}, atol ${typeof tol.atol === 'number' ? tol.atol : 'per element'})` : ' (exact)'),
    );
  }
}
