/**
 * One trial of a sweep: the base spec with the trial's parameters written in, run once per fold (or
 * once on the split), never reading the test set. The same function runs a trial in a local worker
 * process and in a queue worker on another machine; only the pruner's channel differs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runSpec } from '../run/run.js';
import { planResume } from '../run/resume.js';
import { readRunStatus } from '../run/run-status.js';
import { lastValidationMean, meanAndStd } from '../run/cross-validate.js';
import type { EpochMetrics } from '../train/metrics.js';
import { validateRunSpec, type RunSpec } from '../train/run-spec.js';
import { locateCheckpoint } from '../train/checkpoint.js';
import { MnistLabError } from '../util/errors.js';
import { applyParams, type Params } from './search-space.js';
import type { SweepSpec } from './sweep-spec.js';
import type { PruneDecision } from './asha.js';

export interface TrialJob {
  sweep: string;
  trialId: number;
  params: Params;
  /**
   * The folds this job runs (the coordinator hands a k-fold trial out a fold or a few at a time; see
   * TrialUnit in run-sweep.ts), or the one spec on a split; each with data.test false.
   */
  specs: RunSpec[];
  /** The objective's window. */
  lastEpochs: number;
  /** Whether an ASHA pruner judges the first fold's epochs. */
  pruned: boolean;
}

export interface TrialOutcome {
  trialId: number;
  state: 'complete' | 'pruned' | 'interrupted';
  /**
   * Mean validation accuracy over the last epochs, over this job's folds. The trial's objective is the
   * coordinator's to compute, over all its folds' histories, once the last one lands.
   */
  value: number | null;
  /** Each fold's history as far as it ran. */
  histories: EpochMetrics[][];
  /** The objective so far after each epoch of the first fold, for the pruner and the plots. */
  intermediate: Record<number, number>;
  seconds: number;
}

/** The pruner, as the trial sees it: possibly in another process or on another machine. */
export type PrunerChannel = (trialId: number, epoch: number, value: number) => Promise<PruneDecision>;

/** The guarantee that a sweep never reads the test set, checked on every spec a trial runs. */
export function assertNoTestSet(spec: RunSpec, where: string): void {
  if (spec.data.test !== false) throw new MnistLabError(`${where}: a sweep trial must not read the test set (data.test must be false)`);
}

export function trialSpecs(sweep: SweepSpec, params: Params, trialDir: string): RunSpec[] {
  const base: RunSpec = { ...applyParams(sweep.base, params), threads: 1, bestMetric: 'val_accuracy' };
  const v = sweep.objective.validation;
  const specs = 'folds' in v
    ? Array.from({ length: v.folds }, (_, i): RunSpec => ({
      ...base, data: { ...base.data, valSplit: 0, splitSeed: v.splitSeed, folds: { k: v.folds, fold: i + 1 }, test: false }, outDir: join(trialDir, `fold-${i + 1}`),
    }))
    : [{ ...base, data: { ...base.data, valSplit: v.split, splitSeed: v.splitSeed, test: false }, outDir: trialDir }];
  return specs.map((s, i) => validateRunSpec(s, `${sweep.name} trial parameters ${JSON.stringify(params)} (fold ${i + 1})`));
}

/** The objective after `history` so far: the mean validation accuracy of its last epochs. */
export function runningObjective(history: readonly EpochMetrics[], lastEpochs: number): number {
  return lastValidationMean(history, lastEpochs);
}

/**
 * Runs a job's folds in order. A fold whose folder already finished is read back; one that was
 * interrupted resumes from its last checkpoint; so a trial cut short by a dead worker or Ctrl-C
 * continues where it stopped, and no epoch is trained twice.
 */
export async function runTrial(job: TrialJob, pruner: PrunerChannel, signal?: AbortSignal, log?: (line: string) => void): Promise<TrialOutcome> {
  const start = performance.now();
  const histories: EpochMetrics[][] = [];
  const intermediate: Record<number, number> = {};
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort();
  signal?.addEventListener('abort', onOuterAbort);
  let pruned = false;
  let pending: Promise<unknown> = Promise.resolve();
  try {
    for (const [i, spec] of job.specs.entries()) {
      assertNoTestSet(spec, `${job.sweep} trial ${job.trialId}`);
      const dir = spec.outDir!;
      const status = readRunStatus(dir);
      const onEpochEnd = (m: EpochMetrics, history: readonly EpochMetrics[]): void => {
        if (i !== 0 || !job.pruned) return;
        const value = runningObjective(history, job.lastEpochs);
        intermediate[m.epoch] = value;
        pending = pruner(job.trialId, m.epoch, value).then((d) => {
          if (d === 'prune') {
            pruned = true;
            controller.abort();
          }
        });
      };
      let history: EpochMetrics[];
      if (status?.state === 'finished') {
        history = finishedHistory(dir);
      } else {
        const seen: EpochMetrics[] = [];
        const hooks = { signal: controller.signal, log, onEpochEnd: (m: EpochMetrics): void => {
          seen.push(m);
          onEpochEnd(m, seen);
        } };
        const resumable = existsSync(join(dir, 'last.json'));
        const r = resumable
          ? await (async () => {
            const plan = planResume(dir);
            seen.push(...plan.resume.meta.history);
            return runSpec(plan.spec, { ...hooks, resume: plan.resume });
          })()
          : await runSpec(spec, hooks);
        history = r.history;
        await pending;
        if (r.interrupted) {
          histories.push(history);
          return { trialId: job.trialId, state: pruned ? 'pruned' : 'interrupted', value: null, histories, intermediate, seconds: (performance.now() - start) / 1000 };
        }
      }
      histories.push(history);
    }
    const value = meanAndStd(histories.map((h) => lastValidationMean(h, job.lastEpochs))).mean;
    return { trialId: job.trialId, state: 'complete', value, histories, intermediate, seconds: (performance.now() - start) / 1000 };
  } finally {
    signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** A fold that already finished: its history, from its last checkpoint. */
function finishedHistory(dir: string): EpochMetrics[] {
  const meta = locateCheckpoint(dir, 'last').meta;
  if (!meta) throw new MnistLabError(`${dir}: the finished fold has no checkpoint metadata`);
  return meta.history;
}
