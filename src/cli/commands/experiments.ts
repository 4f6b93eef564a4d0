/** `mnist-lab experiments list|run|report`: the iteration story as runnable experiments. */
import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { loadExperiments, type NamedExperiment } from '../../experiments/registry.js';
import { modelName, readResult, runExperiment } from '../../experiments/runner.js';
import { createModel } from '../../models/zoo.js';
import type { BestModelPredictions, ExperimentResult } from '../../report/experiment-result.js';
import { loadMnist } from '../../data/mnist.js';
import { MnistLabError } from '../../util/errors.js';
import { choice, numberList, positiveInt } from '../options.js';
import { defaultThreads, startBackend, type BackendName } from '../backend-setup.js';

const DEFAULT_RESULTS = 'reports/results';
const DEFAULT_REPORT = 'reports';

function parameterCount(e: NamedExperiment): number {
  return typeof e.model === 'string' ? createModel(e.model).numParameters() : e.model.build().numParameters();
}

export function addExperimentsCommand(program: Command): void {
  const cmd = program.command('experiments').description('run the iterations in experiments/ and write the comparison report');

  cmd
    .command('list')
    .description('list the experiments with their models and parameter counts')
    .action(async () => {
      const experiments = await loadExperiments();
      const nameWidth = Math.max(...experiments.map((e) => e.name.length));
      const modelWidth = Math.max(...experiments.map((e) => modelName(e).length));
      for (const e of experiments) {
        process.stdout.write(`${e.name.padEnd(nameWidth)}  ${modelName(e).padEnd(modelWidth)}  ${parameterCount(e).toLocaleString('en-US').padStart(7)} params  ${e.title}\n`);
      }
    });

  cmd
    .command('run')
    .description('train experiments (all, or those named) for each seed, recording results under reports/results/')
    .argument('[names...]', 'experiment names (see `experiments list`); default: all')
    .option('--seeds <list>', "seeds to run, e.g. 1,2,3,4,5 (default: each experiment's own seeds)", numberList('--seeds'))
    .option('-t, --threads <n>', 'worker threads (default: every core)', positiveInt('--threads'), defaultThreads())
    .addOption(new Option('--backend <name>', 'compute backend').argParser(choice('--backend', ['wasm', 'reference'] as const)).default('wasm'))
    .option('--results-dir <dir>', 'where results JSON goes', DEFAULT_RESULTS)
    .option('--runs-dir <dir>', 'where checkpoints go', 'runs/experiments')
    .option('--epochs <n>', 'override the epochs (quick runs; needs a --results-dir of its own)', positiveInt('--epochs'))
    .option('--limit-train <n>', 'train on the first N images only (quick runs; needs --results-dir)', positiveInt('--limit-train'))
    .option('--limit-test <n>', 'test on the first N images only (quick runs; needs --results-dir)', positiveInt('--limit-test'))
    .action(async (names: string[], f: { seeds?: number[]; threads: number; backend: BackendName; resultsDir: string; runsDir: string; epochs?: number; limitTrain?: number; limitTest?: number }) => {
      if (f.seeds?.some((s) => !Number.isInteger(s) || s < 0)) throw new MnistLabError('--seeds must be whole numbers >= 0, e.g. 1,2,3');
      const quick = f.epochs !== undefined || f.limitTrain !== undefined || f.limitTest !== undefined;
      if (quick && resolve(f.resultsDir) === resolve(DEFAULT_RESULTS)) {
        throw new MnistLabError('--epochs/--limit-train/--limit-test change the recipe; give them a --results-dir of their own so they cannot overwrite the recorded results');
      }
      const experiments = await loadExperiments(names);
      const engine = await startBackend(f.backend, f.threads);
      const controller = new AbortController();
      const onSigint = (): void => {
        if (controller.signal.aborted) process.exit(130);
        process.stderr.write('\nStopping at the end of this batch (Ctrl-C again to quit at once)...\n');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      try {
        for (const e of experiments) {
          await runExperiment(e, {
            seeds: f.seeds ?? e.seeds ?? [1], resultsDir: f.resultsDir, runsDir: f.runsDir, threads: engine.threads, backend: engine.name,
            epochs: f.epochs, limitTrain: f.limitTrain, limitTest: f.limitTest, signal: controller.signal,
            log: (line) => void process.stdout.write(`${line}\n`),
          });
          if (controller.signal.aborted) break;
        }
      } finally {
        process.off('SIGINT', onSigint);
        engine.close();
      }
    });

  cmd
    .command('report')
    .description('write reports/README.md and its plots from the recorded results')
    .option('--results-dir <dir>', 'where results JSON is read from', DEFAULT_RESULTS)
    .option('-o, --out <dir>', 'report directory', DEFAULT_REPORT)
    .action(async (f: { resultsDir: string; out: string }) => {
      const experiments = await loadExperiments();
      // Numbers come from the recorded results; the words (title, target, analysis) from the current
      // experiment files, so a write-up can be revised after the runs without retraining.
      const results = experiments
        .map((e) => {
          const r = readResult(f.resultsDir, e.name);
          return r && { ...r, title: e.title, target: e.target, analysis: e.analysis, chosenOn: e.chosenOn };
        })
        .filter((r): r is ExperimentResult => r !== null);
      if (results.length === 0) throw new MnistLabError(`no results in ${f.resultsDir}; run 'mnist-lab experiments run' first`);
      // Loaded on demand: the plotting stack (vega, resvg) is only needed here.
      const report = await import('../../report/experiment-report.js');
      const best = bestPredictions(results, (r) => report.experimentStats(r).lastMeanAccuracy.mean);
      await report.writeReport(results, best, f.out);
      process.stdout.write(`wrote ${resolve(f.out, 'README.md')} from ${results.length} experiment(s)\n`);
    });
}

/** The experiment with the highest mean last-5 test accuracy, and its best seed's final predictions. */
function bestPredictions(results: ExperimentResult[], score: (r: ExperimentResult) => number): BestModelPredictions | null {
  let best: { r: ExperimentResult; mean: number } | null = null;
  for (const r of results) {
    const mean = score(r);
    if (!best || mean > best.mean) best = { r, mean };
  }
  if (!best) return null;
  const seedRun = [...best.r.seeds].sort((a, b) => (b.history.at(-1)?.testAccuracy ?? 0) - (a.history.at(-1)?.testAccuracy ?? 0))[0];
  if (!seedRun) return null;
  const labels = Array.from(loadMnist({ valSplit: 0 }).test.labels.subarray(0, seedRun.testPredictions.length));
  return { experiment: best.r.name, seed: seedRun.seed, predictions: Array.from(seedRun.testPredictions, Number), labels };
}
