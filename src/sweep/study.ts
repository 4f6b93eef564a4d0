/**
 * A sweep's state on disk (<sweep dir>/study.json): its spec and every trial with its parameters,
 * state, objective and intermediate values. It is rewritten atomically after every change, so an
 * interrupted sweep resumes from it: finished and pruned trials stay, running ones continue from
 * their checkpoints, and the sampler, seeded per trial number, proposes what it would have.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { writeFileAtomicSync } from '../util/atomic-write.js';
import { MnistLabError } from '../util/errors.js';
import type { Params } from './search-space.js';
import type { TrialRecord, TrialState } from './samplers/sampler.js';
import { validateSweepSpec, type SweepSpec } from './sweep-spec.js';

export const STUDY_FORMAT = 'mnist-lab-sweep-study-v1';

export interface StudyTrial extends TrialRecord {
  id: number;
  params: Params;
  state: TrialState;
  value: number | null;
  /** The objective so far after each epoch of the first fold (what the pruner judged). */
  intermediate: Record<string, number>;
  /** The trial's folder, relative to the sweep folder. */
  dir: string;
  seconds: number;
  error?: string;
}

export interface Confirmation {
  trialId: number;
  params: Params;
  /** The confirming run's folder, relative to the sweep folder. */
  dir: string;
  /** Test accuracy over the run's last `lastEpochs` epochs (mean and lowest), and at its last epoch. */
  lastEpochs: number;
  testLastMean: number;
  testLastMin: number;
  testFinal: number;
  at: string;
}

export interface Study {
  format: typeof STUDY_FORMAT;
  spec: SweepSpec;
  trials: StudyTrial[];
  /** The best trial's one run on the test set, made by `sweep confirm`; null until then. */
  confirmation: Confirmation | null;
  createdAt: string;
  updatedAt: string;
}

export function studyPath(dir: string): string {
  return join(dir, 'study.json');
}

export function saveStudy(dir: string, study: Study): void {
  mkdirSync(dir, { recursive: true });
  study.updatedAt = new Date().toISOString();
  writeFileAtomicSync(studyPath(dir), `${JSON.stringify(study, null, 1)}\n`);
}

export function readStudy(dir: string): Study {
  const path = studyPath(dir);
  if (!existsSync(path)) throw new MnistLabError(`${dir}: no sweep here (no study.json); start one with mnist-lab sweep SPEC --out ${dir}`);
  let study: Study;
  try {
    study = JSON.parse(readFileSync(path, 'utf8')) as Study;
  } catch (err) {
    throw new MnistLabError(`${path}: not valid JSON (${(err as Error).message.replace(/\s+/g, ' ').slice(0, 200)}); the sweep state is damaged`);
  }
  if (study.format !== STUDY_FORMAT || !Array.isArray(study.trials)) throw new MnistLabError(`${path}: not a mnist-lab sweep study`);
  validateSweepSpec(study.spec, `${path} (its spec)`);
  return study;
}

/** The study in `dir`, created for `spec` if there is none; an existing one must be for the same spec. */
export function openStudy(dir: string, spec: SweepSpec): Study {
  if (!existsSync(studyPath(dir))) {
    const now = new Date().toISOString();
    const study: Study = { format: STUDY_FORMAT, spec, trials: [], confirmation: null, createdAt: now, updatedAt: now };
    saveStudy(dir, study);
    return study;
  }
  const study = readStudy(dir);
  if (!isDeepStrictEqual(study.spec, spec)) {
    throw new MnistLabError(`${dir} holds sweep '${study.spec.name}' with another spec; resume it with its own spec (mnist-lab sweep --resume ${dir}) or choose another --out`);
  }
  return study;
}

/** The complete trial with the highest objective (the first such, on a tie). */
export function bestTrial(study: Study): StudyTrial | null {
  let best: StudyTrial | null = null;
  for (const t of study.trials) if (t.state === 'complete' && t.value !== null && (!best || t.value > best.value!)) best = t;
  return best;
}
