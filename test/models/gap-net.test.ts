/**
 * GapNet's layout options: the number of 3x3 blocks after the pool sets the state-dict keys (in
 * PyTorch's registration order), the parameter count and the map that GAP averages.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GapNet } from '../../src/models/gap-net.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { noGrad } from '../../src/tensor/grad-mode.js';
import { manualSeed } from '../../src/tensor/random.js';

function convParams(cin: number, cout: number, k: number): number {
  return cin * cout * k * k;
}

describe('GapNet', () => {
  it("m3's layout (three blocks after the pool) keeps m3's key names", () => {
    manualSeed(1);
    const keys = [...new GapNet({ widths: [10, 16, 10, 14, 16, 18] }).stateDict().keys()].filter((k) => k.endsWith('weight'));
    assert.deepEqual(keys, ['conv1.weight', 'bn1.weight', 'conv2.weight', 'bn2.weight', 'conv3.weight', 'conv4.weight', 'bn4.weight', 'conv5.weight', 'bn5.weight', 'conv6.weight', 'bn6.weight', 'conv7.weight']);
  });

  it('a fourth block adds conv7/bn7, moves the classifier to conv8 and pools a 4x4 map', () => {
    manualSeed(1);
    const widths = [8, 16, 8, 12, 14, 14, 16] as const;
    const model = new GapNet({ widths });
    const keys = [...model.stateDict().keys()].filter((k) => k.endsWith('weight'));
    assert.deepEqual(keys.slice(-3), ['conv7.weight', 'bn7.weight', 'conv8.weight']);
    const bn = 2 * (8 + 16 + 12 + 14 + 14 + 16);
    const convs = convParams(1, 8, 3) + convParams(8, 16, 3) + convParams(16, 8, 1) + convParams(8, 12, 3) + convParams(12, 14, 3) +
      convParams(14, 14, 3) + convParams(14, 16, 3) + convParams(16, 10, 1);
    assert.equal(model.numParameters(), convs + bn);
    model.eval();
    const out = noGrad(() => model.call(new Tensor(new Float32Array(2 * 28 * 28).fill(0.5), [2, 1, 28, 28])));
    assert.deepEqual(out.shape, [2, 10]);
    for (const v of out.data) assert.ok(Number.isFinite(v));
  });

  it('transitionBn adds bn3 right after conv3, 2 x its width in parameters, and leaves the conv inits as they were', () => {
    manualSeed(1);
    const plain = new GapNet({ widths: [10, 16, 10, 14, 16, 18] });
    manualSeed(1);
    const model = new GapNet({ widths: [10, 16, 10, 14, 16, 18], transitionBn: true });
    const keys = [...model.stateDict().keys()];
    assert.deepEqual(keys.slice(keys.indexOf('conv3.weight'), keys.indexOf('conv4.weight')), [
      'conv3.weight', 'bn3.weight', 'bn3.bias', 'bn3.running_mean', 'bn3.running_var', 'bn3.num_batches_tracked',
    ]);
    assert.equal(model.numParameters(), plain.numParameters() + 20);
    assert.deepEqual(model.stateDict().get('conv7.weight')!.data, plain.stateDict().get('conv7.weight')!.data);
    model.train();
    noGrad(() => model.call(new Tensor(new Float32Array(2 * 28 * 28).map((_, i) => (i % 7) / 7), [2, 1, 28, 28])));
    assert.equal(model.bn3!.num_batches_tracked!.data[0], 1, 'bn3 is in the forward pass');
  });

  it('stemPadding keeps 28x28 through conv1 and conv2: same parameters, GAP over 8x8', () => {
    manualSeed(1);
    const model = new GapNet({ widths: [10, 16, 10, 14, 16, 18], stemPadding: 1 });
    assert.equal(model.numParameters(), 7886);
    const shapes: number[][] = [];
    new Map(model.namedModules()).get('conv6')!.registerForwardHook((_m, _x, y) => void shapes.push([...y.shape]));
    model.eval();
    const out = noGrad(() => model.call(new Tensor(new Float32Array(28 * 28).fill(0.5), [1, 1, 28, 28])));
    assert.deepEqual(shapes, [[1, 18, 8, 8]]);
    assert.deepEqual(out.shape, [1, 10]);
    assert.throws(() => new GapNet({ widths: [8, 8, 8, 8, 8, 8, 8, 8, 8, 8], stemPadding: 1 }), /1 to 6 blocks after the pool fit a 14x14 map/);
  });

  it('refuses more blocks than a 12x12 map holds', () => {
    assert.throws(() => new GapNet({ widths: [8, 8, 8, 8, 8, 8, 8, 8, 8] }), /1 to 5 blocks/);
  });
});
