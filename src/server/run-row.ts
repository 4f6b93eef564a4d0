/** One row of the runs table (api-types RunRow), from what a run folder holds. */
import { basename, join, resolve } from 'node:path';
import type { RunRow, RunRowStatus } from './api-types.js';
import type { RunFolderData } from './run-folder.js';
import type { Recipe } from '../train/recipe.js';

/** The epochs that lastMin / lastMean summarise, as in the experiments report. */
export const LAST_EPOCHS = 5;

/** For a folder <logdir>/experiments/<experiment>/seed-<n>: the experiment and the seed. */
export function experimentOf(rel: string): { experiment: string; seed: number } | null {
  const m = /^experiments\/([^/]+)\/seed-(\d+)$/.exec(rel);
  return m ? { experiment: m[1]!, seed: Number(m[2]) } : null;
}

/** A path as one shell word: bare when it is plain, single-quoted otherwise. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The folder as the user names it: the logdir as given on the command line, then the relative path. */
export function displayPath(logdir: string, rel: string): string {
  return rel === '.' ? logdir : join(logdir, rel);
}

function recipeFields(r: Recipe): NonNullable<RunRow['recipe']> {
  return {
    epochs: r.epochs,
    batchSize: r.batchSize,
    optimizer: r.optimizer.name,
    lr: r.optimizer.lr,
    scheduler: r.scheduler.name,
    maxLr: r.scheduler.maxLr ?? null,
    rotation: r.augmentation.rotation ?? 0,
    ema: r.ema?.decay ?? null,
    labelSmoothing: r.labelSmoothing,
  };
}

function rowStatus(data: RunFolderData): RunRowStatus {
  if (data.status) return data.status.state;
  const epochs = data.spec?.recipe.epochs;
  return epochs !== undefined && data.history.length > 0 && data.history.length >= epochs ? 'finished' : 'unknown';
}

export interface RunRowInput {
  id: string;
  /** The logdir as given (for display and commands). */
  logdir: string;
  rel: string;
  data: RunFolderData;
}

export function buildRunRow({ id, logdir, rel, data }: RunRowInput): RunRow {
  const { spec, history, status } = data;
  // Runs that do not read the test set (sweep trials) have null test accuracies: no test figures.
  const test = history.map((m) => m.testAccuracy).filter((a): a is number => a !== null);
  const last = history.slice(-LAST_EPOCHS).map((m) => m.testAccuracy).filter((a): a is number => a !== null);
  const state = rowStatus(data);
  const folder = displayPath(logdir, rel);
  return {
    id,
    name: rel === '.' ? basename(resolve(logdir)) : rel,
    logdir,
    experiment: experimentOf(rel)?.experiment ?? null,
    model: data.modelName,
    parameters: data.parameters,
    seed: spec?.seed ?? null,
    recipe: spec ? recipeFields(spec.recipe) : null,
    status: state,
    epochsDone: data.historyFromFile || history.length > 0 ? history.length : (status?.epochsDone ?? 0),
    epochs: spec?.recipe.epochs ?? status?.epochs ?? null,
    bestTestAccuracy: test.length ? Math.max(...test) : null,
    lastMin: last.length ? Math.min(...last) : null,
    lastMean: last.length ? last.reduce((a, b) => a + b, 0) / last.length : null,
    valAccuracy: history.at(-1)?.valAccuracy ?? null,
    wallSeconds: history.reduce((acc, m) => acc + m.epochSeconds, 0),
    updatedAt: (data.updatedAt ?? new Date(0)).toISOString(),
    resumeCommand: state === 'interrupted' && data.hasLastCheckpoint ? `mnist-lab train --resume ${shellWord(folder)}` : null,
    problem: data.problems.length ? data.problems.join('; ') : null,
  };
}
