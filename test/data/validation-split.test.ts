import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDataset } from '../../src/data/dataset.js';
import { splitValidation } from '../../src/data/validation-split.js';

/** 1000 2x2 images; image k holds k % 256 and label k % 10 so contents can be traced back. */
function fakeDataset(n = 1000) {
  const images = new Uint8Array(n * 4);
  const labels = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    images.fill(k % 256, k * 4, k * 4 + 4);
    labels[k] = k % 10;
  }
  return makeDataset(images, labels, 2, 2);
}

test('train and val are disjoint, cover everything, and carry their images along', () => {
  const data = fakeDataset();
  const { train, val } = splitValidation(data, 200, 7);
  assert.equal(train.n, 800);
  assert.equal(val.n, 200);
  const seen = new Set<number>();
  for (const d of [train, val]) {
    for (let k = 0; k < d.n; k++) {
      const src = d.sourceIndices[k]!;
      assert.ok(!seen.has(src), `image ${src} is in both sets`);
      seen.add(src);
      assert.equal(d.labels[k], src % 10);
      assert.equal(d.images[k * 4 + 3], src % 256);
    }
    // Both keep file order.
    for (let k = 1; k < d.n; k++) assert.ok(d.sourceIndices[k]! > d.sourceIndices[k - 1]!);
  }
  assert.equal(seen.size, 1000);
});

test('the split depends only on the seed', () => {
  const data = fakeDataset();
  const a = splitValidation(data, 100, 1).val.sourceIndices;
  const b = splitValidation(data, 100, 1).val.sourceIndices;
  const c = splitValidation(data, 100, 2).val.sourceIndices;
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  // A random sample, not a block: it spans the whole set.
  assert.ok(a[0]! < 100 && a[a.length - 1]! > 900);
});
