/**
 * Reader for the IDX format that MNIST, Fashion-MNIST and KMNIST ship in: a 4-byte magic number
 * (two zero bytes, a type code, the number of dimensions), one big-endian u32 per dimension, then the
 * data. Files may be gzip-compressed; compression is recognised by its magic bytes, not by the name.
 *
 * Every problem is reported as one line that names the file, says what is wrong and what to do,
 * because a bad --data-dir is the most common way a user meets this code.
 */
import { readFileSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { MnistLabError } from '../util/errors.js';

/** A stack of uint8 images, row-major: image k starts at k*height*width. */
export interface IdxImages {
  readonly images: Uint8Array;
  readonly n: number;
  readonly height: number;
  readonly width: number;
}

const IDX_TYPE_UINT8 = 0x08;
const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;
const NUM_CLASSES = 10;

/**
 * The largest (uncompressed) IDX file accepted: Node reads no larger file in one piece, and it is
 * four times the largest image dataset of this kind (EMNIST ByClass, 0.55 GB).
 */
export const MAX_IDX_BYTES = 2 ** 31 - 1;

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
  const plain = isGzip(bytes) ? gunzipIdx(bytes, name, 'images') : bytes;
  const dims = parseHeader(plain, name, 'images');
  const [n, height, width] = dims as [number, number, number];
  if (height === 0 || width === 0) {
    throw new MnistLabError(`${name}: the header declares ${height}x${width} images; the file is corrupt`);
  }
  const images = dataView(plain, name, dims, 'images');
  return { images, n, height, width };
}

/**
 * Parses IDX1 label bytes, plain or gzipped; `name` is only used in error messages. The result is a
 * view into `bytes` when they are not compressed.
 */
export function parseIdxLabels(bytes: Uint8Array, name: string): Uint8Array {
  const plain = isGzip(bytes) ? gunzipIdx(bytes, name, 'labels') : bytes;
  const dims = parseHeader(plain, name, 'labels');
  const labels = dataView(plain, name, dims, 'labels');
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= NUM_CLASSES) {
      throw new MnistLabError(
        `${name}: label ${labels[i]} at index ${i} is outside 0-${NUM_CLASSES - 1}; is this an MNIST-style label file?`,
      );
    }
  }
  return labels;
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

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
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

type IdxKind = 'images' | 'labels';

function parseHeader(bytes: Uint8Array, name: string, kind: IdxKind): number[] {
  const expectedMagic = kind === 'images' ? IMAGES_MAGIC : LABELS_MAGIC;
  const ndim = ndimOf(kind);
  const hint = kind === 'images' ? 'an MNIST-style image file' : 'an MNIST-style label file';
  if (bytes.length < 4) {
    throw new MnistLabError(`${name}: only ${bytes.length} bytes, too short for an IDX header; is this ${hint}?`);
  }
  const magic = readU32(bytes, 0);
  if (magic !== expectedMagic) {
    const other = kind === 'images' ? LABELS_MAGIC : IMAGES_MAGIC;
    let advice = `is this ${hint}?`;
    if (magic === other) advice = `it looks like an IDX ${singular(kind === 'images' ? 'labels' : 'images')} file; are the file names swapped?`;
    else if (bytes[0] === 0 && bytes[1] === 0 && bytes[2] !== IDX_TYPE_UINT8) {
      advice = `its IDX type code is 0x${hex2(bytes[2]!)} but only unsigned bytes (0x08) are supported`;
    }
    throw new MnistLabError(
      `${name}: magic number 0x${hex8(magic)} is not an IDX ${singular(kind)} file (expected 0x${hex8(expectedMagic)}); ${advice}`,
    );
  }
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new MnistLabError(
      `${name}: truncated inside the header (${bytes.length} of ${headerBytes} bytes); download or extract the file again`,
    );
  }
  const dims: number[] = [];
  for (let d = 0; d < ndim; d++) dims.push(readU32(bytes, 4 + 4 * d));
  return dims;
}

function dataView(bytes: Uint8Array, name: string, dims: number[], kind: IdxKind): Uint8Array {
  const headerBytes = 4 + 4 * dims.length;
  const expected = dims.reduce((a, b) => a * b, 1); // exact whenever it can equal `actual`, which is < 2^53
  const actual = bytes.length - headerBytes;
  if (actual !== expected) {
    const what = declared(kind, dims);
    if (actual < expected) {
      throw new MnistLabError(
        `${name}: truncated: the header declares ${what} (${exactBytes(dims)} data bytes) but only ${actual} follow; ` +
          'download or extract the file again',
      );
    }
    throw new MnistLabError(
      `${name}: ${actual - expected} unexpected bytes after the ${what} the header declares; ` +
        'the file is corrupt or not an IDX file',
    );
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, expected);
}

function ndimOf(kind: IdxKind): number {
  return kind === 'images' ? 3 : 1;
}

function declared(kind: IdxKind, dims: number[]): string {
  return kind === 'images' ? `${dims[0]} images of ${dims[1]}x${dims[2]}` : `${dims[0]} labels`;
}

/** The product of the dimensions, exactly (three u32 dimensions can exceed 2^53). */
function exactBytes(dims: number[]): string {
  return dims.reduce((a, b) => a * BigInt(b), 1n).toString();
}

function singular(kind: IdxKind): string {
  return kind === 'images' ? 'image' : 'label';
}

function readU32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

function hex2(v: number): string {
  return v.toString(16).padStart(2, '0');
}

function hex8(v: number): string {
  return v.toString(16).padStart(8, '0');
}

function describeStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'the file is empty';
  return `it starts with ${Array.from(bytes.subarray(0, 4), hex2).join(' ')}`;
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return err instanceof Error ? err.message : String(err);
}
