/**
 * collectSummary hooks the modules torchsummary hooks: every one but the model itself and Sequential
 * containers, so a custom block gets a row of its own (after its layers', with no parameters of its own).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectSummary } from '../../src/report/model-summary.js';
import { Mnist8kM3 } from '../../src/models/mnist8k-m3.js';
import { SepGapNet } from '../../src/models/sep-gap-net.js';

test("m3's summary has torchsummary's rows: one per layer, in call order", () => {
  const summary = collectSummary(new Mnist8kM3());
  const rows = summary.layers.map((l) => `${l.name} ${l.params}`);
  assert.deepEqual(rows.slice(0, 7), ['Conv2d-1 90', 'BatchNorm2d-2 20', 'Dropout-3 0', 'Conv2d-4 1350', 'BatchNorm2d-5 30', 'Dropout-6 0', 'Conv2d-7 150']);
  assert.equal(summary.layers.reduce((s, l) => s + l.params, 0), 7944);
});

test('a custom block gets its own zero-parameter row; the Sequential holding it gets none', () => {
  const summary = collectSummary(new SepGapNet({ stem: [10, 16], widths: [36, 36] }));
  const names = summary.layers.map((l) => l.name.replace(/-\d+$/, ''));
  assert.deepEqual(names, [
    'Conv2d', 'BatchNorm2d', 'Conv2d', 'BatchNorm2d',
    'Conv2d', 'Conv2d', 'BatchNorm2d', 'SeparableBlock',
    'Conv2d', 'Conv2d', 'BatchNorm2d', 'SeparableBlock',
    'Conv2d',
  ]);
  const block = summary.layers[7]!;
  assert.deepEqual([block.outputShape, block.params], [[-1, 36, 10, 10], 0]);
  const model = new SepGapNet({ stem: [10, 16], widths: [36, 36] });
  assert.equal(summary.layers.reduce((s, l) => s + l.params, 0), model.numParameters());
});
