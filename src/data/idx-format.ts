/**
 * The IDX format that MNIST, Fashion-MNIST and KMNIST ship in, parsed from bytes: a 4-byte magic
 * number (two zero bytes, a type code, the number of dimensions), one big-endian u32 per dimension,
 * then the data. Free of Node APIs, so a browser tab parses the files the server sends with the same
 * checks; reading files and gunzipping them is Node's part (idx.ts).
 *
 * Every problem is reported as one line that names the file, says what is wrong and what to do.
 */
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

/**
 * Parses uncompressed IDX3 image bytes; `name` is only used in error messages. The result is a view
 * into `bytes`.
 */
export function parseIdxImageBytes(bytes: Uint8Array, name: string): IdxImages {
  refuseGzip(bytes, name);
  const dims = parseHeader(bytes, name, 'images');
  const [n, height, width] = dims as [number, number, number];
  if (height === 0 || width === 0) {
    throw new MnistLabError(`${name}: the header declares ${height}x${width} images; the file is corrupt`);
  }
  const images = dataView(bytes, name, dims, 'images');
  return { images, n, height, width };
}

/**
 * Parses uncompressed IDX1 label bytes; every label must be 0-9. `name` is only used in error
 * messages. The result is a view into `bytes`.
 */
export function parseIdxLabelBytes(bytes: Uint8Array, name: string): Uint8Array {
  refuseGzip(bytes, name);
  const dims = parseHeader(bytes, name, 'labels');
  const labels = dataView(bytes, name, dims, 'labels');
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= NUM_CLASSES) {
      throw new MnistLabError(
        `${name}: label ${labels[i]} at index ${i} is outside 0-${NUM_CLASSES - 1}; is this an MNIST-style label file?`,
      );
    }
  }
  return labels;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function refuseGzip(bytes: Uint8Array, name: string): void {
  if (isGzip(bytes)) throw new MnistLabError(`${name}: the data is gzip-compressed; decompress it first (gunzip)`);
}

export type IdxKind = 'images' | 'labels';

export function parseHeader(bytes: Uint8Array, name: string, kind: IdxKind): number[] {
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

export function ndimOf(kind: IdxKind): number {
  return kind === 'images' ? 3 : 1;
}

export function declared(kind: IdxKind, dims: number[]): string {
  return kind === 'images' ? `${dims[0]} images of ${dims[1]}x${dims[2]}` : `${dims[0]} labels`;
}

/** The product of the dimensions, exactly (three u32 dimensions can exceed 2^53). */
export function exactBytes(dims: number[]): string {
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

export function describeStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'the file is empty';
  return `it starts with ${Array.from(bytes.subarray(0, 4), hex2).join(' ')}`;
}
