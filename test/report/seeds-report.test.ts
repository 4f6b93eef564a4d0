/** reports/seeds.md rendered from made-up seed figures and results: the tables, the epoch-by-epoch log, the parameter checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkParameters, renderSeedsReport } from '../../src/report/seeds-report.js';
import type { SeedModelFigures, SeedProject } from '../../src/report/seed-projects.js';
import { experiment, history } from './report-fixtures.js';
import { seedCurvesBaseName, seedCurvesSpec } from '../../src/report/seed-curves-plot.js';

function figures(over: Partial<SeedModelFigures>): SeedModelFigures {
  return {
    name: 'Model 1', zooModel: 'sx-m1', parameters: 1000, parametersAsWritten: null,
    bestTrainAccuracy: null, bestTestAccuracy: null, firstEpochTestAccuracy: null, finalTestAccuracy: null, approximate: false,
    statedResults: [], log: null, experiments: [], notRun: 'no recipe', differences: [], ...over,
  };
}

const logged: SeedModelFigures = figures({
  name: 'Model 1', zooModel: 'sx-m1', parameters: 1000, bestTrainAccuracy: 97.5, bestTestAccuracy: 98.2,
  log: [
    { loggedEpoch: 0, trainAccuracy: 90.0, testAccuracy: 95.1, testLoss: 0.2 },
    { loggedEpoch: 1, trainAccuracy: 97.6, testAccuracy: 98.2, testLoss: 0.1 },
  ],
  experiments: ['13-sx-m1'], notRun: null, differences: ['Their optimizer is not stated.'],
});
const mismatched: SeedModelFigures = figures({
  name: 'Model 2', zooModel: 'sx-m2', parameters: 2000, finalTestAccuracy: 99.0, firstEpochTestAccuracy: 97.0, approximate: true,
  experiments: ['14-sx-m2', '15-never-run'], notRun: null,
});
const project: SeedProject = {
  id: '009', title: 'A made-up seed', readme: '../shared/seeds/009.txt', statedRecipe: ['batch 64'],
  models: [logged, mismatched, figures({ name: 'Model 3', zooModel: 'sx-m3', parameters: 5000, parametersAsWritten: '5k', notRun: 'too heavy' })],
};
const results = new Map([
  ['13-sx-m1', experiment('13-sx-m1', 1000, [
    { seed: 1, history: history([{ train: 91.0, test: 96.0, seconds: 1 }, { train: 97.0, test: 98.0, seconds: 1 }]) },
    { seed: 2, history: history([{ train: 92.0, test: 96.5, seconds: 1 }, { train: 97.2, test: 98.4, seconds: 1 }]) },
  ])],
  // The zoo's model has 2,000 parameters but the run recorded 2,100: that row must say so.
  ['14-sx-m2', experiment('14-sx-m2', 2100, [{ seed: 1, history: history([{ train: 96.0, test: 97.2, seconds: 1 }, { train: 98.0, test: 99.1, seconds: 1 }]) }])],
]);
const zooParameters = new Map([['sx-m1', 1000], ['sx-m2', 2000], ['sx-m3', 5012]]);

test('checkParameters: exact counts must be equal; a rounded one must round or truncate to what the README wrote', () => {
  assert.deepEqual(checkParameters({ parameters: 10790, parametersAsWritten: null }, 10790), { equal: true, text: 'yes (10,790)' });
  assert.deepEqual(checkParameters({ parameters: 7904, parametersAsWritten: null }, 7944), { equal: false, text: '**no**: 7,944 ≠ 7,904' });
  const m1 = { parameters: 6_300_000, parametersAsWritten: '6.3M' };
  assert.equal(checkParameters(m1, 6_379_786).equal, true); // truncated
  assert.equal(checkParameters(m1, 6_260_000).equal, true); // rounded
  assert.equal(checkParameters(m1, 6_400_000).equal, false);
  assert.equal(checkParameters(m1, 6_200_000).equal, false);
  assert.equal(checkParameters({ parameters: 5000, parametersAsWritten: 'about 5k' }, 5000).equal, false);
});

test("renderSeedsReport: the README's figures beside each run, epoch by epoch, with every parameter count checked", () => {
  const md = renderSeedsReport({ projects: [project], results, zooParameters, lastEpochs: 5 });
  // A parameter mismatch is counted at the top and marked on its row.
  assert.match(md, /\*\*Parameter counts: 1 of 6 checks disagree with the READMEs\*\*/);
  assert.match(md, /- seed 009 Model 2, 14-sx-m2: no: 2,100 ≠ 2,000/);
  assert.match(md, /\| Model 2 \| mnist-lab `14-sx-m2` seed 1 \| 2,100 \| \*\*no\*\*: 2,100 ≠ 2,000 \|/);
  // The rounded count is accepted for the zoo model, and that is said.
  assert.match(md, /zoo `sx-m3`: yes: 5,012 is the README's 5k/);
  // The README row, then one row per seed run.
  assert.match(md, /\| Model 1 \| README \(one run\) \| 1,000 \| zoo `sx-m1`: yes \(1,000\) \| 97.50 \(log: 97.60\) \| 98.20 \| 95.10 \| 98.20 \| 95.10, 98.20 \|/);
  assert.match(md, /\| Model 1 \| mnist-lab `13-sx-m1` seed 2 \| 1,000 \| yes \(1,000\) \| 97.20 \| 98.40 \| 96.50 \| 98.40 \| 96.50, 98.40 \|/);
  // Approximate figures keep their "~".
  assert.match(md, /\| Model 2 \| README \(one run\) \| 2,000 \| zoo `sx-m2`: yes \(2,000\) \| not stated \| not stated \| ~97.00 \| ~99.00 \| no log \|/);
  // The log epoch by epoch beside both seeds (their EPOCH 0 is epoch 1).
  assert.match(md, /\| epoch \| README test \| 13 s1 test \| 13 s2 test \| README train \| 13 s1 train \| 13 s2 train \|/);
  assert.match(md, /\| 2 \(EPOCH 1\) \| 98.20 \| 98.00 \| 98.40 \| 97.60 \| 97.00 \| 97.20 \|/);
  // Differences: stated ones, and ones computed from the numbers.
  assert.match(md, /- Their optimizer is not stated\./);
  assert.match(md, /the README's 98.20% is one run; mnist-lab's 2 runs reach 98.00-98.40% \(−0.20, \+0.20 points against it\); mnist-lab's own runs differ by 0.40 points/);
  // An experiment without a recorded result, and a model not run, are said, not dropped.
  assert.match(md, /`15-never-run` has no recorded result yet/);
  assert.match(md, /\*\*Model 3\*\* \(`sx-m3`\): too heavy\./);
  // The summary row; the last-5 mean is (97.00 + 97.45) / 2 = 97.225, which toFixed(2) prints as 97.22.
  assert.match(md, /\| 009 \| Model 1 \(`sx-m1`\) \| 1,000 \| best 98.20 \| 98.00, 98.40 \| 97.22 \| 2 \(`13-sx-m1`\) \|/);
});

test('renderSeedsReport: when every count agrees, the top says so', () => {
  const md = renderSeedsReport({ projects: [{ ...project, models: [logged] }], results, zooParameters, lastEpochs: 5 });
  assert.match(md, /Parameter counts: all 3 checks agree with the READMEs/);
  assert.doesNotMatch(md, /\*\*no\*\*/);
});

test("seedCurvesSpec: the README's log and every run, epoch by epoch, their EPOCH 0 at epoch 1", () => {
  const runs = [...results.get('13-sx-m1')!.seeds].map((run) => ({ experiment: '13-sx-m1', run }));
  const spec = seedCurvesSpec(project, logged, runs) as unknown as { data: { values: { run: string; epoch: number; split: string; accuracy: number }[] } };
  const rows = spec.data.values;
  assert.equal(rows.length, 3 * 2 * 2, 'three runs (the README and two seeds) x two epochs x train and test');
  assert.deepEqual(rows.find((r) => r.run === "README (seed 009's log)" && r.epoch === 1 && r.split === 'test'), { run: "README (seed 009's log)", epoch: 1, split: 'test', accuracy: 95.1 });
  assert.deepEqual(rows.find((r) => r.run === 'mnist-lab 13-sx-m1 seed 2' && r.epoch === 2 && r.split === 'train')?.accuracy, 97.2);
  assert.equal(seedCurvesBaseName('009', logged), 'seed-009-sx-m1-curves');
});
