/**
 * The LR schedulers replayed against PyTorch 1.13 (test/fixtures/optim/schedulers.json): each
 * group's lr, momentum / beta1 and getLastLr() after construction and after every step, the
 * OneCycleLR over-step error, and resuming from mid-run state dicts.
 *
 * Both sides compute schedules in float64, so the bound here is 1e-12 (relative to the largest lr
 * of the step, see optim-fixtures.ts), far inside the 1e-4 asked of the float32 optimizers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MnistLabError } from '../../../src/util/errors.js';
import type { Scheduler } from '../../../src/optim/lr-scheduler/scheduler.js';
import type { Optimizer } from '../../../src/optim/optimizer.js';
import { type OptimizerStateDict, type SchedulerStateDict, optimizerStateDictToJson } from '../../../src/optim/state-dict.js';
import {
  type SchedulerCase,
  type Snapshot,
  makeOptimizer,
  makeParams,
  makeScheduler,
  relativeError,
  schedulerFixtures,
  snapshot,
} from '../optim-fixtures.js';

const TOLERANCE = 1e-12;

function start(c: SchedulerCase): { optimizer: Optimizer; scheduler: Scheduler } {
  const optimizer = makeOptimizer(c.optimizer, makeParams(), c.options, c.groups);
  return { optimizer, scheduler: makeScheduler(c.type, optimizer, c.scheduler) };
}

function stepOnce(c: SchedulerCase, scheduler: Scheduler, i: number): void {
  if (c.metrics) scheduler.step(c.metrics[i]!);
  else scheduler.step();
}

function assertClose(actual: readonly (number | null)[], expected: readonly (number | null)[], where: string): void {
  assert.equal(actual.length, expected.length, where);
  if (expected.every((v) => v === null)) {
    assert.deepEqual(actual, expected, where);
    return;
  }
  const err = relativeError(actual as number[], expected as number[]);
  assert.ok(err <= TOLERANCE, `${where}: ${actual} vs PyTorch ${expected} (relative error ${err.toExponential(2)})`);
}

function assertSnapshot(actual: Snapshot, expected: Snapshot, where: string): void {
  assertClose(actual.lrs, expected.lrs, `${where} lr`);
  assertClose(actual.momenta, expected.momenta, `${where} momentum`);
}

for (const c of schedulerFixtures.cases) {
  test(`${c.name}: ${c.type} matches PyTorch ${schedulerFixtures.torch} for ${c.steps} steps`, () => {
    const { optimizer, scheduler } = start(c);
    assertSnapshot(snapshot(optimizer), c.initial, `${c.name} after construction:`);
    for (let i = 0; i < c.steps; i++) {
      stepOnce(c, scheduler, i);
      const expected = c.history[i]!;
      assertSnapshot(snapshot(optimizer), expected, `${c.name} step ${i + 1}:`);
      assertClose(scheduler.getLastLr(), expected.lastLr, `${c.name} step ${i + 1}: getLastLr()`);
    }
    if (c.overstepError !== undefined) {
      assert.throws(() => scheduler.step(), (e: unknown) => e instanceof MnistLabError && e.message === c.overstepError);
    }
  });

  test(`${c.name}: resuming from mid-run state dicts continues identically`, () => {
    const split = Math.floor(c.steps / 2) - 1;
    const reference = start(c);
    let saved = '';
    const expected: Snapshot[] = [];
    for (let i = 0; i < c.steps; i++) {
      stepOnce(c, reference.scheduler, i);
      if (i === split) {
        saved = JSON.stringify({
          optimizer: optimizerStateDictToJson(reference.optimizer.stateDict()),
          scheduler: reference.scheduler.stateDict(),
        });
      }
      if (i > split) expected.push(snapshot(reference.optimizer));
    }
    const checkpoint = JSON.parse(saved) as { optimizer: OptimizerStateDict; scheduler: SchedulerStateDict };
    // The documented order: build both as for a fresh run, then load the optimizer, then the scheduler.
    const resumed = start(c);
    resumed.optimizer.loadStateDict(checkpoint.optimizer);
    resumed.scheduler.loadStateDict(checkpoint.scheduler);
    for (let i = split + 1; i < c.steps; i++) {
      stepOnce(c, resumed.scheduler, i);
      assert.deepEqual(snapshot(resumed.optimizer), expected[i - split - 1], `${c.name} step ${i + 1} after resuming`);
      assertSnapshot(snapshot(resumed.optimizer), c.history[i]!, `${c.name} step ${i + 1} after resuming, against PyTorch:`);
    }
    assert.deepEqual(resumed.scheduler.stateDict(), reference.scheduler.stateDict());
  });
}
