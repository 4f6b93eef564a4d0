/**
 * The mnist-lab CLI as a user runs it: a child process, its exit code, and what it prints.
 * User mistakes must give one line on stderr, no stack trace, and exit code 2.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { fixturePath, readFixtureJson, repoRoot } from '../helpers/fixtures.js';
import { assertUserError, cliPath, runCli, type CliResult } from '../helpers/cli.js';
import { loadMnist } from '../../src/data/mnist.js';

const cli = cliPath;
const trained = fixturePath('pytorch', 'm3_trained.safetensors');

const run = (...args: string[]): CliResult => runCli(args, { timeoutMs: 120_000 });


let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mnist-lab-cli-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('mnist-lab CLI: information commands', () => {
  it('models --json lists the zoo with parameter counts', () => {
    const r = run('models', '--json');
    assert.equal(r.code, 0);
    const models = JSON.parse(r.stdout) as { name: string; parameters: number }[];
    assert.equal(models.find((m) => m.name === 'mnist8k-m3')?.parameters, 7944);
  });

  it('summary prints the torchsummary table, and --json its numbers', () => {
    const text = run('summary', 'mnist8k-m3');
    assert.equal(text.code, 0);
    assert.match(text.stdout, /Conv2d-1\s+\[-1, 10, 26, 26\]\s+90/);
    assert.match(text.stdout, /Total params: 7,944/);
    const json = JSON.parse(run('summary', 'mnist8k-m3', '--json').stdout) as { totalParams: number };
    assert.equal(json.totalParams, 7944);
  });

  it('experiments list names every experiment file in aligned columns', () => {
    const r = run('experiments', 'list');
    assert.equal(r.code, 0);
    const lines = r.stdout.trim().split('\n');
    const files = readdirSync(join(repoRoot, 'experiments')).filter((f) => /^\d.*\.ts$/.test(f));
    assert.equal(lines.length, files.length);
    assert.equal(new Set(lines.map((l) => l.indexOf(' params'))).size, 1, `the params column lines up:\n${r.stdout}`);
  });

  it('every command has --help', () => {
    for (const cmd of ['train', 'eval', 'summary', 'models', 'predict', 'experiments']) {
      const r = run(cmd, '--help');
      assert.equal(r.code, 0, cmd);
      assert.match(r.stdout, /Usage: mnist-lab/);
    }
  });
});

describe('mnist-lab CLI: bad input gets one clear line and exit code 2', () => {
  it('an unknown flag', () => assertUserError(run('train', '--bogus'), /unknown option '--bogus'/));
  it('an invalid flag value', () => assertUserError(run('train', '--lr', 'fast'), /--lr must be a number > 0, got 'fast'/));
  it('an out-of-range value', () => assertUserError(run('train', '--label-smoothing', '1.5'), /--label-smoothing must be a number in \[0, 1\)/));
  it('an unknown model', () => assertUserError(run('summary', 'resnet50'), /unknown model 'resnet50'/));
  it('an unknown command', () => assertUserError(run('fly'), /unknown command 'fly'/));
  it('--update-bn without a weight average', () => assertUserError(run('train', '--ema', '0', '--update-bn'), /--update-bn .* add --ema 0.999/));
  it('a missing checkpoint', () => assertUserError(run('eval', join(dir, 'nope.safetensors')), /no such file or directory/));
  it('a corrupt checkpoint', () => {
    const bad = join(dir, 'corrupt.safetensors');
    writeFileSync(bad, Buffer.from([0xff, 0xff, 0, 0, 0, 0, 0, 0, 1, 2, 3]));
    assertUserError(run('eval', bad, '--model', 'mnist8k-m3'), /corrupt\.safetensors: not a valid safetensors file/);
  });
  it('weights without metadata and no --model', () => assertUserError(run('eval', trained), /pass --model/));
  it('weights for another architecture', () => assertUserError(run('eval', trained, '--model', 'gapnet-5k'), /does not fit gapnet-5k: shape mismatch/));
  it('a missing data directory', () => assertUserError(run('eval', trained, '--model', 'mnist8k-m3', '--data-dir', join(dir, 'nothing')), /nothing/));
  it('predict with neither --image nor --index', () => assertUserError(run('predict', trained, '--model', 'mnist8k-m3'), /exactly one of --image <png> or --index <n>/));
  it('predict with a file that is not a PNG', () => {
    const notPng = join(dir, 'digit.png');
    writeFileSync(notPng, 'hello');
    assertUserError(run('predict', trained, '--model', 'mnist8k-m3', '--image', notPng), /not a readable PNG/);
  });
});

describe('mnist-lab CLI: a PyTorch-trained checkpoint', () => {
  const expected = readFixtureJson<{ test: { correct: number; loss: number } }>('pytorch', 'm3_trained.json').test;

  it('eval agrees with PyTorch on the test set (correct count and loss)', () => {
    const r = run('eval', trained, '--model', 'mnist8k-m3', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { correct: number; n: number; loss: number; perClass: { total: number }[] };
    assert.equal(out.n, 10000);
    assert.equal(out.correct, expected.correct);
    assert.ok(Math.abs(out.loss - expected.loss) / expected.loss < 1e-4, `loss ${out.loss} vs ${expected.loss}`);
    assert.equal(out.perClass.reduce((s, c) => s + c.total, 0), 10000);
  });

  it('predict reads test image 0 (a 7) by index, and from a dark-on-light PNG of another size', () => {
    const byIndex = JSON.parse(run('predict', trained, '--model', 'mnist8k-m3', '--index', '0', '--json').stdout) as { digit: number; label: number; probabilities: number[] };
    assert.equal(byIndex.label, 7);
    assert.equal(byIndex.digit, 7);
    assert.ok(Math.abs(byIndex.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-5);

    const test = loadMnist({ valSplit: 0 }).test;
    const png = new PNG({ width: 84, height: 84 });
    for (let y = 0; y < 84; y++) {
      for (let x = 0; x < 84; x++) {
        const v = 255 - test.images[Math.floor(y / 3) * 28 + Math.floor(x / 3)]!;
        const o = (y * 84 + x) * 4;
        png.data[o] = png.data[o + 1] = png.data[o + 2] = v;
        png.data[o + 3] = 255;
      }
    }
    const file = join(dir, 'seven.png');
    writeFileSync(file, PNG.sync.write(png));
    const fromPng = JSON.parse(run('predict', trained, '--model', 'mnist8k-m3', '--image', file, '--json').stdout) as { digit: number };
    assert.equal(fromPng.digit, 7);
  });
});

describe('mnist-lab CLI: train', () => {
  it('trains a quick run, writes its files, and refuses to resume a finished run', () => {
    const out = join(dir, 'run');
    const r = run('train', '--epochs', '1', '--limit-train', '1000', '--limit-test', '200', '--out', out, '--threads', '2');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Test set: Average loss: \d+\.\d{4}, Accuracy: \d+\/200/);
    for (const f of ['summary.txt', 'config.json', 'history.json', 'history.csv', 'best.safetensors', 'best.json', 'last.safetensors', 'last.json', 'train.log']) {
      assert.ok(existsSync(join(out, f)), f);
    }
    assert.deepEqual(readdirSync(out).filter((f) => f.includes('.tmp-')), [], 'no temp files left');
    assertUserError(run('train', '--resume', out), /already finished its 1 epochs/);
    assertUserError(run('train', '--out', out, '--limit-train', '1000'), /already holds a run/);
  });

  it('refuses --dropout for a model without a dropout layer instead of ignoring it', () => {
    assertUserError(run('train', '--dropout', '0.1', '--epochs', '1'), /dropout 0\.1 was asked for, but model 'sepnet-8k' has no dropout layer/);
    assertUserError(run('train', '--model', 'baseline-fc', '--dropout', '0.2'), /model 'baseline-fc' has no dropout layer.*\(mnist8k-m3, gapnet-8k/);
  });
});
