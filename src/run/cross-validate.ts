/**
 * k-fold cross-validation of one RunSpec: the same run trained k times, each time holding out
 * another fold of the training images, scored by validation accuracy over the last epochs. The
 * score of a recipe is the mean over folds (with the sample std), which ranks changes that one
 * 10,000-image split cannot tell apart. The test set is never read by the score.
 */
import { join } from 'node:path';
import { writeFileAtomicSync } from '../util/atomic-write.js';
import { MnistLabError } from '../util/errors.js';
import type { EpochMetrics } from '../train/metrics.js';
import type { RunSpec } from '../train/run-spec.js';
import { runSpec, type RunHooks } from './run.js';

export interface FoldScore {
  fold: number;
  outDir: string | null;
  /** Mean validation accuracy over the fold's last `lastEpochs` epochs. */
  score: number;
  history: EpochMetrics[];
}

export interface CrossValidation {
  k: number;
  lastEpochs: number;
  folds: FoldScore[];
  mean: number;
  /** Sample standard deviation over folds (n - 1); null with one fold done. */
  std: number | null;
  /** True when a signal stopped it before every fold finished. */
  interrupted: boolean;
}

/** The mean validation accuracy over the last `n` epochs of a history (fewer if it is shorter). */
export function lastValidationMean(history: readonly EpochMetrics[], n: number): number {
  const last = history.slice(-n).map((m) => m.valAccuracy);
  if (last.length === 0 || last.some((v) => v === null)) throw new MnistLabError('the run has no validation accuracy to score; it needs a validation split or a fold');
  return (last as number[]).reduce((a, b) => a + b, 0) / last.length;
}

export function meanAndStd(values: readonly number[]): { mean: number; std: number | null } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length < 2 ? null : Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
  return { mean, std };
}

/**
 * Trains folds 1..k of `spec` (its data.folds.fold is ignored), each into <outDir>/fold-<i> when the
 * spec has an outDir, and writes <outDir>/folds.json with the scores.
 */
export async function crossValidate(spec: RunSpec, k: number, hooks: RunHooks = {}, lastEpochs = 5): Promise<CrossValidation> {
  if (spec.data.valSplit > 0) throw new MnistLabError('k-fold cross-validation holds its own folds out; drop the validation split (data.valSplit 0)');
  const folds: FoldScore[] = [];
  let interrupted = false;
  for (let fold = 1; fold <= k; fold++) {
    const outDir = spec.outDir === null ? null : join(spec.outDir, `fold-${fold}`);
    hooks.log?.(`== fold ${fold} of ${k} ==`);
    const r = await runSpec({ ...spec, data: { ...spec.data, folds: { k, fold } }, outDir }, hooks);
    if (r.interrupted) {
      interrupted = true;
      break;
    }
    folds.push({ fold, outDir, score: lastValidationMean(r.history, lastEpochs), history: r.history });
  }
  const { mean, std } = folds.length ? meanAndStd(folds.map((f) => f.score)) : { mean: Number.NaN, std: null };
  const result: CrossValidation = { k, lastEpochs, folds, mean, std, interrupted };
  if (spec.outDir !== null) {
    const summary = { ...result, folds: folds.map(({ history: _h, ...f }) => f) };
    writeFileAtomicSync(join(spec.outDir, 'folds.json'), `${JSON.stringify(summary, null, 1)}\n`);
  }
  return result;
}
