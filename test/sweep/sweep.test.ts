/**
 * `mnist-lab sweep` as a user runs it, on the local pool: trials run on validation only (the test
 * files here are garbage, and the sweep still works: it never opens them), an interrupted sweep
 * resumes with no trial lost or run twice and the same results, and `sweep confirm` reads the test
 * set once, then refuses a second time.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/fixtures.js';
import { assertUserError, cliPath, runCli, type CliResult } from '../helpers/cli.js';
import { bundledMnistDir } from '../../src/data/mnist.js';
import { defaultRunSpec } from '../../src/cli/train-flags.js';
import type { Study } from '../../src/sweep/study.js';
import type { SweepSpec } from '../../src/sweep/sweep-spec.js';
import type { EpochMetrics } from '../../src/train/metrics.js';

const cli = cliPath;

const run = (...args: string[]): CliResult => runCli(args);

const study = (dir: string): Study => JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8')) as Study;
const history = (dir: string): Omit<EpochMetrics, 'epochSeconds' | 'trainSeconds' | 'evalSeconds'>[] =>
  (JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')) as EpochMetrics[]).map(({ epochSeconds: _e, trainSeconds: _t, evalSeconds: _v, ...rest }) => rest);

let dir = '';
let specPath = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mnist-lab-sweep-'));
  // The training files as they are; test files that are garbage: reading them would fail the run.
  const data = join(dir, 'data');
  mkdirSync(data);
  for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte']) symlinkSync(join(bundledMnistDir(), f), join(data, f));
  for (const f of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) writeFileSync(join(data, f), 'not an IDX file');
  const base = defaultRunSpec();
  const spec: SweepSpec = {
    format: 'mnist-lab-sweep-v1', name: 'tiny',
    base: { ...base, model: { name: 'gapnet-5k', config: {} }, recipe: { ...base.recipe, epochs: 3, ema: { decay: 0.9 } }, data: { ...base.data, dir: data, limitTrain: 1200 } },
    space: { 'recipe.scheduler.maxLr': { type: 'loguniform', low: 0.02, high: 0.3 }, 'recipe.ema.decay': { type: 'choice', values: [0.9, 0.99] } },
    objective: { lastEpochs: 1, validation: { split: 300, splitSeed: 1 } },
    sampler: { name: 'random', seed: 3 },
    pruner: null,
    budget: { trials: 3 },
  };
  specPath = join(dir, 'tiny.json');
  writeFileSync(specPath, JSON.stringify(spec));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('mnist-lab sweep', () => {
  it('runs every trial on validation without ever opening the test files, and writes the report', () => {
    const out = join(dir, 'a');
    const r = run('sweep', specPath, '--out', out, '--workers', '2', '--report', join(dir, 'report-a'));
    assert.equal(r.code, 0, r.stderr);
    const s = study(out);
    assert.deepEqual(s.trials.map((t) => [t.id, t.state]), [[0, 'complete'], [1, 'complete'], [2, 'complete']]);
    for (const t of s.trials) {
      const spec = JSON.parse(readFileSync(join(out, t.dir, 'spec.json'), 'utf8')) as { data: { test?: boolean; valSplit: number } };
      assert.equal(spec.data.test, false);
      assert.equal(spec.data.valSplit, 300);
      assert.ok(t.value! > 10 && t.value! <= 100);
    }
    const readme = readFileSync(join(dir, 'report-a', 'README.md'), 'utf8');
    assert.match(readme, /## Trials/);
    assert.match(readme, /No trial read the test set/);
    assert.ok(existsSync(join(dir, 'report-a', 'img', 'parallel-coordinates.png')));
  });

  it('resumes after Ctrl-C with no trial lost or run twice, and the same results', async () => {
    const out = join(dir, 'b');
    const child = spawn(process.execPath, [cli, 'sweep', specPath, '--out', out, '--workers', '2', '--report', join(dir, 'report-b')], { cwd: repoRoot });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // As soon as the second trial is handed out: both slots are busy, and neither trial can have finished.
      if (/trial 1: recipe/.test(stdout) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stdout);
    assert.match(stdout, /Resume with: mnist-lab sweep --resume /);
    assert.ok(study(out).trials.some((t) => t.state === 'running'), 'stopped with a trial unfinished');
    const r = run('sweep', '--resume', out, '--workers', '2', '--report', join(dir, 'report-b'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Resuming \d unfinished trial/);
    const [a, b] = [study(join(dir, 'a')), study(out)];
    assert.deepEqual(b.trials.map((t) => [t.id, t.state]), a.trials.map((t) => [t.id, t.state]));
    for (const [i, t] of b.trials.entries()) {
      assert.deepEqual(t.params, a.trials[i]!.params);
      assert.equal(t.value, a.trials[i]!.value, `trial ${t.id}`);
      assert.deepEqual(history(join(out, t.dir)), history(join(dir, 'a', t.dir)), `trial ${t.id}`);
    }
  });

  it('confirm reads the test set, once: here it fails on the garbage test files, then a sound copy confirms, and a second confirm is refused', () => {
    const garbage = run('sweep', 'confirm', join(dir, 'a'), '--report', join(dir, 'report-a'));
    assert.equal(garbage.code, 2);
    assert.match(garbage.stderr, /t10k/);
    const copy = join(dir, 'c');
    cpSync(join(dir, 'a'), copy, { recursive: true });
    const s = study(copy);
    s.spec.base.data.dir = null; // the bundled MNIST, with its real test set
    writeFileSync(join(copy, 'study.json'), JSON.stringify(s));
    const ok = run('sweep', 'confirm', copy, '--report', join(dir, 'report-c'));
    assert.equal(ok.code, 0, ok.stderr);
    const c = study(copy).confirmation!;
    const best = s.trials.reduce((x, y) => (y.value! > x.value! ? y : x));
    assert.equal(c.trialId, best.id);
    const confirmed = JSON.parse(readFileSync(join(copy, 'confirm', 'history.json'), 'utf8')) as EpochMetrics[];
    assert.equal(c.testFinal, confirmed.at(-1)!.testAccuracy);
    assert.equal(confirmed.at(-1)!.testTotal, 10000, 'the whole test set, read in the confirmation only');
    assert.equal(confirmed.at(-1)!.valAccuracy, null, 'trained on all the (limited) training images, no split');
    assert.match(readFileSync(join(dir, 'report-c', 'README.md'), 'utf8'), /This is the only time the sweep read the test set/);
    const again = run('sweep', 'confirm', copy);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already confirmed on the test set/);
  });

  it('a bad sweep spec is one line per mistake', () => {
    const bad = join(dir, 'bad.json');
    const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(bad, JSON.stringify({ ...spec, budget: { trials: 0 }, sampler: { name: 'bayes' } }));
    const r = run('sweep', bad);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /budget\.trials must be at least 1/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});
