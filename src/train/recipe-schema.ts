/**
 * The recipe's schema: what a recipe from a file, a spec or flags may hold, checked field by
 * field with zod. Every bound here is one that PyTorch's constructor would also refuse (lr > 0,
 * momentum in [0, 1), ...), or one without which a run cannot mean anything (epochs >= 1).
 * Unknown fields are refused, so that a misspelt `maxlr` is an error, not a silent default.
 */
import { z } from 'zod';
import type { Recipe } from './recipe.js';

const finite = (): z.ZodNumber => z.number().finite();
const positive = (): z.ZodNumber => finite().gt(0, 'must be > 0');
const nonNegative = (): z.ZodNumber => finite().gte(0, 'must be >= 0');
const fraction = (): z.ZodNumber => finite().gte(0, 'must be in [0, 1)').lt(1, 'must be in [0, 1)');
const wholeAtLeast = (min: number, max = 1_000_000): z.ZodNumber =>
  z.number().int('must be a whole number').gte(min, `must be a whole number >= ${min}`).lte(max, `must be at most ${max}`);
const degrees = (): z.ZodNumber => finite().gte(0, 'must be degrees in [0, 180]').lte(180, 'must be degrees in [0, 180]');
const range = (item: z.ZodNumber): z.ZodEffects<z.ZodTuple<[z.ZodNumber, z.ZodNumber]>> =>
  z.tuple([item, item]).refine(([lo, hi]) => lo <= hi, 'must be [low, high] with low <= high');

const optimizer = z.object({
  name: z.enum(['sgd', 'adam', 'adamw']),
  lr: positive(),
  momentum: fraction().optional(),
  nesterov: z.boolean().optional(),
  weightDecay: nonNegative().optional(),
}).strict();

const scheduler = z.object({
  name: z.enum(['none', 'onecycle', 'step', 'multistep', 'cosine', 'plateau']),
  maxLr: positive().optional(),
  pctStart: finite().gt(0, 'must be in (0, 1)').lt(1, 'must be in (0, 1)').optional(),
  annealStrategy: z.enum(['cos', 'linear']).optional(),
  divFactor: positive().optional(),
  finalDivFactor: positive().optional(),
  stepSize: wholeAtLeast(1).optional(),
  milestones: z.array(wholeAtLeast(1)).max(1000, 'must list at most 1000 epochs')
    .refine((m) => m.every((v, i) => i === 0 || v > m[i - 1]!), 'must be increasing').optional(),
  gamma: positive().optional(),
  etaMin: nonNegative().optional(),
  factor: finite().gt(0, 'must be in (0, 1)').lt(1, 'must be in (0, 1)').optional(),
  patience: wholeAtLeast(0).optional(),
}).strict();

const augmentation = z.object({
  rotation: degrees().optional(),
  affine: z.object({
    degrees: degrees(),
    translate: z.tuple([finite().gte(0).lte(1, 'must be a fraction in [0, 1]'), finite().gte(0).lte(1, 'must be a fraction in [0, 1]')]).optional(),
    scale: range(positive()).optional(),
    shear: nonNegative().optional(),
  }).strict().optional(),
  erasing: z.object({
    p: finite().gte(0, 'must be a probability in [0, 1]').lte(1, 'must be a probability in [0, 1]'),
    scale: range(finite().gt(0, 'must be in (0, 1]').lte(1, 'must be in (0, 1]')).optional(),
    ratio: range(positive()).optional(),
  }).strict().optional(),
  interpolation: z.enum(['nearest', 'bilinear']).optional(),
  untilEpoch: wholeAtLeast(0).optional(),
}).strict();

export const recipeSchema: z.ZodType<Recipe> = z.object({
  epochs: wholeAtLeast(1, 10_000),
  batchSize: wholeAtLeast(1, 60_000),
  optimizer,
  scheduler,
  augmentation,
  labelSmoothing: fraction(),
  ema: z.object({ decay: fraction(), updateBn: z.boolean().optional() }).strict().optional(),
}).strict();
