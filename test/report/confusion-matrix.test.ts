import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confusionMatrix, confusionMatrixMarkdown, confusionMatrixSpec } from '../../src/report/confusion-matrix.js';
import { chartSvg, svgToPng } from '../../src/report/render-chart.js';
import { MnistLabError } from '../../src/util/errors.js';
import { xmlRoot } from './image-checks.js';
import { PNG } from 'pngjs';

const labels = [0, 0, 1, 1, 1, 2, 2, 2, 2];
const predictions = [0, 1, 1, 1, 2, 2, 2, 2, 0];

test('confusionMatrix counts rows by true class and columns by prediction', () => {
  const m = confusionMatrix(predictions, labels, 3);
  assert.deepEqual(m, [
    [1, 1, 0],
    [0, 2, 1],
    [1, 0, 3],
  ]);
  assert.equal(confusionMatrix([], [], 10).length, 10);
});

test('confusionMatrix rejects mismatched or out-of-range input', () => {
  assert.throws(() => confusionMatrix([1], [1, 2]), MnistLabError);
  assert.throws(() => confusionMatrix([10], [1]), /must be integers 0-9/);
  assert.throws(() => confusionMatrix([1.5], [1]), MnistLabError);
});

test('confusionMatrixMarkdown: bold diagonal, errors per row and column, recall', () => {
  const md = confusionMatrixMarkdown(confusionMatrix(predictions, labels, 3));
  const lines = md.split('\n');
  assert.equal(lines[0], '| true \\ predicted | 0 | 1 | 2 | errors | recall |');
  assert.equal(lines[1], '| --- | ---: | ---: | ---: | ---: | ---: |');
  assert.equal(lines[2], '| **0** | **1** | 1 | · | 1 | 50.00% |');
  assert.equal(lines[3], '| **1** | · | **2** | 1 | 1 | 66.67% |');
  assert.equal(lines[4], '| **2** | 1 | · | **3** | 1 | 75.00% |');
  assert.equal(lines[5], '| errors | 1 | 1 | 1 | 3 |  |');
});

test('confusionMatrixSpec renders to SVG and PNG without warnings', async () => {
  const m = confusionMatrix(predictions, labels, 3);
  const { svg, warnings } = await chartSvg(confusionMatrixSpec(m, 'CM test'));
  assert.deepEqual(warnings, []);
  assert.equal(xmlRoot(svg), 'svg');
  assert.match(svg, /CM test/);
  const png = PNG.sync.read(svgToPng(svg));
  assert.ok(png.width > 100 && png.height > 100);
});
