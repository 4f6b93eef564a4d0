/**
 * A sweep, as a file: a base RunSpec, the fields to search and over what, the objective, the sampler,
 * the pruner and the budget. Every trial is the base spec with the sampled values written in, with
 * its validation set (a split or a k-fold partition) from `objective.validation`, and with
 * data.test false: no trial ever opens the test files. The objective is validation accuracy over
 * the last epochs, averaged over the folds with k-fold.
 */
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { runSpecSchema, type RunSpec } from '../train/run-spec.js';
import { MnistLabError } from '../util/errors.js';
import { jsonErrorReason, schemaErrorLines } from '../util/schema-errors.js';
import { searchSpaceSchema, type SearchSpace } from './search-space.js';
import type { SamplerSpec } from './samplers/sampler.js';
import type { AshaSpec } from './asha.js';

export const SWEEP_SPEC_FORMAT = 'mnist-lab-sweep-v1';

export interface SweepObjective {
  /** Mean validation accuracy over this many final epochs (per fold, then over folds). */
  lastEpochs: number;
  /** A held-out split of the training images (`split` images, `splitSeed`), or k folds. */
  validation: { split: number; splitSeed: number } | { folds: number; splitSeed: number };
}

export interface SweepSpec {
  format: typeof SWEEP_SPEC_FORMAT;
  name: string;
  base: RunSpec;
  space: SearchSpace;
  objective: SweepObjective;
  sampler: SamplerSpec;
  pruner: ({ name: 'asha' } & AshaSpec) | null;
  budget: { trials: number };
}

const whole = (min: number, max: number): z.ZodNumber => z.number().int('must be a whole number').gte(min, `must be at least ${min}`).lte(max, `must be at most ${max}`);

const sweepSchema: z.ZodType<SweepSpec> = z.object({
  format: z.literal(SWEEP_SPEC_FORMAT),
  name: z.string().regex(/^(?!\.+$)[\w.-]{1,100}$/, 'must be a short name of letters, digits, dots and dashes'),
  base: runSpecSchema,
  space: searchSpaceSchema,
  objective: z.object({
    lastEpochs: whole(1, 1000),
    validation: z.union([
      z.object({ split: whole(1, 59_999), splitSeed: whole(0, 2 ** 31) }).strict(),
      z.object({ folds: whole(2, 100), splitSeed: whole(0, 2 ** 31) }).strict(),
    ]),
  }).strict(),
  sampler: z.union([
    z.object({ name: z.literal('grid'), pointsPerNumeric: whole(1, 100).optional() }).strict(),
    z.object({ name: z.literal('random'), seed: whole(0, 2 ** 31) }).strict(),
    z.object({ name: z.literal('tpe'), seed: whole(0, 2 ** 31), startupTrials: whole(1, 1000).optional(), candidates: whole(1, 1000).optional() }).strict(),
  ]),
  pruner: z.object({ name: z.literal('asha'), minEpochs: whole(1, 1000), reductionFactor: whole(2, 100) }).strict().nullable(),
  budget: z.object({ trials: whole(1, 10_000) }).strict(),
}).strict();

export function validateSweepSpec(value: unknown, where: string): SweepSpec {
  const parsed = sweepSchema.safeParse(value);
  if (!parsed.success) throw new MnistLabError(schemaErrorLines(parsed.error, value).map((l) => `${where}: ${l}`).join('\n'));
  const spec = parsed.data;
  if (spec.base.data.valSplit > 0 || spec.base.data.folds) {
    throw new MnistLabError(`${where}: base.data holds images out itself; leave valSplit 0 and folds unset, objective.validation says what is held out`);
  }
  if (spec.objective.lastEpochs > spec.base.recipe.epochs) {
    throw new MnistLabError(`${where}: objective.lastEpochs (${spec.objective.lastEpochs}) is more than the runs' ${spec.base.recipe.epochs} epochs`);
  }
  return spec;
}

export function readSweepSpecFile(path: string): SweepSpec {
  let text: string;
  try {
    if (statSync(path).size > 1 << 20) throw new MnistLabError(`${path}: too large for a sweep spec (a sweep spec is a few kilobytes)`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof MnistLabError) throw err;
    throw new MnistLabError(`${path}: cannot read the sweep spec (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new MnistLabError(`${path}: not valid JSON (${jsonErrorReason(err)})`);
  }
  return validateSweepSpec(value, path);
}
