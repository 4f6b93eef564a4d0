/**
 * Loads the seed projects' transcribed figures (experiments/seed-projects.ts, compiled beside the
 * experiment files) and checks them, as goals.ts does for the goals: the data is typed where it is
 * written, and checked again here because the report trusts it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { SeedProject } from '../report/seed-projects.js';
import { MnistLabError } from '../util/errors.js';
import { schemaErrorLines } from '../util/schema-errors.js';
import { experimentsDir } from './registry.js';

const percent = z.number().finite().gte(0, 'must be a percentage in [0, 100]').lte(100, 'must be a percentage in [0, 100]');
const text = z.string().min(1, 'must not be empty').max(2000, 'is too long');

const logEpoch = z.object({
  loggedEpoch: z.number().int().gte(0),
  trainAccuracy: percent,
  testAccuracy: percent,
  testLoss: z.number().finite().gte(0),
}).strict();

const modelFigures = z.object({
  name: text,
  zooModel: text,
  parameters: z.number().int().gte(1),
  parametersAsWritten: text.nullable(),
  bestTrainAccuracy: percent.nullable(),
  bestTestAccuracy: percent.nullable(),
  firstEpochTestAccuracy: percent.nullable(),
  finalTestAccuracy: percent.nullable(),
  approximate: z.boolean(),
  statedResults: z.array(text),
  log: z.array(logEpoch).min(1).nullable(),
  experiments: z.array(z.string().regex(/^\d[\w.-]*$/, 'must be an experiment file name')),
  notRun: text.nullable(),
  differences: z.array(text),
}).strict()
  .refine((m) => (m.experiments.length === 0) !== (m.notRun === null), 'needs either experiments or a notRun reason, not both')
  .refine((m) => m.log === null || (m.firstEpochTestAccuracy === null && m.finalTestAccuracy === null), 'states first/final accuracy twice: the log already holds them');

const projectsSchema = z.array(z.object({
  id: z.string().regex(/^\d{3}$/, "must be a seed number like '003'"),
  title: text,
  readme: text,
  statedRecipe: z.array(text),
  models: z.array(modelFigures).min(1),
}).strict()).min(1);

/** Identity with type checking, so the data file reads as plain data. */
export function defineSeedProjects(projects: SeedProject[]): SeedProject[] {
  return projects;
}

/** Checks a value as the seed projects' data; one line per mistake, naming the field. */
export function validateSeedProjects(value: unknown, where: string): SeedProject[] {
  const parsed = projectsSchema.safeParse(value);
  if (!parsed.success) throw new MnistLabError(schemaErrorLines(parsed.error, value).map((l) => `${where}: ${l}`).join('\n'));
  return parsed.data;
}

export async function loadSeedProjects(dir = experimentsDir()): Promise<SeedProject[]> {
  const path = join(dir, 'seed-projects.js');
  if (!existsSync(path)) throw new MnistLabError(`${path}: the seed projects' data is missing; run 'npm run build'`);
  const value = ((await import(pathToFileURL(path).href)) as { default?: unknown }).default;
  return validateSeedProjects(value, 'experiments/seed-projects');
}
