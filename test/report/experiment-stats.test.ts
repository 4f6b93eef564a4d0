import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkGoal, experimentStats, qualifiesBySize, reachesTarget } from '../../src/report/experiment-stats.js';
import { MnistLabError } from '../../src/util/errors.js';
import { experiment, goals, simpleHistory } from './report-fixtures.js';

const goalA = goals.goals.find((g) => g.id === 'a')!;
const goalB = goals.goals.find((g) => g.id === 'b')!;

/** 10 warm-up epochs at 98%, then the given last five. */
const fifteen = (last: number[]): number[] => [...new Array<number>(10).fill(98), ...last];
const seeds = (count: number, last: number[], epochs = fifteen(last)) =>
  Array.from({ length: count }, (_, i) => ({ seed: i, history: simpleHistory(epochs) }));

test('a run printed as 99.40% reaches the target', () => {
  assert.equal(reachesTarget((100 * 9940) / 10000, 99.4), true);
  assert.equal(reachesTarget(99.39, 99.4), false);
});

test('goal (a) is met with 5 seeds at or above 99.4% on each of the last 5 of 15 epochs and mean ≥ 99.5%', () => {
  const r = experiment('ok', 7900, seeds(5, [99.4, 99.5, 99.55, 99.55, 99.6]));
  const check = checkGoal(goalA, r, 99.4);
  assert.equal(check.met, true, check.detail);
  assert.match(check.detail, /^5\/5 seeds ≥ 99\.40% on each of the last 5 epochs \(lowest 99\.40%: seed 0, epoch 11\); mean 99\.52% ≥ 99\.50%; 7,900 parameters, 15 epochs$/);
});

test('goal (a) names every reason it is not met', () => {
  const lowMean = checkGoal(goalA, experiment('m', 7900, seeds(5, [99.45, 99.45, 99.45, 99.45, 99.45])), 99.4);
  assert.equal(lowMean.met, false);
  assert.match(lowMean.detail, /mean 99\.45% < 99\.50%.*Short of the goal: mean too low$/);

  // A mean that two decimals would round up to the goal is printed with the digit that decides it.
  const justUnder = checkGoal(goalA, experiment('u', 7900, seeds(5, [99.47, 99.5, 99.5, 99.51, 99.495])), 99.4);
  assert.equal(justUnder.met, false);
  assert.match(justUnder.detail, /mean 99\.495% < 99\.50%.*Short of the goal: mean too low$/);

  const fewSeeds = checkGoal(goalA, experiment('f', 7900, seeds(4, [99.6, 99.6, 99.6, 99.6, 99.6])), 99.4);
  assert.equal(fewSeeds.met, false);
  assert.match(fewSeeds.detail, /Short of the goal: 4 seeds, the goal needs 5$/);

  const runs = seeds(5, [99.6, 99.6, 99.6, 99.6, 99.6]);
  runs[2] = { seed: 2, history: simpleHistory(fifteen([99.6, 99.6, 99.39, 99.6, 99.6])) };
  const oneDip = checkGoal(goalA, experiment('d', 7900, runs), 99.4);
  assert.equal(oneDip.met, false);
  assert.match(oneDip.detail, /^4\/5 seeds .*lowest 99\.39%: seed 2, epoch 13\).*Short of the goal: 1 seed below 99\.40%$/);

  const tooLong = checkGoal(goalA, experiment('l', 7900, seeds(5, [], [98, ...fifteen([99.6, 99.6, 99.6, 99.6, 99.6])])), 99.4);
  assert.match(tooLong.detail, /Short of the goal: trained 16 epochs > 15$/);

  const tooBig = checkGoal(goalA, experiment('b', 8001, seeds(5, [99.6, 99.6, 99.6, 99.6, 99.6])), 99.4);
  assert.match(tooBig.detail, /Short of the goal: 8,001 parameters > 8,000$/);
});

test('goal (b) looks at the last 3 epochs only and qualifies by size', () => {
  const r = experiment('s', 4999, seeds(2, [99.0, 99.0, 99.4, 99.41, 99.5]));
  assert.equal(qualifiesBySize(goalB, r), true);
  assert.equal(qualifiesBySize(goalB, experiment('t', 5001, seeds(1, [99.5]))), false);
  assert.equal(checkGoal(goalB, r, 99.4).met, true);
  const short = checkGoal(goalB, experiment('u', 4000, seeds(1, [], [99.5, 99.5])), 99.4);
  assert.deepEqual([short.met, short.detail], [false, 'Short of the goal: only 2 epochs, the goal looks at the last 3']);
});

test('experimentStats: a single seed has no std; a full run has the full window', () => {
  const s = experimentStats(experiment('one', 1000, seeds(1, [99.1, 99.2, 99.3, 99.4, 99.5])), goals);
  assert.equal(s.lastMeanAccuracy.std, null);
  assert.equal(s.window, 5);
  assert.equal(s.shortWindow, false);
  assert.ok(Math.abs(s.lastMeanAccuracy.mean - 99.3) < 1e-9);
  assert.equal(s.lastMin, 99.1);
  assert.deepEqual(s.epochsAtTarget, { min: 2, max: 2, mean: 2 });
  assert.equal(s.bestTrainAccuracy, 98.5);
});

test('experimentStats: a result without runs is a MnistLabError', () => {
  assert.throws(() => experimentStats(experiment('none', 1000, []), goals), MnistLabError);
});
