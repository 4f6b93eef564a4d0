/** The champion's seeds as one voted ensemble: the vote, its tie rule, its honest parameter count. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { majorityVote, voteEnsemble } from '../../src/report/vote-ensemble.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensembleSection, writeReport } from '../../src/report/experiment-report.js';
import { MnistLabError } from '../../src/util/errors.js';
import { experiment, goals, simpleHistory } from './report-fixtures.js';

test('majorityVote: the most votes win; a tie goes to the first member (in order) whose class is tied', () => {
  const { predictions, ties } = majorityVote(['0123', '0193', '7129', '7199']);
  // image 0: 0,0,7,7 tie -> member 1 says 0; image 1: all 1; image 2: 2,9,2,9 tie -> 2; image 3: 3,3,9,9 tie -> 3
  assert.deepEqual(predictions, [0, 1, 2, 3]);
  assert.equal(ties, 3);
  // A later member decides when the first member's class is not among the tied ones: 5 | 1,1 | 2,2.
  assert.deepEqual(majorityVote(['5', '1', '2', '2', '1']).predictions, [1]);
  assert.deepEqual(majorityVote(['4', '8', '8']).predictions, [8]);
});

test('voteEnsemble: its parameter count is the sum of its members, and each member is scored on the same images', () => {
  const labels = [0, 1, 2, 3, 4, 5];
  const r = experiment('12-champion', 7810, [1, 2, 3].map((seed) => ({ seed, history: simpleHistory([99]) })));
  r.seeds[0]!.testPredictions = '012345'; // 6 right
  r.seeds[1]!.testPredictions = '012395'; // 5 right
  r.seeds[2]!.testPredictions = '712395'; // 4 right
  const e = voteEnsemble(r, labels);
  assert.equal(e.parameters, 3 * 7810);
  assert.equal(e.memberParameters, 7810);
  assert.deepEqual(e.seeds, [1, 2, 3]);
  assert.deepEqual(e.memberCorrect, [6, 5, 4]);
  // image 0: 0,0,7 -> 0 right; image 4: 4,9,9 -> 9 wrong
  assert.equal(e.correct, 5);
  assert.equal(e.total, 6);
  assert.equal(e.ties, 0);
  assert.ok(Math.abs(e.accuracy - 500 / 6) < 1e-12);

  const text = ensembleSection(e, goals);
  assert.match(text, /23,430 \(3 × 7,810\)/);
  assert.match(text, /majority vote/);
  assert.match(text, /no: 23,430 parameters is over every goal's budget/);
  assert.match(text, /at most 8,000 parameters/);
});

test('voteEnsemble refuses one seed, and members that predicted different image counts', () => {
  const one = experiment('x', 10, [{ seed: 1, history: simpleHistory([99]) }]);
  one.seeds[0]!.testPredictions = '01';
  assert.throws(() => voteEnsemble(one, [0, 1]), MnistLabError);
  const uneven = experiment('y', 10, [1, 2].map((seed) => ({ seed, history: simpleHistory([99]) })));
  uneven.seeds[0]!.testPredictions = '01';
  uneven.seeds[1]!.testPredictions = '012';
  assert.throws(() => voteEnsemble(uneven, [0, 1]), /different numbers of images/);
});

test('writeReport: the ensemble row follows the comparison, outside the goals, and the top links the seeds page', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnist-lab-ensemble-'));
  try {
    const r = experiment('12-champion', 7810, [1, 2].map((seed) => ({ seed, history: simpleHistory([99.5, 99.6]) })));
    r.seeds[0]!.testPredictions = '01';
    r.seeds[1]!.testPredictions = '00';
    const e = voteEnsemble(r, [0, 1]);
    await writeReport([r], null, dir, { goals, ensemble: e, seedsReport: 'seeds.md' });
    const md = readFileSync(join(dir, 'README.md'), 'utf8');
    assert.ok(md.indexOf('## Comparison') < md.indexOf("## Ensemble of the best experiment's seeds"));
    assert.ok(md.indexOf("## Ensemble of the best experiment's seeds") < md.indexOf('## Goals'));
    assert.match(md, /\[seeds\.md\]\(seeds\.md\)/);
    assert.match(md, /15,620 \(2 × 7,810\)/);
    // The goals check experiments only: the ensemble's 15,620 parameters appear nowhere in them.
    assert.doesNotMatch(md.slice(md.indexOf('## Goals'), md.indexOf('## Parameters vs accuracy')), /15,620|Ensemble/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
