/**
 * The sweep's coordinator (Optuna's study.optimize, asynchronous): keeps every executor slot busy,
 * asking the sampler for the next trial's parameters as slots free up, judging intermediate values
 * with the pruner, and saving the study after every change. Interrupted trials are resumed first,
 * from their checkpoints, and a k-fold trial's folds spread over free slots (TrialUnit). With more
 * than one slot, which trials TPE proposes and ASHA stops depends on the order results arrive, as in
 * Optuna; each trial's own run is reproducible from its spec.json.
 */
import { join } from 'node:path';
import { MnistLabError } from '../util/errors.js';
import { AshaPruner, type PruneDecision } from './asha.js';
import type { TrialExecutor } from './executor.js';
import { GridSampler } from './samplers/grid-sampler.js';
import { RandomSampler } from './samplers/random-sampler.js';
import type { Sampler } from './samplers/sampler.js';
import { TpeSampler } from './samplers/tpe-sampler.js';
import { openStudy, saveStudy, type Study, type StudyTrial } from './study.js';
import type { SweepSpec } from './sweep-spec.js';
import { trialSpecs, type TrialJob, type TrialOutcome } from './trial.js';
import { lastValidationMean, meanAndStd } from '../run/cross-validate.js';
import type { EpochMetrics } from '../train/metrics.js';
import type { RunSpec } from '../train/run-spec.js';

export function makeSampler(spec: SweepSpec): Sampler {
  const s = spec.sampler;
  switch (s.name) {
    case 'grid':
      return new GridSampler(spec.space, s.pointsPerNumeric);
    case 'random':
      return new RandomSampler(spec.space, s.seed);
    case 'tpe':
      return new TpeSampler(spec.space, s.seed, s.startupTrials, s.candidates);
  }
}

export interface SweepOptions {
  executor: TrialExecutor;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface SweepResult {
  study: Study;
  /** True when stopped (Ctrl-C) with trials left; `sweep --resume DIR` continues. */
  interrupted: boolean;
}

/**
 * A piece of a trial that one executor slot runs: some of its folds. A k-fold trial goes out as its
 * first fold alone while ASHA judges that fold's epochs, then, if it survives, as one unit per
 * remaining fold, so a trial's folds run side by side on free slots instead of one after another on
 * one (the last trial of a sweep used to keep one core busy for four folds while the others idled).
 * Without a pruner every fold goes out at once.
 */
interface TrialUnit {
  trial: StudyTrial;
  /** Indices into the trial's specs (its folds; [0] on a split). */
  folds: number[];
  /** Whether the pruner judges this unit's epochs (the first fold's, with a pruner). */
  judged: boolean;
}

/** What the coordinator knows of a running trial: each fold's history once that fold has finished. */
interface TrialProgress {
  specs: RunSpec[];
  histories: (EpochMetrics[] | null)[];
}

function unitJob(spec: SweepSpec, unit: TrialUnit, specs: readonly RunSpec[]): TrialJob {
  return {
    sweep: spec.name, trialId: unit.trial.id, params: unit.trial.params, specs: unit.folds.map((i) => specs[i]!),
    lastEpochs: spec.objective.lastEpochs, pruned: unit.judged,
  };
}

export async function runSweep(spec: SweepSpec, dir: string, o: SweepOptions): Promise<SweepResult> {
  const log = o.log ?? ((): void => {});
  const study = openStudy(dir, spec);
  const sampler = makeSampler(spec);
  const pruner = spec.pruner ? new AshaPruner(spec.pruner, spec.base.recipe.epochs) : null;
  for (const t of study.trials) for (const [epoch, v] of Object.entries(t.intermediate)) pruner?.restore(t.id, Number(epoch), v);
  const progress = new Map<number, TrialProgress>();
  /** Units waiting for a slot, run before any new trial is proposed. */
  const queue: TrialUnit[] = [];
  /** The units a trial starts with: its first fold alone when a pruner judges it, else every fold. */
  const begin = (trial: StudyTrial): void => {
    const specs = trialSpecs(spec, trial.params, join(dir, trial.dir));
    progress.set(trial.id, { specs, histories: specs.map(() => null) });
    if (pruner) queue.push({ trial, folds: [0], judged: true });
    else queue.push(...specs.map((_, i) => ({ trial, folds: [i], judged: false })));
  };
  const unfinishedAtStart = study.trials.filter((t) => t.state === 'running');
  if (unfinishedAtStart.length) log(`Resuming ${unfinishedAtStart.length} unfinished trial(s): ${unfinishedAtStart.map((t) => t.id).join(', ')}`);
  for (const t of unfinishedAtStart) begin(t);
  let exhausted = false;
  let stopping = false;
  const onAbort = (): void => {
    stopping = true;
    o.executor.interrupt();
  };
  o.signal?.addEventListener('abort', onAbort);

  const judge = (trialId: number, epoch: number, value: number): PruneDecision => {
    const trial = study.trials[trialId]!;
    trial.intermediate[String(epoch)] = value;
    const decision = pruner ? pruner.report(trialId, epoch, value) : 'continue';
    saveStudy(dir, study);
    if (decision === 'prune') log(`trial ${trialId}: stopped by ASHA after epoch ${epoch} (objective so far ${value.toFixed(3)}%)`);
    return decision;
  };

  const propose = (): StudyTrial | null => {
    if (exhausted || study.trials.length >= spec.budget.trials) return null;
    const id = study.trials.length;
    const params = sampler.sample(id, study.trials);
    if (params === null) {
      exhausted = true;
      return null;
    }
    const trial: StudyTrial = { id, params, state: 'running', value: null, intermediate: {}, dir: join('trials', String(id).padStart(4, '0')), seconds: 0 };
    study.trials.push(trial);
    saveStudy(dir, study);
    log(`trial ${id}: ${Object.entries(params).map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : String(v)}`).join(' ')}`);
    begin(trial);
    return trial;
  };

  const finish = (unit: TrialUnit, outcome: TrialOutcome | null, error?: Error): void => {
    const { trial } = unit;
    const p = progress.get(trial.id)!;
    if (error) {
      // A worker that died leaves its unit unfinished: it runs again on the next free slot, from its
      // last checkpoint (a few times at most per trial, in case it is what kills workers).
      const died = /exited \(code/.test(error.message);
      const retries = (restarts.get(trial.id) ?? 0) + 1;
      restarts.set(trial.id, retries);
      if (died && retries <= 3 && !stopping) queue.push(unit);
      else if (!died) {
        trial.state = 'failed';
        trial.error = error.message.split('\n')[0];
        dropQueued(trial);
      }
      log(`trial ${trial.id}: ${error.message.split('\n')[0]}`);
    } else if (outcome) {
      trial.seconds += outcome.seconds;
      Object.assign(trial.intermediate, outcome.intermediate);
      if (outcome.state === 'complete') {
        unit.folds.forEach((fold, i) => { p.histories[fold] = outcome.histories[i]!; });
        if (unit.judged && p.specs.length > 1) queue.unshift(...p.specs.slice(1).map((_, i) => ({ trial, folds: [i + 1], judged: false })));
        if (p.histories.every((h) => h !== null)) {
          trial.state = 'complete';
          trial.value = meanAndStd(p.histories.map((h) => lastValidationMean(h!, spec.objective.lastEpochs))).mean;
          progress.delete(trial.id);
          log(`trial ${trial.id}: objective ${trial.value.toFixed(3)}%`);
        }
      } else if (outcome.state === 'pruned') {
        trial.state = 'pruned';
        dropQueued(trial);
      }
      // 'interrupted' stays running, to be resumed.
    }
    saveStudy(dir, study);
  };
  const dropQueued = (trial: StudyTrial): void => {
    for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.trial === trial) queue.splice(i, 1);
  };

  const restarts = new Map<number, number>();
  const active = new Set<Promise<void>>();
  const start = (unit: TrialUnit): void => {
    const p: Promise<void> = o.executor.run(unitJob(spec, unit, progress.get(unit.trial.id)!.specs), judge)
      .then((outcome) => finish(unit, outcome), (err: unknown) => finish(unit, null, err instanceof Error ? err : new Error(String(err))))
      .finally(() => active.delete(p));
    active.add(p);
  };

  try {
    for (;;) {
      while (!stopping && active.size < o.executor.slots) {
        if (queue.length === 0) propose();
        const next = queue.shift();
        if (!next) break;
        start(next);
      }
      if (active.size === 0) break;
      await Promise.race(active);
    }
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
  const unfinished = study.trials.filter((t) => t.state === 'running').length;
  if (!stopping && unfinished > 0) throw new MnistLabError(`${unfinished} trial(s) did not finish; resume with mnist-lab sweep --resume ${dir}`);
  return { study, interrupted: stopping && (unfinished > 0 || study.trials.length < spec.budget.trials) };
}
