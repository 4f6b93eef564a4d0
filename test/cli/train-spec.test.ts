/**
 * `mnist-lab train --spec` and `--print-spec`, and resuming from the spec in a checkpoint, as a user
 * runs them: every run folder holds spec.json, and running that spec again gives the same bits.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/fixtures.js';
import { assertUserError, cliPath, runCli, type CliResult } from '../helpers/cli.js';
import { defaultRunSpec } from '../../src/cli/train-flags.js';
import { parseRunSpec } from '../../src/train/run-spec.js';
import type { EpochMetrics } from '../../src/train/metrics.js';

const cli = cliPath;
// Epochs of 47 batches: long enough that Ctrl-C lands inside one even on a loaded machine.
const QUICK = ['--epochs', '2', '--limit-train', '3000', '--limit-test', '200', '--threads', '1'];

const run = (...args: string[]): CliResult => runCli(args, { timeoutMs: 120_000 });

function history(dir: string): Omit<EpochMetrics, 'epochSeconds' | 'trainSeconds' | 'evalSeconds'>[] {
  return (JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')) as EpochMetrics[])
    .map(({ epochSeconds: _e, trainSeconds: _t, evalSeconds: _v, ...rest }) => rest);
}

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mnist-lab-spec-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('train --print-spec and --spec', () => {
  it('--print-spec prints the spec the flags make, and trains nothing', () => {
    const plain = run('train', '--print-spec');
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(parseRunSpec(plain.stdout, 'stdout'), defaultRunSpec());
    const r = run('train', '--print-spec', '--model', 'gapnet-8k', '--lr', '0.02', '--seed', '7', '--val-split', '5000');
    const spec = parseRunSpec(r.stdout, 'stdout');
    assert.equal(spec.model.name, 'gapnet-8k');
    assert.equal(spec.recipe.optimizer.lr, 0.02);
    assert.equal(spec.seed, 7);
    assert.equal(spec.data.valSplit, 5000);
  });

  it('a bad spec file gets one line per mistake, naming the file and the field, and exit 2', () => {
    const bad = join(dir, 'bad.json');
    const spec = defaultRunSpec() as unknown as { recipe: { scheduler: { maxLr: number }; epochs: number } };
    spec.recipe.scheduler.maxLr = -1;
    spec.recipe.epochs = 0;
    writeFileSync(bad, JSON.stringify(spec));
    const r = run('train', '--spec', bad);
    assert.equal(r.code, 2);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 2, r.stderr);
    assert.ok(lines.some((l) => l === `mnist-lab: ${bad}: recipe.scheduler.maxLr must be > 0, got -1`), r.stderr);
    assert.ok(lines.some((l) => l.includes(`${bad}: recipe.epochs must be a whole number >= 1, got 0`)), r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    const missing = run('train', '--spec', join(dir, 'nope.json'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^mnist-lab: .*nope\.json: cannot read the spec \(ENOENT\)/);
  });

  it("a run folder's spec.json runs the same run again, to the bit, and flags change it", () => {
    const first = join(dir, 'first');
    const r1 = run('train', ...QUICK, '--model', 'gapnet-5k', '--seed', '3', '--out', first);
    assert.equal(r1.code, 0, r1.stderr);
    const spec = parseRunSpec(readFileSync(join(first, 'spec.json'), 'utf8'), 'spec.json');
    assert.equal(spec.outDir, first);
    assert.equal(spec.data.limitTrain, 3000);
    const refused = run('train', '--spec', join(first, 'spec.json'));
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /already holds a run; resume it with --resume/);
    const again = join(dir, 'again');
    const r2 = run('train', '--spec', join(first, 'spec.json'), '--out', again, '--threads', '2');
    assert.equal(r2.code, 0, r2.stderr);
    assert.deepEqual(history(again), history(first));
    assert.deepEqual(readFileSync(join(again, 'last.safetensors')), readFileSync(join(first, 'last.safetensors')));
    const other = join(dir, 'other-seed');
    assert.equal(run('train', '--spec', join(first, 'spec.json'), '--out', other, '--seed', '4').code, 0);
    assert.notDeepEqual(history(other), history(first));
    assert.equal(parseRunSpec(readFileSync(join(other, 'spec.json'), 'utf8'), 'spec.json').seed, 4);
  });

  it('--folds K trains every fold and reports the mean ± std of validation accuracy; --folds K --fold I is one run', () => {
    const out = join(dir, 'cv');
    const r = run('train', '--model', 'gapnet-5k', '--epochs', '1', '--limit-train', '600', '--limit-test', '100', '--threads', '1', '--folds', '2', '--out', out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Cross-validation, 2 folds, validation accuracy over the last 5 epochs:/);
    const cv = JSON.parse(readFileSync(join(out, 'folds.json'), 'utf8')) as { folds: { fold: number; score: number }[]; mean: number; std: number };
    assert.deepEqual(cv.folds.map((f) => f.fold), [1, 2]);
    assert.ok(Math.abs(cv.mean - (cv.folds[0]!.score + cv.folds[1]!.score) / 2) < 1e-12);
    assert.match(r.stdout, new RegExp(`mean ${cv.mean.toFixed(3)}% ± ${cv.std.toFixed(3)}`));
    const fold2 = parseRunSpec(readFileSync(join(out, 'fold-2', 'spec.json'), 'utf8'), 'spec.json');
    assert.deepEqual(fold2.data.folds, { k: 2, fold: 2 });
    // 60,000 training images in 2 folds: 30,000 held out, of which the run validated on all.
    assert.match(readFileSync(join(out, 'fold-2', 'train.log'), 'utf8'), /Validation set: .*\/30000 /);
    // The same fold as one run gives the same bits.
    const single = join(dir, 'fold-2-alone');
    assert.equal(run('train', '--model', 'gapnet-5k', '--epochs', '1', '--limit-train', '600', '--limit-test', '100', '--threads', '1', '--folds', '2', '--fold', '2', '--out', single).code, 0);
    assert.deepEqual(history(single), history(join(out, 'fold-2')));
  });

  it('--resume takes the spec from the checkpoint and refuses flags that would change the run', () => {
    const out = join(dir, 'first');
    const r = run('train', '--resume', out, '--lr', '0.5');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^mnist-lab: --resume continues the run as its checkpoint describes it; --lr cannot change/);
    const done = run('train', '--resume', out);
    assert.equal(done.code, 2);
    assert.match(done.stderr, /already finished its 2 epochs/);
    const printed = run('train', '--resume', out, '--print-spec');
    assert.equal(printed.code, 2, 'a finished run has nothing to resume');
  });

  it('Ctrl-C, then --resume, ends with the same bits as an uninterrupted run, from before training and from mid-run', async () => {
    const full = join(dir, 'uninterrupted');
    assert.equal(run('train', ...QUICK, '--out', full).code, 0);
    for (const [name, stopAt] of [['stopped-in-epoch-1', 'EPOCH: 1/2'], ['stopped-in-epoch-2', 'EPOCH: 2/2']] as const) {
      const out = join(dir, name);
      const child = spawn(process.execPath, [cli, 'train', ...QUICK, '--out', out], { cwd: repoRoot });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes(stopAt) && !child.killed) child.kill('SIGINT');
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, 0);
      assert.match(stdout, /Interrupted during epoch \d at batch \d+\/\d+/);
      assert.match(stdout, /Resume with: mnist-lab train --resume /);
      const resumed = run('train', '--resume', out, '--threads', '2');
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.match(resumed.stdout, new RegExp(`Resuming sepnet-8k after epoch ${name.endsWith('1') ? 0 : 1} \\(7,810 params\\) on 3000 images, testing on 200`));
      assert.deepEqual(history(out), history(full), name);
      assert.deepEqual(readFileSync(join(out, 'last.safetensors')), readFileSync(join(full, 'last.safetensors')), name);
      assert.deepEqual(readFileSync(join(out, 'best.safetensors')), readFileSync(join(full, 'best.safetensors')), name);
    }
  });
});
