/**
 * The numbers a report states about an experiment, all computed from the per-epoch histories of its
 * seed runs, and the checks of the project's two goals. Pure functions: the README, the frontier
 * plot and the tests read the same values.
 *
 * Accuracies are percentages (98.7, not 0.987), as in EpochMetrics.
 */
import type { ExperimentResult, SeedRun } from './experiment-result.js';
import { MnistLabError } from '../util/errors.js';
import { formatThousands } from '../util/python-format.js';
import { percent, percentAgainst } from './markdown.js';
import type { Goal, ReportGoals } from './goals.js';


// A value printed as 99.40% must count as reaching 99.40%, whatever the last bit of the division was.
const EPSILON = 1e-9;

export function reachesTarget(accuracy: number, target: number): boolean {
  return accuracy >= target - EPSILON;
}

export interface SeedStats {
  seed: number;
  epochs: number;
  bestTrainAccuracy: number;
  bestTestAccuracy: number;
  /** Test accuracy of the experiment's last `window` epochs, in epoch order. */
  lastTestAccuracies: number[];
  lastMin: number;
  lastMean: number;
  /** Epochs (over the whole run) whose test accuracy reached the target. */
  epochsAtTarget: number;
  meanEpochSeconds: number;
}

export interface ExperimentStats {
  name: string;
  parameters: number;
  seedCount: number;
  /** Epochs per run: the fewest and the most over the seeds (equal unless a run was cut short). */
  minEpochs: number;
  maxEpochs: number;
  /** The number of final epochs the last-epoch statistics use: the report's lastEpochs, or fewer when a run is shorter. */
  window: number;
  /** True when `window` < the report's lastEpochs, which the report says. */
  shortWindow: boolean;
  /** Maxima over every epoch of every seed. */
  bestTrainAccuracy: number;
  bestTestAccuracy: number;
  /** The lowest test accuracy in the window, over all seeds. */
  lastMin: number;
  /** Each seed's mean test accuracy over the window, summarised over seeds. */
  lastMeanAccuracy: {
    /** The mean over seeds. */
    mean: number;
    /** Sample standard deviation (n − 1) over seeds; null with one seed. */
    std: number | null;
    /** The lowest and highest seed (the frontier plot's error bar). */
    low: number;
    high: number;
  };
  /** Epochs at ≥ the target accuracy per seed: fewest, most, mean. */
  epochsAtTarget: { min: number; max: number; mean: number };
  /** Mean wall seconds per epoch over every epoch of every seed. */
  meanEpochSeconds: number;
  perSeed: SeedStats[];
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function sampleStd(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const m = mean(values);
  return Math.sqrt(values.reduce((acc, v) => acc + (v - m) ** 2, 0) / (values.length - 1));
}

function runsWithHistory(result: ExperimentResult): SeedRun[] {
  if (result.seeds.length === 0) {
    throw new MnistLabError(`experiment ${result.name}: its result has no seed runs; rerun the experiment`);
  }
  const empty = result.seeds.find((run) => run.history.length === 0);
  if (empty !== undefined) {
    throw new MnistLabError(`experiment ${result.name}: seed ${empty.seed} has no finished epoch; rerun that seed or drop it from the result`);
  }
  return result.seeds;
}

export function experimentStats(result: ExperimentResult, goals: ReportGoals): ExperimentStats {
  const runs = runsWithHistory(result);
  const minEpochs = Math.min(...runs.map((r) => r.history.length));
  const maxEpochs = Math.max(...runs.map((r) => r.history.length));
  const window = Math.min(goals.lastEpochs, minEpochs);
  const perSeed = runs.map((run): SeedStats => {
    const h = run.history;
    const last = h.slice(-window).map((m) => m.testAccuracy);
    return {
      seed: run.seed,
      epochs: h.length,
      bestTrainAccuracy: Math.max(...h.map((m) => m.trainAccuracy)),
      bestTestAccuracy: Math.max(...h.map((m) => m.testAccuracy)),
      lastTestAccuracies: last,
      lastMin: Math.min(...last),
      lastMean: mean(last),
      epochsAtTarget: h.filter((m) => reachesTarget(m.testAccuracy, goals.targetAccuracy)).length,
      meanEpochSeconds: mean(h.map((m) => m.epochSeconds)),
    };
  });
  const seedMeans = perSeed.map((s) => s.lastMean);
  const atTarget = perSeed.map((s) => s.epochsAtTarget);
  const allEpochSeconds = runs.flatMap((r) => r.history.map((m) => m.epochSeconds));
  return {
    name: result.name,
    parameters: result.parameters,
    seedCount: runs.length,
    minEpochs,
    maxEpochs,
    window,
    shortWindow: window < goals.lastEpochs,
    bestTrainAccuracy: Math.max(...perSeed.map((s) => s.bestTrainAccuracy)),
    bestTestAccuracy: Math.max(...perSeed.map((s) => s.bestTestAccuracy)),
    lastMin: Math.min(...perSeed.map((s) => s.lastMin)),
    lastMeanAccuracy: { mean: mean(seedMeans), std: sampleStd(seedMeans), low: Math.min(...seedMeans), high: Math.max(...seedMeans) },
    epochsAtTarget: { min: Math.min(...atTarget), max: Math.max(...atTarget), mean: mean(atTarget) },
    meanEpochSeconds: mean(allEpochSeconds),
    perSeed,
  };
}

// ---------------------------------------------------------------------------------------------
// Goals
// ---------------------------------------------------------------------------------------------

export interface GoalCheck {
  goal: string;
  experiment: string;
  met: boolean;
  /** The numbers behind the verdict, one line. */
  detail: string;
}

/** Whether `goal` applies at all: only experiments within its parameter budget are checked. */
export function qualifiesBySize(goal: Goal, result: ExperimentResult): boolean {
  return result.parameters <= goal.maxParameters;
}

/** Checks one goal for one experiment (callers filter with qualifiesBySize first; a larger model simply fails). */
export function checkGoal(goal: Goal, result: ExperimentResult, targetAccuracy: number): GoalCheck {
  const runs = runsWithHistory(result);
  const verdict = (met: boolean, detail: string): GoalCheck => ({ goal: goal.id, experiment: result.name, met, detail });
  const problems: string[] = [];
  if (result.parameters > goal.maxParameters) {
    problems.push(`${formatThousands(result.parameters)} parameters > ${formatThousands(goal.maxParameters)}`);
  }
  const longest = Math.max(...runs.map((r) => r.history.length));
  const shortest = Math.min(...runs.map((r) => r.history.length));
  if (longest > goal.maxEpochs) problems.push(`trained ${longest} epochs > ${goal.maxEpochs}`);
  if (runs.length < goal.minSeeds) problems.push(`${runs.length} seed${runs.length === 1 ? '' : 's'}, the goal needs ${goal.minSeeds}`);
  if (shortest < goal.lastEpochs) {
    const reasons = [...problems, `only ${shortest} epoch${shortest === 1 ? '' : 's'}, the goal looks at the last ${goal.lastEpochs}`];
    return verdict(false, `Short of the goal: ${reasons.join('; ')}`);
  }

  let lowest = { accuracy: Infinity, seed: 0, epoch: 0 };
  let passingSeeds = 0;
  const all: number[] = [];
  for (const run of runs) {
    const last = run.history.slice(-goal.lastEpochs);
    if (last.every((m) => reachesTarget(m.testAccuracy, targetAccuracy))) passingSeeds++;
    for (const m of last) {
      all.push(m.testAccuracy);
      if (m.testAccuracy < lowest.accuracy) lowest = { accuracy: m.testAccuracy, seed: run.seed, epoch: m.epoch };
    }
  }
  const overallMean = mean(all);
  const parts = [
    `${passingSeeds}/${runs.length} seeds ≥ ${percent(targetAccuracy)} on each of the last ${goal.lastEpochs} epochs` +
      ` (lowest ${percent(lowest.accuracy)}: seed ${lowest.seed}, epoch ${lowest.epoch})`,
  ];
  if (passingSeeds < runs.length) problems.push(`${runs.length - passingSeeds} seed${runs.length - passingSeeds === 1 ? '' : 's'} below ${percent(targetAccuracy)}`);
  if (goal.minMean !== null) {
    const ok = reachesTarget(overallMean, goal.minMean);
    parts.push(`mean ${ok ? percent(overallMean) : percentAgainst(overallMean, goal.minMean)} ${ok ? '≥' : '<'} ${percent(goal.minMean)}`);
    if (!ok) problems.push('mean too low');
  } else {
    parts.push(`mean ${percent(overallMean)}`);
  }
  parts.push(`${formatThousands(result.parameters)} parameters, ${longest} epochs`);
  const met = problems.length === 0;
  return verdict(met, met ? parts.join('; ') : `${parts.join('; ')}. Short of the goal: ${problems.join('; ')}`);
}
