/**
 * `mnist-lab eval` and `mnist-lab predict` with several checkpoints: two tiny real runs trained by the
 * CLI make an ensemble whose figures must equal a hand computation from each member's probabilities
 * (the mean of the members' softmax, then the negative log of that mean at the label), whose members'
 * figures equal `eval` of each checkpoint alone, and whose parameter count is the members' sum.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/fixtures.js';
import { withWasmBackend } from '../helpers/wasm.js';
import { loadModelFromCheckpoint } from '../../src/cli/commands/load-model.js';
import { loadMnist } from '../../src/data/mnist.js';
import { MNIST_MEAN, MNIST_STD, normalize } from '../../src/data/transforms/normalize.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { noGrad } from '../../src/tensor/grad-mode.js';
import { meanProbabilityLog } from '../../src/models/ensemble.js';

const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const TEST_IMAGES = 300;

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: repoRoot, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function json<T>(...args: string[]): T {
  const r = run(...args, '--json');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

interface Figures { n: number; correct: number; accuracy: number; loss: number }
interface SingleEval extends Figures { checkpoint: string; model: string }
interface EnsembleEval extends Figures {
  model: string;
  combine: string;
  split: string;
  parameters: number;
  perClass: { class: number; correct: number; total: number }[];
  members: (Figures & { checkpoint: string; model: string; parameters: number })[];
}
interface Prediction { model: string; digit: number; probabilities: number[]; label: number | null; members?: { model: string; digit: number; probabilities: number[] }[] }

let dir = '';
const runs: string[] = [];
let ensembleJson: EnsembleEval | null = null;

/** `eval RUN1 RUN2 --json`, run once and shared by the tests that read it. */
function ensembleEval(): EnsembleEval {
  ensembleJson ??= json<EnsembleEval>('eval', ...runs, '--limit', String(TEST_IMAGES), '--threads', '1');
  return ensembleJson;
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mnist-lab-ensemble-'));
  for (const seed of [1, 2]) {
    const out = join(dir, `run${seed}`);
    const r = run('train', '--model', 'mnist8k-m3', '--epochs', '1', '--limit-train', '1000', '--limit-test', String(TEST_IMAGES),
      '--batch-size', '32', '--ema', '0', '--threads', '1', '--out', out, '--seed', String(seed));
    assert.equal(r.code, 0, r.stderr);
    runs.push(out);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Each member's log-probabilities for the first TEST_IMAGES test images, computed here, on the CLI's backend. */
async function memberLogProbs(): Promise<{ logp: Float32Array[]; labels: Uint8Array }> {
  const test = loadMnist({ valSplit: 0, limit: { test: TEST_IMAGES } }).test;
  const pixels = Float32Array.from(test.images, (v) => v / 255);
  normalize(pixels, MNIST_MEAN, MNIST_STD);
  const logp = await withWasmBackend(1, () =>
    runs.map((r) => {
      const { model } = loadModelFromCheckpoint(r, undefined);
      return Float32Array.from(noGrad(() => model.call(Tensor.from(pixels, [test.n, 1, 28, 28]))).data);
    }),
  );
  return { logp, labels: test.labels };
}

describe('mnist-lab eval with several checkpoints: an ensemble', () => {
  it("reports the ensemble's loss and accuracy as computed by hand from the members' probabilities", async () => {
    const got = ensembleEval();
    const { logp, labels } = await memberLogProbs();
    let lossSum = 0;
    let correct = 0;
    for (let i = 0; i < TEST_IMAGES; i++) {
      const p = Array.from({ length: 10 }, (_, c) => logp.reduce((s, l) => s + Math.exp(l[i * 10 + c]!), 0) / logp.length);
      lossSum -= Math.log(p[labels[i]!]!);
      if (p.indexOf(Math.max(...p)) === labels[i]) correct++;
    }
    assert.equal(got.model, 'ensemble');
    assert.equal(got.split, 'test');
    assert.match(got.combine, /mean of the members' probabilities/);
    assert.equal(got.n, TEST_IMAGES);
    assert.equal(got.correct, correct);
    assert.equal(got.accuracy, (100 * correct) / TEST_IMAGES);
    assert.ok(Math.abs(got.loss - lossSum / TEST_IMAGES) < 1e-6, `loss ${got.loss} vs by hand ${lossSum / TEST_IMAGES}`);
    assert.equal(got.perClass.reduce((s, c) => s + c.total, 0), TEST_IMAGES);
    assert.equal(got.perClass.reduce((s, c) => s + c.correct, 0), correct);
  });

  it("reports each member's own figures, as eval of that checkpoint alone gives them, and the members' total parameters", () => {
    const got = ensembleEval();
    assert.equal(got.members.length, 2);
    runs.forEach((r, i) => {
      const alone = json<SingleEval>('eval', r, '--limit', String(TEST_IMAGES), '--threads', '1');
      const member = got.members[i]!;
      assert.equal(member.checkpoint, alone.checkpoint);
      assert.equal(member.model, 'mnist8k-m3');
      assert.equal(member.parameters, 7944);
      assert.deepEqual([member.n, member.correct, member.accuracy, member.loss], [alone.n, alone.correct, alone.accuracy, alone.loss]);
    });
    assert.equal(got.parameters, 2 * 7944);
  });

  it('prints the ensemble, its members and the total parameter count as text', () => {
    const r = run('eval', ...runs, '--limit', String(TEST_IMAGES), '--threads', '1');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^ensemble of 2 models, 15,888 parameters in all \(mean of the members' probabilities; /);
    assert.match(lines[1]!, /^ {2}1\. mnist8k-m3 from .*run1\/best\.safetensors \(7,944 parameters\)$/);
    assert.match(lines[2]!, /^ {5}Test set: Average loss: \d+\.\d{4}, Accuracy: \d+\/300 /);
    assert.match(lines[5]!, /^Ensemble: Test set: Average loss: \d+\.\d{4}, Accuracy: \d+\/300 /);
    assert.equal(lines[7], 'class  correct  total  accuracy');
  });

  it('a checkpoint that is not there is one line and exit code 2', () => {
    const r = run('eval', runs[0]!, join(dir, 'nothing-here.safetensors'), '--threads', '1');
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^mnist-lab: .*nothing-here\.safetensors/);
  });
});

describe('mnist-lab predict with several checkpoints', () => {
  it("averages the members' probabilities, and lists each member's own", async () => {
    const index = 7;
    const got = json<Prediction>('predict', ...runs, '--index', String(index));
    const alone = runs.map((r) => json<Prediction>('predict', r, '--index', String(index)));
    assert.equal(got.model, 'ensemble');
    assert.equal(got.members?.length, 2);
    got.members!.forEach((m, i) => {
      assert.deepEqual(m.probabilities, alone[i]!.probabilities);
      assert.equal(m.digit, alone[i]!.digit);
    });
    for (let d = 0; d < 10; d++) {
      const mean = (alone[0]!.probabilities[d]! + alone[1]!.probabilities[d]!) / 2;
      assert.ok(Math.abs(got.probabilities[d]! - mean) < 1e-6, `digit ${d}: ${got.probabilities[d]} vs ${mean}`);
    }
    assert.equal(got.digit, got.probabilities.indexOf(Math.max(...got.probabilities)));
    assert.equal(got.label, alone[0]!.label);
    // The library's combination, for the record: the same numbers from the members' log-probabilities.
    const combined = meanProbabilityLog(alone.map((a) => Tensor.from(a.probabilities.map(Math.log), [1, 10])));
    combined.data.forEach((v, d) => assert.ok(Math.abs(Math.exp(v) - got.probabilities[d]!) < 1e-6));
  });
});
