/**
 * SGD, Adam and AdamW replayed against PyTorch 1.13 trajectories (test/fixtures/optim/optimizers.json):
 * every step's lr and parameters, the final state dict key for key, and a resume from a mid-run
 * state dict that must continue bit for bit like the uninterrupted run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor } from '../../src/tensor/tensor.js';
import type { Optimizer } from '../../src/optim/optimizer.js';
import type { Scheduler } from '../../src/optim/lr-scheduler/scheduler.js';
import { type OptimizerStateDict, optimizerStateDictToJson } from '../../src/optim/state-dict.js';
import {
  type OptimizerCase,
  computeGrads,
  makeOptimizer,
  makeParams,
  makeScheduler,
  optimizerFixtures,
  relativeError,
} from './optim-fixtures.js';

const TOLERANCE = 1e-4;
/** Keys PyTorch 1.13 keeps in param_groups for features mnist-lab does not have (foreach, CUDA graphs, ...). */
const TORCH_ONLY_GROUP_KEYS = new Set(['foreach', 'differentiable', 'capturable', 'fused']);

interface Run {
  params: Tensor[];
  optimizer: Optimizer;
  scheduler: Scheduler | null;
}

function start(c: OptimizerCase, values?: number[][]): Run {
  const params = makeParams(values);
  const optimizer = makeOptimizer(c.optimizer, params, c.options, c.groups);
  const scheduler = c.scheduler ? makeScheduler(c.scheduler.type, optimizer, c.scheduler.options) : null;
  return { params, optimizer, scheduler };
}

/** Step t (1-based) exactly as the fixture script does it. */
function doStep(c: OptimizerCase, run: Run, t: number): number[] {
  computeGrads(run.params);
  if (c.skip && t % c.skip.every === 0) run.params[c.skip.param]!.grad = null;
  const lrs = run.optimizer.paramGroups.map((g) => g.lr);
  run.optimizer.step();
  run.scheduler?.step();
  return lrs;
}

function checkStep(c: OptimizerCase, run: Run, t: number, lrs: number[]): number {
  const expected = c.trajectory[t - 1]!;
  assert.ok(relativeError(lrs, expected.lrs) <= 1e-12, `${c.name} step ${t}: lr ${lrs} vs PyTorch ${expected.lrs}`);
  let worst = 0;
  run.params.forEach((p, k) => {
    const err = relativeError(p.data, expected.params[k]!);
    assert.ok(err <= TOLERANCE, `${c.name} step ${t} param ${k}: relative error ${err.toExponential(2)}`);
    worst = Math.max(worst, err);
  });
  return worst;
}

for (const c of optimizerFixtures.cases) {
  test(`${c.name}: matches PyTorch ${optimizerFixtures.torch} for ${c.steps} steps`, (t) => {
    const run = start(c);
    let worst = 0;
    for (let step = 1; step <= c.steps; step++) worst = Math.max(worst, checkStep(c, run, step, doStep(c, run, step)));
    t.diagnostic(`worst relative error ${worst.toExponential(2)}`);
    checkStateDict(c.name, optimizerStateDictToJson(run.optimizer.stateDict()), c.finalStateDict);
  });

  test(`${c.name}: resuming from a mid-run state dict continues identically`, () => {
    const reference = start(c);
    const split = 10;
    let saved = '';
    const after: Float32Array[][] = [];
    for (let step = 1; step <= c.steps; step++) {
      doStep(c, reference, step);
      if (step === split) {
        // What a checkpoint holds: weights, optimizer and scheduler state, through JSON text.
        saved = JSON.stringify({
          params: reference.params.map((p) => Array.from(p.data)),
          optimizer: optimizerStateDictToJson(reference.optimizer.stateDict()),
          scheduler: reference.scheduler?.stateDict() ?? null,
        });
      }
      if (step > split) after.push(reference.params.map((p) => p.data.slice()));
    }
    const checkpoint = JSON.parse(saved) as { params: number[][]; optimizer: OptimizerStateDict; scheduler: Record<string, never> | null };
    const resumed = start(c, checkpoint.params);
    resumed.optimizer.loadStateDict(checkpoint.optimizer);
    if (checkpoint.scheduler) resumed.scheduler!.loadStateDict(checkpoint.scheduler);
    for (let step = split + 1; step <= c.steps; step++) {
      doStep(c, resumed, step);
      resumed.params.forEach((p, k) => assert.deepEqual(p.data, after[step - split - 1]![k], `${c.name} step ${step} param ${k}`));
    }
  });
}

/** Our state dict (JSON form) against PyTorch's: same entries and keys, values within tolerance. */
function checkStateDict(name: string, ours: OptimizerStateDict, torch: OptimizerStateDict): void {
  assert.deepEqual(Object.keys(ours.state).sort(), Object.keys(torch.state).sort(), `${name}: params with state`);
  for (const [index, entry] of Object.entries(torch.state)) {
    const mine = ours.state[index]!;
    assert.deepEqual(Object.keys(mine).sort(), Object.keys(entry).sort(), `${name}: state keys of param ${index}`);
    for (const [key, value] of Object.entries(entry)) {
      const where = `${name}: state[${index}].${key}`;
      if (value === null || typeof value === 'number') assert.equal(mine[key], value, where);
      else assert.ok(relativeError(mine[key] as number[], value as number[]) <= TOLERANCE, where);
    }
  }
  assert.equal(ours.param_groups.length, torch.param_groups.length);
  ours.param_groups.forEach((group, gi) => {
    const reference = torch.param_groups[gi]!;
    for (const key of Object.keys(reference)) {
      if (!TORCH_ONLY_GROUP_KEYS.has(key)) assert.ok(key in group, `${name}: param_groups[${gi}] lacks PyTorch's '${key}'`);
    }
    for (const [key, value] of Object.entries(group)) {
      const where = `${name}: param_groups[${gi}].${key}`;
      assert.ok(key in reference, `${where} is not a PyTorch key`);
      const expected = reference[key]!;
      if (typeof value === 'number' && typeof expected === 'number') {
        assert.ok(relativeError([value], [expected]) <= 1e-12, `${where}: ${value} vs ${expected}`);
      } else if (Array.isArray(value) && key !== 'params') {
        assert.ok(relativeError(value as number[], expected as number[]) <= 1e-12, `${where}: ${value} vs ${expected}`);
      } else {
        assert.deepEqual(value, expected, where);
      }
    }
  });
}
