/** `mnist-lab sweep SPEC`, `sweep --resume DIR`, `sweep confirm DIR`, `sweep report DIR`: hyperparameter search. */
import { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalPool } from '../../sweep/local-pool.js';
import { runSweep } from '../../sweep/run-sweep.js';
import { readStudy } from '../../sweep/study.js';
import { readSweepSpecFile, type SweepSpec } from '../../sweep/sweep-spec.js';
import { confirmBest } from '../../sweep/confirm.js';
import { writeSweepReport } from '../../sweep/sweep-report.js';
import type { TrialExecutor } from '../../sweep/executor.js';
import { MnistLabError } from '../../util/errors.js';
import { positiveInt } from '../options.js';
import { withInterrupt } from '../interrupt.js';

interface SweepFlags {
  out?: string;
  resume?: string;
  workers?: number;
  queue?: string;
  report?: string;
}

/** The executor a sweep runs on: the local pool, or a queue that workers on other machines serve. */
async function executorFor(f: SweepFlags, log: (line: string) => void): Promise<TrialExecutor> {
  if (f.queue) {
    // Loaded on demand: BullMQ and ioredis are only needed with --queue.
    const { QueueExecutor } = await import('../../sweep/queue-executor.js');
    return QueueExecutor.connect(f.queue, log, { slots: f.workers });
  }
  return new LocalPool(f.workers ?? availableParallelism(), log);
}

const reportDir = (spec: SweepSpec, flag?: string): string => resolve(flag ?? join('reports', 'sweeps', spec.name));

export function addSweepCommand(program: Command): void {
  const cmd = program
    .command('sweep')
    .description('search hyperparameters on validation (a split or k-fold): grid, random or TPE, with ASHA stopping losers early')
    .argument('[spec]', 'a sweep spec file (see docs/SWEEPS.md)')
    .option('-o, --out <dir>', 'the sweep folder (default runs/sweeps/<name>)')
    .option('--resume <dir>', 'continue an interrupted sweep from its folder')
    .option('-w, --workers <n>', 'local worker processes, one trial each on 1 thread (default: one per core); with --queue, how many trials to keep queued (default: twice the workers listening)', positiveInt('--workers'))
    .option('--queue <url>', 'put the trials on a BullMQ queue at redis://HOST:PORT instead; start `mnist-lab worker --queue URL` anywhere')
    .option('--report <dir>', 'where the report goes (default reports/sweeps/<name>)')
    .action(async (specPath: string | undefined, f: SweepFlags) => {
      if (!specPath && !f.resume) throw new MnistLabError('sweep needs a spec file, or --resume DIR (add --help for usage)');
      if (specPath && f.resume) throw new MnistLabError('give a spec file or --resume DIR, not both: a resumed sweep keeps its own spec');
      const spec = f.resume ? readStudy(resolve(f.resume)).spec : readSweepSpecFile(specPath!);
      const dir = resolve(f.resume ?? f.out ?? join('runs', 'sweeps', spec.name));
      const log = (line: string): void => void process.stdout.write(`${line}\n`);
      const executor = await executorFor(f, log);
      log(`Sweep ${spec.name}: up to ${spec.budget.trials} trials, ${executor.slots} at a time; folder ${dir}`);
      try {
        const r = await withInterrupt((signal) => runSweep(spec, dir, { executor, log, signal }));
        const readme = await writeSweepReport(r.study, dir, reportDir(spec, f.report));
        if (r.interrupted) log(`Stopped. Resume with: mnist-lab sweep --resume ${dir}`);
        else log(`Done: ${r.study.trials.length} trials. Report: ${readme}. Confirm the best on the test set, once, with: mnist-lab sweep confirm ${dir}`);
      } finally {
        await executor.close();
      }
    });

  cmd
    .command('confirm')
    .description('train the best trial once on all the training images and read the test set: the only time a sweep does')
    .argument('<dir>', 'the sweep folder')
    .option('--report <dir>', 'where the report goes (default reports/sweeps/<name>)')
    .action(async (dirArg: string, f: { report?: string }) => {
      const dir = resolve(dirArg);
      const log = (line: string): void => void process.stdout.write(`${line}\n`);
      const c = await withInterrupt((signal) => confirmBest(dir, { log, progressStream: process.stderr, signal }));
      if (!c) return log(`Stopped; nothing was recorded. Run it again: mnist-lab sweep confirm ${dirArg}`);
      const study = readStudy(dir);
      const readme = await writeSweepReport(study, dir, reportDir(study.spec, f.report ?? (cmd.opts() as SweepFlags).report));
      log(`Trial ${c.trialId} on the test set: ${c.testLastMean.toFixed(3)}% over the last ${c.lastEpochs} epochs (lowest ${c.testLastMin.toFixed(2)}%), recorded in ${readme}`);
    });

  cmd
    .command('report')
    .description("write a sweep's report (trials table, best trial, plots) from its folder")
    .argument('<dir>', 'the sweep folder')
    .option('--report <dir>', 'where the report goes (default reports/sweeps/<name>)')
    .action(async (dirArg: string, f: { report?: string }) => {
      const study = readStudy(resolve(dirArg));
      process.stdout.write(`wrote ${await writeSweepReport(study, resolve(dirArg), reportDir(study.spec, f.report ?? (cmd.opts() as SweepFlags).report))}\n`);
    });
}
