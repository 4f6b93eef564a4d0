/** Loads the goals' data (experiments/goals.ts, compiled beside the experiment files) and checks it. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { ReportGoals } from '../report/goals.js';
import { MnistLabError } from '../util/errors.js';
import { schemaErrorLines } from '../util/schema-errors.js';
import { experimentsDir } from './registry.js';

const percent = z.number().finite().gt(0, 'must be a percentage in (0, 100]').lte(100, 'must be a percentage in (0, 100]');
const whole = z.number().int('must be a whole number').gte(1, 'must be a whole number >= 1');

const goalsSchema = z.object({
  targetAccuracy: percent,
  lastEpochs: whole,
  goals: z.array(z.object({
    id: z.string().min(1), statement: z.string().min(1), maxParameters: whole, maxEpochs: whole, lastEpochs: whole, minSeeds: whole,
    minMean: percent.nullable(),
  }).strict()),
  frontierBudgets: z.array(whole).optional(),
  anchors: z.array(z.object({ parameters: whole, accuracy: percent, label: z.string().min(1) }).strict()).optional(),
}).strict();

/** Identity with type checking, so the goals file reads as plain data. */
export function defineGoals(goals: ReportGoals): ReportGoals {
  return goals;
}

export async function loadGoals(dir = experimentsDir()): Promise<ReportGoals> {
  const path = join(dir, 'goals.js');
  if (!existsSync(path)) throw new MnistLabError(`${path}: the goals file is missing; run 'npm run build'`);
  const value = ((await import(pathToFileURL(path).href)) as { default?: unknown }).default;
  const parsed = goalsSchema.safeParse(value);
  if (!parsed.success) throw new MnistLabError(schemaErrorLines(parsed.error, value).map((l) => `experiments/goals: ${l}`).join('\n'));
  return parsed.data;
}
