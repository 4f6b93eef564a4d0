/**
 * runSpecInMemory, the browser's way to run a spec (the Train page's worker calls it), checked in
 * Node against runSpec: the same history and weights; a run stopped mid-epoch and continued from the
 * recorder's in-memory `last` checkpoint ends where an unstopped run ends; and that checkpoint, saved
 * as the Train page's download saves it, is what `mnist-lab eval` loads, alone or with its .json.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMnist } from '../../src/data/mnist.js';
import { runSpec } from '../../src/run/run.js';
import { runSpecInMemory, type MnistSource } from '../../src/run/memory-run.js';
import { readWeights } from '../../src/train/checkpoint.js';
import { weightsFromSafetensorsBytes } from '../../src/train/checkpoint-weights.js';
import { MemoryRunRecorder } from '../../src/train/memory-recorder.js';
import type { EpochMetrics } from '../../src/train/metrics.js';
import { DEFAULT_RECIPE } from '../../src/train/recipe.js';
import { RUN_SPEC_FORMAT, type RunSpec } from '../../src/train/run-spec.js';
import { runCli } from '../helpers/cli.js';
import { withWasmBackend } from '../helpers/wasm.js';

const full = loadMnist({ valSplit: 0 });
const source: MnistSource = { train: full.train, test: full.test, source: full.source };

/** Two short epochs with the champion's recipe (its EMA too, whose resume is the subtle part). */
const spec: RunSpec = {
  format: RUN_SPEC_FORMAT, model: { name: 'gapnet-5k', config: {} },
  recipe: { ...DEFAULT_RECIPE, epochs: 2, batchSize: 64, ema: { decay: 0.9 } },
  data: { dir: null, limitTrain: 640, limitTest: 300, valSplit: 0, splitSeed: null },
  seed: 3, threads: 2, backend: 'wasm', bestMetric: null, outDir: null,
};

function bits(history: readonly EpochMetrics[]): Omit<EpochMetrics, 'epochSeconds' | 'trainSeconds' | 'evalSeconds'>[] {
  return history.map(({ epochSeconds: _e, trainSeconds: _t, evalSeconds: _v, ...rest }) => rest);
}

describe('runSpecInMemory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnist-lab-memory-run-'));

  it('gives runSpec\'s history and weights; stopped in epoch 2 and continued, it ends in the same place', async () => {
    const out = join(dir, 'node');
    const node = await runSpec({ ...spec, outDir: out });
    const nodeWeights = readWeights(join(out, 'last.safetensors'));

    const straight = new MemoryRunRecorder();
    const inMemory = await withWasmBackend(2, () => runSpecInMemory({ spec, data: source, threads: 2, recorder: straight, mnistLabVersion: 'test' }));
    assert.deepEqual(bits(inMemory.history), bits(node.history));
    const memoryWeights = weightsFromSafetensorsBytes(straight.checkpoint('last')!.weights, 'last');
    for (const [name, t] of nodeWeights) assert.deepEqual(memoryWeights.get(name)?.data, t.data, name);

    const recorder = new MemoryRunRecorder();
    const stop = new AbortController();
    const first = await withWasmBackend(2, () => runSpecInMemory({
      spec, data: source, threads: 2, recorder, signal: stop.signal,
      onBatchEnd: (p) => {
        if (p.epoch === 2 && p.batch === 3) stop.abort();
      },
    }));
    assert.equal(first.interrupted, true);
    assert.equal(recorder.checkpoint('last')!.meta.epoch, 1);
    const continued = await withWasmBackend(2, () => runSpecInMemory({ spec, data: source, threads: 2, recorder, resume: recorder.checkpoint('last') }));
    assert.equal(continued.interrupted, false);
    assert.deepEqual(bits(continued.history), bits(node.history));
    const after = weightsFromSafetensorsBytes(recorder.checkpoint('last')!.weights, 'last');
    for (const [name, t] of nodeWeights) assert.deepEqual(after.get(name)?.data, t.data, name);
  });

  it('its checkpoint, downloaded as the Train page does, is what `mnist-lab eval` loads, with or without its .json', async () => {
    const recorder = new MemoryRunRecorder();
    const one = { ...spec, recipe: { ...spec.recipe, epochs: 1 } };
    const result = await withWasmBackend(2, () => runSpecInMemory({ spec: one, data: source, threads: 2, recorder, mnistLabVersion: 'test' }));
    const last = recorder.checkpoint('last')!;
    const lone = join(dir, 'lone.safetensors');
    writeFileSync(lone, last.weights);
    const paired = join(dir, 'gapnet-5k-seed3-epoch1.safetensors');
    writeFileSync(paired, last.weights);
    writeFileSync(paired.replace(/\.safetensors$/, '.json'), `${JSON.stringify(last.meta, null, 1)}\n`);
    for (const path of [lone, paired]) {
      const r = runCli(['eval', path, '--limit', '300', '--json', '--threads', '1']);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as { model: string; accuracy: number; loss: number };
      assert.equal(report.model, 'gapnet-5k');
      assert.equal(report.accuracy, result.history[0]!.testAccuracy);
    }
  });

  it('refuses a spec that reads images from a folder: the tab has only the server\'s bundled MNIST', async () => {
    await assert.rejects(
      () => runSpecInMemory({ spec: { ...spec, data: { ...spec.data, dir: '/data/mnist' } }, data: source, threads: 1, recorder: new MemoryRunRecorder() }),
      /data\.dir \/data\/mnist: a browser tab trains on the server's bundled MNIST only/,
    );
  });

  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
});
