/**
 * The seed projects' recipes as experiments (13-16) and their transcribed figures
 * (experiments/seed-projects.ts): each experiment trains the seed's zoo model with what the seed's
 * README states, every experiment and zoo model the figures name exists with the stated count, and
 * the transcribed logs are the READMEs' own numbers.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { experimentNames, loadExperiments } from '../../src/experiments/registry.js';
import { loadSeedProjects, validateSeedProjects } from '../../src/experiments/seed-projects.js';
import { checkParameters } from '../../src/report/seeds-report.js';
import { createModel, getModelEntry } from '../../src/models/zoo.js';
import { MnistLabError } from '../../src/util/errors.js';
import { repoRoot } from '../helpers/fixtures.js';

describe('seed experiments', () => {
  it("each trains the seed's model with what its README states, and names that README as where the recipe was chosen", async () => {
    const [s001, s002, s003, s004] = await loadExperiments(['13-s001-m1', '14-s002-m3', '15-s003-i4', '16-s004-m1']);
    // Seed 001: "15 epochs, batch 128" (its log: EPOCH 0-14, 469 batches).
    assert.equal(s001!.model, 's001-m1');
    assert.deepEqual([s001!.recipe.epochs, s001!.recipe.batchSize], [15, 128]);
    // Seed 002: StepLR and augmentation, as iteration 3 (the same network under mnist-lab's names) ran it.
    assert.equal(s002!.model, 's002-m3');
    assert.equal(s002!.recipe.scheduler.name, 'step');
    assert.ok((s002!.recipe.augmentation.rotation ?? 0) > 0);
    const [m3] = await loadExperiments(['03-mnist8k-m3']);
    assert.deepEqual(s002!.recipe, m3!.recipe);
    // Seed 003: batch 64, SGD with momentum 0.9, 15 epochs; iteration 4 adds augmentation and a schedule.
    assert.equal(s003!.model, 's003-i4');
    assert.deepEqual([s003!.recipe.epochs, s003!.recipe.batchSize, s003!.recipe.optimizer.name, s003!.recipe.optimizer.momentum], [15, 64, 'sgd', 0.9]);
    assert.notEqual(s003!.recipe.scheduler.name, 'none');
    assert.ok((s003!.recipe.augmentation.rotation ?? 0) > 0);
    // Seed 003's iterations 2 and 3: the same stated recipe, without iteration 4's augmentation and schedule.
    for (const e of await loadExperiments(['17-s003-i2', '18-s003-i3'])) {
      assert.deepEqual([e.recipe.epochs, e.recipe.batchSize, e.recipe.optimizer.name, e.recipe.optimizer.momentum], [15, 64, 'sgd', 0.9], e.name);
      assert.deepEqual([e.recipe.scheduler.name, e.recipe.augmentation], ['none', {}], e.name);
      assert.match(e.chosenOn, /seed 003's README/);
    }
    // Seed 004: batch 128, Adam, ReduceLROnPlateau; no augmentation (its transform is ToTensor + Normalize).
    assert.equal(s004!.model, 's004-m1');
    assert.deepEqual([s004!.recipe.batchSize, s004!.recipe.optimizer.name, s004!.recipe.scheduler.name], [128, 'adam', 'plateau']);
    assert.deepEqual(s004!.recipe.augmentation, {});
    assert.equal(s004!.recipe.labelSmoothing, 0);
    for (const e of [s001!, s002!, s003!, s004!]) {
      assert.match(e.chosenOn, /^none: seed \d{3}'s README \(\.\.\/shared\/seeds\/\d{3}_[0-9a-f]+\.txt\)/, `${e.name}: chosenOn must name the seed README`);
      assert.equal(e.recipe.ema, undefined, `${e.name}: the seeds had no weight average`);
    }
  });

  it('the seed figures load, and every experiment and zoo model they name exists with the stated parameter count', async () => {
    const projects = await loadSeedProjects();
    assert.deepEqual(projects.map((p) => p.id), ['000', '001', '002', '003', '004']);
    const experiments = new Set(experimentNames());
    const all = await loadExperiments();
    for (const model of projects.flatMap((p) => p.models)) {
      assert.doesNotThrow(() => getModelEntry(model.zooModel), `${model.zooModel} is not in the zoo`);
      // s002-m1 (6.4M parameters) is counted from its layer shapes, not built: its count is in the zoo test.
      if (model.zooModel !== 's002-m1') {
        const check = checkParameters(model, createModel(model.zooModel).numParameters());
        assert.ok(check.equal, `${model.zooModel}: ${check.text}`);
      }
      for (const name of model.experiments) {
        assert.ok(experiments.has(name), `${model.name} names experiment ${name}, which does not exist`);
        const e = all.find((x) => x.name === name)!;
        assert.ok(checkParameters(model, createModel(e.model, e.modelConfig).numParameters()).equal, `${name} trains another count than ${model.name}'s`);
      }
    }
  });

  it('the figures are checked like any user file: one line naming the field', () => {
    assert.throws(() => validateSeedProjects([{ id: '7', title: 't', readme: 'r', statedRecipe: [], models: [] }], 'x'),
      (err: unknown) => err instanceof MnistLabError && /x: \[0\]\.id must be a seed number/.test(err.message) && /models/.test(err.message));
  });

  it("the transcribed logs and results are the seed READMEs' own numbers (their copies in test/fixtures/seeds)", async () => {
    const projects = await loadSeedProjects();
    const dir = join(repoRoot, 'test', 'fixtures', 'seeds');
    for (const project of projects) {
      const text = readFileSync(join(dir, basename(project.readme)), 'utf8');
      for (const model of project.models) {
        const count = model.parametersAsWritten ?? model.parameters.toLocaleString('en-US');
        assert.ok(text.includes(count) || text.includes(String(model.parameters)), `${project.id} ${model.name}: the README does not state ${count}`);
        for (const v of [model.bestTrainAccuracy, model.bestTestAccuracy, model.firstEpochTestAccuracy, model.finalTestAccuracy]) {
          if (v !== null) assert.match(text, new RegExp(`${String(v).replace('.', '\\.')}0?%?`), `${project.id} ${model.name}: ${v} is not in the README`);
        }
        if (model.log === null) continue;
        // The log of this model: its "Loss=... Accuracy=TRAIN" and "Test set: ... (TEST%)" lines, in order.
        const logText = project.id === '002' ? text.slice(text.indexOf('## Logs')) : text;
        const train = [...logText.matchAll(/Batch_id=\d+ Accuracy=([\d.]+)/g)].map((m) => Number(m[1]));
        const test = [...logText.matchAll(/Test set: Average loss: ([\d.]+), Accuracy: \d+\/10000 \(([\d.]+)%\)/g)].map((m) => [Number(m[1]), Number(m[2])]);
        assert.deepEqual(model.log.map((e) => e.trainAccuracy), train, `${project.id} ${model.name}: train accuracies`);
        assert.deepEqual(model.log.map((e) => [e.testLoss, e.testAccuracy]), test, `${project.id} ${model.name}: test loss and accuracy`);
        assert.deepEqual(model.log.map((e) => e.loggedEpoch), model.log.map((_, i) => i));
      }
    }
  });
});
