/**
 * updateBn, PyTorch's swa_utils.update_bn: after one pass, each BN layer holds the cumulative
 * average of the batch means and unbiased batch variances (momentum None), and everything else
 * about the model is as it was.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { updateBn } from '../../src/train/update-bn.js';
import { Module } from '../../src/nn/module.js';
import { Conv2d } from '../../src/nn/layers/conv2d.js';
import { BatchNorm2d } from '../../src/nn/layers/batch-norm.js';
import { Dropout } from '../../src/nn/layers/dropout.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { noGrad } from '../../src/tensor/grad-mode.js';
import { manualSeed, getEngineRngState } from '../../src/tensor/random.js';
import { makeDataset } from '../../src/data/dataset.js';
import { DataLoader } from '../../src/data/data-loader.js';
import { Normalize } from '../../src/data/transforms/normalize.js';

class ConvBn extends Module {
  readonly conv = new Conv2d(1, 3, 3);
  readonly bn = new BatchNorm2d(3);
  readonly drop = new Dropout(0.5);
  forward(x: Tensor): Tensor {
    return this.drop.call(this.bn.call(this.conv.call(x)));
  }
}

/** 10 images of 6x6 with pseudo-random pixels, in batches of 4, 4 and 2. */
function loader(): DataLoader {
  const images = new Uint8Array(10 * 36);
  for (let i = 0; i < images.length; i++) images[i] = (i * 7919 + 13) % 251;
  return new DataLoader(makeDataset(images, new Uint8Array(10), 6, 6), { batchSize: 4, transform: new Normalize() });
}

/** Per-channel mean and unbiased variance of the conv's output on each batch, in float64. */
function batchStats(model: ConvBn, data: DataLoader): { mean: number[]; variance: number[] }[] {
  const out: { mean: number[]; variance: number[] }[] = [];
  for (const batch of data) {
    const y = noGrad(() => model.conv.call(new Tensor(batch.images, [batch.size, 1, 6, 6], false, false)));
    const [n, c, h, w] = y.shape as [number, number, number, number];
    const mean: number[] = [];
    const variance: number[] = [];
    for (let ch = 0; ch < c; ch++) {
      const values: number[] = [];
      for (let b = 0; b < n; b++) for (let i = 0; i < h * w; i++) values.push(y.data[(b * c + ch) * h * w + i]!);
      const m = values.reduce((s, v) => s + v, 0) / values.length;
      mean.push(m);
      variance.push(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
    }
    out.push({ mean, variance });
  }
  return out;
}

describe('updateBn', () => {
  it('sets each BN layer to the cumulative average of the batch statistics', () => {
    manualSeed(3);
    const model = new ConvBn();
    model.bn.running_mean!.data.fill(5); // stale statistics, to be replaced
    model.bn.num_batches_tracked!.data[0] = 99;
    const data = loader();
    const stats = batchStats(model, data);
    updateBn(model, data);
    for (let ch = 0; ch < 3; ch++) {
      const mean = stats.reduce((s, b) => s + b.mean[ch]!, 0) / stats.length;
      const variance = stats.reduce((s, b) => s + b.variance[ch]!, 0) / stats.length;
      assert.ok(Math.abs(model.bn.running_mean!.data[ch]! - mean) < 1e-5, `running_mean[${ch}] ${model.bn.running_mean!.data[ch]} vs ${mean}`);
      assert.ok(Math.abs(model.bn.running_var!.data[ch]! - variance) < 1e-5 * Math.max(1, variance), `running_var[${ch}] ${model.bn.running_var!.data[ch]} vs ${variance}`);
    }
    assert.equal(model.bn.num_batches_tracked!.data[0], 3);
  });

  it('restores momentum and every training mode, touches no weight and draws no random number', () => {
    manualSeed(3);
    const model = new ConvBn();
    for (const mode of [true, false]) {
      model.train(mode);
      const weights = [...model.parameters()].map((p) => Array.from(p.data));
      const rng = JSON.stringify(getEngineRngState());
      updateBn(model, loader());
      assert.equal(model.bn.momentum, 0.1);
      for (const [name, m] of model.namedModules()) assert.equal(m.training, mode, `${name || 'model'}.training`);
      assert.deepEqual([...model.parameters()].map((p) => Array.from(p.data)), weights);
      assert.equal(JSON.stringify(getEngineRngState()), rng, 'dropout stayed off during the pass');
    }
  });
});
