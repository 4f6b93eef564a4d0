import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SEED002_M3_SUMMARY_TABLE } from '../fixtures/seed002-m3-summary.js';
import { formatSummaryTable, summarizeModel, type SummaryLayerRecord } from '../../src/report/summary-table.js';

// The seeds' "Model 3" (mnist8k-m3), as torchsummary recorded it.
const M3_LAYERS: SummaryLayerRecord[] = (
  [
    ['Conv2d-1', [-1, 10, 26, 26], 90],
    ['BatchNorm2d-2', [-1, 10, 26, 26], 20],
    ['ReLU-3', [-1, 10, 26, 26], 0],
    ['Dropout-4', [-1, 10, 26, 26], 0],
    ['Conv2d-5', [-1, 15, 24, 24], 1350],
    ['BatchNorm2d-6', [-1, 15, 24, 24], 30],
    ['ReLU-7', [-1, 15, 24, 24], 0],
    ['Dropout-8', [-1, 15, 24, 24], 0],
    ['Conv2d-9', [-1, 10, 24, 24], 150],
    ['MaxPool2d-10', [-1, 10, 12, 12], 0],
    ['Conv2d-11', [-1, 16, 10, 10], 1440],
    ['BatchNorm2d-12', [-1, 16, 10, 10], 32],
    ['ReLU-13', [-1, 16, 10, 10], 0],
    ['Dropout-14', [-1, 16, 10, 10], 0],
    ['Conv2d-15', [-1, 16, 8, 8], 2304],
    ['BatchNorm2d-16', [-1, 16, 8, 8], 32],
    ['ReLU-17', [-1, 16, 8, 8], 0],
    ['Dropout-18', [-1, 16, 8, 8], 0],
    ['Conv2d-19', [-1, 16, 6, 6], 2304],
    ['BatchNorm2d-20', [-1, 16, 6, 6], 32],
    ['ReLU-21', [-1, 16, 6, 6], 0],
    ['Dropout-22', [-1, 16, 6, 6], 0],
    ['AvgPool2d-23', [-1, 16, 1, 1], 0],
    ['Conv2d-24', [-1, 10, 1, 1], 160],
  ] as [string, number[], number][]
).map(([name, outputShape, params]) => ({ name, outputShape, params, trainable: true }));

const M3_TABLE = SEED002_M3_SUMMARY_TABLE;

test("reproduces the seed's m3 summary table exactly", () => {
  const summary = summarizeModel({ inputShape: [1, 28, 28], layers: M3_LAYERS });
  assert.equal(formatSummaryTable(summary), M3_TABLE);
});

test('exposes the same numbers as JSON-friendly data, computed with torchsummary formulas', () => {
  const summary = summarizeModel({ inputShape: [1, 28, 28], layers: M3_LAYERS });
  assert.equal(summary.totalParams, 7944);
  assert.equal(summary.trainableParams, 7944);
  assert.equal(summary.nonTrainableParams, 0);
  assert.equal(summary.batchSize, -1);
  assert.equal(summary.inputSizeMB, (784 * 4) / 1024 ** 2);
  const outputElements = 4 * 6760 + 4 * 8640 + 5760 + 1440 + 4 * 1600 + 4 * 1024 + 4 * 576 + 16 + 10;
  assert.equal(summary.forwardBackwardPassSizeMB, (2 * outputElements * 4) / 1024 ** 2);
  assert.equal(summary.paramsSizeMB, (7944 * 4) / 1024 ** 2);
  assert.equal(summary.estimatedTotalSizeMB, summary.paramsSizeMB + summary.forwardBackwardPassSizeMB + summary.inputSizeMB);
  assert.deepEqual(JSON.parse(JSON.stringify(summary)), summary);
  assert.deepEqual(summary.layers[0], { name: 'Conv2d-1', outputShape: [-1, 10, 26, 26], params: 90, trainable: true });
});

test('counts non-trainable layers, takes explicit totals, and scales the input size by a batch size', () => {
  const layers: SummaryLayerRecord[] = [
    { name: 'Linear-1', outputShape: [-1, 1000], params: 785000, trainable: true },
    { name: 'Linear-2', outputShape: [-1, 10], params: 10010, trainable: false },
  ];
  const summed = summarizeModel({ inputShape: [784], layers });
  assert.equal(summed.totalParams, 795010);
  assert.equal(summed.trainableParams, 785000);
  assert.equal(summed.nonTrainableParams, 10010);
  const text = formatSummaryTable(summed);
  assert.match(text, /^ {12}Linear-1 {17}\[-1, 1000\] {9}785,000$/m);
  assert.match(text, /^Total params: 795,010\nTrainable params: 785,000\nNon-trainable params: 10,010$/m);
  assert.match(text, /^Params size \(MB\): 3\.03$/m);

  const shared = summarizeModel({ inputShape: [784], layers, totals: { total: 785000, trainable: 785000 } });
  assert.equal(shared.totalParams, 785000);
  assert.equal(shared.nonTrainableParams, 0);

  const batched = summarizeModel({ inputShape: [1, 28, 28], layers, batchSize: 64 });
  assert.equal(batched.inputSizeMB, (64 * 784 * 4) / 1024 ** 2);
});

test('long names and shapes push the columns out instead of being cut, as in torchsummary', () => {
  const summary = summarizeModel({
    inputShape: [3, 224, 224],
    layers: [{ name: 'VeryLongModuleClassName-123', outputShape: [-1, 2048, 1024, 1024, 7], params: 1234567890, trainable: true }],
  });
  assert.match(formatSummaryTable(summary), /^VeryLongModuleClassName-123  \[-1, 2048, 1024, 1024, 7\]   1,234,567,890$/m);
});
