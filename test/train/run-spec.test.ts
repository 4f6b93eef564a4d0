/**
 * The RunSpec is outside input (a file a user edits, a job off a queue), so its checks are the
 * user's interface: one line per mistake, naming the field by its path and quoting the value.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatRunSpec, parseRunSpec, runSpecProblems, validateRunSpec, type RunSpec } from '../../src/train/run-spec.js';
import { parseCheckpointMeta } from '../../src/train/checkpoint.js';
import { defaultRunSpec, specFromFlags } from '../../src/cli/train-flags.js';
import { DEFAULT_RECIPE } from '../../src/train/recipe.js';
import { MnistLabError } from '../../src/util/errors.js';

const valid = (): RunSpec => defaultRunSpec();

describe('RunSpec', () => {
  it('the default spec is valid and survives a JSON round trip unchanged', () => {
    const spec = valid();
    assert.deepEqual(runSpecProblems(spec), []);
    assert.deepEqual(parseRunSpec(formatRunSpec(spec), 'spec.json'), spec);
    assert.deepEqual(spec.recipe, DEFAULT_RECIPE);
  });

  it('names the field and the value of each mistake, one line each', () => {
    const spec = valid() as unknown as { recipe: { scheduler: { maxLr: number }; batchSize: number }; seed: unknown };
    spec.recipe.scheduler.maxLr = -1;
    spec.recipe.batchSize = 0.5;
    spec.seed = 'one';
    const problems = runSpecProblems(spec);
    assert.deepEqual(problems.sort(), [
      'recipe.batchSize must be a whole number, got 0.5',
      'recipe.scheduler.maxLr must be > 0, got -1',
      "seed must be a number, got 'one'",
    ]);
    assert.throws(() => validateRunSpec(spec, 'my.json'), (err: unknown) =>
      err instanceof MnistLabError && err.message.split('\n').length === 3 && err.message.split('\n').every((l) => l.startsWith('my.json: ')));
  });

  it('refuses unknown fields (a misspelt key is not a silent default) and names missing ones', () => {
    const spec = valid() as unknown as Record<string, unknown> & { recipe: { scheduler: Record<string, unknown> } };
    spec.recipe.scheduler.maxlr = 0.2;
    delete spec.seed;
    assert.deepEqual(runSpecProblems(spec).sort(), [
      'recipe.scheduler.maxlr is not a known field; remove it or check its spelling',
      'seed is missing (number expected)',
    ]);
  });

  it('checks enums, ranges and the fields that depend on each other', () => {
    const s = valid();
    assert.deepEqual(runSpecProblems({ ...s, recipe: { ...s.recipe, optimizer: { ...s.recipe.optimizer, name: 'rmsprop' } } }),
      ["recipe.optimizer.name must be one of sgd, adam, adamw, got 'rmsprop'"]);
    assert.deepEqual(runSpecProblems({ ...s, data: { ...s.data, valSplit: 60000 } }), ['data.valSplit must be a whole number in [0, 60000), got 60000']);
    assert.deepEqual(runSpecProblems({ ...s, bestMetric: 'val_loss' }), ['bestMetric val_loss needs a validation split; set data.valSplit, e.g. 10000, or data.folds']);
    assert.deepEqual(runSpecProblems({ ...s, recipe: { ...s.recipe, ema: { decay: 1 } } }), ['recipe.ema.decay must be in [0, 1), got 1']);
    assert.deepEqual(runSpecProblems({ ...s, format: 'v0' }), ['format must be "mnist-lab-run-spec-v1", got \'v0\'']);
    assert.deepEqual(runSpecProblems(null), ['(the whole value) must be an object, got null']);
  });

  it('a spec file that is not JSON is one line saying so', () => {
    assert.throws(() => parseRunSpec('{"format":', 'x.json'), /x\.json: not valid JSON/);
  });

  it('flags change a base spec and leave the rest as it was', () => {
    const base = { ...valid(), seed: 4, model: { name: 'mnist8k-m3', config: { dropout: 0.1 } } };
    const spec = specFromFlags({ lr: 0.05, valSplit: 10000, splitSeed: 1 }, base);
    assert.equal(spec.seed, 4);
    assert.deepEqual(spec.model, { name: 'mnist8k-m3', config: { dropout: 0.1 } });
    assert.equal(spec.recipe.optimizer.lr, 0.05);
    assert.deepEqual(spec.data, { ...base.data, valSplit: 10000, splitSeed: 1 });
    // Another model does not inherit the base model's config.
    assert.deepEqual(specFromFlags({ model: 'gapnet-8k' }, base).model, { name: 'gapnet-8k', config: {} });
    assert.equal('ema' in specFromFlags({ ema: 0 }).recipe, false);
    assert.deepEqual(specFromFlags({ updateBn: true }).recipe.ema, { decay: 0.999, updateBn: true });
    assert.throws(() => specFromFlags({ ema: 0, updateBn: true }), /--update-bn .* there is none; add --ema 0.999/);
    assert.deepEqual(specFromFlags({ augmentUntil: 10 }).recipe.augmentation, { ...DEFAULT_RECIPE.augmentation, untilEpoch: 10 });
  });

  it('a version 1 checkpoint (before RunSpec) is read as a spec: its recipe loses the seed and the split, which move beside it', () => {
    const v1 = {
      format: 'mnist-lab-checkpoint-v1', mnistLabVersion: '0.1.0', model: { name: 'gapnet-8k', config: {}, parameters: 7886 },
      recipe: { ...DEFAULT_RECIPE, valSplit: 10000, splitSeed: 1, seed: 3 }, epoch: 0, metrics: null, history: [],
      best: { metric: 'val_accuracy', value: null, epoch: null },
      optimizer: { state: {}, param_groups: [{ lr: 0.004 }] }, scheduler: null,
      rng: { engine: { init: [1, 2, 3, 4], dropout: [1, 2, 3, 4] }, trainLoader: { epoch: 0, batchesDone: 0, shuffleRngState: [1, 2, 3, 4] } },
      threads: 2, savedAt: '2026-11-20T00:00:00Z', data: { dataDir: null, limitTrain: 3000, limitTest: null },
    };
    const meta = parseCheckpointMeta(JSON.stringify(v1), 'last.json');
    assert.equal(meta.format, 'mnist-lab-checkpoint-v2');
    assert.equal(meta.spec.seed, 3);
    assert.deepEqual(meta.spec.recipe, DEFAULT_RECIPE);
    assert.deepEqual(meta.spec.data, { dir: null, limitTrain: 3000, limitTest: null, valSplit: 10000, splitSeed: 1 });
    assert.equal(meta.spec.bestMetric, 'val_accuracy');
    assert.throws(() => parseCheckpointMeta(JSON.stringify({ ...v1, epoch: -1 }), 'last.json'), /last\.json: damaged checkpoint metadata: epoch/);
  });
});
