/**
 * Results never depend on the thread count: a short run of the champion (sepnet-8k and its recipe,
 * the default one) on 1, 2, 3 and 4 threads of the wasm backend ends with the same weights (every
 * state_dict tensor, and the weight average the recipe keeps) and the same history, bit for bit,
 * wall-clock seconds aside.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Trainer } from '../../src/train/trainer.js';
import { DEFAULT_RECIPE, type Recipe } from '../../src/train/recipe.js';
import { RUN_SPEC_FORMAT, type RunSpec } from '../../src/train/run-spec.js';
import type { EpochMetrics } from '../../src/train/metrics.js';
import type { ExponentialMovingAverageState } from '../../src/optim/ema.js';
import { loadMnist } from '../../src/data/mnist.js';
import { createModel } from '../../src/models/zoo.js';
import { manualSeed } from '../../src/tensor/random.js';
import { withWasmBackend } from '../helpers/wasm.js';

const MODEL = 'sepnet-8k';
const TRAIN_IMAGES = 512;
const TEST_IMAGES = 200;
const data = loadMnist({ valSplit: 0, limit: { train: TRAIN_IMAGES, test: TEST_IMAGES } });
const recipe: Recipe = { ...DEFAULT_RECIPE, epochs: 1 };

function specOf(threads: number): RunSpec {
  return {
    format: RUN_SPEC_FORMAT, model: { name: MODEL, config: {} }, recipe,
    data: { dir: null, limitTrain: TRAIN_IMAGES, limitTest: TEST_IMAGES, valSplit: 0, splitSeed: null },
    seed: 1, threads, backend: 'wasm', bestMetric: null, outDir: null,
  };
}

interface Outcome {
  weights: Map<string, Float32Array>;
  average: ExponentialMovingAverageState | null;
  history: Omit<EpochMetrics, 'epochSeconds' | 'trainSeconds' | 'evalSeconds'>[];
}

function train(threads: number): Promise<Outcome> {
  return withWasmBackend(threads, async () => {
    const spec = specOf(threads);
    manualSeed(spec.seed);
    const model = createModel(MODEL);
    const trainer = new Trainer({ spec, model, data, threads, log: () => {} });
    const { history } = await trainer.run();
    return {
      weights: new Map([...model.stateDict()].map(([name, t]) => [name, Float32Array.from(t.data)])),
      average: trainer.ema?.stateDict() ?? null,
      history: history.map(({ epochSeconds: _e, trainSeconds: _t, evalSeconds: _v, ...rest }) => rest),
    };
  });
}

it('trains the champion to the same bits on 1, 2, 3 and 4 threads', async () => {
  const one = await train(1);
  assert.ok(one.weights.size > 0 && one.history.length === 1);
  assert.ok(one.average !== null, 'the champion recipe keeps a weight average');
  for (const threads of [2, 3, 4]) {
    const other = await train(threads);
    assert.deepEqual([...other.weights.keys()], [...one.weights.keys()]);
    for (const [name, values] of one.weights) assert.deepEqual(other.weights.get(name), values, `${name} differs on ${threads} threads`);
    assert.deepEqual(other.average, one.average, `the weight average differs on ${threads} threads`);
    assert.deepEqual(other.history, one.history, `the history differs on ${threads} threads`);
  }
});
