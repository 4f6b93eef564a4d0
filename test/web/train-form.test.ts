/**
 * The Train page's choices → RunSpec (web/train/train-form.ts) without a browser: every combination
 * the form offers is a valid spec, the defaults are the champion's recipe on a subset, and the spec
 * reads the server's bundled MNIST with no validation split. The browser module is bundled here with
 * esbuild, as scripts/build-web.js does.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { DEFAULT_RECIPE } from '../../src/train/recipe.js';
import { runSpecProblems, type RunSpec } from '../../src/train/run-spec.js';
import { tempDir } from './fixture-runs.js';

interface Choices {
  model: string; epochs: number; batchSize: number; optimizer: 'sgd' | 'adam' | 'adamw'; lr: number; momentum: number;
  schedule: 'onecycle' | 'cosine' | 'none'; maxLr: number; rotation: number; ema: boolean; emaDecay: number;
  trainImages: number; testImages: number; seed: number;
}
interface Form {
  DEFAULT_CHOICES: Choices;
  specOf(c: Choices): RunSpec;
}

let form: Form;

before(async () => {
  const out = await build({
    stdin: { contents: "export { DEFAULT_CHOICES, specOf } from './web/train/train-form.ts';", resolveDir: resolve('.'), loader: 'ts' },
    bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'silent',
  });
  const dir = tempDir('train-form');
  const file = join(dir, 'form.mjs');
  writeFileSync(file, out.outputFiles[0]!.text);
  form = (await import(pathToFileURL(file).href)) as Form;
  rmSync(dir, { recursive: true, force: true });
});

describe('the Train page\'s form', () => {
  it('makes a valid spec of every optimizer, schedule, augmentation and EMA choice', () => {
    for (const optimizer of ['sgd', 'adam', 'adamw'] as const) {
      for (const schedule of ['onecycle', 'cosine', 'none'] as const) {
        for (const [rotation, ema] of [[0, false], [7, true]] as const) {
          const spec = form.specOf({ ...form.DEFAULT_CHOICES, optimizer, schedule, rotation, ema, lr: optimizer === 'sgd' ? 0.01 : 0.001 });
          assert.deepEqual(runSpecProblems(spec), [], `${optimizer} ${schedule} ${rotation} ${ema}`);
          assert.equal(spec.recipe.optimizer.name, optimizer);
          assert.equal(spec.recipe.scheduler.name, schedule);
          assert.deepEqual(spec.recipe.augmentation, rotation ? { rotation, interpolation: 'nearest' } : {});
          assert.equal(spec.recipe.ema !== undefined, ema);
        }
      }
    }
  });

  it('defaults to the champion\'s recipe on sepnet-8k and a subset, read from the bundled MNIST with no validation split', () => {
    const spec = form.specOf(form.DEFAULT_CHOICES);
    assert.equal(spec.model.name, 'sepnet-8k');
    const { epochs: _e, ema: _m, ...recipe } = spec.recipe;
    const { epochs: _de, ema: _dm, ...champion } = DEFAULT_RECIPE;
    assert.deepEqual(recipe, champion);
    assert.deepEqual(spec.data, { dir: null, limitTrain: 10_000, limitTest: 10_000, valSplit: 0, splitSeed: null });
    assert.equal(spec.backend, 'wasm');
    assert.equal(spec.outDir, null);
  });

  it('leaves a bad number for the spec\'s validation to name', () => {
    assert.match(runSpecProblems(form.specOf({ ...form.DEFAULT_CHOICES, epochs: 0 })).join('\n'), /recipe\.epochs/);
    assert.match(runSpecProblems(form.specOf({ ...form.DEFAULT_CHOICES, trainImages: Number.NaN })).join('\n'), /data\.limitTrain/);
  });
});
