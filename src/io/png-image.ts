/**
 * Decoding a PNG that a user hands us (`mnist-lab predict --image`), with the header checked before
 * the decoder (pngjs) sizes any buffer by it: pngjs allocates width × height × 4 bytes, and more for
 * the inflated rows, straight from the IHDR chunk, so a 60-byte file claiming 100000×100000 pixels
 * would ask for 40 GB. Here the dimensions are refused above a sane limit, and refused when the
 * compressed image data in the file is too small to hold them at all. Every problem is one
 * MnistLabError line that starts with `nameForErrors`.
 */
import { readFileSync } from 'node:fs';
import { constants as zlibConstants, inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { MnistLabError } from '../util/errors.js';
import { fileErrorToUserError } from './file-errors.js';

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** width × height × 4 bytes, 8 bits per channel, row-major. */
  readonly rgba: Uint8Array;
}

/** Larger than any photo of one digit needs; a bigger picture can be scaled down first. */
export const MAX_PNG_SIDE = 8192;
export const MAX_PNG_PIXELS = 4096 * 4096;

/** DEFLATE spends at least 2 bits on 258 output bytes, so n compressed bytes never hold more than 1032n. */
const MAX_DEFLATE_RATIO = 1032;

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The PNG specification's allowed bit depths for each colour type, and its channel count. */
const COLOUR_TYPES: ReadonlyMap<number, { channels: number; depths: readonly number[] }> = new Map([
  [0, { channels: 1, depths: [1, 2, 4, 8, 16] }], // grayscale
  [2, { channels: 3, depths: [8, 16] }], // RGB
  [3, { channels: 1, depths: [1, 2, 4, 8] }], // palette
  [4, { channels: 2, depths: [8, 16] }], // grayscale + alpha
  [6, { channels: 4, depths: [8, 16] }], // RGBA
]);

/** Adam7: [x start, y start, x step, y step] of each of the seven passes. */
const ADAM7 = [
  [0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2],
] as const;

interface Header {
  readonly width: number;
  readonly height: number;
  readonly interlaced: boolean;
  /** Size of the inflated, still filtered, image data the header implies. */
  readonly rawBytes: number;
}

/** Reads a PNG file; `nameForErrors` (e.g. "--image digit.png") starts every error message. */
export function readPngFile(path: string, nameForErrors = path): RgbaImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw fileErrorToUserError(err, 'read', nameForErrors);
  }
  return decodePng(bytes, nameForErrors);
}

/** Decodes PNG bytes of any colour type and depth into 8-bit RGBA. */
export function decodePng(bytes: Uint8Array, nameForErrors: string): RgbaImage {
  const bad = (problem: string) => new MnistLabError(`${nameForErrors}: not a readable PNG: ${problem}`);
  const header = readHeader(bytes, bad);
  const idat = imageData(bytes);
  if (header.rawBytes > MAX_DEFLATE_RATIO * idat.length) {
    throw bad(
      `its header declares ${header.width}x${header.height} pixels but the file holds only ${idat.length} bytes ` +
        'of compressed image data, too few for that; the file is corrupt or truncated',
    );
  }
  // Inflate once, bounded by the declared size, before pngjs does: pngjs sizes its buffers from the
  // header, inflates interlaced images with no limit at all, and fails with an internal assertion
  // on surplus data.
  let raw: Uint8Array;
  try {
    raw = inflateSync(idat, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: header.rawBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw bad(`its image data inflates to more than the ${header.width}x${header.height} pixels its header declares`);
    }
    throw bad(`its image data is corrupt (${oneLine(err)})`);
  }
  if (raw.length < header.rawBytes) {
    throw bad(
      `its image data holds ${raw.length} of the ${header.rawBytes} bytes its ${header.width}x${header.height} pixels need ` +
        '(truncated or corrupt)',
    );
  }
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  } catch (err) {
    throw bad(oneLine(err));
  }
  if (png.width !== header.width || png.height !== header.height || png.data.length !== header.width * header.height * 4) {
    throw bad(`the decoder returned ${png.width}x${png.height} pixels for a ${header.width}x${header.height} header`);
  }
  return { width: png.width, height: png.height, rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
}

function readHeader(bytes: Uint8Array, bad: (problem: string) => MnistLabError): Header {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw bad(bytes.length === 0 ? 'the file is empty' : `it does not start with the PNG signature (it starts with ${hexStart(bytes)})`);
  }
  if (bytes.length < 8 + 8 + 13 || u32(bytes, 8) !== 13 || ascii(bytes, 12, 4) !== 'IHDR') {
    throw bad('it does not begin with a complete IHDR chunk (truncated or corrupt)');
  }
  const width = u32(bytes, 16);
  const height = u32(bytes, 20);
  const depth = bytes[24]!;
  const colourType = bytes[25]!;
  const interlace = bytes[28]!;
  if (width === 0 || height === 0) throw bad(`its header declares ${width}x${height} pixels`);
  if (width > MAX_PNG_SIDE || height > MAX_PNG_SIDE || width * height > MAX_PNG_PIXELS) {
    throw bad(
      `it is ${width}x${height} pixels, more than mnist-lab reads (at most ${MAX_PNG_SIDE} a side and ` +
        `${MAX_PNG_PIXELS} pixels); scale the picture down`,
    );
  }
  const colour = COLOUR_TYPES.get(colourType);
  if (colour === undefined) throw bad(`its colour type ${colourType} is not one the PNG specification defines`);
  if (!colour.depths.includes(depth)) throw bad(`bit depth ${depth} is not allowed with colour type ${colourType}`);
  if (bytes[26] !== 0 || bytes[27] !== 0) throw bad('unknown compression or filter method');
  if (interlace !== 0 && interlace !== 1) throw bad(`unknown interlace method ${interlace}`);
  const bitsPerPixel = colour.channels * depth;
  const rowBytes = (w: number) => Math.ceil((w * bitsPerPixel) / 8) + 1; // +1: the filter-type byte
  let rawBytes = rowBytes(width) * height;
  if (interlace === 1) {
    rawBytes = 0;
    for (const [x0, y0, dx, dy] of ADAM7) {
      const w = Math.ceil((width - x0) / dx);
      const h = Math.ceil((height - y0) / dy);
      if (w > 0 && h > 0) rawBytes += rowBytes(w) * h;
    }
  }
  return { width, height, interlaced: interlace === 1, rawBytes };
}

/** The IDAT chunks' payloads, concatenated; chunks that run past the end of the file are left to the decoder to refuse. */
function imageData(bytes: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = u32(bytes, at);
    const type = ascii(bytes, at + 4, 4);
    if (length > bytes.length - at - 12) break;
    if (type === 'IDAT') {
      parts.push(bytes.subarray(at + 8, at + 8 + length));
      total += length;
    }
    if (type === 'IEND') break;
    at += 12 + length;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

function hexStart(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 200);
}
