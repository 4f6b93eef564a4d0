/**
 * The sweeps endpoints over a temp logdir holding a hand-written sweep (study.json and its trials'
 * run folders), a damaged study.json, and a symlink to a sweep outside the logdir: the list
 * summarises each sweep (the damaged one as a `problem` entry), the detail links each trial to its
 * run, carries the report's charts, and unknown or garbage ids are 404s.
 */
import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiError, RunsResponse, SweepDetail, SweepsResponse } from '../../src/server/api-types.js';
import type { Dashboard } from '../../src/server/server.js';
import { encodeRunId } from '../../src/server/run-id.js';
import { STUDY_FORMAT, type Study, type StudyTrial } from '../../src/sweep/study.js';
import { SWEEP_SPEC_FORMAT, type SweepSpec } from '../../src/sweep/sweep-spec.js';
import { fixtureHistory, fixtureSpec, startTestDashboard, tempDir, writeRun } from './helpers.js';

const LR = 'recipe.optimizer.lr';
const SMOOTHING = 'recipe.labelSmoothing';

function sweepSpec(name: string): SweepSpec {
  return {
    format: SWEEP_SPEC_FORMAT,
    name,
    base: fixtureSpec({ epochs: 3 }),
    space: { [LR]: { type: 'loguniform', low: 0.001, high: 0.1 }, [SMOOTHING]: { type: 'uniform', low: 0, high: 0.2 } },
    objective: { lastEpochs: 2, validation: { split: 5000, splitSeed: 1 } },
    sampler: { name: 'tpe', seed: 1, startupTrials: 2 },
    pruner: { name: 'asha', minEpochs: 1, reductionFactor: 2 },
    budget: { trials: 6 },
  };
}

function trial(id: number, state: StudyTrial['state'], value: number | null, epochs: number, lr: number, smoothing: number): StudyTrial {
  const intermediate: Record<string, number> = {};
  for (let e = 1; e <= epochs; e++) intermediate[String(e)] = (value ?? 50) - (epochs - e);
  return { id, params: { [LR]: lr, [SMOOTHING]: smoothing }, state, value, intermediate, dir: `trials/${String(id).padStart(4, '0')}`, seconds: 10 + id };
}

function fixtureStudy(name: string): Study {
  return {
    format: STUDY_FORMAT,
    spec: sweepSpec(name),
    trials: [
      trial(0, 'complete', 97.5, 3, 0.01, 0.05),
      trial(1, 'pruned', null, 1, 0.002, 0.15),
      trial(2, 'complete', 98.25, 3, 0.05, 0.1),
      trial(3, 'complete', 96.0, 3, 0.004, 0.02),
      trial(4, 'running', null, 2, 0.03, 0.08),
    ],
    confirmation: {
      trialId: 2, params: { [LR]: 0.05, [SMOOTHING]: 0.1 }, dir: 'confirm', lastEpochs: 2,
      testLastMean: 98.6, testLastMin: 98.5, testFinal: 98.7, at: '2026-12-02T05:19:42.833Z',
    },
    createdAt: '2026-12-02T04:00:00.000Z',
    updatedAt: '2026-12-02T05:19:43.000Z',
  };
}

describe('sweeps API', () => {
  const logdir = tempDir('sweep-runs');
  const outside = tempDir('sweep-outside');
  let dashboard: Dashboard & { logs: string[] };
  const sweepDir = join(logdir, 'sweeps', 'mini');
  const sweepId = encodeRunId({ logdirIndex: 0, rel: 'sweeps/mini' });
  const brokenId = encodeRunId({ logdirIndex: 0, rel: 'sweeps/broken' });

  before(async () => {
    mkdirSync(sweepDir, { recursive: true });
    writeFileSync(join(sweepDir, 'study.json'), `${JSON.stringify(fixtureStudy('mini'), null, 1)}\n`);
    for (const id of [0, 1, 2]) writeRun(join(sweepDir, 'trials', `000${id}`), { spec: fixtureSpec({ seed: id }), history: fixtureHistory(3) });
    // Trial 3 as a k-fold trial lays its folds out: its link goes to fold 1. Trial 4 has no folder yet.
    writeRun(join(sweepDir, 'trials', '0003', 'fold-1'), { spec: fixtureSpec(), history: fixtureHistory(3) });
    writeRun(join(sweepDir, 'confirm'), { spec: fixtureSpec(), history: fixtureHistory(3) });
    mkdirSync(join(logdir, 'sweeps', 'broken'), { recursive: true });
    writeFileSync(join(logdir, 'sweeps', 'broken', 'study.json'), '{\n "format": "mnist-lab-sweep-study-v1",\n "spec": {');
    // A sweep outside the logdir, reached through a symlink: not listed.
    writeFileSync(join(outside, 'study.json'), JSON.stringify(fixtureStudy('outside')));
    symlinkSync(outside, join(logdir, 'linked-out'));
    dashboard = await startTestDashboard({ logdirs: [logdir] });
  });

  after(async () => {
    await dashboard.close();
  });

  it('lists every sweep folder under the logdir with its counts, best trial and confirmation', async () => {
    const r = await dashboard.app.inject({ url: '/api/sweeps' });
    assert.equal(r.statusCode, 200);
    const body = r.json<SweepsResponse>();
    assert.deepEqual(body.logdirs, [logdir]);
    assert.deepEqual(body.sweeps.map((s) => s.folder), ['sweeps/broken', 'sweeps/mini'], 'the symlink out of the logdir is not followed');
    const runs = (await dashboard.app.inject({ url: '/api/runs' })).json<RunsResponse>().runs;
    const runId = (name: string): string => runs.find((x) => x.name === name)!.id;
    const mini = body.sweeps[1]!;
    assert.deepEqual(mini, {
      id: sweepId,
      name: 'mini',
      logdir,
      folder: 'sweeps/mini',
      sampler: 'tpe',
      pruner: { name: 'asha', minEpochs: 1, reductionFactor: 2 },
      objective: { lastEpochs: 2, validation: { split: 5000, splitSeed: 1 } },
      budget: 6,
      trials: { running: 1, complete: 3, pruned: 1, failed: 0, total: 5 },
      best: { id: 2, value: 98.25, params: { [LR]: 0.05, [SMOOTHING]: 0.1 } },
      confirmation: {
        trialId: 2, params: { [LR]: 0.05, [SMOOTHING]: 0.1 }, lastEpochs: 2, testLastMean: 98.6, testLastMin: 98.5, testFinal: 98.7,
        at: '2026-12-02T05:19:42.833Z', runId: runId('sweeps/mini/confirm'),
      },
      updatedAt: '2026-12-02T05:19:43.000Z',
      problem: null,
    });
    assert.match(mini.id, /^[A-Za-z0-9_-]+$/);
  });

  it('shows one sweep: each trial linked to its run, the parameters and both charts', async () => {
    const r = await dashboard.app.inject({ url: `/api/sweeps/${sweepId}` });
    assert.equal(r.statusCode, 200);
    const body = r.json<SweepDetail>();
    assert.equal(body.summary.id, sweepId);
    assert.deepEqual(body.parameters, [LR, SMOOTHING]);
    const runs = (await dashboard.app.inject({ url: '/api/runs' })).json<RunsResponse>().runs;
    const runId = (name: string): string => runs.find((x) => x.name === name)!.id;
    assert.deepEqual(body.trials.map((t) => [t.id, t.state, t.value, t.epochs, t.seconds, t.runId]), [
      [0, 'complete', 97.5, 3, 10, runId('sweeps/mini/trials/0000')],
      [1, 'pruned', null, 1, 11, runId('sweeps/mini/trials/0001')],
      [2, 'complete', 98.25, 3, 12, runId('sweeps/mini/trials/0002')],
      [3, 'complete', 96, 3, 13, runId('sweeps/mini/trials/0003/fold-1')],
      [4, 'running', null, 2, 14, null],
    ]);
    assert.deepEqual(body.trials[2]!.params, { [LR]: 0.05, [SMOOTHING]: 0.1 });
    const pc = body.parallelCoordinates as { $schema: string; data: { values: { trial: number }[] } };
    assert.equal(pc.$schema, 'https://vega.github.io/schema/vega-lite/v5.json');
    // Complete and stopped trials are drawn, each on the two parameter axes and the objective's.
    assert.deepEqual([...new Set(pc.data.values.map((v) => v.trial))], [0, 1, 2, 3]);
    const importance = body.importance as { $schema: string; data: { values: { parameter: string }[] } };
    assert.equal(importance.$schema, 'https://vega.github.io/schema/vega-lite/v5.json');
    assert.equal(importance.data.values.length, 2);
  });

  it('shows a damaged study.json as a problem entry, and keeps serving', async () => {
    const list = (await dashboard.app.inject({ url: '/api/sweeps' })).json<SweepsResponse>();
    const broken = list.sweeps.find((s) => s.id === brokenId)!;
    assert.match(broken.problem ?? '', /^study\.json: not valid JSON/);
    assert.equal(broken.name, 'broken');
    assert.equal(broken.best, null);
    assert.deepEqual(broken.trials, { running: 0, complete: 0, pruned: 0, failed: 0, total: 0 });
    const detail = await dashboard.app.inject({ url: `/api/sweeps/${brokenId}` });
    assert.equal(detail.statusCode, 200);
    const body = detail.json<SweepDetail>();
    assert.equal(body.summary.problem, broken.problem);
    assert.deepEqual([body.trials, body.parallelCoordinates, body.importance], [[], {}, {}]);

    // A study with a valid JSON body but a wrong shape, too.
    writeFileSync(join(logdir, 'sweeps', 'broken', 'study.json'), JSON.stringify({ ...fixtureStudy('broken'), trials: [{ id: 'x' }] }));
    const again = (await dashboard.app.inject({ url: `/api/sweeps/${brokenId}` })).json<SweepDetail>();
    assert.match(again.summary.problem ?? '', /^study\.json: not a sweep study \(trials\[0\]\.id must be a number/);
    assert.equal((await dashboard.app.inject({ url: '/api/runs' })).statusCode, 200);
    assert.equal((await dashboard.app.inject({ url: `/api/sweeps/${sweepId}` })).statusCode, 200);
  });

  it('answers 404 with a JSON error for an unknown or garbage id', async () => {
    const runs = (await dashboard.app.inject({ url: '/api/runs' })).json<RunsResponse>().runs;
    const ids = [
      'garbage!', 'not-an-id', encodeRunId({ logdirIndex: 0, rel: 'sweeps/none' }), encodeRunId({ logdirIndex: 3, rel: 'sweeps/mini' }),
      encodeRunId({ logdirIndex: 0, rel: 'linked-out' }), runs[0]!.id,
    ];
    for (const id of ids) {
      const r = await dashboard.app.inject({ url: `/api/sweeps/${encodeURIComponent(id)}` });
      assert.equal(r.statusCode, 404, id);
      assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
      assert.deepEqual(r.json<ApiError>(), { error: 'no such sweep' });
    }
  });
});
