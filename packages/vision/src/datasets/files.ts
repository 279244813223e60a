/**
 * File helpers for datasets: reading (optionally gzipped) files and the errors that tell users
 * where to put files, since this package never downloads anything.
 * @packageDocumentation
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { KilnError, ValueError } from '@kiln/tensor';

/** A dataset file is missing (the message lists the expected files and places). */
export class DatasetNotFoundError extends KilnError {
  override name = 'DatasetNotFoundError';
}

/** A dataset file is corrupt, truncated or does not match its companion file. */
export class DatasetFormatError extends KilnError {
  override name = 'DatasetFormatError';
}

/**
 * The error for `download: true`: Kiln has no network access here (and never fetches behind the
 * user's back), so it says which files to fetch and where to place them.
 */
export function downloadError(dataset: string, dir: string, files: readonly string[], source: string): ValueError {
  return new ValueError(
    `${dataset}: download=true is not supported — this package does not download files (no network access is assumed). ` +
      `Download them yourself from ${source} and place them in ${dir}:\n  ${files.join('\n  ')}\n` +
      `(.gz versions are read too). Then construct ${dataset} without download.`,
  );
}

/** Finds `name` (or `name.gz`) in the first directory that has it. */
export function findFile(dirs: readonly string[], name: string): string | null {
  for (const d of dirs) {
    for (const candidate of [join(d, name), join(d, `${name}.gz`)]) if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** Reads a file, gunzipping `.gz` files (or any file starting with the gzip magic bytes). */
export function readMaybeGzip(path: string): Uint8Array {
  const buf = readFileSync(path);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      return new Uint8Array(gunzipSync(buf));
    } catch (e) {
      throw new DatasetFormatError(`${path}: could not gunzip the file (${(e as Error).message}); it is probably truncated — download it again`);
    }
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
