/**
 * Property-based tests of the IDX reader (src/data/idx.ts), plain and gzipped: every input is read or
 * refused with one MnistLabError line naming the file, and no buffer is sized from the header (or
 * from what a gzip stream expands to) before the header is checked against the file.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { MAX_IDX_BYTES, parseIdxImages, parseIdxLabels } from '../../src/data/idx.js';
import { bundledMnistDir } from '../../src/data/mnist.js';
import { fuzzParams, largestBufferAllocation, parseOrRefuse, testTimeout, type Outcome } from './fuzz-config.js';
import { applyMutations, concat, mutationsArb } from './mutate.js';

const NAME = 'fuzz-idx';
const parseImages = (bytes: Uint8Array) => parseOrRefuse(() => parseIdxImages(bytes, NAME), NAME);
const parseLabels = (bytes: Uint8Array) => parseOrRefuse(() => parseIdxLabels(bytes, NAME), NAME);
const parseEither = (bytes: Uint8Array) => {
  parseImages(bytes);
  parseLabels(bytes);
};

function idx(magic: number, dims: readonly number[], data: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  view.setUint32(0, magic);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  return concat(header, data);
}

const gzip = (bytes: Uint8Array) => new Uint8Array(gzipSync(bytes));
const u32le = (v: number) => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, v >>> 0, true);
  return out;
};

// Real files: the first three test images and their labels, as MNIST ships them.
const mnistDir = bundledMnistDir();
const N = 3;
const realImages = idx(0x803, [N, 28, 28], new Uint8Array(readFileSync(join(mnistDir, 't10k-images-idx3-ubyte'))).subarray(16, 16 + N * 784));
const realLabels = idx(0x801, [N], new Uint8Array(readFileSync(join(mnistDir, 't10k-labels-idx1-ubyte'))).subarray(8, 8 + N));
const bases = [realImages, realLabels, gzip(realImages), gzip(realLabels)];

const U32_EDGES = [0, 1, 2, 3, 10, 28, 255, 256, 60000, 0x7fffffff, 0x80000000, 0xffffffff];
const dim = fc.oneof({ weight: 3, arbitrary: fc.nat({ max: 6 }) }, { weight: 1, arbitrary: fc.constantFrom(...U32_EDGES) }, { weight: 1, arbitrary: fc.nat({ max: 0xffffffff }) });
const magic = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(0x803, 0x801) },
  { weight: 1, arbitrary: fc.constantFrom(0x903, 0xb03, 0xc03, 0xd03, 0xe03, 0x802, 0x804, 0x800, 0x08030000, 0x1f8b0803) },
  { weight: 1, arbitrary: fc.nat({ max: 0xffffffff }) },
);

/** A header with plausible or absurd fields, then about as many data bytes as it declares (when that is small). */
const structured = fc
  .record({ magic, dims: fc.array(dim, { minLength: 0, maxLength: 4 }), delta: fc.integer({ min: -3, max: 3 }), compress: fc.boolean(), fill: fc.nat({ max: 255 }) })
  .map(({ magic: m, dims, delta, compress, fill }) => {
    const declared = dims.reduce((a, b) => a * b, 1);
    const length = Math.max(0, (declared <= 4096 ? declared : 16) + delta);
    const bytes = idx(m, dims, new Uint8Array(length).fill(fill % 10));
    return compress ? gzip(bytes) : bytes;
  });

describe('IDX reader: property-based', () => {
  it('random bytes, plain and after the gzip magic', { timeout: testTimeout() }, () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((b) => concat(new Uint8Array([0x1f, 0x8b]), b)),
      fc.uint8Array({ maxLength: 200 }).map((b) => concat(new Uint8Array([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3]), b)),
      fc.uint8Array({ maxLength: 200 }).map(gzip),
    );
    fc.assert(fc.property(bytes, (b) => parseEither(b)), fuzzParams());
  });

  it('headers with any magic number, dimension count and dimensions (up to 2^32-1), plain and gzipped', { timeout: testTimeout() }, () => {
    fc.assert(fc.property(structured, (b) => parseEither(b)), fuzzParams());
  });

  it('mutated real MNIST files (first three images and labels), plain and gzipped', { timeout: testTimeout() }, () => {
    const arb = fc.record({ base: fc.nat({ max: bases.length - 1 }), mutations: mutationsArb(24), gzipAfter: fc.boolean() });
    fc.assert(
      fc.property(arb, ({ base, mutations, gzipAfter }) => {
        const mutated = applyMutations(bases[base]!, mutations);
        parseEither(gzipAfter ? gzip(mutated) : mutated);
      }),
      fuzzParams(),
    );
  });

  it('valid files, plain and gzipped, read back exactly', { timeout: testTimeout() }, () => {
    const arb = fc
      .record({ n: fc.nat({ max: 5 }), h: fc.integer({ min: 1, max: 6 }), w: fc.integer({ min: 1, max: 6 }), compress: fc.boolean() })
      .chain((s) => fc.tuple(fc.constant(s), fc.uint8Array({ minLength: s.n * s.h * s.w, maxLength: s.n * s.h * s.w }), fc.uint8Array({ minLength: s.n, maxLength: s.n, max: 9 })));
    fc.assert(
      fc.property(arb, ([{ n, h, w, compress }, pixels, labels]) => {
        const images = parseImages((compress ? gzip : (b: Uint8Array) => b)(idx(0x803, [n, h, w], pixels)));
        assert.ok(images.ok, images.ok ? '' : images.error.message);
        assert.deepEqual([images.value.n, images.value.height, images.value.width], [n, h, w]);
        assert.deepEqual(Array.from(images.value.images), Array.from(pixels));
        const back = parseLabels((compress ? gzip : (b: Uint8Array) => b)(idx(0x801, [n], labels)));
        assert.ok(back.ok, back.ok ? '' : back.error.message);
        assert.deepEqual(Array.from(back.value), Array.from(labels));
      }),
      fuzzParams(0.5),
    );
  });
});

describe('IDX reader: sizes from the header are checked before anything is allocated', () => {
  const refusedWithoutAllocating = (parse: (bytes: Uint8Array) => Outcome<unknown>, bytes: Uint8Array, pattern: RegExp, limit: number) => {
    let message = '';
    const largest = largestBufferAllocation(() => {
      const r = parse(bytes);
      assert.ok(!r.ok, 'refused');
      message = r.error.message;
    });
    assert.match(message, pattern);
    assert.ok(largest <= limit, `allocated a ${largest}-byte buffer`);
  };

  it('a plain file declaring 2^31 x 2^31 images, or 2^32-1 labels', () => {
    refusedWithoutAllocating(parseImages, idx(0x803, [1, 2 ** 31, 2 ** 31], new Uint8Array(10)), /truncated: the header declares 1 images of 2147483648x2147483648 \(4611686018427387904 data bytes\) but only 10 follow/, 0);
    refusedWithoutAllocating(parseLabels, idx(0x801, [2 ** 32 - 1], new Uint8Array(10)), /4294967295 labels .* only 10 follow/, 0);
  });

  it('a gzipped file declaring 2^31 x 2^31 images, or more than its compressed bytes can hold', () => {
    refusedWithoutAllocating(parseImages, gzip(idx(0x803, [1, 2 ** 31, 2 ** 31], new Uint8Array(10))), /1 images of 2147483648x2147483648 \(4611686018427387904 data bytes\), more than any IDX file mnist-lab reads/, 64 * 1024);
    refusedWithoutAllocating(parseImages, gzip(idx(0x803, [60000, 28, 28], new Uint8Array(10))), /60000 images of 28x28 \(47040016 bytes\), more than \d+ gzip-compressed bytes can hold/, 64 * 1024);
    assert.equal(MAX_IDX_BYTES, 2 ** 31 - 1);
  });

  it('a gzip bomb: a header declaring 3 images, then 20 MB of zeros', () => {
    const bomb = gzip(concat(idx(0x803, [3, 28, 28], new Uint8Array(0)), new Uint8Array(20_000_000)));
    refusedWithoutAllocating(parseImages, bomb, /decompresses to more bytes than the 3 images of 28x28 the header declares/, 64 * 1024);
  });

  it('gzip files that hide the header: a 5000-byte file name before the data, the header split across members', () => {
    const named = concat(
      new Uint8Array([0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 3]), // FNAME flag
      new Uint8Array(5000).fill(0x61),
      new Uint8Array([0]),
      new Uint8Array(deflateRawSync(realImages)),
      u32le(crc32(realImages)),
      u32le(realImages.length),
    );
    const r = parseImages(named);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.deepEqual(Array.from(r.value.images), Array.from(realImages.subarray(16)));
    const members = concat(gzip(realImages.subarray(0, 6)), gzip(realImages.subarray(6, 11)), gzip(realImages.subarray(11)));
    const m = parseImages(members);
    assert.ok(m.ok, m.ok ? '' : m.error.message);
    assert.equal(m.value.n, N);
  });

  it('a gzipped file is decompressed no further than its header declares', () => {
    const ok = parseImages(gzip(realImages));
    assert.ok(ok.ok);
    const largest = largestBufferAllocation(() => void parseImages(gzip(realImages)));
    assert.ok(largest <= 64 * 1024, `allocated ${largest} bytes`);
  });
});
