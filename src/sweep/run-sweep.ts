/**
 * The sweep's coordinator (Optuna's study.optimize, asynchronous): keeps every executor slot busy,
 * asking the sampler for the next trial's parameters as slots free up, judging intermediate values
 * with the pruner, and saving the study after every change. Interrupted trials are resumed first,
 * from their checkpoints. With more than one slot, which trials TPE proposes and ASHA stops depends
 * on the order results arrive, as in Optuna; each trial's own run is reproducible from its spec.json.
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

function trialJob(spec: SweepSpec, dir: string, trial: StudyTrial): TrialJob {
  return {
    sweep: spec.name, trialId: trial.id, params: trial.params, specs: trialSpecs(spec, trial.params, join(dir, trial.dir)),
    lastEpochs: spec.objective.lastEpochs, pruned: spec.pruner !== null,
  };
}

export async function runSweep(spec: SweepSpec, dir: string, o: SweepOptions): Promise<SweepResult> {
  const log = o.log ?? ((): void => {});
  const study = openStudy(dir, spec);
  const sampler = makeSampler(spec);
  const pruner = spec.pruner ? new AshaPruner(spec.pruner, spec.base.recipe.epochs) : null;
  for (const t of study.trials) for (const [epoch, v] of Object.entries(t.intermediate)) pruner?.restore(t.id, Number(epoch), v);
  const resumeQueue = study.trials.filter((t) => t.state === 'running');
  if (resumeQueue.length) log(`Resuming ${resumeQueue.length} unfinished trial(s): ${resumeQueue.map((t) => t.id).join(', ')}`);
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
    return trial;
  };

  const finish = (trial: StudyTrial, outcome: TrialOutcome | null, error?: Error): void => {
    if (error) {
      // A worker that died leaves its trial running: it runs again on the next free slot, from its
      // last checkpoint, as the same trial (a few times at most, in case it is what kills workers).
      const died = /exited \(code/.test(error.message);
      const retries = (restarts.get(trial.id) ?? 0) + 1;
      restarts.set(trial.id, retries);
      if (died && retries <= 3 && !stopping) resumeQueue.push(trial);
      else if (!died) {
        trial.state = 'failed';
        trial.error = error.message.split('\n')[0];
      }
      log(`trial ${trial.id}: ${error.message.split('\n')[0]}`);
    } else if (outcome) {
      trial.seconds += outcome.seconds;
      Object.assign(trial.intermediate, Object.fromEntries(Object.entries(outcome.intermediate).map(([k, v]) => [k, v])));
      if (outcome.state === 'complete') {
        trial.state = 'complete';
        trial.value = outcome.value;
        log(`trial ${trial.id}: objective ${outcome.value!.toFixed(3)}%`);
      } else if (outcome.state === 'pruned') {
        trial.state = 'pruned';
      }
      // 'interrupted' stays running, to be resumed.
    }
    saveStudy(dir, study);
  };

  const restarts = new Map<number, number>();
  const active = new Set<Promise<void>>();
  const start = (trial: StudyTrial): void => {
    const p: Promise<void> = o.executor.run(trialJob(spec, dir, trial), judge)
      .then((outcome) => finish(trial, outcome), (err: unknown) => finish(trial, null, err instanceof Error ? err : new Error(String(err))))
      .finally(() => active.delete(p));
    active.add(p);
  };

  try {
    for (;;) {
      while (!stopping && active.size < o.executor.slots) {
        const next = resumeQueue.shift() ?? propose();
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
