/**
 * Reading IDX files (Node): plain or gzip-compressed, recognised by the magic bytes, not by the name.
 * The format itself is parsed by idx-format.ts, which a browser tab uses too.
 *
 * Every problem is reported as one line that names the file, says what is wrong and what to do,
 * because a bad --data-dir is the most common way a user meets this code.
 */
import { readFileSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { MnistLabError } from '../util/errors.js';
import {
  MAX_IDX_BYTES, declared, describeStart, exactBytes, isGzip, ndimOf, parseHeader, parseIdxImageBytes, parseIdxLabelBytes,
  type IdxImages, type IdxKind,
} from './idx-format.js';

export { MAX_IDX_BYTES, parseIdxImageBytes, parseIdxLabelBytes, type IdxImages } from './idx-format.js';

/** DEFLATE spends at least 2 bits on 258 output bytes, so n compressed bytes never hold more than 1032n. */
const MAX_DEFLATE_RATIO = 1032;

/** While looking for the header of a gzipped file, decompress no more than this at a time. */
const GZIP_PEEK_BYTES = 64 * 1024;

/** Reads a file and gunzips it when its first two bytes are the gzip magic (1f 8b). */
export function readMaybeGzipped(path: string): Uint8Array {
  const raw = readIdxFile(path);
  if (!isGzip(raw)) return raw;
  return gunzip(raw, path, MAX_IDX_BYTES, () => `more than ${MAX_IDX_BYTES} bytes, larger than any IDX file mnist-lab reads`);
}

/** Reads an IDX3 uint8 image file (magic 0x00000803), plain or gzipped. */
export function readIdxImages(path: string): IdxImages {
  return parseIdxImages(readIdxFile(path), path);
}

/** Reads an IDX1 uint8 label file (magic 0x00000801), plain or gzipped; every label must be 0-9. */
export function readIdxLabels(path: string): Uint8Array {
  return parseIdxLabels(readIdxFile(path), path);
}

/**
 * Parses IDX3 image bytes, plain or gzipped; `name` is only used in error messages. The result is a
 * view into `bytes` when they are not compressed.
 */
export function parseIdxImages(bytes: Uint8Array, name: string): IdxImages {
  return parseIdxImageBytes(isGzip(bytes) ? gunzipIdx(bytes, name, 'images') : bytes, name);
}

/**
 * Parses IDX1 label bytes, plain or gzipped; `name` is only used in error messages. The result is a
 * view into `bytes` when they are not compressed.
 */
export function parseIdxLabels(bytes: Uint8Array, name: string): Uint8Array {
  return parseIdxLabelBytes(isGzip(bytes) ? gunzipIdx(bytes, name, 'labels') : bytes, name);
}

function readIdxFile(path: string): Uint8Array {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (err) {
    throw new MnistLabError(`${path}: cannot read the file (${describeFsError(err)})`);
  }
  if (!isGzip(raw) && path.endsWith('.gz')) {
    throw new MnistLabError(
      `${path}: named .gz but its content is not gzip-compressed (${describeStart(raw)}); ` +
        'rename it without .gz if it is a raw IDX file, or download it again',
    );
  }
  return raw;
}

/**
 * Decompresses a gzipped IDX file without trusting it: first only as much as holds the header, then
 * the whole file, refused as soon as it grows past the size the header declares. That size is checked
 * first against what the compressed bytes can possibly hold, so a corrupt header or a decompression
 * bomb never makes us allocate more than the file can really contain.
 */
function gunzipIdx(gz: Uint8Array, name: string, kind: IdxKind): Uint8Array {
  const headerBytes = 4 + 4 * ndimOf(kind);
  const head = gunzipHead(gz, name, headerBytes);
  const dims = parseHeader(head, name, kind);
  const size = headerBytes + dims.reduce((a, b) => a * b, 1);
  const what = declared(kind, dims);
  if (size > MAX_IDX_BYTES) {
    throw new MnistLabError(`${name}: the header declares ${what} (${exactBytes(dims)} data bytes), more than any IDX file mnist-lab reads; the file is corrupt`);
  }
  if (size > MAX_DEFLATE_RATIO * gz.length) {
    throw new MnistLabError(
      `${name}: the header declares ${what} (${size} bytes), more than ${gz.length} gzip-compressed bytes can hold; ` +
        'the file is corrupt or truncated, download it again',
    );
  }
  return gunzip(gz, name, size, () => `more bytes than the ${what} the header declares; the file is corrupt or not an IDX file`);
}

/** The first `want` decompressed bytes (or fewer when the data ends sooner), decompressing little more. */
function gunzipHead(gz: Uint8Array, name: string, want: number): Uint8Array {
  // A prefix of the compressed stream, flushed, gives the bytes it encodes. Grow the prefix until
  // the header is out; when a prefix gives more than GZIP_PEEK_BYTES, shrink it (one compressed
  // byte encodes at most 1032 bytes, so this always ends).
  let lo = 0; // a prefix too short
  let hi = gz.length + 1; // a prefix too long
  let k = Math.min(256, gz.length);
  for (;;) {
    let out: Uint8Array | null = null;
    try {
      out = gunzipSync(gz.subarray(0, k), { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: GZIP_PEEK_BYTES });
    } catch (err) {
      if (!isTooLarge(err)) throw corruptGzip(name, err);
    }
    if (out !== null && (out.length >= want || k === gz.length)) return out;
    if (out === null) hi = k;
    else lo = k;
    const next = hi > gz.length ? Math.min(2 * k, gz.length) : Math.floor((lo + hi) / 2);
    if (next <= lo) throw corruptGzip(name, new Error('no header found'));
    k = next;
  }
}

function gunzip(gz: Uint8Array, name: string, maxBytes: number, tooLarge: () => string): Uint8Array {
  try {
    return gunzipSync(gz, { maxOutputLength: maxBytes });
  } catch (err) {
    if (isTooLarge(err)) throw new MnistLabError(`${name}: its gzip data decompresses to ${tooLarge()}`);
    throw corruptGzip(name, err);
  }
}

function isTooLarge(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ERR_BUFFER_TOO_LARGE';
}

function corruptGzip(name: string, err: unknown): MnistLabError {
  const reason = err instanceof Error ? err.message : String(err);
  return new MnistLabError(`${name}: gzip data is corrupt or incomplete (${reason}); download the file again`);
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return err instanceof Error ? err.message : String(err);
}
