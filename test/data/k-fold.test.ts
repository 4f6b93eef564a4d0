/** The k-fold partition: every training image is held out exactly once over the k folds. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kFoldSplit } from '../../src/data/k-fold.js';
import { makeDataset } from '../../src/data/dataset.js';
import { MnistLabError } from '../../src/util/errors.js';

function numbered(n: number): ReturnType<typeof makeDataset> {
  const images = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) images[i * 4] = i; // each image's first pixel is its index
  return makeDataset(images, new Uint8Array(n), 2, 2);
}

const ids = (d: { images: Uint8Array; n: number }): number[] => Array.from({ length: d.n }, (_, i) => d.images[i * 4]!);

describe('kFoldSplit', () => {
  it('holds every image out exactly once, in folds whose sizes differ by at most one, and trains on the rest', () => {
    const data = numbered(103);
    for (const k of [2, 5, 10]) {
      const heldOut: number[] = [];
      const sizes: number[] = [];
      for (let fold = 1; fold <= k; fold++) {
        const { train, val } = kFoldSplit(data, k, fold, 7);
        const v = ids(val);
        assert.deepEqual([...ids(train), ...v].sort((a, b) => a - b), ids(data), `fold ${fold}: train and val partition the data`);
        assert.deepEqual(v, [...v].sort((a, b) => a - b), 'kept in file order');
        heldOut.push(...v);
        sizes.push(v.length);
      }
      assert.deepEqual(heldOut.sort((a, b) => a - b), ids(data), `k=${k}: each image held out once`);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `k=${k}: sizes ${sizes.join(', ')}`);
    }
  });

  it('depends on the seed only, and refuses folds that do not exist', () => {
    const data = numbered(50);
    assert.deepEqual(ids(kFoldSplit(data, 5, 3, 1).val), ids(kFoldSplit(data, 5, 3, 1).val));
    assert.notDeepEqual(ids(kFoldSplit(data, 5, 3, 1).val), ids(kFoldSplit(data, 5, 3, 2).val));
    assert.throws(() => kFoldSplit(data, 5, 0, 1), MnistLabError);
    assert.throws(() => kFoldSplit(data, 5, 6, 1), MnistLabError);
    assert.throws(() => kFoldSplit(data, 1, 1, 1), MnistLabError);
  });
});
