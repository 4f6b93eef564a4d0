/**
 * The fused batchNormReluDropout op against batchNorm → relu → dropout, on the reference and the
 * wasm backend: outputs, gradients of x, weight and bias, running statistics and the dropout
 * generator's state afterwards; and that mnist8k-m3's training step gives the same bits on 1 and 2 threads.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { batchNorm } from '../../src/tensor/ops/batch-norm.js';
import { relu } from '../../src/tensor/ops/activations.js';
import { dropout } from '../../src/tensor/ops/dropout.js';
import { batchNormReluDropout } from '../../src/tensor/ops/batch-norm-relu-dropout.js';
import { manualSeed, getEngineRngState } from '../../src/tensor/random.js';
import { Rng } from '../../src/util/rng.js';
import { withWasmBackend } from '../helpers/wasm.js';
import { Mnist8kM3 } from '../../src/models/mnist8k-m3.js';
import { SGD } from '../../src/optim/sgd.js';
import { nllLoss } from '../../src/tensor/ops/loss.js';
import { scope } from '../../src/tensor/memory-scope.js';

/** Three SGD steps of mnist8k-m3 at batch 16; returns every parameter's bits. */
function trainM3(fusedBlocks: boolean): Uint32Array[] {
  manualSeed(5);
  const model = new Mnist8kM3({ fusedBlocks });
  const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const rng = new Rng(8);
  const images = Tensor.from(Array.from({ length: 16 * 784 }, () => rng.uniform(-0.5, 2)), [16, 1, 28, 28]);
  const labels = Int32Array.from({ length: 16 }, (_, i) => i % 10);
  model.train();
  for (let step = 0; step < 3; step++) {
    scope(() => {
      const loss = nllLoss(model.call(images), labels);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
    });
  }
  return model.parameters().map((p) => new Uint32Array(p.data.slice().buffer));
}

interface Result {
  out: Float32Array;
  dx: Float32Array;
  dw: Float32Array;
  db: Float32Array;
  rm: Float32Array;
  rv: Float32Array;
  rng: string;
}

function runBlock(fused: boolean, p: number, shape: number[]): Result {
  manualSeed(3);
  const rng = new Rng(11);
  const size = shape.reduce((a, d) => a * d, 1);
  const c = shape[1]!;
  const x = Tensor.from(Array.from({ length: size }, () => rng.uniform(-2, 3)), shape).requiresGrad_();
  const w = Tensor.from(Array.from({ length: c }, () => rng.uniform(0.5, 1.5)), [c]).requiresGrad_();
  const b = Tensor.from(Array.from({ length: c }, () => rng.uniform(-1, 1)), [c]).requiresGrad_();
  const rm = Tensor.zeros([c]);
  const rv = Tensor.ones([c]);
  const opts = { training: true, momentum: 0.1, eps: 1e-5 };
  const y = fused
    ? batchNormReluDropout(x, rm, rv, w, b, { ...opts, p })
    : dropout(relu(batchNorm(x, rm, rv, w, b, opts)), p, true);
  const g = Tensor.from(Array.from({ length: size }, () => rng.uniform(-1, 1)), shape);
  y.backward(g);
  return {
    out: y.data.slice(), dx: x.grad!.data.slice(), dw: w.grad!.data.slice(), db: b.grad!.data.slice(),
    rm: rm.data.slice(), rv: rv.data.slice(), rng: JSON.stringify(getEngineRngState()),
  };
}

function assertClose(a: Float32Array, e: Float32Array, tol: number, what: string): void {
  for (let i = 0; i < e.length; i++) {
    if (!(Math.abs(a[i]! - e[i]!) <= tol * (1 + Math.abs(e[i]!)))) assert.fail(`${what}[${i}]: ${a[i]} vs ${e[i]}`);
  }
}

function compare(fusedR: Result, plain: Result, exact: boolean): void {
  assert.equal(fusedR.rng, plain.rng, 'dropout generator state');
  assert.deepEqual(fusedR.rm, plain.rm, 'running mean');
  assert.deepEqual(fusedR.rv, plain.rv, 'running var');
  if (exact) {
    for (const k of ['out', 'dx', 'dw', 'db'] as const) assert.deepEqual(fusedR[k], plain[k], k);
    return;
  }
  assert.deepEqual(fusedR.out, plain.out, 'out');
  assertClose(fusedR.dx, plain.dx, 1e-4, 'dx');
  assertClose(fusedR.dw, plain.dw, 1e-4, 'dw');
  assertClose(fusedR.db, plain.db, 1e-4, 'db');
}

describe('batchNormReluDropout op', () => {
  for (const p of [0, 0.05, 0.3]) {
    it(`equals batchNorm → relu → dropout on the reference backend (p=${p})`, () => {
      compare(runBlock(true, p, [4, 3, 5, 5]), runBlock(false, p, [4, 3, 5, 5]), true);
    });

    it(`matches batchNorm → relu → dropout on the wasm backend (p=${p})`, async () => {
      await withWasmBackend(2, () => compare(runBlock(true, p, [16, 6, 12, 12]), runBlock(false, p, [16, 6, 12, 12]), false));
    });
  }

  it('is the three ops in a row outside training', () => {
    const rng = new Rng(2);
    const x = Tensor.from(Array.from({ length: 2 * 3 * 4 }, () => rng.uniform(-1, 1)), [2, 3, 4]);
    const rm = Tensor.from([0.1, -0.2, 0.3], [3]);
    const rv = Tensor.from([1.5, 0.5, 2], [3]);
    const a = batchNormReluDropout(x, rm, rv, null, null, { training: false, p: 0.5 });
    const b = relu(batchNorm(x, rm, rv, null, null, { training: false }));
    assert.deepEqual(a.data, b.data);
  });

  for (const fusedBlocks of [false, true]) {
    it(`mnist8k-m3 training (fusedBlocks ${fusedBlocks}) is bit-identical on 1 and 2 wasm threads`, async () => {
      const a = await withWasmBackend(1, () => trainM3(fusedBlocks));
      const b = await withWasmBackend(2, () => trainM3(fusedBlocks));
      assert.equal(a.length, b.length);
      for (let i = 0; i < a.length; i++) assert.deepEqual(a[i], b[i], `parameter ${i}`);
    });
  }
});
