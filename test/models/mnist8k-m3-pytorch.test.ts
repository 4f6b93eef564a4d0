/**
 * mnist8k-m3 against PyTorch 1.13 on a fixed batch (test/fixtures/pytorch, made by make_fixtures.py):
 * key names, parameter count, output, loss, every gradient (against PyTorch's float64 result), BN running
 * stats after one step, and the eval-mode output; all within 1e-4 relative error.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Mnist8kM3 } from '../../src/models/mnist8k-m3.js';
import { readFixtureTensors } from '../helpers/fixtures.js';
import { assertStepMatchesPyTorch } from '../helpers/pytorch-step.js';

const init = readFixtureTensors('pytorch', 'm3_init.safetensors');
const batch = readFixtureTensors('pytorch', 'm3_batch.safetensors');
const step = readFixtureTensors('pytorch', 'm3_step.safetensors');
// Gradients are held to the float64 result: PyTorch's float32 ones are themselves up to 1.3e-4 off it
// (see the fixture README), while this engine accumulates in float64 and lands within ~5e-7.
const exact = readFixtureTensors('pytorch', 'm3_step_f64.safetensors');

export function loadM3(): Mnist8kM3 {
  const model = new Mnist8kM3({ dropout: 0 });
  model.loadStateDict(init);
  return model;
}

describe('mnist8k-m3 matches PyTorch', () => {
  it('has PyTorch key names, in order, and 7,944 parameters', () => {
    const model = new Mnist8kM3();
    assert.deepEqual([...model.stateDict().keys()].sort(), [...init.keys()].sort());
    assert.equal(model.numParameters(), 7944);
    assert.deepEqual(
      model.namedParameters().map(([k]) => k),
      ['conv1.weight', 'bn1.weight', 'bn1.bias', 'conv2.weight', 'bn2.weight', 'bn2.bias', 'conv3.weight', 'conv4.weight', 'bn4.weight',
        'bn4.bias', 'conv5.weight', 'bn5.weight', 'bn5.bias', 'conv6.weight', 'bn6.weight', 'bn6.bias', 'conv7.weight'],
    );
  });

  it('gives the same output, loss, gradients and BN running stats for one training step', () => {
    assertStepMatchesPyTorch(loadM3(), { batch, step, exact });
  });

  it('refuses a state dict with a missing key, an unexpected key or a wrong shape, naming each', () => {
    const model = new Mnist8kM3();
    const missing = new Map(init);
    missing.delete('bn1.running_var');
    assert.throws(() => model.loadStateDict(missing), /missing keys: bn1\.running_var/);
    const extra = new Map(init);
    extra.set('fc.weight', { shape: [1], data: new Float32Array(1) });
    assert.throws(() => model.loadStateDict(extra), /unexpected keys: fc\.weight/);
    const wrong = new Map(init);
    wrong.set('conv1.weight', { shape: [10, 1, 5, 5], data: new Float32Array(250) });
    assert.throws(() => model.loadStateDict(wrong), /conv1\.weight: checkpoint \[10, 1, 5, 5\] vs model \[10, 1, 3, 3\]/);
    const result = model.loadStateDict(extra, false);
    assert.deepEqual(result.unexpectedKeys, ['fc.weight']);
  });
});
