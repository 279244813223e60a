/**
 * The IDX file format of MNIST-style datasets (LeCun's "SN3 Pascal Vincent" format): a big-endian
 * magic number `0x0000 TT NN` (TT = element type, NN = number of dims), NN big-endian uint32
 * sizes, then the elements.
 * @packageDocumentation
 */
import { DatasetFormatError, readMaybeGzip } from './files.js';

/** Dims and bytes of an unsigned-byte IDX file. */
export interface IdxData {
  dims: number[];
  data: Uint8Array;
}

/** Parses an IDX buffer holding unsigned bytes (type 0x08); `path` names the file in errors. */
export function parseIdx(buf: Uint8Array, path: string, expectedDims?: number): IdxData {
  if (buf.length < 4) throw new DatasetFormatError(`${path}: file is ${buf.length} bytes, too short for an IDX header; the file is truncated — download it again`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = view.getUint32(0);
  const nd = magic & 0xff, type = (magic >> 8) & 0xff;
  if (magic >>> 16 !== 0 || nd < 1 || nd > 3 || type < 0x08 || type > 0x0e) {
    throw new DatasetFormatError(`${path}: bad magic number 0x${magic.toString(16).padStart(8, '0')}; not an IDX file (expected 0x00000801 for labels or 0x00000803 for images)`);
  }
  if (type !== 0x08) throw new DatasetFormatError(`${path}: IDX element type 0x${type.toString(16)} is not supported; MNIST-style files hold unsigned bytes (0x08)`);
  if (expectedDims !== undefined && nd !== expectedDims) {
    throw new DatasetFormatError(`${path}: expected an IDX file with ${expectedDims} dims (magic 0x0000080${expectedDims}), got ${nd} dims (magic 0x${magic.toString(16).padStart(8, '0')}); are the image and label files swapped?`);
  }
  const header = 4 + 4 * nd;
  if (buf.length < header) throw new DatasetFormatError(`${path}: truncated IDX header (${buf.length} bytes, need ${header})`);
  const dims = Array.from({ length: nd }, (_, i) => view.getUint32(4 + 4 * i));
  const n = dims.reduce((a, b) => a * b, 1);
  if (buf.length - header !== n) {
    throw new DatasetFormatError(`${path}: header says [${dims.join(', ')}] = ${n} bytes of data but the file has ${buf.length - header}; the file is ${buf.length - header < n ? 'truncated' : 'too long'} — download it again`);
  }
  return { dims, data: buf.subarray(header) };
}

/** Reads and parses an IDX file (gzipped or not). */
export function readIdx(path: string, expectedDims?: number): IdxData {
  return parseIdx(readMaybeGzip(path), path, expectedDims);
}
