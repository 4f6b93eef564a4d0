/**
 * ONNX export checked with onnxruntime: the champion sepnet-8k (a tiny run trained by the CLI) and
 * mnist8k-m3 (the PyTorch-trained fixture) run all 10,000 MNIST test images through onnxruntime-node
 * and through mnist-lab (eval mode, wasm backend), with BatchNorm kept and folded: the same prediction
 * on every image and log-probabilities within 1e-4. Every other zoo model, with random weights and
 * random BN statistics, is checked the same way on a few images. The file itself is read back with
 * protobufjs: opset, IR version, the nodes and their attributes. An unsupported layer is refused in
 * one line that names it.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { repoRoot } from '../helpers/fixtures.js';
import { withWasmBackend } from '../helpers/wasm.js';
import { exportOnnx, ONNX_IR_VERSION, ONNX_OPSET } from '../../src/export/onnx-export.js';
import { onnxModelProto } from '../../src/export/onnx-schema.js';
import { loadModelFromCheckpoint } from '../../src/cli/commands/load-model.js';
import { createModel, listModels } from '../../src/models/zoo.js';
import { Module } from '../../src/nn/module.js';
import { Conv2d } from '../../src/nn/layers/conv2d.js';
import { GELU } from '../../src/nn/layers/activations.js';
import { Sequential } from '../../src/nn/layers/sequential.js';
import { BatchNormBase } from '../../src/nn/layers/batch-norm.js';
import { loadMnist } from '../../src/data/mnist.js';
import { MNIST_MEAN, MNIST_STD, normalize } from '../../src/data/transforms/normalize.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { noGrad } from '../../src/tensor/grad-mode.js';
import { scope } from '../../src/tensor/memory-scope.js';
import { manualSeed } from '../../src/tensor/random.js';
import { MnistLabError } from '../../src/util/errors.js';

const TOLERANCE = 1e-4;
const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');

interface DecodedModel {
  ir_version: number;
  opset_import: { domain?: string; version: number }[];
  graph: {
    node: { op_type: string; attribute?: { name: string; i?: number; ints?: number[] }[] }[];
    initializer: { name: string }[];
    input: { name: string }[];
    output: { name: string }[];
  };
}

function decode(bytes: Uint8Array): DecodedModel {
  const type = onnxModelProto();
  return type.toObject(type.decode(bytes), { longs: Number, defaults: false }) as DecodedModel;
}

/** Images per forward pass, as `mnist-lab eval` batches them (a whole test set at once would not fit the wasm memory). */
const BATCH = 1000;

/** onnxruntime's output for the images, on one thread, BATCH at a time. */
async function runOrt(bytes: Uint8Array, images: Float32Array, n: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const out = new Float32Array(n * 10);
  try {
    for (let start = 0; start < n; start += BATCH) {
      const size = Math.min(BATCH, n - start);
      const input = new ort.Tensor('float32', images.subarray(start * 784, (start + size) * 784), [size, 1, 28, 28]);
      const result = (await session.run({ input }))['log_probs']!;
      assert.deepEqual(result.dims, [size, 10]);
      out.set(result.data as Float32Array, start * 10);
    }
  } finally {
    await session.release();
  }
  return out;
}

/** mnist-lab's output for the images in eval mode, BATCH at a time. */
function engineLogProbs(model: Module, images: Float32Array, n: number): Float32Array {
  model.eval();
  const out = new Float32Array(n * 10);
  for (let start = 0; start < n; start += BATCH) {
    const size = Math.min(BATCH, n - start);
    scope(() => out.set(noGrad(() => model.call(Tensor.from(images.subarray(start * 784, (start + size) * 784), [size, 1, 28, 28]))).data, start * 10));
  }
  return out;
}

function argmaxes(logp: Float32Array): Int32Array {
  const out = new Int32Array(logp.length / 10);
  for (let r = 0; r < out.length; r++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (logp[r * 10 + c]! > logp[r * 10 + best]!) best = c;
    out[r] = best;
  }
  return out;
}

/** The largest |a - b| / max(1, |b|). */
function worstDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return worst;
}

let dir = '';
let testImages = new Float32Array(0);
let testCount = 0;
let testLabels: Uint8Array = new Uint8Array(0);
let sepnetRun = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mnist-lab-onnx-'));
  sepnetRun = join(dir, 'sepnet');
  const r = spawnSync(process.execPath, [cli, 'train', '--model', 'sepnet-8k', '--epochs', '1', '--limit-train', '1000', '--limit-test', '100',
    '--batch-size', '32', '--ema', '0', '--threads', '1', '--out', sepnetRun, '--seed', '1'], { encoding: 'utf8', cwd: repoRoot, timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const test = loadMnist({ valSplit: 0 }).test;
  testCount = test.n;
  testLabels = test.labels;
  testImages = Float32Array.from(test.images, (v) => v / 255);
  normalize(testImages, MNIST_MEAN, MNIST_STD);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** mnist-lab's log-probabilities for the whole test set, once per model (the kept and folded exports share them). */
const engineCache = new Map<string, Float32Array>();
async function engineOutputs(key: string, load: () => { model: Module }): Promise<Float32Array> {
  let out = engineCache.get(key);
  if (!out) {
    // The model is loaded inside: its parameters then live in the wasm backend's memory, as the CLI's do.
    out = await withWasmBackend(2, () => engineLogProbs(load().model, testImages, testCount));
    engineCache.set(key, out);
  }
  return out;
}

describe('ONNX export, run by onnxruntime-node, on the 10,000 MNIST test images', () => {
  const cases = [
    { name: 'sepnet-8k (a tiny run trained by the CLI)', load: () => loadModelFromCheckpoint(sepnetRun, undefined) },
    { name: 'mnist8k-m3 (the PyTorch-trained fixture)', load: () => loadModelFromCheckpoint(join(repoRoot, 'test', 'fixtures', 'pytorch', 'm3_trained.safetensors'), 'mnist8k-m3') },
  ];
  for (const c of cases) {
    for (const foldBn of [false, true]) {
      it(`${c.name}, BatchNorm ${foldBn ? 'folded' : 'kept'}: the same prediction on every image, log-probabilities within ${TOLERANCE}`, async () => {
        const ours = await engineOutputs(c.name, c.load);
        const { model, modelName } = c.load();
        const bytes = exportOnnx(model, { foldBn, modelName }).bytes;
        const theirs = await runOrt(bytes, testImages, testCount);
        const a = argmaxes(ours);
        const b = argmaxes(theirs);
        const disagree = a.reduce((s, p, i) => s + (p === b[i] ? 0 : 1), 0);
        assert.equal(disagree, 0, `${disagree} of ${testCount} predictions differ`);
        const worst = worstDifference(theirs, ours);
        assert.ok(worst <= TOLERANCE, `largest difference ${worst}`);
        const correct = a.reduce((s, p, i) => s + (p === testLabels[i] ? 1 : 0), 0);
        assert.ok(correct > 5000, `a trained model: ${correct}/10000`);
      });
    }
  }
});

describe('the ONNX file', () => {
  it('is opset 17, IR 8, with one node per layer: BatchNormalization kept, or folded into the Conv before it', () => {
    const { model } = loadModelFromCheckpoint(join(repoRoot, 'test', 'fixtures', 'pytorch', 'm3_trained.safetensors'), 'mnist8k-m3');
    const kept = decode(exportOnnx(model).bytes);
    assert.equal(kept.ir_version, ONNX_IR_VERSION);
    assert.equal(ONNX_OPSET, 17);
    assert.deepEqual(kept.opset_import.map((o) => o.version), [17]);
    assert.deepEqual(kept.graph.input.map((v) => v.name), ['input']);
    assert.deepEqual(kept.graph.output.map((v) => v.name), ['log_probs']);
    const ops = kept.graph.node.map((n) => n.op_type);
    assert.deepEqual(ops, [
      'Conv', 'BatchNormalization', 'Relu', 'Conv', 'BatchNormalization', 'Relu', 'Conv', 'MaxPool',
      'Conv', 'BatchNormalization', 'Relu', 'Conv', 'BatchNormalization', 'Relu', 'Conv', 'BatchNormalization', 'Relu',
      'AveragePool', 'Conv', 'Flatten', 'LogSoftmax',
    ]);
    assert.ok(kept.graph.initializer.some((t) => t.name === 'bn1.running_var'), 'parameters keep their state_dict names');
    const folded = decode(exportOnnx(model, { foldBn: true }).bytes);
    assert.deepEqual(folded.graph.node.map((n) => n.op_type), ops.filter((op) => op !== 'BatchNormalization'));
    assert.ok(!folded.graph.initializer.some((t) => t.name.includes('running')), 'no BN statistics left');
  });

  it("keeps the depthwise convs' groups (sepnet-8k), and a BatchNorm after a ReLU stays when folding (s002-m2)", () => {
    manualSeed(3);
    const sep = decode(exportOnnx(createModel('sepnet-8k')).bytes);
    const groups = sep.graph.node.filter((n) => n.op_type === 'Conv').map((n) => n.attribute?.find((a) => a.name === 'group')?.i ?? 1);
    assert.deepEqual(groups, [1, 1, 16, 1, 36, 1, 36, 1, 36, 1, 1]);
    const r = exportOnnx(createModel('s002-m2'), { foldBn: true });
    assert.deepEqual([r.foldedBn, r.keptBn], [0, 5]);
  });

  it('an unsupported layer is refused in one line that names it', () => {
    const model = new Sequential(new Conv2d(1, 4, 3), new GELU());
    assert.throws(() => exportOnnx(model), (err: Error) => err instanceof MnistLabError && /'1' \(GELU\)/.test(err.message) && !err.message.includes('\n'));
    class Custom extends Module {
      readonly conv = new Conv2d(1, 10, 28);
      forward(x: Tensor): Tensor { return this.conv.call(x).flatten(1); }
    }
    assert.throws(() => exportOnnx(new Custom()), (err: Error) => err instanceof MnistLabError && /no ONNX description of a Custom model/.test(err.message) && !err.message.includes('\n'));
  });
});

describe('every zoo model exports and runs the same in onnxruntime (random weights and BN statistics)', () => {
  const n = 4;
  const images = Float32Array.from({ length: n * 784 }, (_, i) => (Math.sin(i * 0.731) > 0.3 ? 2.5 * Math.abs(Math.cos(i * 1.37)) : -0.4242));
  for (const entry of listModels()) {
    it(entry.name, async () => {
      const { ours, exports } = await withWasmBackend(1, () => {
        manualSeed(11);
        const model = createModel(entry.name);
        let k = 1;
        for (const [, m] of model.namedModules()) {
          if (!(m instanceof BatchNormBase)) continue;
          m.running_mean?.data.forEach((_, i, a) => { a[i] = 0.3 * Math.sin(k++); });
          m.running_var?.data.forEach((_, i, a) => { a[i] = 0.5 + Math.abs(Math.cos(k++)); });
          m.weight?.data.forEach((_, i, a) => { a[i] = 0.8 + 0.4 * Math.sin(k++); });
          m.bias?.data.forEach((_, i, a) => { a[i] = 0.1 * Math.cos(k++); });
        }
        const hasBn = model.namedModules().some(([, m]) => m instanceof BatchNormBase);
        return {
          ours: engineLogProbs(model, images, n),
          exports: (hasBn ? [false, true] : [false]).map((foldBn) => exportOnnx(model, { modelName: entry.name, foldBn }).bytes),
        };
      });
      for (const bytes of exports) {
        const theirs = await runOrt(bytes, images, n);
        assert.deepEqual(argmaxes(theirs), argmaxes(ours));
        assert.ok(worstDifference(theirs, ours) <= TOLERANCE, `largest difference ${worstDifference(theirs, ours)}`);
      }
    });
  }
});
