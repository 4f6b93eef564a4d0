/**
 * An experiment: one iteration of the design story, as data. It names a zoo model and spells out
 * its hyperparameters, either as a full recipe block or as a named parent experiment's recipe with
 * a few changes (the report prints the result in full). Nothing here reads the live default
 * recipe, so a recorded experiment can never change when `mnist-lab train`'s defaults do. Its
 * Target and Analysis are the write-up the report prints beside the measured results.
 */
import { z } from 'zod';
import type { Recipe } from '../train/recipe.js';
import { recipeSchema } from '../train/recipe-schema.js';
import type { ModelConfig } from '../train/run-spec.js';
import { MnistLabError } from '../util/errors.js';
import { schemaErrorLines } from '../util/schema-errors.js';

/** Changes to a recipe: any field, at any depth; arrays and tuples are replaced whole. */
export type RecipeChanges = {
  [K in keyof Recipe]?: Recipe[K] extends readonly unknown[] | undefined ? Recipe[K]
    : Recipe[K] extends object | undefined ? { [L in keyof NonNullable<Recipe[K]>]?: NonNullable<Recipe[K]>[L] } : Recipe[K];
};

/** A recipe written as another experiment's, changed in a few fields. */
export interface DerivedRecipe {
  /** The parent experiment's file name, e.g. '07-gapnet-8k-ema'. */
  parent: string;
  changes: RecipeChanges;
}

export interface Experiment {
  title: string;
  /** A zoo model (src/models/zoo.ts), so that each seed's run is a RunSpec. */
  model: string;
  modelConfig?: ModelConfig;
  recipe: Recipe | DerivedRecipe;
  /** The seeds `experiments run` trains when no --seeds is given. */
  seeds: number[];
  /** Which split chose the hyperparameters, in words; the test set only reports. */
  chosenOn: string;
  target: string[];
  analysis: string[];
}

export function isDerivedRecipe(r: Recipe | DerivedRecipe): r is DerivedRecipe {
  return 'parent' in r;
}

const text = z.string().min(1, 'must not be empty').max(10_000, 'is too long');

const experimentSchema = z.object({
  title: text,
  model: z.string().min(1, 'must name a zoo model').max(200, 'is too long'),
  modelConfig: z.object({ dropout: z.number().finite().gte(0, 'must be in [0, 1)').lt(1, 'must be in [0, 1)').optional() }).strict().optional(),
  recipe: z.union([
    recipeSchema,
    z.object({ parent: z.string().regex(/^[\w.-]{1,200}$/, 'must be an experiment file name'), changes: z.record(z.unknown()) }).strict(),
  ]),
  seeds: z.array(z.number().int('must be whole numbers').gte(0, 'must be >= 0').lte(1_000_000, 'must be at most 1000000')).min(1, 'must list at least one seed').max(1000, 'must list at most 1000 seeds'),
  chosenOn: text,
  target: z.array(text).max(100, 'must have at most 100 lines'),
  analysis: z.array(text).max(100, 'must have at most 100 lines'),
}).strict();

/** Checks what an experiment file exports; one line per mistake, naming the field. */
export function validateExperiment(value: unknown, where: string): Experiment {
  const parsed = experimentSchema.safeParse(value);
  if (!parsed.success) throw new MnistLabError(schemaErrorLines(parsed.error, value).map((l) => `${where}: ${l}`).join('\n'));
  return parsed.data as Experiment;
}

/** Identity with type checking, so experiment files read as plain data. */
export function defineExperiment(e: Experiment): Experiment {
  return e;
}
