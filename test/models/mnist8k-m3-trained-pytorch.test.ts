/**
 * A checkpoint PyTorch trained (test/fixtures/pytorch/m3_trained.*) loaded into mnist8k-m3 and run in
 * eval mode over the 10,000 MNIST test images, on the fast backend (the one `mnist-lab eval` uses),
 * against what PyTorch computed from the same checkpoint (m3_trained_eval.safetensors): every
 * log-probability element-wise, the argmax of every image, and the count and mean NLL that
 * `evaluate` reports.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Mnist8kM3 } from '../../src/models/mnist8k-m3.js';
import { loadMnist } from '../../src/data/mnist.js';
import { DataLoader } from '../../src/data/data-loader.js';
import { Normalize } from '../../src/data/transforms/normalize.js';
import { allocPersistent, scope } from '../../src/tensor/memory-scope.js';
import { noGrad } from '../../src/tensor/grad-mode.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { evaluate, type EvalResult } from '../../src/train/evaluate.js';
import { readWeights } from '../../src/train/checkpoint.js';
import { fixturePath, readFixtureJson, readFixtureTensors } from '../helpers/fixtures.js';
import { withWasmBackend } from '../helpers/wasm.js';

const IMAGES = 10000;
const CLASSES = 10;

/**
 * |ours - PyTorch| <= LOG_PROB_TOLERANCE * (1 + |PyTorch|). log_softmax subtracts a logsumexp of
 * logits up to ~25 in size, so its float32 rounding is absolute, a few ulps of the logits (ulp(16) is
 * 1.9e-6), for small and large log-probs alike: measured 9.5e-6 at most in absolute terms and 1.3e-6
 * on this scale (on both backends). A relative bound alone would be meaningless for the top class,
 * whose log-prob is often -1e-6.
 */
const LOG_PROB_TOLERANCE = 5e-6;

interface Expected {
  test: { n: number; correct: number; loss: number };
}

describe('PyTorch-trained mnist8k-m3 on the 10,000 test images', () => {
  const expected = readFixtureTensors('pytorch', 'm3_trained_eval.safetensors');
  const summary = readFixtureJson<Expected>('pytorch', 'm3_trained.json').test;
  const labels = loadMnist({ valSplit: 0 }).test.labels;
  let logProbs: Float32Array;
  let evaluated: EvalResult;

  before(async () => {
    await withWasmBackend(2, () => {
      const model = new Mnist8kM3();
      model.loadStateDict(readWeights(fixturePath('pytorch', 'm3_trained.safetensors')));
      const loader = (): DataLoader =>
        new DataLoader(loadMnist({ valSplit: 0 }).test, { batchSize: 1000, transform: new Normalize(), allocate: allocPersistent });
      model.eval();
      logProbs = new Float32Array(IMAGES * CLASSES);
      let done = 0;
      for (const batch of loader()) {
        noGrad(() => scope(() => {
          const out = model.call(new Tensor(batch.images, [batch.size, 1, 28, 28], false, false));
          logProbs.set(out.data, done * CLASSES);
        }));
        done += batch.size;
      }
      assert.equal(done, IMAGES);
      evaluated = evaluate(model, loader(), { collectPredictions: true });
    });
  });

  it("gives PyTorch's log-probabilities, element by element", () => {
    const want = expected.get('log_probs')!;
    assert.deepEqual(want.shape, [IMAGES, CLASSES]);
    let worst = 0;
    let worstAt = -1;
    for (let i = 0; i < want.data.length; i++) {
      const err = Math.abs(logProbs[i]! - want.data[i]!) / (1 + Math.abs(want.data[i]!));
      if (!(err <= worst)) {
        worst = err;
        worstAt = i;
      }
    }
    const at = `image ${Math.floor(worstAt / CLASSES)}, class ${worstAt % CLASSES}: ${logProbs[worstAt]} vs PyTorch ${want.data[worstAt]}`;
    assert.ok(worst <= LOG_PROB_TOLERANCE, `log-prob error ${worst} (scaled by 1 + |value|) exceeds ${LOG_PROB_TOLERANCE} at ${at}`);
  });

  it('predicts the same class as PyTorch on every image', () => {
    // The smallest top-2 margin in PyTorch's log-probs is 0.0085 (fixture README), far above the
    // tolerance above, so no prediction may differ.
    const pred = expected.get('pred')!.data;
    const differing: number[] = [];
    for (let i = 0; i < IMAGES; i++) {
      let best = 0;
      for (let c = 1; c < CLASSES; c++) if (logProbs[i * CLASSES + c]! > logProbs[i * CLASSES + best]!) best = c;
      if (best !== pred[i] || evaluated.predictions![i] !== pred[i]) differing.push(i);
    }
    assert.deepEqual(differing, [], `${differing.length} images get another class than PyTorch's`);
  });

  it('scores as PyTorch did: 9878 correct, mean NLL 0.04494', () => {
    assert.equal(evaluated.total, summary.n);
    assert.equal(evaluated.correct, summary.correct);
    let nll = 0;
    for (let i = 0; i < IMAGES; i++) nll -= logProbs[i * CLASSES + labels[i]!]!;
    // Both are sums of the same float32 values in another order and grouping: 1e-6 relative is ample.
    assert.ok(Math.abs(nll / IMAGES - summary.loss) <= 1e-6 * summary.loss, `mean NLL ${nll / IMAGES} vs PyTorch ${summary.loss}`);
    assert.ok(Math.abs(evaluated.loss - summary.loss) <= 1e-6 * summary.loss, `evaluate's loss ${evaluated.loss} vs PyTorch ${summary.loss}`);
  });
});
