/**
 * `sweep confirm`: the one time a sweep reads the test set. The best trial's parameters train once
 * on all the training images (no split, no folds) with the test set on, like a recorded experiment,
 * and the study records the result. A second confirmation is refused: choosing among test results
 * would make the test set a validation set.
 */
import { join } from 'node:path';
import { runSpec, type RunHooks } from '../run/run.js';
import { testedHistory } from '../train/metrics.js';
import type { RunSpec } from '../train/run-spec.js';
import { MnistLabError } from '../util/errors.js';
import { applyParams } from './search-space.js';
import { bestTrial, readStudy, saveStudy, type Confirmation } from './study.js';

export function confirmationSpec(dir: string): { spec: RunSpec; trialId: number } {
  const study = readStudy(dir);
  if (study.confirmation) {
    throw new MnistLabError(`${dir}: trial ${study.confirmation.trialId} was already confirmed on the test set (${study.confirmation.at}); a sweep is confirmed once`);
  }
  const best = bestTrial(study);
  if (!best) throw new MnistLabError(`${dir}: no trial has finished yet; run or resume the sweep first`);
  const base = applyParams(study.spec.base, best.params);
  const { folds: _folds, test: _test, ...data } = base.data;
  const spec: RunSpec = { ...base, data: { ...data, valSplit: 0, splitSeed: null }, bestMetric: null, outDir: join(dir, 'confirm') };
  return { spec, trialId: best.id };
}

export async function confirmBest(dir: string, hooks: RunHooks = {}): Promise<Confirmation | null> {
  const { spec, trialId } = confirmationSpec(dir);
  const r = await runSpec(spec, hooks);
  if (r.interrupted) return null;
  const study = readStudy(dir);
  const n = study.spec.objective.lastEpochs;
  const last = testedHistory(r.history, `${dir} confirmation`).slice(-n).map((m) => m.testAccuracy);
  const confirmation: Confirmation = {
    trialId, params: study.trials[trialId]!.params, dir: 'confirm', lastEpochs: n,
    testLastMean: last.reduce((a, b) => a + b, 0) / last.length, testLastMin: Math.min(...last), testFinal: last.at(-1)!,
    at: new Date().toISOString(),
  };
  study.confirmation = confirmation;
  saveStudy(dir, study);
  return confirmation;
}
