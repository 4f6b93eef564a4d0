import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { digitGridMarkdown, digitGridPng, misclassifiedDigits } from '../../src/report/digit-grid.js';
import { MnistLabError } from '../../src/util/errors.js';

test('misclassifiedDigits: test-set order, limit, source indices', () => {
  const labels = [1, 2, 3, 4, 5, 6];
  const predictions = [1, 7, 3, 0, 5, 9];
  assert.deepEqual(misclassifiedDigits(predictions, labels), [
    { position: 1, sourceIndex: 1, label: 2, prediction: 7 },
    { position: 3, sourceIndex: 3, label: 4, prediction: 0 },
    { position: 5, sourceIndex: 5, label: 6, prediction: 9 },
  ]);
  assert.deepEqual(misclassifiedDigits(predictions, labels, 2, [10, 11, 12, 13, 14, 15]).map((d) => d.sourceIndex), [11, 13]);
  assert.throws(() => misclassifiedDigits([1], [1, 2]), MnistLabError);
});

test('digitGridPng: layout, scaled pixels and a red prediction label', () => {
  const images = new Uint8Array(4 * 784);
  images.fill(200, 784, 2 * 784); // image 1: uniform gray 200
  const digits = misclassifiedDigits([0, 7, 2, 3], [0, 1, 2, 4]); // images 1 and 3
  const png = PNG.sync.read(digitGridPng(images, { height: 28, width: 28 }, digits, { columns: 8 }));
  // Two cells in one row: 6 px padding around 84-px-wide cells; label rows under the 84-px digit.
  assert.equal(png.width, 6 + 2 * (84 + 6));
  assert.equal(png.height, 6 + (84 + 5 + 15 + 4 + 10) + 6);
  const at = (x: number, y: number): number[] => Array.from(png.data.subarray(4 * (y * png.width + x), 4 * (y * png.width + x) + 4));
  assert.deepEqual(at(6, 6), [200, 200, 200, 255]); // first cell: image 1, pixel (0, 0)
  assert.deepEqual(at(6 + 83, 6 + 83), [200, 200, 200, 255]);
  assert.deepEqual(at(6 + 90, 6), [0, 0, 0, 255]); // second cell: image 3 is black
  assert.deepEqual(at(0, 0), [255, 255, 255, 255]); // padding
  let red = 0;
  for (let o = 0; o < png.data.length; o += 4) if (png.data[o] === 200 && png.data[o + 1] === 30) red++;
  assert.ok(red > 0, 'no red prediction label drawn');
});

test('digitGridPng rejects an empty selection and images that are not there', () => {
  assert.throws(() => digitGridPng(new Uint8Array(784), { height: 28, width: 28 }, []), MnistLabError);
  assert.throws(
    () => digitGridPng(new Uint8Array(784), { height: 28, width: 28 }, [{ position: 3, sourceIndex: 3, label: 1, prediction: 2 }]),
    MnistLabError,
  );
});

test('digitGridMarkdown mirrors the grid', () => {
  const digits = misclassifiedDigits([9, 9, 9], [1, 2, 3]);
  assert.equal(digitGridMarkdown(digits, 2), ['| 1 | 2 |', '| --- | --- |', '| `#0` 1 → 9 | `#1` 2 → 9 |', '| `#2` 3 → 9 |  |'].join('\n'));
});
