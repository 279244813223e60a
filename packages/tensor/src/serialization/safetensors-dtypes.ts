/**
 * The safetensors dtype table: how each file dtype maps onto Kiln's four dtypes, and the decoders
 * that widen or narrow the raw little-endian bytes.
 * @packageDocumentation
 */
import type { DType, TypedArray } from '../dtype.js';
import { SerializationError } from '../errors.js';

/**
 * Dtypes Kiln writes, with their rank in the reference implementation's `Dtype` enum (it orders
 * tensors in the file by descending rank, i.e. descending alignment, then by name).
 */
export const WRITE_DTYPE: Record<DType, { name: string; rank: number }> = {
  float64: { name: 'F64', rank: 12 },
  float32: { name: 'F32', rank: 11 },
  int32: { name: 'I32', rank: 9 },
  bool: { name: 'BOOL', rank: 0 },
};

/** Dtypes Kiln reads: element size in bytes and the Kiln dtype they load as. */
export const FILE_DTYPES: Record<string, { size: number; dtype: DType }> = {
  F64: { size: 8, dtype: 'float64' },
  F32: { size: 4, dtype: 'float32' },
  F16: { size: 2, dtype: 'float32' },
  BF16: { size: 2, dtype: 'float32' },
  I64: { size: 8, dtype: 'int32' },
  I32: { size: 4, dtype: 'int32' },
  I16: { size: 2, dtype: 'int32' },
  I8: { size: 1, dtype: 'int32' },
  U8: { size: 1, dtype: 'int32' },
  BOOL: { size: 1, dtype: 'bool' },
};

/** IEEE half → number (exact: every half is a float32). */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Decodes one tensor's bytes (an aligned private copy) into a typed array of its Kiln dtype.
 * I64 is narrowed to int32 with a range check, because Kiln's integer dtype is int32.
 */
export function decodeData(name: string, fileDtype: string, raw: Uint8Array): { data: TypedArray; dtype: DType } {
  const buf = raw.buffer;
  switch (fileDtype) {
    case 'F64': return { data: new Float64Array(buf), dtype: 'float64' };
    case 'F32': return { data: new Float32Array(buf), dtype: 'float32' };
    case 'I32': return { data: new Int32Array(buf), dtype: 'int32' };
    case 'BOOL': return { data: raw.map((v) => (v ? 1 : 0)), dtype: 'bool' };
    case 'U8': return { data: Int32Array.from(raw), dtype: 'int32' };
    case 'I8': return { data: Int32Array.from(new Int8Array(buf)), dtype: 'int32' };
    case 'I16': return { data: Int32Array.from(new Int16Array(buf)), dtype: 'int32' };
    case 'F16': return { data: Float32Array.from(new Uint16Array(buf), halfToNumber), dtype: 'float32' };
    case 'BF16': {
      // bfloat16 is the top half of a float32
      const src = new Uint16Array(buf);
      const bits = new Uint32Array(src.length);
      for (let i = 0; i < src.length; i++) bits[i] = src[i]! << 16;
      return { data: new Float32Array(bits.buffer), dtype: 'float32' };
    }
    case 'I64': {
      const src = new BigInt64Array(buf);
      const out = new Int32Array(src.length);
      for (let i = 0; i < src.length; i++) {
        const v = src[i]!;
        if (v > 2147483647n || v < -2147483648n) {
          throw new SerializationError(
            `deserialize: tensor "${name}" is I64 and its element ${i} (${v}) does not fit in int32, Kiln's integer dtype; ` +
              'store it as F64 (or I32 after checking the range) before saving.',
          );
        }
        out[i] = Number(v);
      }
      return { data: out, dtype: 'int32' };
    }
    default:
      throw new SerializationError(`deserialize: tensor "${name}" has unsupported dtype "${fileDtype}".`);
  }
}
