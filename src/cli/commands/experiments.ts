/** `mnist-lab experiments list|run|spec|report`: the iteration story as runnable experiments. */
import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { loadExperiments } from '../../experiments/registry.js';
import { experimentRunSpec, runExperiment } from '../../experiments/runner.js';
import { writeExperimentsReport } from '../../experiments/report.js';
import { createModel } from '../../models/zoo.js';
import { formatRunSpec, type BackendName } from '../../train/run-spec.js';
import { MnistLabError } from '../../util/errors.js';
import { choice, nonNegativeInt, numberList, positiveInt } from '../options.js';
import { withInterrupt } from '../interrupt.js';

const DEFAULT_RESULTS = 'reports/results';
const DEFAULT_REPORT = 'reports';
const DEFAULT_RUNS = 'runs/experiments';

export function addExperimentsCommand(program: Command): void {
  const cmd = program.command('experiments').description('run the iterations in experiments/ and write the comparison report');

  cmd
    .command('list')
    .description('list the experiments with their models and parameter counts')
    .action(async () => {
      const experiments = await loadExperiments();
      const nameWidth = Math.max(...experiments.map((e) => e.name.length));
      const modelWidth = Math.max(...experiments.map((e) => e.model.length));
      for (const e of experiments) {
        process.stdout.write(`${e.name.padEnd(nameWidth)}  ${e.model.padEnd(modelWidth)}  ${createModel(e.model, e.modelConfig).numParameters().toLocaleString('en-US').padStart(7)} params  ${e.title}\n`);
      }
    });

  cmd
    .command('run')
    .description('train experiments (all, or those named) for each seed, recording results under reports/results/')
    .argument('[names...]', 'experiment names (see `experiments list`); default: all')
    .option('--seeds <list>', "seeds to run, e.g. 1,2,3,4,5 (default: each experiment's own seeds)", numberList('--seeds'))
    .option('-t, --threads <n>', 'worker threads (default: every core; results do not depend on it)', positiveInt('--threads'))
    .addOption(new Option('--backend <name>', 'compute backend').argParser(choice('--backend', ['wasm', 'reference'] as const)).default('wasm'))
    .option('--results-dir <dir>', 'where results JSON goes', DEFAULT_RESULTS)
    .option('--runs-dir <dir>', 'where checkpoints go', DEFAULT_RUNS)
    .option('--epochs <n>', 'override the epochs (quick runs; needs a --results-dir of its own)', positiveInt('--epochs'))
    .option('--limit-train <n>', 'train on the first N images only (quick runs; needs --results-dir)', positiveInt('--limit-train'))
    .option('--limit-test <n>', 'test on the first N images only (quick runs; needs --results-dir)', positiveInt('--limit-test'))
    .option('--queue <url>', 'run the seeds on a BullMQ queue at redis://HOST:PORT, served by `mnist-lab worker` on any machine (1 thread each)')
    .action(async (names: string[], f: { seeds?: number[]; threads?: number; backend: BackendName; queue?: string; resultsDir: string; runsDir: string; epochs?: number; limitTrain?: number; limitTest?: number }) => {
      if (f.seeds?.some((s) => !Number.isInteger(s) || s < 0)) throw new MnistLabError('--seeds must be whole numbers >= 0, e.g. 1,2,3');
      const quick = f.epochs !== undefined || f.limitTrain !== undefined || f.limitTest !== undefined;
      if (quick && resolve(f.resultsDir) === resolve(DEFAULT_RESULTS)) {
        throw new MnistLabError('--epochs/--limit-train/--limit-test change the recipe; give them a --results-dir of their own so they cannot overwrite the recorded results');
      }
      const experiments = await loadExperiments(names);
      const log = (line: string): void => void process.stdout.write(`${line}\n`);
      // Loaded on demand: BullMQ and ioredis are only needed with --queue.
      const queue = f.queue ? await (await import('../../sweep/queue-executor.js')).QueueExecutor.connect(f.queue, log) : null;
      try {
        await withInterrupt(async (signal) => {
          for (const e of experiments) {
            await runExperiment(e, {
              seeds: f.seeds ?? e.seeds, resultsDir: f.resultsDir, runsDir: f.runsDir, threads: f.threads ?? null, backend: f.backend,
              epochs: f.epochs, limitTrain: f.limitTrain, limitTest: f.limitTest, signal, log,
              ...(queue && { run: (spec, hooks) => queue.runSpec(spec, hooks), concurrent: true }),
            });
            if (signal.aborted) break;
          }
        });
      } finally {
        await queue?.close();
      }
    });

  cmd
    .command('spec')
    .description("print the RunSpec of one seed of an experiment (what `experiments run` trains; `train --spec` runs it)")
    .argument('<name>', 'experiment name (see `experiments list`)')
    .option('--seed <n>', "the seed (default: the experiment's first)", nonNegativeInt('--seed'))
    .option('--runs-dir <dir>', 'where its run folder would go', DEFAULT_RUNS)
    .action(async (name: string, f: { seed?: number; runsDir: string }) => {
      const [e] = await loadExperiments([name]);
      const spec = experimentRunSpec(e!, f.seed ?? e!.seeds[0]!, { runsDir: f.runsDir, threads: null, backend: 'wasm' });
      process.stdout.write(formatRunSpec(spec));
    });

  cmd
    .command('report')
    .description('write reports/README.md, its plots and reports/seeds.md from the recorded results')
    .option('--results-dir <dir>', 'where results JSON is read from', DEFAULT_RESULTS)
    .option('-o, --out <dir>', 'report directory', DEFAULT_REPORT)
    .action(async (f: { resultsDir: string; out: string }) => {
      const { readme, seeds, experiments } = await writeExperimentsReport({ resultsDir: f.resultsDir, outDir: f.out });
      process.stdout.write(`wrote ${resolve(readme)} from ${experiments} experiment(s), and ${resolve(seeds)}\n`);
    });
}
