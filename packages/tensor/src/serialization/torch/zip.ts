/**
 * A minimal ZIP reader for the archives `torch.save` writes (PyTorch ≥ 1.6): entries are stored
 * uncompressed, so reading one is a bounds-checked `subarray` plus a CRC-32 check. The central
 * directory is authoritative (local headers may carry zeroed sizes and alignment padding), and
 * ZIP64 records are honoured so archives above 4 GB or 65 535 entries work.
 * @packageDocumentation
 */
import { SerializationError } from '../../errors.js';

/** One member of the archive, as listed by the central directory. */
export interface ZipEntry {
  name: string;
  /** 0 = stored; anything else is compressed, which `torch.save` never writes. */
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header. */
  localOffset: number;
}

/** A parsed archive: its entries by name and a reader for their bytes. */
export interface ZipArchive {
  entries: Map<string, ZipEntry>;
  /** The bytes of entry `name` (a view into the archive, no copy); checks the method and CRC-32. */
  read(name: string): Uint8Array;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE, as in ZIP), table-driven. */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Parses the central directory of a ZIP archive. `what` names the file in error messages
 * (e.g. `loadTorch: "model.pt"`).
 */
export function readZip(bytes: Uint8Array, what: string): ZipArchive {
  const fail = (msg: string): never => {
    throw new SerializationError(`${what}: ${msg}`);
  };
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => dv.getUint16(o, true);
  const u32 = (o: number) => dv.getUint32(o, true);
  const u64 = (o: number) => {
    const v = dv.getBigUint64(o, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`a ZIP64 field holds ${v}, beyond what this reader can address (corrupt archive).`);
    return Number(v);
  };
  const inside = (o: number, n: number) => o >= 0 && o + n <= bytes.length;

  // The end-of-central-directory record sits in the last 22 + 65 535 (max comment) bytes.
  let eocd = -1;
  for (let o = bytes.length - 22; o >= Math.max(0, bytes.length - 22 - 0xffff); o--) {
    if (u32(o) === EOCD) {
      eocd = o;
      break;
    }
  }
  if (eocd < 0) {
    const legacy = bytes[0] === 0x80 ? ' It starts like a bare pickle: a file from PyTorch < 1.6 or saved with _use_new_zipfile_serialization=False, which Kiln does not read; re-save it with torch.save in PyTorch ≥ 1.6.' : '';
    fail(`not a ZIP archive (no end-of-central-directory record; the file is truncated or not written by torch.save).${legacy}`);
  }
  let count = u16(eocd + 10);
  let cdSize = u32(eocd + 12);
  let cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // ZIP64: a locator just before the EOCD points at the 64-bit end record.
    const loc = eocd - 20;
    if (!inside(loc, 20) || u32(loc) !== ZIP64_LOCATOR) fail('the archive needs ZIP64 records but has no ZIP64 locator (corrupt archive).');
    const rec = u64(loc + 8);
    if (!inside(rec, 56) || u32(rec) !== ZIP64_EOCD) fail(`the ZIP64 end record expected at byte ${rec} is missing (corrupt archive).`);
    count = u64(rec + 32);
    cdSize = u64(rec + 40);
    cdOffset = u64(rec + 48);
  }
  if (!inside(cdOffset, cdSize)) fail(`the central directory (${cdSize} bytes at ${cdOffset}) lies outside the ${bytes.length}-byte file (truncated or corrupt).`);

  const entries = new Map<string, ZipEntry>();
  const names = new TextDecoder('utf-8');
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (!inside(p, 46) || u32(p) !== CENTRAL) fail(`central directory entry ${i} at byte ${p} is malformed (corrupt archive).`);
    const flags = u16(p + 8);
    const nameLen = u16(p + 28);
    const extraLen = u16(p + 30);
    if (!inside(p + 46, nameLen + extraLen)) fail(`central directory entry ${i} runs past the end of the file.`);
    const name = names.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    if (flags & 1) fail(`entry "${name}" is encrypted; torch.save never encrypts, so this is not a PyTorch file.`);
    const e: ZipEntry = { name, method: u16(p + 10), crc32: u32(p + 16), compressedSize: u32(p + 20), size: u32(p + 24), localOffset: u32(p + 42) };
    // ZIP64 extra field (id 1): 64-bit values for exactly those fields saturated at 0xFFFFFFFF, in this order.
    for (let x = p + 46 + nameLen; x + 4 <= p + 46 + nameLen + extraLen; x += 4 + u16(x + 2)) {
      if (u16(x) !== 1) continue;
      let f = x + 4;
      for (const k of ['size', 'compressedSize', 'localOffset'] as const) {
        if (e[k] === 0xffffffff) {
          e[k] = u64(f);
          f += 8;
        }
      }
    }
    entries.set(name, e);
    p += 46 + nameLen + extraLen + u16(p + 32);
  }

  return {
    entries,
    read(name: string): Uint8Array {
      const e = entries.get(name);
      if (!e) return fail(`the archive has no entry "${name}".`);
      if (e.method !== 0) {
        fail(`entry "${name}" is compressed (ZIP method ${e.method}); torch.save stores entries uncompressed and Kiln reads only those. Re-save the file with torch.save instead of re-zipping it.`);
      }
      const lo = e.localOffset;
      if (!inside(lo, 30) || u32(lo) !== LOCAL) fail(`the local header of entry "${name}" (byte ${lo}) is missing (corrupt archive).`);
      const start = lo + 30 + u16(lo + 26) + u16(lo + 28);
      if (!inside(start, e.size)) fail(`entry "${name}" (${e.size} bytes at byte ${start}) runs past the end of the ${bytes.length}-byte file (truncated).`);
      const data = bytes.subarray(start, start + e.size);
      // A zero CRC on non-empty data is how writers that skip checksums mark them (torch's set_crc32_options(False)).
      if (e.crc32 !== 0 && crc32(data) !== e.crc32) fail(`entry "${name}" fails its CRC-32 check (corrupt file).`);
      return data;
    },
  };
}
