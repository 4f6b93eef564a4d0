/**
 * A k-fold trial's folds run side by side on the local pool's free slots: with ASHA, the first fold
 * alone while its epochs are judged, then the others together; without a pruner, all at once. The
 * objective is still the mean over every fold's last epochs.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { defaultRunSpec } from '../../src/cli/train-flags.js';
import type { Study } from '../../src/sweep/study.js';
import type { SweepSpec } from '../../src/sweep/sweep-spec.js';
import type { EpochMetrics } from '../../src/train/metrics.js';
import type { RunStatus } from '../../src/run/run-status.js';

const study = (dir: string): Study => JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8')) as Study;
const foldDir = (sweepDir: string, fold: number): string => join(sweepDir, 'trials', '0000', `fold-${fold}`);
const status = (dir: string): RunStatus => JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) as RunStatus;
const history = (dir: string): EpochMetrics[] => JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')) as EpochMetrics[];
/** When a fold started and stopped, in ms. */
const span = (dir: string): [number, number] => [Date.parse(status(dir).startedAt), Date.parse(status(dir).updatedAt)];
const overlap = (a: [number, number], b: [number, number]): boolean => a[0] < b[1] && b[0] < a[1];

let dir = '';
const specFile = (name: string, pruner: SweepSpec['pruner']): string => {
  const base = defaultRunSpec();
  const spec: SweepSpec = {
    format: 'mnist-lab-sweep-v1', name,
    base: { ...base, model: { name: 'gapnet-5k', config: {} }, recipe: { ...base.recipe, epochs: 2, ema: { decay: 0.9 } }, data: { ...base.data, limitTrain: 1500 } },
    space: { 'recipe.scheduler.maxLr': { type: 'choice', values: [0.1] } },
    objective: { lastEpochs: 1, validation: { folds: 3, splitSeed: 1 } },
    sampler: { name: 'grid' },
    pruner,
    budget: { trials: 1 },
  };
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(spec));
  return path;
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mnist-lab-sweep-folds-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('k-fold trials on the local pool', () => {
  it('without a pruner, runs the folds of one trial at once on both slots; the objective is the mean over folds', () => {
    const out = join(dir, 'plain');
    const r = runCli(['sweep', specFile('plain', null), '--out', out, '--workers', '2', '--report', join(dir, 'report-plain')]);
    assert.equal(r.code, 0, r.stderr);
    const [t] = study(out).trials;
    assert.equal(t!.state, 'complete');
    const folds = [1, 2, 3].map((f) => foldDir(out, f));
    assert.ok(overlap(span(folds[0]!), span(folds[1]!)), 'folds 1 and 2 ran at the same time');
    assert.notEqual(status(folds[0]!).pid, status(folds[1]!).pid);
    const scores = folds.map((f) => history(f).at(-1)!.valAccuracy!);
    assert.equal(t!.value, scores.reduce((a, b) => a + b, 0) / 3);
  });

  it('with ASHA, runs the judged first fold alone, then the other folds side by side, to the same results', () => {
    const out = join(dir, 'asha');
    const r = runCli(['sweep', specFile('asha', { name: 'asha', minEpochs: 1, reductionFactor: 2 }), '--out', out, '--workers', '2', '--report', join(dir, 'report-asha')]);
    assert.equal(r.code, 0, r.stderr);
    const [t] = study(out).trials;
    assert.equal(t!.state, 'complete');
    assert.deepEqual(Object.keys(t!.intermediate), ['1', '2'], "the first fold's epochs were judged");
    const [f1, f2, f3] = [1, 2, 3].map((f) => span(foldDir(out, f)));
    assert.ok(f2![0] >= f1![1] && f3![0] >= f1![1], 'folds 2 and 3 start after the judged fold finished');
    assert.ok(overlap(f2!, f3!), 'folds 2 and 3 ran at the same time');
    assert.equal(t!.value, study(join(dir, 'plain')).trials[0]!.value, 'the same folds, the same bits');
  });
});
