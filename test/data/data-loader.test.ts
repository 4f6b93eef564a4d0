import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDataset, type Dataset } from '../../src/data/dataset.js';
import { DataLoader, type Batch, type DataLoaderState } from '../../src/data/data-loader.js';
import { Compose } from '../../src/data/transforms/compose.js';
import { Normalize } from '../../src/data/transforms/normalize.js';
import { RandomAffine } from '../../src/data/transforms/random-affine.js';
import { RandomErasing } from '../../src/data/transforms/random-erasing.js';
import { MnistLabError } from '../../src/util/errors.js';

/** n images of 6x6; image k has every pixel equal to k % 256 and label k % 10. */
function fakeDataset(n: number): Dataset {
  const images = new Uint8Array(n * 36);
  const labels = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    images.fill(k % 256, k * 36, (k + 1) * 36);
    labels[k] = k % 10;
  }
  return makeDataset(images, labels, 6, 6);
}

interface Snapshot {
  images: number[];
  labels: number[];
  indices: number[];
}

function snap(b: Batch): Snapshot {
  return { images: Array.from(b.images), labels: Array.from(b.labels), indices: Array.from(b.indices) };
}

function epoch(loader: DataLoader): Snapshot[] {
  const out: Snapshot[] = [];
  for (const b of loader) out.push(snap(b));
  return out;
}

const augment = () =>
  new Compose([
    new RandomAffine(15, { translate: [0.2, 0.2], interpolation: 'bilinear' }),
    new Normalize(),
    new RandomErasing({ p: 0.5, value: 'random' }),
  ]);

test('batches in order with a smaller last batch, or without it under dropLast', () => {
  const data = fakeDataset(10);
  const loader = new DataLoader(data, { batchSize: 4, transform: null });
  assert.equal(loader.length, 3);
  const batches = epoch(loader);
  assert.deepEqual(batches.map((b) => b.labels.length), [4, 4, 2]);
  assert.deepEqual(batches[2]!.indices, [8, 9]);
  assert.deepEqual(batches[1]!.labels, [4, 5, 6, 7]);
  assert.equal(batches[2]!.images.length, 2 * 36);
  assert.ok(Math.abs(batches[0]!.images[36]! - 1 / 255) < 1e-9);
  assert.equal(loader.epoch, 1);

  const dropped = new DataLoader(data, { batchSize: 4, dropLast: true, transform: null });
  assert.equal(dropped.length, 2);
  assert.deepEqual(epoch(dropped).map((b) => b.indices), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  assert.throws(() => new DataLoader(data, { batchSize: 11, dropLast: true }), MnistLabError);
  assert.throws(() => new DataLoader(data, { batchSize: 0 }), MnistLabError);
});

test('default transform normalizes with the MNIST mean and std', () => {
  const images = new Uint8Array([0, 255, 51, 128]);
  const loader = new DataLoader(makeDataset(images, new Uint8Array([3]), 2, 2), { batchSize: 1 });
  const [b] = epoch(loader);
  const f = Math.fround;
  const expected = [0, 255, 51, 128].map((v) => f(f(f(v / 255) - f(0.1307)) / f(0.3081)));
  assert.deepEqual(b!.images, expected);
  assert.ok(Math.abs(b!.images[0]! - -0.4242129) < 1e-6);
  assert.ok(Math.abs(b!.images[1]! - 2.8215) < 1e-4);
  assert.deepEqual(b!.labels, [3]);
});

test('buffers are reused and can come from an allocator', () => {
  let allocated = 0;
  const loader = new DataLoader(fakeDataset(8), {
    batchSize: 4,
    allocate: (n) => {
      allocated = n;
      return new Float32Array(n);
    },
  });
  assert.equal(allocated, 4 * 36);
  const seen: Batch[] = [];
  for (const b of loader) seen.push(b);
  assert.equal(seen[0], seen[1]);
  assert.equal(seen[0]!.images, seen[1]!.images);
});

test('shuffle: a new permutation every epoch, determined by the seed', () => {
  const data = fakeDataset(50);
  const order = (l: DataLoader) => epoch(l).flatMap((b) => b.indices);
  const a = new DataLoader(data, { batchSize: 8, shuffle: true, seed: 1 });
  const b = new DataLoader(data, { batchSize: 8, shuffle: true, seed: 1 });
  const c = new DataLoader(data, { batchSize: 8, shuffle: true, seed: 2 });
  const a1 = order(a);
  const a2 = order(a);
  assert.deepEqual([...a1].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.notDeepEqual(a1, a2);
  assert.notDeepEqual(a1, Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(order(b), a1);
  assert.deepEqual(order(b), a2);
  assert.notDeepEqual(order(c), a1);
  // Labels and images travel with their indices.
  for (const s of epoch(a)) s.indices.forEach((idx, k) => assert.equal(s.labels[k], idx % 10));
});

test('resume from a saved state reproduces shuffles and augmentations, mid-epoch or at a boundary', () => {
  const data = fakeDataset(45);
  const make = () => new DataLoader(data, { batchSize: 8, shuffle: true, seed: 11, transform: augment() });
  const reference = make();
  const all = [...epoch(reference), ...epoch(reference), ...epoch(reference)]; // 3 epochs of 6 batches

  for (const stopAfter of [3, 6, 10]) {
    const first = make();
    const seen: Snapshot[] = [];
    let state: DataLoaderState | null = null;
    outer: for (;;) {
      for (const b of first) {
        seen.push(snap(b));
        if (seen.length === stopAfter) {
          state = JSON.parse(JSON.stringify(first.stateDict())) as DataLoaderState;
          break outer;
        }
      }
    }
    assert.equal(state!.epoch, Math.floor(stopAfter / 6));
    assert.equal(state!.batchesDone, stopAfter % 6);

    const resumed = make();
    resumed.loadStateDict(state!);
    while (seen.length < all.length) seen.push(...epoch(resumed));
    assert.deepEqual(seen, all, `resumed after ${stopAfter} batches`);
  }
});

test('a loop that stops early is continued by the next iteration', () => {
  const data = fakeDataset(20);
  const reference = epoch(new DataLoader(data, { batchSize: 4, shuffle: true, seed: 3 }));
  const loader = new DataLoader(data, { batchSize: 4, shuffle: true, seed: 3 });
  const got: Snapshot[] = [];
  for (const b of loader) {
    got.push(snap(b));
    if (got.length === 2) break;
  }
  assert.equal(loader.epoch, 0);
  got.push(...epoch(loader));
  assert.deepEqual(got, reference);
  assert.equal(loader.epoch, 1);
});

test('rejects a state from other data or batch size, and stale iterators', () => {
  const loader = new DataLoader(fakeDataset(20), { batchSize: 4, shuffle: true });
  const state = loader.stateDict();
  assert.throws(() => new DataLoader(fakeDataset(21), { batchSize: 4 }).loadStateDict(state), MnistLabError);
  assert.throws(() => new DataLoader(fakeDataset(20), { batchSize: 5 }).loadStateDict(state), MnistLabError);
  const damaged = { ...state, augmentRngState: [1, 2, 3] } as unknown as DataLoaderState;
  assert.throws(() => new DataLoader(fakeDataset(20), { batchSize: 4 }).loadStateDict(damaged), MnistLabError);
  const it1 = loader[Symbol.iterator]();
  it1.next();
  const it2 = loader[Symbol.iterator]();
  it2.next();
  assert.throws(() => it1.next(), /newer iteration/);
});
