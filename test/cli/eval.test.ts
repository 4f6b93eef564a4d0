/**
 * `mnist-lab eval` of what `mnist-lab train` wrote: the run folder (best.safetensors), best.json and
 * last.json each reproduce the test figures the run recorded for that checkpoint (history.json and
 * the checkpoint's own metrics), once eval is limited to the same test images. A damaged checkpoint
 * .json gives one line and exit code 2.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/fixtures.js';
import { assertUserError, cliPath, runCli, type CliResult } from '../helpers/cli.js';

const cli = cliPath;
const TEST_IMAGES = 200;

const run = (...args: string[]): CliResult => runCli(args, { timeoutMs: 120_000 });


/** What a run records for an epoch's test evaluation (history.json rows, and `metrics` in best.json / last.json). */
interface EpochMetrics {
  epoch: number;
  testLoss: number;
  testAccuracy: number;
  testCorrect: number;
  testTotal: number;
}

interface CheckpointJson {
  epoch: number;
  metrics: EpochMetrics;
  best: { epoch: number } | null;
}

interface EvalJson {
  checkpoint: string;
  model: string;
  split: string;
  n: number;
  correct: number;
  accuracy: number;
  loss: number;
}

/** The line the run printed (and train.log holds) for that epoch, as formatEvalLine writes it. */
function testLine(m: EpochMetrics): string {
  return `Test set: Average loss: ${m.testLoss.toFixed(4)}, Accuracy: ${m.testCorrect}/${m.testTotal} (${m.testAccuracy.toFixed(2)}%)`;
}

function evalJson(...args: string[]): EvalJson {
  const r = run('eval', ...args, '--json', '--threads', '1');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as EvalJson;
}

function assertMatchesRecord(got: EvalJson, recorded: EpochMetrics, what: string): void {
  assert.equal(got.n, recorded.testTotal, `${what}: images`);
  assert.equal(got.correct, recorded.testCorrect, `${what}: correct`);
  assert.equal(got.accuracy, recorded.testAccuracy, `${what}: accuracy`);
  // The same float32 per-batch sums, accumulated in double; only the batch grouping may differ.
  assert.ok(Math.abs(got.loss - recorded.testLoss) <= 1e-6 * recorded.testLoss, `${what}: loss ${got.loss} vs recorded ${recorded.testLoss}`);
}

let dir = '';
let out = '';
let history: EpochMetrics[] = [];
let best: CheckpointJson;
let last: CheckpointJson;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mnist-lab-eval-'));
  out = join(dir, 'run');
  // A tiny run, but one that learns something (batch 16: 32 steps an epoch) so that the figures
  // compared below are not those of a constant prediction; --ema 0.9 makes the saved and evaluated
  // weights an average, which best.safetensors must then hold too.
  const r = run('train', '--model', 'mnist8k-m3', '--epochs', '2', '--batch-size', '16', '--ema', '0.9',
    '--limit-train', '500', '--limit-test', String(TEST_IMAGES), '--out', out, '--threads', '1');
  assert.equal(r.code, 0, r.stderr);
  history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')) as EpochMetrics[];
  best = JSON.parse(readFileSync(join(out, 'best.json'), 'utf8')) as CheckpointJson;
  last = JSON.parse(readFileSync(join(out, 'last.json'), 'utf8')) as CheckpointJson;
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('mnist-lab eval of a run that train wrote', () => {
  it('the run recorded what this test relies on', () => {
    assert.equal(history.length, 2);
    assert.equal(last.epoch, 2);
    assert.deepEqual(last.metrics, history[1]);
    assert.ok(best.best, 'best.json names its epoch');
    assert.deepEqual(best.metrics, history[best.epoch - 1]);
    assert.ok(history.every((h) => h.testTotal === TEST_IMAGES));
    assert.ok(history[1]!.testCorrect > TEST_IMAGES / 5, `the run learned something: ${history[1]!.testCorrect}/${TEST_IMAGES}`);
  });

  it('the run folder evaluates best.safetensors and prints the test line the run recorded for it', () => {
    const r = run('eval', out, '--limit', String(TEST_IMAGES), '--threads', '1');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], `mnist8k-m3 from ${join(out, 'best.safetensors')}`);
    assert.equal(lines[1], testLine(best.metrics));
    assert.ok(readFileSync(join(out, 'train.log'), 'utf8').includes(testLine(best.metrics)), 'train.log has the same line');
  });

  it('best.json and last.json each give their own recorded figures', () => {
    const fromBest = evalJson(join(out, 'best.json'), '--limit', String(TEST_IMAGES));
    assert.equal(fromBest.checkpoint, join(out, 'best.safetensors'));
    assert.equal(fromBest.model, 'mnist8k-m3');
    assertMatchesRecord(fromBest, best.metrics, 'best.json');
    const fromLast = evalJson(join(out, 'last.json'), '--limit', String(TEST_IMAGES));
    assert.equal(fromLast.checkpoint, join(out, 'last.safetensors'));
    assertMatchesRecord(fromLast, history[history.length - 1]!, 'last.json');
  });

  it('without --limit, eval scores the whole test set', () => {
    const whole = evalJson(out);
    assert.equal(whole.split, 'test');
    assert.equal(whole.n, 10000);
  });
});

describe('mnist-lab eval of a damaged checkpoint .json: one line, exit code 2', () => {
  const copy = (name: string, json: string): string => {
    copyFileSync(join(out, 'best.safetensors'), join(dir, `${name}.safetensors`));
    const path = join(dir, `${name}.json`);
    writeFileSync(path, json);
    return path;
  };

  it('cut short', () => {
    const path = copy('truncated', readFileSync(join(out, 'best.json'), 'utf8').slice(0, 200));
    assertUserError(run('eval', path, '--threads', '1'), /truncated\.json: not valid JSON .*the checkpoint metadata is damaged/);
  });

  it('valid JSON without the checkpoint fields', () => {
    const { format } = JSON.parse(readFileSync(join(out, 'best.json'), 'utf8')) as { format: string };
    const path = copy('gutted', JSON.stringify({ format, model: { name: 'mnist8k-m3' } }));
    assertUserError(run('eval', path, '--threads', '1'), /gutted\.json: damaged checkpoint metadata: /);
  });

  it('not a checkpoint at all', () => {
    assertUserError(run('eval', copy('array', '[1, 2]'), '--threads', '1'), /array\.json: not a mnist-lab checkpoint/);
  });

  it('naming a model its weights do not fit, with a short list of the mismatches', () => {
    const meta = JSON.parse(readFileSync(join(out, 'best.json'), 'utf8')) as { model: { name: string } };
    meta.model.name = 'gapnet-5k';
    const r = run('eval', copy('other-model', JSON.stringify(meta)), '--threads', '1');
    assertUserError(r, /other-model\.safetensors does not fit gapnet-5k: shape mismatch for conv1\.weight: checkpoint \[10, 1, 3, 3\] vs model \[8, 1, 3, 3\]; .* \(and \d+ more\)$/);
  });
});
