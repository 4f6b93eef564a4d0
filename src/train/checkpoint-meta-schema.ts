/**
 * The checkpoint .json, checked before anything reads it: a checkpoint comes from disk, perhaps
 * half-written, edited by hand, or not ours at all, so every field that resuming relies on is
 * checked here with zod, and a damaged file is one line naming the field. Version 1 files (written
 * before RunSpec existed: recipe, data and threads at the top level) are converted to version 2.
 */
import { z } from 'zod';
import { MnistLabError } from '../util/errors.js';
import { describeValue, schemaErrorLines } from '../util/schema-errors.js';
import type { CheckpointMeta } from './checkpoint.js';
import { RUN_SPEC_FORMAT, runSpecSchema, validateRunSpec } from './run-spec.js';

/** v2 carries the run's spec; v1 (before RunSpec) is still read, and converted on reading. */
export const CHECKPOINT_FORMAT = 'mnist-lab-checkpoint-v2';
export const LEGACY_CHECKPOINT_FORMAT = 'mnist-lab-checkpoint-v1';

const num = z.number().finite();
const whole = z.number().int().gte(0).lte(Number.MAX_SAFE_INTEGER);
// xoshiro128 words, stored as int32 or uint32.
const word = z.number().int().gte(-(2 ** 31)).lt(2 ** 32);
const rngState = z.tuple([word, word, word, word]);

const epochMetrics = z.object({
  epoch: whole, lr: num, trainLoss: num, trainAccuracy: num,
  valLoss: num.nullable(), valAccuracy: num.nullable(),
  testLoss: num.nullable(), testAccuracy: num.nullable(), testCorrect: whole.nullable(), testTotal: whole.nullable(),
  epochSeconds: num, trainSeconds: num, evalSeconds: num,
});

/** Everything but the spec, which the two versions hold differently. */
const commonFields = {
  mnistLabVersion: z.string().max(100),
  model: z.object({ name: z.string().min(1).max(200), config: z.object({ dropout: num.optional() }), parameters: whole }),
  epoch: whole,
  metrics: epochMetrics.nullable(),
  history: z.array(epochMetrics).max(100_000),
  best: z.object({ metric: z.string().max(100), value: num.nullable(), epoch: whole.nullable() }),
  // Their inner values are checked by the optimizer's and scheduler's loadStateDict, which know them.
  optimizer: z.object({ state: z.record(z.record(z.unknown())), param_groups: z.array(z.record(z.unknown())).min(1) }),
  scheduler: z.record(z.unknown()).nullable(),
  rng: z.object({
    engine: z.object({ init: rngState, dropout: rngState }),
    trainLoader: z.object({ epoch: whole, batchesDone: whole, shuffleRngState: rngState }).passthrough(),
  }),
  threads: whole,
  savedAt: z.string().max(100),
  ema: z.object({ decay: num, nAveraged: whole, trainingWeights: z.record(z.array(num)) }).optional(),
};

const metaV2 = z.object({ format: z.literal(CHECKPOINT_FORMAT), spec: runSpecSchema, ...commonFields });

const metaV1 = z.object({
  format: z.literal(LEGACY_CHECKPOINT_FORMAT),
  recipe: z.record(z.unknown()),
  data: z.object({ dataDir: z.string().nullable(), limitTrain: whole.nullable(), limitTest: whole.nullable() }).optional(),
  ...commonFields,
});

function fail(lines: string[], where: string): never {
  throw new MnistLabError(`${where}: damaged checkpoint metadata: ${lines.slice(0, 3).join('; ')}${lines.length > 3 ? ` (and ${lines.length - 3} more)` : ''}`);
}

export function checkpointMetaFromJson(value: unknown, where: string): CheckpointMeta {
  const format = value !== null && typeof value === 'object' ? (value as { format?: unknown }).format : undefined;
  if (format === LEGACY_CHECKPOINT_FORMAT) return fromV1(value, where);
  if (format !== CHECKPOINT_FORMAT) {
    throw new MnistLabError(`${where}: not a mnist-lab checkpoint (format ${describeValue(format)}, expected '${CHECKPOINT_FORMAT}')`);
  }
  const parsed = metaV2.safeParse(value);
  if (!parsed.success) fail(schemaErrorLines(parsed.error, value), where);
  // The schema checked the outer structure; optimizer and scheduler internals are checked on loading.
  return parsed.data as unknown as CheckpointMeta;
}

/** A v1 checkpoint's recipe held the seed, the split and dropout; a v2 spec holds them beside it. */
function fromV1(value: unknown, where: string): CheckpointMeta {
  const parsed = metaV1.safeParse(value);
  if (!parsed.success) fail(schemaErrorLines(parsed.error, value), where);
  const { recipe: legacyRecipe, data, format: _format, ...rest } = parsed.data;
  const { seed, valSplit, splitSeed, dropout, ...recipe } = legacyRecipe;
  const spec = validateRunSpec({
    format: RUN_SPEC_FORMAT,
    model: { name: rest.model.name, config: dropout === undefined ? rest.model.config : { dropout } },
    recipe,
    data: { dir: data?.dataDir ?? null, limitTrain: data?.limitTrain ?? null, limitTest: data?.limitTest ?? null, valSplit: valSplit ?? 0, splitSeed: splitSeed ?? null },
    seed,
    threads: rest.threads,
    backend: 'wasm',
    bestMetric: rest.best.metric,
    outDir: null,
  }, `${where} (a version 1 checkpoint)`);
  return { ...(rest as unknown as Omit<CheckpointMeta, 'format' | 'spec'>), format: CHECKPOINT_FORMAT, spec };
}
