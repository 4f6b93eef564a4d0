/**
 * SepGapNet (stem 10,16; widths 36,36,36,36) against PyTorch 1.13 on the m3 batch (test/fixtures/pytorch,
 * made by make_sepnet_fixtures.py from the module in sep-gap-net.ts's doc comment): key names, parameter
 * count, output, loss, every gradient (against PyTorch's float64 result), BN running stats after one
 * step, and the eval-mode output; all within 1e-4 relative error.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SepGapNet, type SepGapNetConfig } from '../../src/models/sep-gap-net.js';
import { readFixtureTensors } from '../helpers/fixtures.js';
import { assertStepMatchesPyTorch } from '../helpers/pytorch-step.js';

const CONFIG: SepGapNetConfig = { stem: [10, 16], widths: [36, 36, 36, 36] };
const init = readFixtureTensors('pytorch', 'sepnet_init.safetensors');
const batch = readFixtureTensors('pytorch', 'm3_batch.safetensors');
const step = readFixtureTensors('pytorch', 'sepnet_step.safetensors');
// Gradients are held to the float64 result: PyTorch's float32 ones for conv1/conv2 are themselves
// 1.7e-4 and 1.0e-4 off it (see the fixture README), more than the tolerance.
const exact = readFixtureTensors('pytorch', 'sepnet_step_f64.safetensors');

function loadSepNet(): SepGapNet {
  const model = new SepGapNet(CONFIG);
  model.loadStateDict(init);
  return model;
}

describe('SepGapNet matches PyTorch', () => {
  it('has PyTorch key names, in order, and 7,810 parameters', () => {
    const model = new SepGapNet(CONFIG);
    // The file stores tensors sorted by dtype then name, so only the set can be compared with it; the
    // order is pinned by the explicit list below (PyTorch's registration order).
    assert.deepEqual([...model.stateDict().keys()].sort(), [...init.keys()].sort());
    assert.equal(model.numParameters(), 7810);
    const block = (i: number): string[] =>
      [`blocks.${i}.depthwise.weight`, `blocks.${i}.pointwise.weight`, `blocks.${i}.bn.weight`, `blocks.${i}.bn.bias`];
    assert.deepEqual(
      model.namedParameters().map(([k]) => k),
      ['conv1.weight', 'bn1.weight', 'bn1.bias', 'conv2.weight', 'bn2.weight', 'bn2.bias',
        ...block(0), ...block(1), ...block(2), ...block(3), 'classifier.weight'],
    );
    for (const [name, t] of model.stateDict()) assert.deepEqual([...t.shape], init.get(name)!.shape, name);
    // groups=cin stores one 3x3 filter per channel: [cin, 1, 3, 3], not [cin, cin, 3, 3].
    assert.deepEqual(init.get('blocks.0.depthwise.weight')!.shape, [16, 1, 3, 3]);
  });

  it('gives the same output, loss, gradients and BN running stats for one training step', () => {
    const model = loadSepNet();
    assert.equal(model.namedBuffers().length, 3 * 6, 'running_mean, running_var and num_batches_tracked for each of the 6 BNs');
    assertStepMatchesPyTorch(model, { batch, step, exact });
  });

  it('refuses a PyTorch state dict made for other widths, naming the key', () => {
    const model = new SepGapNet({ stem: [10, 16], widths: [24, 24, 24, 24] });
    assert.throws(() => model.loadStateDict(init), /blocks\.0\.pointwise\.weight: checkpoint \[36, 16, 1, 1\] vs model \[24, 16, 1, 1\]/);
  });
});
