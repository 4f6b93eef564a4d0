/**
 * ExponentialMovingAverage against the formula of PyTorch's get_ema_multi_avg_fn, with
 * use_buffers=True: the first update copies, later ones lerp floats and copy integer buffers.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExponentialMovingAverage } from '../../src/optim/ema.js';
import { Module } from '../../src/nn/module.js';
import { Linear } from '../../src/nn/layers/linear.js';
import { BatchNorm2d } from '../../src/nn/layers/batch-norm.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { manualSeed } from '../../src/tensor/random.js';
import { MnistLabError } from '../../src/util/errors.js';

class Tiny extends Module {
  readonly fc = new Linear(3, 2);
  readonly bn = new BatchNorm2d(2);
  forward(x: Tensor): Tensor {
    return this.fc.call(x);
  }
}

function snapshot(m: Module): Map<string, number[]> {
  return new Map([...m.stateDict()].map(([k, t]) => [k, Array.from(t.data)]));
}

function setAll(m: Module, value: (name: string, i: number) => number): void {
  for (const [k, t] of m.stateDict()) for (let i = 0; i < t.data.length; i++) t.data[i] = value(k, i);
}

describe('ExponentialMovingAverage', () => {
  it('copies on the first update, then moves each float by (1 - decay) toward the model', () => {
    manualSeed(1);
    const model = new Tiny();
    const ema = new ExponentialMovingAverage(model, 0.75);
    setAll(model, (_, i) => i + 1);
    ema.update();
    const first = snapshot(model);
    setAll(model, (k, i) => (k.endsWith('num_batches_tracked') ? 7 : 10 * (i + 1)));
    ema.update();
    assert.equal(ema.nAveraged, 2);
    const averaged = ema.withAveragedWeights(() => snapshot(model));
    for (const [k, values] of averaged) {
      values.forEach((v, i) => {
        const expected = k.endsWith('num_batches_tracked') ? 7 : Math.fround(first.get(k)![i]! + 0.25 * (10 * (i + 1) - first.get(k)![i]!));
        assert.equal(v, expected, `${k}[${i}]`);
      });
    }
  });

  it('swaps the average in only for the callback, even when it throws', () => {
    manualSeed(1);
    const model = new Tiny();
    const ema = new ExponentialMovingAverage(model, 0.5);
    ema.update();
    setAll(model, () => 3);
    const training = snapshot(model);
    assert.throws(() => ema.withAveragedWeights(() => {
      assert.notDeepEqual(snapshot(model), training);
      throw new Error('boom');
    }), /boom/);
    assert.deepEqual(snapshot(model), training);
  });

  it('is the model itself before any update', () => {
    manualSeed(1);
    const model = new Tiny();
    const ema = new ExponentialMovingAverage(model, 0.9);
    const before = snapshot(model);
    assert.deepEqual(ema.withAveragedWeights(() => snapshot(model)), before);
  });

  it('round-trips its state and refuses a state from another model or decay', () => {
    manualSeed(1);
    const model = new Tiny();
    const ema = new ExponentialMovingAverage(model, 0.9);
    ema.update();
    setAll(model, () => 2);
    ema.update();
    const state = ema.stateDict();
    const restored = new ExponentialMovingAverage(model, 0.9);
    restored.loadStateDict(state);
    assert.deepEqual(restored.stateDict(), state);
    assert.throws(() => new ExponentialMovingAverage(model, 0.5).loadStateDict(state), MnistLabError);
    const { ['fc.weight']: _dropped, ...partial } = state.averages;
    assert.throws(() => restored.loadStateDict({ ...state, averages: partial }), /no average for fc.weight/);
    assert.throws(() => new ExponentialMovingAverage(model, 1), /decay must be in \[0, 1\)/);
  });

  it('with useBuffers false averages parameters only; updateBuffers keeps the recomputed buffers', () => {
    manualSeed(1);
    const model = new Tiny();
    const ema = new ExponentialMovingAverage(model, 0.5, { useBuffers: false });
    setAll(model, () => 1);
    ema.update();
    setAll(model, () => 3);
    ema.update();
    const averaged = ema.withAveragedWeights(() => snapshot(model));
    assert.deepEqual(averaged.get('fc.weight'), [2, 2, 2, 2, 2, 2]);
    assert.deepEqual(averaged.get('bn.running_mean'), [1, 1], 'buffers keep the first update');
    assert.deepEqual(averaged.get('bn.num_batches_tracked'), [1]);
    const training = snapshot(model);
    ema.updateBuffers(() => {
      assert.deepEqual(snapshot(model).get('fc.weight'), [2, 2, 2, 2, 2, 2], 'recomputes with the average swapped in');
      model.bn.running_mean!.data.fill(7);
    });
    assert.deepEqual(snapshot(model), training, 'the training weights come back');
    const after = ema.withAveragedWeights(() => snapshot(model));
    assert.deepEqual(after.get('bn.running_mean'), [7, 7]);
    ema.update();
    assert.deepEqual(ema.withAveragedWeights(() => snapshot(model)).get('bn.running_mean'), [7, 7], 'later updates leave them alone');
    assert.throws(() => new ExponentialMovingAverage(model, 0.5).updateBuffers(() => {}), /needs useBuffers: false/);
  });
});
