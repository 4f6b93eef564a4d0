/**
 * `mnist-lab export CHECKPOINT --format onnx [--out FILE] [--fold-bn]`: where it writes, what it says,
 * that onnxruntime reads the file and predicts what `mnist-lab predict` predicts, and one line with
 * exit code 2 for each mistake.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { fixturePath, repoRoot } from '../helpers/fixtures.js';
import { loadMnist } from '../../src/data/mnist.js';
import { MNIST_MEAN, MNIST_STD, normalize } from '../../src/data/transforms/normalize.js';

const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: repoRoot, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function assertUserError(r: { code: number; stderr: string }, pattern: RegExp): void {
  assert.equal(r.code, 2, `exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got: ${r.stderr}`);
  assert.match(lines[0]!, /^mnist-lab: /);
  assert.match(lines[0]!, pattern);
}

let dir = '';
let weights = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mnist-lab-export-'));
  weights = join(dir, 'm3.safetensors');
  copyFileSync(fixturePath('pytorch', 'm3_trained.safetensors'), weights);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('mnist-lab export --format onnx', () => {
  it('writes beside the weights by default, says what it wrote, and onnxruntime predicts what `predict` does', async () => {
    const r = run('export', weights, '--format', 'onnx', '--model', 'mnist8k-m3', '--threads', '1');
    assert.equal(r.code, 0, r.stderr);
    const out = join(dir, 'm3.onnx');
    assert.match(r.stdout, new RegExp(`^wrote ${out.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(\\d+\\.\\d KiB\\): mnist8k-m3 as ONNX opset 17, 21 nodes, input "input" \\[N, 1, 28, 28\\] \\(normalised images\\), output "log_probs" \\[N, 10\\]; BatchNorm: 5 kept as BatchNormalization\\n$`));
    const session = await ort.InferenceSession.create(readFileSync(out), { intraOpNumThreads: 1 });
    const test = loadMnist({ valSplit: 0, limit: { test: 3 } }).test;
    for (let i = 0; i < 3; i++) {
      const pixels = Float32Array.from(test.images.subarray(i * 784, (i + 1) * 784), (v) => v / 255);
      normalize(pixels, MNIST_MEAN, MNIST_STD);
      const logp = (await session.run({ input: new ort.Tensor('float32', pixels, [1, 1, 28, 28]) }))['log_probs']!.data as Float32Array;
      const predicted = JSON.parse(run('predict', weights, '--model', 'mnist8k-m3', '--index', String(i), '--json').stdout) as { digit: number; probabilities: number[] };
      const probs = Array.from(logp, Math.exp);
      assert.equal(probs.indexOf(Math.max(...probs)), predicted.digit, `image ${i}`);
      probs.forEach((p, d) => assert.ok(Math.abs(p - predicted.probabilities[d]!) < 1e-5, `image ${i}, digit ${d}: ${p} vs ${predicted.probabilities[d]}`));
    }
    await session.release();
  });

  it('--fold-bn --out FILE: folds the five BatchNorms into their convs and writes FILE', () => {
    const out = join(dir, 'folded.onnx');
    const r = run('export', weights, '--model', 'mnist8k-m3', '--fold-bn', '--out', out, '--threads', '1');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(out));
    assert.match(r.stdout, /, 16 nodes, .*; BatchNorm: 5 folded into the layer before it\n$/);
  });

  it('an unknown format, a missing output folder and weights of unknown architecture are each one line, exit code 2', () => {
    assertUserError(run('export', weights, '--format', 'tflite', '--model', 'mnist8k-m3'), /--format/);
    assertUserError(run('export', weights, '--model', 'mnist8k-m3', '--out', join(dir, 'no', 'such', 'x.onnx'), '--threads', '1'), /the folder .* does not exist/);
    assertUserError(run('export', weights, '--threads', '1'), /no mnist-lab metadata .* pass --model/);
  });
});
