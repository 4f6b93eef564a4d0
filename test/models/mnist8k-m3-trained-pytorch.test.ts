/**
 * A checkpoint PyTorch trained (test/fixtures/pytorch/m3_trained.*) gives the same prediction as
 * PyTorch on every one of the 10,000 test images, on the fast backend, as `mnist-lab eval` runs it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Mnist8kM3 } from '../../src/models/mnist8k-m3.js';
import { loadMnist } from '../../src/data/mnist.js';
import { DataLoader } from '../../src/data/data-loader.js';
import { Normalize } from '../../src/data/transforms/normalize.js';
import { allocPersistent } from '../../src/tensor/memory-scope.js';
import { evaluate } from '../../src/train/evaluate.js';
import { readWeights } from '../../src/train/checkpoint.js';
import { fixturePath, readFixtureJson } from '../helpers/fixtures.js';
import { withWasmBackend } from '../helpers/wasm.js';

describe('PyTorch-trained mnist8k-m3', () => {
  it('predicts every test image as PyTorch does', async () => {
    const expected = readFixtureJson<{ test: { pred: string; correct: number } }>('pytorch', 'm3_trained.json').test;
    const result = await withWasmBackend(2, () => {
      const model = new Mnist8kM3();
      model.loadStateDict(readWeights(fixturePath('pytorch', 'm3_trained.safetensors')));
      const loader = new DataLoader(loadMnist({ valSplit: 0 }).test, { batchSize: 1000, transform: new Normalize(), allocate: allocPersistent });
      return evaluate(model, loader, { collectPredictions: true });
    });
    const got = Array.from(result.predictions!).join('');
    const mismatches = [...got].filter((d, i) => d !== expected.pred[i]).length;
    assert.equal(mismatches, 0, `${mismatches} predictions differ from PyTorch`);
    assert.equal(result.correct, expected.correct);
  });
});
