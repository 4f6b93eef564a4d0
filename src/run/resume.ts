/**
 * Resuming: a checkpoint's metadata holds the spec of its run, so `--resume DIR` needs no other
 * flag. A few fields may change on the way: the output folder (default: the checkpoint's own), the
 * threads (the bits do not depend on them), the images' location, and the epochs, unless the
 * schedule was laid out for the old number (OneCycle), which would make the continuation a
 * different run.
 */
import { dirname, resolve } from 'node:path';
import { locateCheckpoint, type CheckpointMeta } from '../train/checkpoint.js';
import type { RunSpec } from '../train/run-spec.js';
import { MnistLabError } from '../util/errors.js';

export interface ResumeOverrides {
  epochs?: number;
  threads?: number | null;
  outDir?: string;
  dataDir?: string;
}

export interface ResumePlan {
  spec: RunSpec;
  resume: { weights: string; meta: CheckpointMeta };
}

export function planResume(path: string, overrides: ResumeOverrides = {}): ResumePlan {
  const located = locateCheckpoint(path, 'last');
  if (!located.meta || !located.metaPath) {
    throw new MnistLabError(`--resume ${path}: ${located.weights} has no metadata file beside it, so there is nothing to resume`);
  }
  const meta = located.meta;
  const saved = meta.spec;
  const recipe = { ...saved.recipe };
  if (overrides.epochs !== undefined && overrides.epochs !== recipe.epochs) {
    if (recipe.scheduler.name === 'onecycle') {
      throw new MnistLabError(`--epochs ${overrides.epochs}: this run's OneCycle schedule was laid out for ${recipe.epochs} epochs and cannot be extended; start a new run`);
    }
    recipe.epochs = overrides.epochs;
  }
  if (meta.epoch >= recipe.epochs) {
    throw new MnistLabError(`--resume ${path}: the run already finished its ${recipe.epochs} epochs; pass --epochs to train further`);
  }
  const spec: RunSpec = {
    ...saved,
    recipe,
    data: overrides.dataDir !== undefined ? { ...saved.data, dir: resolve(overrides.dataDir) } : saved.data,
    threads: overrides.threads !== undefined ? overrides.threads : saved.threads,
    outDir: resolve(overrides.outDir ?? dirname(located.metaPath)),
  };
  return { spec, resume: { weights: located.weights, meta } };
}
