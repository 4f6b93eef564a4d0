/**
 * Every zoo model's state_dict keys, in order, against the PyTorch module it mirrors. PyTorch's
 * state_dict lists a module's own parameters, its own buffers, then each child's state_dict in
 * __init__ assignment order; the modules below are transcribed from make_fixtures.py (Mnist8kM3,
 * which GapNet generalises to other widths, as gap-net.ts says) and from sep-gap-net.ts's doc comment
 * (= make_sepnet_fixtures.py), and baseline-fc's from its attributes. The key sets are also checked
 * against the PyTorch-written fixtures, whose files store tensors sorted by name, not in order.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createModel, listModels } from '../../src/models/zoo.js';
import { GapNet } from '../../src/models/gap-net.js';
import { readFixtureTensors } from '../helpers/fixtures.js';

/** A PyTorch module as its children in assignment order; a leaf layer is the keys of its own state_dict. */
type TorchModule = readonly (readonly [string, readonly string[] | TorchModule])[];

const conv2d = (bias: boolean): string[] => (bias ? ['weight', 'bias'] : ['weight']);
const batchNorm2d = ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked'];
const linear = ['weight', 'bias'];
const dropout: string[] = [];

function torchStateDictKeys(module: TorchModule, prefix = ''): string[] {
  return module.flatMap(([name, child]) =>
    isLeaf(child) ? child.map((k) => `${prefix}${name}.${k}`) : torchStateDictKeys(child, `${prefix}${name}.`));
}

function isLeaf(child: readonly string[] | TorchModule): child is readonly string[] {
  return child.every((c) => typeof c === 'string');
}

/**
 * make_fixtures.py's Mnist8kM3.__init__ with `tail` 3x3 blocks after the pool:
 * conv1, bn1, conv2, bn2, conv3, [bn3], conv4, bn4, ..., then the 1x1 classifier conv, then drop.
 */
function torchGapNet(tail: number, transitionBn = false): TorchModule {
  return [
    ['conv1', conv2d(false)], ['bn1', batchNorm2d],
    ['conv2', conv2d(false)], ['bn2', batchNorm2d],
    ['conv3', conv2d(false)], ...(transitionBn ? [['bn3', batchNorm2d] as const] : []),
    ...Array.from({ length: tail }, (_, i) => [[`conv${4 + i}`, conv2d(false)], [`bn${4 + i}`, batchNorm2d]] as const).flat(),
    [`conv${4 + tail}`, conv2d(false)],
    ['drop', dropout],
  ];
}

/**
 * sep-gap-net.ts's SepGapNet(stem, widths, depthwise_norm=...) with no transition: blocks is an nn.Sequential of
 * SeparableBlock, whose depthwiseBn (when there is one) sits between depthwise and pointwise.
 */
function torchSepGapNet(blocks: number, depthwiseNorm = false): TorchModule {
  const separableBlock: TorchModule = [
    ['depthwise', conv2d(false)], ...(depthwiseNorm ? [['depthwiseBn', batchNorm2d] as const] : []),
    ['pointwise', conv2d(false)], ['bn', batchNorm2d],
  ];
  return [
    ['conv1', conv2d(false)], ['bn1', batchNorm2d],
    ['conv2', conv2d(false)], ['bn2', batchNorm2d],
    ['blocks', Array.from({ length: blocks }, (_, i) => [String(i), separableBlock] as const)],
    ['classifier', conv2d(false)],
  ];
}

const torchBaselineFc: TorchModule = [
  ['conv1', conv2d(true)], ['conv2', conv2d(true)], ['conv3', conv2d(true)], ['fc1', linear], ['fc2', linear],
];

const expected: Record<string, TorchModule> = {
  'mnist8k-m3': torchGapNet(3),
  'baseline-fc': torchBaselineFc,
  'bn-gap-16k': torchGapNet(3),
  'gapnet-8k': torchGapNet(3),
  'gapnet-8k-deep': torchGapNet(4),
  'gapnet-5k': torchGapNet(3),
  'sepnet-8k': torchSepGapNet(4),
  'sepnet-8k-dwbn': torchSepGapNet(4, true),
  'sepnet-8k-light': torchSepGapNet(4),
  'sepnet-8k-deep': torchSepGapNet(5),
  'sepnet-5k': torchSepGapNet(4),
  'sepnet-5k-deep': torchSepGapNet(5),
  'sepnet-3k': torchSepGapNet(4),
  'gapnet-3k': torchGapNet(3),
  'sepnet-2k': torchSepGapNet(4),
  'gapnet-2k': torchGapNet(3),
  'sepnet-1k': torchSepGapNet(4),
};

/** The seeds' models (s000-..., s004-...) have their key order pinned in test/models/seeds/seed-models.test.ts. */
const ownModels = listModels().filter((e) => !/^s\d{3}-/.test(e.name));

describe('zoo models: state_dict keys in PyTorch order', () => {
  it('every zoo model of our own has an expected PyTorch module here', () => {
    assert.deepEqual(ownModels.map((e) => e.name).sort(), Object.keys(expected).sort());
  });

  for (const entry of ownModels) {
    it(entry.name, () => {
      const torch = expected[entry.name];
      assert.ok(torch, `no PyTorch transcription for ${entry.name}`);
      assert.deepEqual([...createModel(entry.name).stateDict().keys()], torchStateDictKeys(torch));
    });
  }

  it('GapNet with transitionBn puts bn3 right after conv3', () => {
    assert.deepEqual([...new GapNet({ widths: [10, 16, 10, 14, 16, 18], transitionBn: true }).stateDict().keys()], torchStateDictKeys(torchGapNet(3, true)));
  });

  it("mnist8k-m3: the parameter order PyTorch printed (fixture README) and the fixtures' key sets", () => {
    const model = createModel('mnist8k-m3');
    assert.deepEqual(model.namedParameters().map(([k]) => k), [
      'conv1.weight', 'bn1.weight', 'bn1.bias', 'conv2.weight', 'bn2.weight', 'bn2.bias', 'conv3.weight', 'conv4.weight',
      'bn4.weight', 'bn4.bias', 'conv5.weight', 'bn5.weight', 'bn5.bias', 'conv6.weight', 'bn6.weight', 'bn6.bias', 'conv7.weight',
    ]);
    // named_modules too (the summary and update_bn walk it): drop comes last, as in PyTorch's __init__.
    assert.deepEqual(model.namedModules().map(([k]) => k), ['', 'conv1', 'bn1', 'conv2', 'bn2', 'conv3', 'conv4', 'bn4', 'conv5', 'bn5', 'conv6', 'bn6', 'conv7', 'drop']);
    const keys = [...model.stateDict().keys()].sort();
    assert.deepEqual([...readFixtureTensors('pytorch', 'm3_init.safetensors').keys()].sort(), keys);
    assert.deepEqual([...readFixtureTensors('pytorch', 'm3_trained.safetensors').keys()].sort(), keys);
  });

  it("sepnet-8k: the fixture's key set", () => {
    assert.deepEqual([...readFixtureTensors('pytorch', 'sepnet_init.safetensors').keys()].sort(), [...createModel('sepnet-8k').stateDict().keys()].sort());
  });
});
