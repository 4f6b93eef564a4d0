/**
 * End-to-end training on a few thousand images, resume equivalence, and the NaN guard. These run
 * on the fast backend with 2 threads, as the CLI does.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Trainer } from '../../src/train/trainer.js';
import { fileRecorderFor } from '../../src/train/file-recorder.js';
import { DEFAULT_RECIPE, type Recipe } from '../../src/train/recipe.js';
import { loadMnist } from '../../src/data/mnist.js';
import { createModel } from '../../src/models/zoo.js';
import { manualSeed } from '../../src/tensor/random.js';
import { locateCheckpoint, readWeights } from '../../src/train/checkpoint.js';
import { MnistLabError } from '../../src/util/errors.js';
import { withWasmBackend } from '../helpers/wasm.js';
import { evaluate } from '../../src/train/evaluate.js';
import { DataLoader } from '../../src/data/data-loader.js';
import { Normalize } from '../../src/data/transforms/normalize.js';
import { RUN_SPEC_FORMAT, type RunSpec } from '../../src/train/run-spec.js';

const data = loadMnist({ valSplit: 0, limit: { train: 4000, test: 1000 } });
// No weight average here (the champion's EMA horizon is longer than these 126 steps); one case adds its own.
const { ema: _championEma, ...plainRecipe } = DEFAULT_RECIPE;
const recipe: Recipe = { ...plainRecipe, epochs: 2, batchSize: 64, scheduler: { ...DEFAULT_RECIPE.scheduler, maxLr: 0.1 } };
const quiet = (): void => {};

/** The spec of these runs: m3, seed 1, the data above (the Trainer reads its recipe, seed and outDir). */
function specOf(r: Recipe, outDir: string | null): RunSpec {
  return {
    format: RUN_SPEC_FORMAT, model: { name: 'mnist8k-m3', config: {} }, recipe: r,
    data: { dir: null, limitTrain: 4000, limitTest: 1000, valSplit: 0, splitSeed: null },
    seed: 1, threads: 2, backend: 'wasm', bestMetric: null, outDir,
  };
}

function newTrainer(outDir: string | null, r: Recipe, extra: Partial<ConstructorParameters<typeof Trainer>[0]> = {}): Trainer {
  manualSeed(1);
  const model = createModel('mnist8k-m3');
  return new Trainer({ spec: specOf(r, outDir), model, data, threads: 2, log: quiet, recorder: fileRecorderFor(outDir), ...extra });
}

describe('Trainer', () => {
  it('learns MNIST from 4,000 images in 2 epochs (test accuracy > 90%) and writes its files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-lab-train-'));
    try {
      const result = await withWasmBackend(2, () => newTrainer(dir, recipe).run());
      const last = result.history[result.history.length - 1]!;
      assert.ok(last.testAccuracy! > 90, `test accuracy ${last.testAccuracy}`);
      assert.equal(result.history.length, 2);
      for (const f of ['best.safetensors', 'best.json', 'last.safetensors', 'last.json', 'history.json', 'history.csv', 'train.log']) {
        assert.ok(existsSync(join(dir, f)), `${f} written`);
      }
      const csv = readFileSync(join(dir, 'history.csv'), 'utf8').trim().split('\n');
      assert.equal(csv.length, 3);
      assert.match(readFileSync(join(dir, 'train.log'), 'utf8'), /Test set: Average loss: \d\.\d{4}, Accuracy: \d+\/1000 \(\d+\.\d\d%\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const [label, r] of [
    ['', recipe],
    [' with an EMA of the weights', { ...recipe, ema: { decay: 0.9 } }],
    [' with an EMA whose BN statistics are recomputed', { ...recipe, ema: { decay: 0.9, updateBn: true } }],
    [' across the end of augmentation', { ...recipe, augmentation: { ...recipe.augmentation, untilEpoch: 1 } }],
  ] as const) {
    it(`resumes exactly${label}: 1 epoch + resume 1 epoch gives the same weights as 2 epochs in one go`, async () => {
      const a = mkdtempSync(join(tmpdir(), 'mnist-lab-a-'));
      const b = mkdtempSync(join(tmpdir(), 'mnist-lab-b-'));
      try {
        await withWasmBackend(2, async () => {
          await newTrainer(a, r).run();
          // Stop after the first epoch, the way Ctrl-C does.
          const controller = new AbortController();
          const first = await newTrainer(b, r, { signal: controller.signal, onEpochEnd: () => controller.abort() }).run();
          assert.equal(first.interrupted, true);
          assert.equal(first.epochsCompleted, 1);
          const located = locateCheckpoint(b, 'last');
          manualSeed(12345); // resuming must not depend on the seed state at startup
          const model = createModel('mnist8k-m3');
          model.loadStateDict(readWeights(located.weights));
          await new Trainer({ spec: specOf(r, b), model, data, threads: 2, log: quiet, recorder: fileRecorderFor(b), resume: located.meta }).run();
        });
        const wa = readWeights(join(a, 'last.safetensors'));
        const wb = readWeights(join(b, 'last.safetensors'));
        for (const [k, t] of wa) assert.deepEqual(wb.get(k)!.data, t.data, `${k} differs after resume`);
        const ha = JSON.parse(readFileSync(join(a, 'history.json'), 'utf8')) as { testLoss: number }[];
        const hb = JSON.parse(readFileSync(join(b, 'history.json'), 'utf8')) as { testLoss: number }[];
        assert.deepEqual(hb.map((h) => h.testLoss), ha.map((h) => h.testLoss));
        // The saved weights are the evaluated ones: loading them reproduces the last epoch's test loss.
        // Built inside the backend, as `mnist-lab eval` does, so its weights live in the kernels' memory and take
        // the same kernels as training did (weights outside it fall back to other kernels, other last bits).
        const testLoss = await withWasmBackend(2, async () => {
          const saved = createModel('mnist8k-m3');
          saved.loadStateDict(wa);
          return evaluate(saved, new DataLoader(data.test, { batchSize: 1000, transform: new Normalize() })).loss;
        });
        assert.equal(testLoss, ha.at(-1)!.testLoss);
        const ma = JSON.parse(readFileSync(join(a, 'last.json'), 'utf8')) as { ema?: unknown };
        const mb = JSON.parse(readFileSync(join(b, 'last.json'), 'utf8')) as { ema?: unknown };
        assert.deepEqual(mb.ema, ma.ema);
      } finally {
        rmSync(a, { recursive: true, force: true });
        rmSync(b, { recursive: true, force: true });
      }
    });
  }

  it('ends augmentation after recipe.augmentation.untilEpoch: the same first epoch, then another', async () => {
    const lines: string[] = [];
    const [always, until1] = await withWasmBackend(2, async () => [
      await newTrainer(null, recipe).run(),
      await newTrainer(null, { ...recipe, augmentation: { ...recipe.augmentation, untilEpoch: 1 } }, { log: (l) => lines.push(l) }).run(),
    ]);
    assert.deepEqual(until1.history[0], { ...always.history[0]!, epochSeconds: until1.history[0]!.epochSeconds, trainSeconds: until1.history[0]!.trainSeconds, evalSeconds: until1.history[0]!.evalSeconds });
    assert.notEqual(until1.history[1]!.trainLoss, always.history[1]!.trainLoss);
    assert.ok(lines.includes('Augmentation ended after epoch 1: from epoch 2 on, training uses the plain images.'), lines.join('\n'));
  });

  it('stops on a NaN loss with a message naming the epoch and batch', async () => {
    await withWasmBackend(2, async () => {
      manualSeed(1);
      const model = createModel('mnist8k-m3');
      const first = model.parameters()[0]!;
      first.data[0] = Number.NaN; // a poisoned weight makes the very first loss NaN
      const trainer = new Trainer({ spec: specOf(recipe, null), model, data, threads: 2, log: quiet });
      await assert.rejects(() => trainer.run(), (err: unknown) => {
        assert.ok(err instanceof MnistLabError);
        assert.match(err.message, /the loss became NaN at epoch 1, batch 0/);
        return true;
      });
    });
  });
});
