/**
 * Property-based tests of the PNG reader behind `mnist-lab predict --image` (src/io/png-image.ts) and
 * of the digit preparation after it (src/data/digit-image.ts): every input is decoded or refused with
 * one MnistLabError line; nothing else is thrown, nothing hangs, and the IHDR's width and height are
 * checked against sane limits and the compressed data in the file before any buffer is sized by them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { PNG, type ColorType } from 'pngjs';
import { MAX_PNG_PIXELS, MAX_PNG_SIDE, decodePng, type RgbaImage } from '../../src/io/png-image.js';
import { rgbaToGray, toMnistDigit } from '../../src/data/digit-image.js';
import { loadMnist } from '../../src/data/mnist.js';
import { fuzzParams, largestBufferAllocation, parseOrRefuse, testTimeout } from './fuzz-config.js';
import { applyMutations, concat, mutationsArb } from './mutate.js';

const NAME = '--image fuzz.png';

/** Decodes, then prepares the digit as predict does; checks the rule for both steps, and the 28x28 result. */
function predictPath(bytes: Uint8Array): RgbaImage | null {
  const decoded = parseOrRefuse(() => decodePng(bytes, NAME), NAME);
  if (!decoded.ok) return null;
  const { width, height, rgba } = decoded.value;
  assert.equal(rgba.length, width * height * 4);
  const digit = parseOrRefuse(() => toMnistDigit(rgbaToGray(rgba, width, height), NAME), NAME);
  if (digit.ok) {
    assert.equal(digit.value.length, 28 * 28);
    for (const v of digit.value) assert.ok(v >= 0 && v <= 1, `pixel ${v} outside [0, 1]`);
  } else {
    assert.match(digit.error.message, /the image is blank/);
  }
  return decoded.value;
}

// ---------------------------------------------------------------------------------------------
// Writing PNGs by hand, so every header field can be anything

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Uint8Array, crcOk = true): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crcOk ? crc32(out.subarray(4, 8 + data.length)) : 0xdeadbeef);
  return out;
}

interface Ihdr {
  width: number;
  height: number;
  depth: number;
  colourType: number;
  compression: number;
  filter: number;
  interlace: number;
}

function ihdr(h: Ihdr): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, h.width);
  view.setUint32(4, h.height);
  data.set([h.depth, h.colourType, h.compression, h.filter, h.interlace], 8);
  return chunk('IHDR', data);
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;

const isValidFormat = (h: Ihdr) => DEPTHS[h.colourType]?.includes(h.depth) === true && h.compression === 0 && h.filter === 0 && h.interlace <= 1;

/** The (width, height) of each sub-image whose scanlines the image data holds, in order. */
function passes(h: Ihdr): [number, number][] {
  if (h.interlace !== 1) return [[h.width, h.height]];
  return ADAM7.map(([x0, y0, dx, dy]) => [Math.ceil((h.width - x0) / dx), Math.ceil((h.height - y0) / dy)] as [number, number]).filter(([w, hh]) => w > 0 && hh > 0);
}

/** Bytes of filtered scanlines the header implies (each row: a filter-type byte, then the packed pixels). */
function rawSize(h: Ihdr): number {
  const bits = CHANNELS[h.colourType]! * h.depth;
  return passes(h).reduce((s, [w, hh]) => s + (Math.ceil((w * bits) / 8) + 1) * hh, 0);
}

/** Scanlines of the right length: filter bytes cycling through `filters`, pixel bytes through `pixels`. */
function scanlines(h: Ihdr, pixels: Uint8Array, filters: Uint8Array): Uint8Array {
  const bits = CHANNELS[h.colourType]! * h.depth;
  const out = new Uint8Array(rawSize(h));
  let at = 0;
  let row = 0;
  for (const [w, hh] of passes(h)) {
    const rowBytes = Math.ceil((w * bits) / 8);
    for (let y = 0; y < hh; y++, row++) {
      out[at++] = filters[row % filters.length]!;
      for (let x = 0; x < rowBytes; x++, at++) out[at] = pixels[at % pixels.length]!;
    }
  }
  return out;
}

function split(data: Uint8Array, parts: number): Uint8Array[] {
  const size = Math.ceil(data.length / parts) || 1;
  const out: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out.length > 0 ? out : [data];
}

function pngOf(header: Ihdr, idat: Uint8Array, extra: { palette?: Uint8Array | null; trns?: Uint8Array | null; idatChunks?: number; iend?: boolean; badCrc?: boolean } = {}): Uint8Array {
  const parts = [SIGNATURE, ihdr(header)];
  if (extra.palette) parts.push(chunk('PLTE', extra.palette));
  if (extra.trns) parts.push(chunk('tRNS', extra.trns));
  for (const piece of split(idat, extra.idatChunks ?? 1)) parts.push(chunk('IDAT', piece, !extra.badCrc));
  if (extra.iend !== false) parts.push(chunk('IEND', new Uint8Array(0)));
  return concat(...parts);
}

/** Recomputes every chunk's CRC, so a mutated file gets past the CRC check into the decoder proper. */
function fixCrcs(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  const view = new DataView(out.buffer);
  let at = 8;
  while (at + 12 <= out.length) {
    const length = view.getUint32(at);
    if (length > out.length - at - 12) break;
    view.setUint32(at + 8 + length, crc32(out.subarray(at + 4, at + 8 + length)));
    at += 12 + length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Valid files to start from

function writePng(width: number, height: number, rgba: Uint8Array, colorType: ColorType = 6, bitDepth: 8 | 16 = 8): Uint8Array {
  const png = new PNG({ width, height });
  png.data.set(rgba);
  return new Uint8Array(PNG.sync.write(png, { colorType, bitDepth, inputHasAlpha: true }));
}

const test = loadMnist({ valSplit: 0, limit: { train: 1, test: 2 } }).test;
const mnistRgba = (i: number, invert: boolean) => {
  const rgba = new Uint8Array(28 * 28 * 4);
  for (let p = 0; p < 784; p++) {
    const v = invert ? 255 - test.images[i * 784 + p]! : test.images[i * 784 + p]!;
    rgba.set([v, v, v, 255], 4 * p);
  }
  return rgba;
};
const gradient = new Uint8Array(40 * 30 * 4).map((_, i) => (i % 4 === 3 ? 200 : (i * 7) % 256));
const bases = [
  writePng(28, 28, mnistRgba(0, false), 0),
  writePng(28, 28, mnistRgba(1, true), 2),
  writePng(40, 30, gradient, 6),
  writePng(40, 30, gradient, 4, 16),
  pngOf({ width: 9, height: 7, depth: 2, colourType: 3, compression: 0, filter: 0, interlace: 1 }, deflateSync(scanlines({ width: 9, height: 7, depth: 2, colourType: 3, compression: 0, filter: 0, interlace: 1 }, new Uint8Array([0x1b, 0xe4, 0x39]), new Uint8Array([0, 1, 2, 3, 4]))), { palette: new Uint8Array(12).map((_, i) => i * 20) }),
];

// ---------------------------------------------------------------------------------------------

const DIM_EDGES = [0, 1, 2, 7, 8, 9, 28, MAX_PNG_SIDE, MAX_PNG_SIDE + 1, 4097, 100_000, 0x7fffffff, 0x80000000, 0xffffffff];
const dimArb = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 24 }) }, { weight: 1, arbitrary: fc.constantFrom(...DIM_EDGES) });
const ihdrArb: fc.Arbitrary<Ihdr> = fc.record({
  width: dimArb,
  height: dimArb,
  depth: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(1, 2, 4, 8, 16) }, { weight: 1, arbitrary: fc.nat({ max: 255 }) }),
  colourType: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(0, 2, 3, 4, 6) }, { weight: 1, arbitrary: fc.nat({ max: 255 }) }),
  compression: fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat({ max: 255 }) }),
  filter: fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat({ max: 255 }) }),
  interlace: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(0, 1) }, { weight: 1, arbitrary: fc.nat({ max: 255 }) }),
});

describe('PNG reader (predict --image): property-based', () => {
  it('random bytes, with and without the PNG signature', { timeout: testTimeout() }, () => {
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((b) => concat(SIGNATURE, b)));
    fc.assert(fc.property(bytes, (b) => void predictPath(b)), fuzzParams());
  });

  it('hand-built files: any IHDR (sizes up to 2^32-1, any depth, colour type, interlace), palettes, image data right-sized or not', { timeout: testTimeout() }, () => {
    const arb = fc.record({
      header: ihdrArb,
      pixels: fc.uint8Array({ minLength: 1, maxLength: 64 }),
      filters: fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 8, max: 4 }), fc.uint8Array({ minLength: 1, maxLength: 8 })),
      randomData: fc.option(fc.tuple(fc.uint8Array({ maxLength: 300 }), fc.boolean())),
      delta: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -20, max: 20 }) }),
      palette: fc.option(fc.uint8Array({ maxLength: 800 })),
      trns: fc.option(fc.uint8Array({ maxLength: 300 })),
      idatChunks: fc.integer({ min: 1, max: 3 }),
      iend: fc.boolean(),
      badCrc: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    });
    fc.assert(
      fc.property(arb, ({ header, pixels, filters, randomData, delta, palette, trns, idatChunks, iend, badCrc }) => {
        let idat: Uint8Array;
        const size = isValidFormat(header) ? rawSize(header) : Infinity;
        if (randomData !== null || size > 200_000) {
          const [bytes, compress] = randomData ?? [pixels, true];
          idat = compress ? deflateSync(bytes) : bytes;
        } else {
          const raw = scanlines(header, pixels, filters);
          idat = deflateSync(delta >= 0 ? concat(raw, new Uint8Array(delta)) : raw.subarray(0, Math.max(0, raw.length + delta)));
        }
        void predictPath(pngOf(header, idat, { palette, trns, idatChunks, iend, badCrc }));
      }),
      fuzzParams(),
    );
  });

  it('hand-built valid files of every colour type, bit depth and interlace decode', { timeout: testTimeout() }, () => {
    const format = fc.constantFrom(...Object.entries(DEPTHS).flatMap(([c, ds]) => ds.map((d) => [Number(c), d] as const)));
    const arb = fc.record({
      width: fc.integer({ min: 1, max: 20 }),
      height: fc.integer({ min: 1, max: 20 }),
      format,
      interlace: fc.constantFrom(0, 1),
      pixels: fc.uint8Array({ minLength: 1, maxLength: 64 }),
      filters: fc.uint8Array({ minLength: 1, maxLength: 8, max: 4 }),
      idatChunks: fc.integer({ min: 1, max: 3 }),
    });
    fc.assert(
      fc.property(arb, ({ width, height, format: [colourType, depth], interlace, pixels, filters, idatChunks }) => {
        const header = { width, height, depth, colourType, compression: 0, filter: 0, interlace };
        const palette = colourType === 3 ? new Uint8Array(256 * 3).map((_, i) => i % 256) : null;
        const bytes = pngOf(header, deflateSync(scanlines(header, pixels, filters)), { palette, idatChunks });
        const r = parseOrRefuse(() => decodePng(bytes, NAME), NAME);
        assert.ok(r.ok, r.ok ? '' : r.error.message);
        assert.deepEqual([r.value.width, r.value.height], [width, height]);
        void predictPath(bytes);
      }),
      fuzzParams(0.5),
    );
  });

  it('images written by pngjs decode to their pixels', { timeout: testTimeout() }, () => {
    const arb = fc
      .record({ width: fc.integer({ min: 1, max: 30 }), height: fc.integer({ min: 1, max: 30 }) })
      .chain(({ width, height }) => fc.tuple(fc.constant(width), fc.constant(height), fc.uint8Array({ minLength: width * height * 4, maxLength: width * height * 4 })));
    fc.assert(
      fc.property(arb, ([width, height, rgba]) => {
        const decoded = predictPath(writePng(width, height, rgba));
        assert.ok(decoded !== null);
        assert.deepEqual(Array.from(decoded.rgba), Array.from(rgba));
      }),
      fuzzParams(0.5),
    );
  });

  it('mutated valid files (MNIST digits, RGBA, 16-bit, interlaced palette), with CRCs left broken or recomputed', { timeout: testTimeout() }, () => {
    const arb = fc.record({ base: fc.nat({ max: bases.length - 1 }), mutations: mutationsArb(64), fix: fc.boolean() });
    fc.assert(
      fc.property(arb, ({ base, mutations, fix }) => {
        const mutated = applyMutations(bases[base]!, mutations);
        void predictPath(fix ? fixCrcs(mutated) : mutated);
      }),
      fuzzParams(),
    );
  });

  it('valid files with IHDR width, height, depth or colour type rewritten (CRC recomputed)', { timeout: testTimeout() }, () => {
    const arb = fc.record({
      base: fc.nat({ max: bases.length - 1 }),
      width: fc.option(dimArb),
      height: fc.option(dimArb),
      depth: fc.option(fc.constantFrom(1, 2, 4, 8, 16, 0, 3, 32)),
      colourType: fc.option(fc.constantFrom(0, 2, 3, 4, 6, 1, 7)),
      interlace: fc.option(fc.constantFrom(0, 1, 2)),
    });
    fc.assert(
      fc.property(arb, ({ base, width, height, depth, colourType, interlace }) => {
        const bytes = Uint8Array.from(bases[base]!);
        const view = new DataView(bytes.buffer);
        if (width !== null) view.setUint32(16, width);
        if (height !== null) view.setUint32(20, height);
        if (depth !== null) bytes[24] = depth;
        if (colourType !== null) bytes[25] = colourType;
        if (interlace !== null) bytes[28] = interlace;
        void predictPath(fixCrcs(bytes));
      }),
      fuzzParams(),
    );
  });
});

describe('PNG reader: the IHDR size is checked before anything is sized by it', () => {
  const refusedWithoutAllocating = (bytes: Uint8Array, pattern: RegExp, limit = 64 * 1024) => {
    let message = '';
    const largest = largestBufferAllocation(() => {
      const r = parseOrRefuse(() => decodePng(bytes, NAME), NAME);
      assert.ok(!r.ok, 'refused');
      message = r.error.message;
    });
    assert.match(message, pattern);
    assert.ok(largest <= limit, `allocated a ${largest}-byte buffer`);
  };
  const header = (width: number, height: number, more: Partial<Ihdr> = {}): Ihdr => ({ width, height, depth: 8, colourType: 6, compression: 0, filter: 0, interlace: 0, ...more });

  it('an IHDR of 100000x100000, or 2^32-1 a side, is refused from the header', () => {
    refusedWithoutAllocating(pngOf(header(100_000, 100_000), deflateSync(new Uint8Array(100))), /100000x100000 pixels, more than mnist-lab reads/);
    refusedWithoutAllocating(pngOf(header(0xffffffff, 1), deflateSync(new Uint8Array(100))), /4294967295x1 pixels, more than mnist-lab reads/);
    refusedWithoutAllocating(pngOf(header(MAX_PNG_SIDE + 1, 1), deflateSync(new Uint8Array(100))), /more than mnist-lab reads/);
    refusedWithoutAllocating(pngOf(header(4097, 4096), deflateSync(new Uint8Array(100))), /more than mnist-lab reads/);
    assert.equal(MAX_PNG_PIXELS, 4096 * 4096);
  });

  it('a size within the limits that the compressed data in the file cannot hold', () => {
    refusedWithoutAllocating(pngOf(header(4096, 4096), deflateSync(new Uint8Array(100))), /declares 4096x4096 pixels but the file holds only \d+ bytes of compressed image data/);
    refusedWithoutAllocating(pngOf(header(8192, 2048, { depth: 1, colourType: 0 }), new Uint8Array(0)), /declares 8192x2048 pixels but the file holds only 0 bytes/);
  });

  it('image data that stops short of the declared size', () => {
    const random = new Uint8Array(3000).map((_, i) => (i * 2654435761) >>> 24);
    refusedWithoutAllocating(pngOf(header(512, 512), deflateSync(random)), /holds 3000 of the 1049088 bytes its 512x512 pixels need/);
  });

  it('a zlib bomb: 32x32 pixels declared, 20 MB of image data', () => {
    const bomb = deflateSync(new Uint8Array(20_000_000));
    refusedWithoutAllocating(pngOf(header(32, 32, { interlace: 1 }), bomb), /inflates to more than the 32x32 pixels its header declares/);
    refusedWithoutAllocating(pngOf(header(32, 32), bomb), /inflates to more than the 32x32 pixels its header declares/);
  });
});
