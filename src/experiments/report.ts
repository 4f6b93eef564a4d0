/**
 * `experiments report` as a library call: gathers what the report needs (the recorded results, the
 * goals' data, the best model's test predictions and the test images they refer to) and writes it.
 * Which experiment is "best" is decided here, in the experiments layer, not in the report or the CLI.
 */
import { loadMnist } from '../data/mnist.js';
import type { BestModelPredictions, ExperimentResult } from '../report/experiment-result.js';
import { experimentStats } from '../report/experiment-stats.js';
import type { ReportGoals } from '../report/goals.js';
import { MnistLabError } from '../util/errors.js';
import { loadGoals } from './goals.js';
import { loadExperiments } from './registry.js';
import { readResult } from './runner.js';
import { SEEDS_REPORT_FILE, writeSeedsReport } from './seeds-report.js';
import { voteEnsemble, type VoteEnsemble } from '../report/vote-ensemble.js';

/**
 * The best experiment is the one with the highest mean test accuracy over the goals' last epochs
 * (the comparison table's "last N: mean"), and its best seed is the one with the highest final test
 * accuracy; the report shows that seed's confusion matrix and misclassified digits.
 */
export function bestExperimentSeed(results: readonly ExperimentResult[], goals: ReportGoals): { result: ExperimentResult; seed: number } | null {
  let best: { result: ExperimentResult; mean: number } | null = null;
  for (const r of results) {
    const mean = experimentStats(r, goals).lastMeanAccuracy.mean;
    if (!best || mean > best.mean) best = { result: r, mean };
  }
  if (!best) return null;
  const seedRun = [...best.result.seeds].sort((a, b) => (b.history.at(-1)?.testAccuracy ?? 0) - (a.history.at(-1)?.testAccuracy ?? 0))[0];
  return seedRun ? { result: best.result, seed: seedRun.seed } : null;
}

export interface ExperimentsReportOptions {
  resultsDir: string;
  outDir: string;
}

export async function writeExperimentsReport(o: ExperimentsReportOptions): Promise<{ readme: string; seeds: string; experiments: number }> {
  const experiments = await loadExperiments();
  const goals = await loadGoals();
  // Numbers come from the recorded results; the words (title, target, analysis, how the recipe was
  // written) from the current experiment files, so a write-up can be revised without retraining.
  const results: ExperimentResult[] = [];
  for (const e of experiments) {
    const r = readResult(o.resultsDir, e.name);
    if (r) results.push({ ...r, title: e.title, target: e.target, analysis: e.analysis, chosenOn: e.chosenOn, derivedFrom: e.derivedFrom });
  }
  if (results.length === 0) throw new MnistLabError(`no results in ${o.resultsDir}; run 'mnist-lab experiments run' first`);
  const chosen = bestExperimentSeed(results, goals);
  const test = loadMnist({ valSplit: 0 }).test;
  let best: BestModelPredictions | null = null;
  // The best experiment's seeds, voted: the one ensemble row (its count is the sum of its members').
  let ensemble: VoteEnsemble | null = null;
  if (chosen && chosen.result.seeds.length >= 2 && chosen.result.seeds.every((s) => s.testPredictions.length === test.n)) {
    ensemble = voteEnsemble(chosen.result, test.labels);
  }
  if (chosen) {
    const run = chosen.result.seeds.find((s) => s.seed === chosen.seed)!;
    const labels = Array.from(test.labels.subarray(0, run.testPredictions.length));
    best = { experiment: chosen.result.name, seed: chosen.seed, predictions: Array.from(run.testPredictions, Number), labels };
  }
  // Loaded on demand: the plotting stack (vega, resvg) is only needed here.
  const { writeReport } = await import('../report/experiment-report.js');
  const out = await writeReport(results, best, o.outDir, { goals, testImages: test, ensemble, seedsReport: SEEDS_REPORT_FILE });
  // After the experiments' charts, whose SVGs number their clip paths per process: drawn first, the
  // seeds page's charts would renumber every committed chart without changing a mark.
  const seeds = await writeSeedsReport({ resultsDir: o.resultsDir, outDir: o.outDir, lastEpochs: goals.lastEpochs, results });
  return { readme: out.readme, seeds, experiments: results.length };
}
