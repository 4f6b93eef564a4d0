/** The Optimizer base: param groups, zeroGrad, state buffers, state-dict layout and loading errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { MnistLabError } from '../../src/util/errors.js';
import { SGD } from '../../src/optim/sgd.js';
import { Adam } from '../../src/optim/adam.js';
import { AdamW } from '../../src/optim/adamw.js';
import { optimizerStateDictToJson } from '../../src/optim/state-dict.js';

function param(values: number[], withGrad = true): Tensor {
  const p = Tensor.persistent([values.length], true);
  p.data.set(values);
  if (withGrad) {
    p.grad = Tensor.persistent([values.length]);
    p.grad.data.fill(0.5);
  }
  return p;
}

test('defaults fill each group; per-group options override them', () => {
  const [a, b] = [param([1]), param([2])];
  const opt = new Adam([{ params: [a] }, { params: [b], lr: 0.1, betas: [0.8, 0.9], weightDecay: undefined }], { lr: 0.01, weightDecay: 0.5 });
  assert.deepEqual(opt.paramGroups.map((g) => [g.lr, g.betas, g.weightDecay, g.eps, g.amsgrad]), [
    [0.01, [0.9, 0.999], 0.5, 1e-8, false],
    [0.1, [0.8, 0.9], 0.5, 1e-8, false],
  ]);
  assert.equal(new AdamW([a]).paramGroups[0]!.weightDecay, 1e-2);
  assert.equal(new Adam([a]).paramGroups[0]!.weightDecay, 0);
});

test('each group owns its betas array', () => {
  const betas: [number, number] = [0.9, 0.99];
  const opt = new Adam([{ params: [param([1])] }, { params: [param([2])] }], { betas });
  opt.paramGroups[0]!.betas[0] = 0.5;
  assert.equal(opt.paramGroups[1]!.betas[0], 0.9);
  assert.equal(betas[0], 0.9);
  assert.equal(opt.defaults.betas[0], 0.9);
});

test('bad hyperparameters and parameter lists fail with MnistLabError', () => {
  const p = param([1]);
  assert.throws(() => new SGD([p], { lr: -1 }), MnistLabError);
  assert.throws(() => new SGD([p], { lr: 0.1, nesterov: true }), /Nesterov momentum requires a momentum and zero dampening/);
  assert.throws(() => new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true, dampening: 0.1 }), MnistLabError);
  assert.throws(() => new Adam([p], { betas: [1, 0.999] }), /beta parameter at index 0/);
  assert.throws(() => new Adam([p], { eps: -1 }), MnistLabError);
  assert.throws(() => new AdamW([{ params: [p] }, { params: [param([2])], weightDecay: -0.1 }]), /weight_decay/);
  assert.throws(() => new SGD([], { lr: 0.1 }), /empty parameter list/);
  assert.throws(() => new SGD([p, p], { lr: 0.1 }), /appears twice/);
  assert.throws(() => new SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 }), /appears twice/);
});

test('zeroGrad zeroes gradients in place by default, or drops them', () => {
  const p = param([1, 2]);
  const grad = p.grad!;
  const opt = new SGD([p, param([3], false)], { lr: 0.1 });
  opt.zeroGrad();
  assert.equal(p.grad, grad);
  assert.deepEqual(Array.from(grad.data), [0, 0]);
  opt.zeroGrad(true);
  assert.equal(p.grad, null);
});

test('parameters without a gradient are skipped and get no state', () => {
  const [a, b] = [param([1, 2]), param([3], false)];
  for (const opt of [new SGD([a, b], { lr: 0.1, momentum: 0.9, weightDecay: 0.1 }), new AdamW([a, b])]) {
    opt.step();
    assert.deepEqual(Array.from(b.data), [3]);
    assert.deepEqual(Object.keys(opt.stateDict().state), ['0']);
  }
});

test('state buffers are allocated once and reused by every later step', () => {
  const p = param([1, -2, 3]);
  const opt = new Adam([p], { amsgrad: true });
  opt.step();
  const first = opt.stateDict();
  const buffersBefore = (opt as unknown as { state: Map<Tensor, Record<string, unknown>> }).state.get(p)!;
  const refs = [buffersBefore['exp_avg'], buffersBefore['exp_avg_sq'], buffersBefore['max_exp_avg_sq']];
  const data = p.data;
  for (let i = 0; i < 5; i++) opt.step();
  const buffersAfter = (opt as unknown as { state: Map<Tensor, Record<string, unknown>> }).state.get(p)!;
  assert.deepEqual([buffersAfter['exp_avg'], buffersAfter['exp_avg_sq'], buffersAfter['max_exp_avg_sq']].map((b, i) => b === refs[i]), [true, true, true]);
  assert.equal(p.data, data);
  assert.equal(buffersAfter['step'], 6);
  // stateDict() hands out copies: the snapshot taken after step 1 did not move.
  assert.equal(first.state['0']!['step'], 1);
  assert.notEqual(first.state['0']!['exp_avg'], refs[0]);
});

test('stateDict follows PyTorch: snake_case keys, params as indices counted across groups', () => {
  const [a, b, c] = [param([1]), param([2, 3]), param([4])];
  const opt = new SGD([{ params: [a, b] }, { params: [c], momentum: 0.5, weightDecay: 1e-4 }], { lr: 0.1 });
  opt.step();
  const sd = optimizerStateDictToJson(opt.stateDict());
  assert.deepEqual(sd.param_groups, [
    { lr: 0.1, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, params: [0, 1] },
    { lr: 0.1, momentum: 0.5, dampening: 0, weight_decay: 1e-4, nesterov: false, maximize: false, params: [2] },
  ]);
  // Like PyTorch, a param stepped without momentum still gets momentum_buffer = null.
  assert.deepEqual(sd.state, {
    0: { momentum_buffer: null },
    1: { momentum_buffer: null },
    2: { momentum_buffer: [Math.fround(0.5 + 1e-4 * 4)] },
  });
  // JSON text round trip is lossless.
  assert.deepEqual(JSON.parse(JSON.stringify(sd)), sd);
});

test('loadStateDict rejects a dict for another model and leaves the optimizer untouched', () => {
  const make = (sizes: number[]): Adam => new Adam(sizes.map((n) => param(new Array<number>(n).fill(1))), { lr: 0.01 });
  const source = make([2, 3]);
  source.step();
  const sd = source.stateDict();

  const twoGroups = new Adam([{ params: [param([1, 1])] }, { params: [param([1, 1, 1])] }]);
  assert.throws(() => twoGroups.loadStateDict(sd), /different number of parameter groups/);
  assert.throws(() => make([2]).loadStateDict(sd), /doesn't match the size of optimizer's group/);

  const wrongShape = make([2, 4]);
  wrongShape.paramGroups[0]!.lr = 0.5;
  assert.throws(() => wrongShape.loadStateDict(sd), (e: unknown) => e instanceof MnistLabError && /3 values but the parameter has 4/.test(e.message));
  assert.equal(wrongShape.paramGroups[0]!.lr, 0.5);
  assert.deepEqual(wrongShape.stateDict().state, {});

  const badValue = make([2, 3]);
  assert.throws(() => badValue.loadStateDict({ ...sd, param_groups: [{ ...sd.param_groups[0]!, lr: -1 }] }), /learning rate/);
});

test('loadStateDict restores hyperparameters, including those a scheduler added, and accepts Float32Array or number[]', () => {
  const source = new SGD([param([1, 2])], { lr: 0.1, momentum: 0.9 });
  source.paramGroups[0]!.initialLr = 0.3;
  source.step();
  for (const sd of [source.stateDict(), optimizerStateDictToJson(source.stateDict())]) {
    const target = new SGD([param([1, 2])], { lr: 0.7 });
    target.loadStateDict(sd);
    const g = target.paramGroups[0]!;
    assert.deepEqual([g.lr, g.momentum, g.initialLr], [0.1, 0.9, 0.3]);
    assert.deepEqual(optimizerStateDictToJson(target.stateDict()), optimizerStateDictToJson(source.stateDict()));
  }
});

test('Adam loaded from a state without amsgrad buffers starts the running max at zero', () => {
  const source = new Adam([param([1, 2])]);
  source.step();
  const target = new Adam([param([1, 2])], { amsgrad: true });
  const sd = source.stateDict();
  sd.param_groups[0]!['amsgrad'] = true;
  target.loadStateDict(sd);
  target.step();
  assert.deepEqual(Object.keys(target.stateDict().state['0']!).sort(), ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']);
});
