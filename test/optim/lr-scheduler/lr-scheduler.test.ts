/** Scheduler behaviour the PyTorch replays do not pin down: trainer hints, option checks, state-dict safety. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../../src/tensor/tensor.js';
import { MnistLabError } from '../../../src/util/errors.js';
import { SGD } from '../../../src/optim/sgd.js';
import { Adam } from '../../../src/optim/adam.js';
import type { Scheduler } from '../../../src/optim/lr-scheduler/scheduler.js';
import { StepLR } from '../../../src/optim/lr-scheduler/step-lr.js';
import { MultiStepLR } from '../../../src/optim/lr-scheduler/multi-step-lr.js';
import { CosineAnnealingLR } from '../../../src/optim/lr-scheduler/cosine-annealing-lr.js';
import { OneCycleLR } from '../../../src/optim/lr-scheduler/one-cycle-lr.js';
import { ReduceLROnPlateau } from '../../../src/optim/lr-scheduler/reduce-lr-on-plateau.js';

function sgd(lr = 0.1, groups = 1): SGD {
  const params = Array.from({ length: groups }, () => Tensor.persistent([2], true));
  return new SGD(params.map((p) => ({ params: [p] })), { lr, momentum: 0.9 });
}

test('each scheduler tells the trainer when to step it', () => {
  const cases: [Scheduler, boolean, boolean][] = [
    [new StepLR(sgd(), { stepSize: 3 }), false, false],
    [new MultiStepLR(sgd(), { milestones: [2] }), false, false],
    [new CosineAnnealingLR(sgd(), { tMax: 10 }), false, false],
    [new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10 }), true, false],
    [new ReduceLROnPlateau(sgd()), false, true],
  ];
  for (const [scheduler, perBatch, needsMetric] of cases) {
    assert.equal(scheduler.stepsPerBatch, perBatch, scheduler.constructor.name);
    assert.equal(scheduler.needsMetric, needsMetric, scheduler.constructor.name);
  }
});

test('creating a scheduler records initialLr once, like PyTorch setdefault', () => {
  const opt = sgd(0.1);
  const first = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
  for (let i = 0; i < 2; i++) first.step();
  assert.equal(opt.paramGroups[0]!.lr, 0.05);
  const second = new CosineAnnealingLR(opt, { tMax: 4 });
  assert.deepEqual([opt.paramGroups[0]!.initialLr, second.baseLrs[0]], [0.1, 0.1]);
  assert.throws(() => new StepLR(sgd(), { stepSize: 2, lastEpoch: 5 }), /initial_lr' is not specified in param_groups\[0\]/);
});

test('bad scheduler options fail with MnistLabError', () => {
  assert.throws(() => new StepLR(sgd(), { stepSize: 0 }), MnistLabError);
  assert.throws(() => new MultiStepLR(sgd(), { milestones: [1.5] }), MnistLabError);
  assert.throws(() => new CosineAnnealingLR(sgd(), { tMax: 0 }), MnistLabError);
  assert.throws(() => new OneCycleLR(sgd(), { maxLr: 1 }), /either totalSteps OR \(epochs AND stepsPerEpoch\)/);
  assert.throws(() => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 2.5 }), /positive integer totalSteps/);
  assert.throws(() => new OneCycleLR(sgd(), { maxLr: 1, epochs: 3 }), /positive integer stepsPerEpoch/);
  assert.throws(() => new OneCycleLR(sgd(0.1, 2), { maxLr: [1, 2, 3], totalSteps: 5 }), /expected 2 values for maxLr/);
  assert.throws(() => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 5, pctStart: 1.5 }), /pctStart/);
  assert.throws(() => new ReduceLROnPlateau(sgd(), { factor: 1 }), /factor should be < 1.0/);
  assert.throws(() => new ReduceLROnPlateau(sgd(0.1, 2), { minLr: [0] }), /expected 2 min_lrs/);
});

test('OneCycleLR derives totalSteps from epochs x stepsPerEpoch and cycles only beta1 of Adam', () => {
  const params = [Tensor.persistent([1], true), Tensor.persistent([1], true)];
  const opt = new Adam([{ params: [params[0]!] }, { params: [params[1]!], betas: [0.9, 0.98] }]);
  const s = new OneCycleLR(opt, { maxLr: 0.01, epochs: 3, stepsPerEpoch: 4 });
  assert.equal(s.totalSteps, 12);
  assert.deepEqual(opt.paramGroups.map((g) => g.betas), [[0.95, 0.999], [0.95, 0.98]]);
  for (let i = 0; i < 12; i++) s.step();
  assert.throws(() => s.step(), /^MnistLabError: Tried to step 14 times\. The specified number of total steps is 12$/);
});

test('ReduceLROnPlateau needs its metric', () => {
  assert.throws(() => new ReduceLROnPlateau(sgd()).step(), /pass the monitored value/);
});

test('ReduceLROnPlateau state dicts survive JSON while best is still infinite', () => {
  for (const mode of ['min', 'max'] as const) {
    const opt = sgd();
    const s = new ReduceLROnPlateau(opt, { mode, patience: 0 });
    const text = JSON.stringify(s.stateDict());
    const restored = new ReduceLROnPlateau(opt, { mode: mode === 'min' ? 'max' : 'min' });
    restored.loadStateDict(JSON.parse(text));
    assert.equal(restored.best, mode === 'min' ? Infinity : -Infinity);
    assert.equal(restored.mode, mode);
    restored.step(1);
    assert.equal(restored.best, 1);
  }
});

test('loading a damaged scheduler state dict fails with one clear line and changes nothing', () => {
  const s = new StepLR(sgd(), { stepSize: 3 });
  const good = s.stateDict();
  assert.throws(() => s.loadStateDict({ ...good, last_epoch: 'x' }), /StepLR state dict: 'last_epoch' should be/);
  assert.throws(() => s.loadStateDict({ ...good, base_lrs: [0.1, 0.2] }), /one per param group/);
  assert.throws(() => s.loadStateDict({ ...good, step_size: null }), MnistLabError);
  assert.deepEqual(s.stateDict(), good);
  const plateau = new ReduceLROnPlateau(sgd());
  assert.throws(() => plateau.loadStateDict({ ...plateau.stateDict(), best: null }), /ReduceLROnPlateau state dict: 'best' should be a number/);
});
