import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readIdxImages, readIdxLabels } from '../../src/data/idx.js';
import { MnistLabError } from '../../src/util/errors.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mnist-lab-idx-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function idx(magic: number, dims: number[], data: ArrayLike<number>): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(Array.from(data))]);
}

function write(name: string, content: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Asserts a one-line MnistLabError that names the file and contains every fragment. */
function assertUserError(fn: () => unknown, path: string, ...fragments: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof MnistLabError, `not a MnistLabError: ${err}`);
    assert.ok(!err.message.includes('\n'), `message spans lines: ${err.message}`);
    assert.ok(err.message.startsWith(path), `message does not name ${path}: ${err.message}`);
    for (const f of fragments) assert.ok(err.message.includes(f), `"${f}" missing from: ${err.message}`);
    return true;
  });
}

const pixels = Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 10);

test('reads a plain image file', () => {
  const path = write('images-idx3-ubyte', idx(0x803, [2, 3, 4], pixels));
  const r = readIdxImages(path);
  assert.deepEqual([r.n, r.height, r.width], [2, 3, 4]);
  assert.deepEqual(Array.from(r.images), pixels);
});

test('reads gzipped files, recognised by content whatever the name', () => {
  const data = gzipSync(idx(0x803, [2, 3, 4], pixels));
  assert.deepEqual(Array.from(readIdxImages(write('a-idx3-ubyte.gz', data)).images), pixels);
  assert.deepEqual(Array.from(readIdxImages(write('b-idx3-ubyte', data)).images), pixels);
  const labels = readIdxLabels(write('l-idx1-ubyte.gz', gzipSync(idx(0x801, [4], [0, 9, 3, 7]))));
  assert.deepEqual(Array.from(labels), [0, 9, 3, 7]);
});

test('rejects a wrong magic number, and says when image and label files are swapped', () => {
  const bad = write('bad-magic', idx(0x804, [2, 3, 4], pixels));
  assertUserError(() => readIdxImages(bad), bad, 'magic number 0x00000804', 'expected 0x00000803');
  const labels = write('labels-as-images', idx(0x801, [3], [1, 2, 3]));
  assertUserError(() => readIdxImages(labels), labels, 'label file', 'swapped');
  const text = write('not-idx', Buffer.from('hello world, not an idx file'));
  assertUserError(() => readIdxLabels(text), text, 'magic number', 'MNIST-style label file');
  const floats = write('floats', idx(0x0d03, [1, 1, 1], [0, 0, 0, 0]));
  assertUserError(() => readIdxImages(floats), floats, 'type code is 0x0d');
});

test('rejects truncated files and trailing bytes', () => {
  const full = idx(0x803, [2, 3, 4], pixels);
  const short = write('short', full.subarray(0, full.length - 5));
  assertUserError(() => readIdxImages(short), short, 'truncated', '2 images of 3x4', '24 data bytes', 'only 19');
  const header = write('header-only', full.subarray(0, 9));
  assertUserError(() => readIdxImages(header), header, 'truncated inside the header');
  const tiny = write('tiny', Buffer.from([0, 0]));
  assertUserError(() => readIdxImages(tiny), tiny, 'too short');
  const long = write('long', Buffer.concat([full, Buffer.from([1, 2, 3])]));
  assertUserError(() => readIdxImages(long), long, '3 unexpected bytes');
});

test('rejects a label outside 0-9 with its index', () => {
  const path = write('train-labels-idx1-ubyte', idx(0x801, [7], [1, 2, 3, 4, 5, 12, 6]));
  assert.throws(() => readIdxLabels(path), {
    name: 'MnistLabError',
    message: `${path}: label 12 at index 5 is outside 0-9; is this an MNIST-style label file?`,
  });
});

test('rejects a .gz file whose content is not gzip, and corrupt gzip data', () => {
  const plain = write('train-images-idx3-ubyte.gz', idx(0x803, [2, 3, 4], pixels));
  assertUserError(() => readIdxImages(plain), plain, 'not gzip-compressed', '00 00 08 03', 'rename it');
  const empty = write('empty.gz', new Uint8Array(0));
  assertUserError(() => readIdxImages(empty), empty, 'empty');
  const gz = gzipSync(idx(0x803, [2, 3, 4], pixels));
  const cut = write('cut.gz', gz.subarray(0, gz.length - 10));
  assertUserError(() => readIdxImages(cut), cut, 'gzip data is corrupt');
});

test('a missing file is a one-line user error', () => {
  const path = join(dir, 'nope-idx3-ubyte');
  assertUserError(() => readIdxImages(path), path, 'no such file');
});
