/**
 * The Draw page's API (src/server/routes-models.ts): GET /api/models lists the shipped champion
 * first, then every run that has a best.safetensors (a run without one, or without a model name, is
 * left out); the shipped weights are served byte for byte; bad names are one JSON error, never a
 * crash; a damaged shipped folder is left out of the list and said once in the server's log.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fastify } from 'fastify';
import { CHAMPION, listPretrained, pretrainedRoot } from '../../src/models/pretrained.js';
import type { DrawableModelsResponse } from '../../src/server/models-api-types.js';
import { registerModelRoutes } from '../../src/server/routes-models.js';
import { RunsTable } from '../../src/server/runs-table.js';
import type { Dashboard } from '../../src/server/server.js';
import { fixtureHistory, fixtureSpec, fixtureStatus, startTestDashboard, tempDir, writeRun } from './helpers.js';

const CHAMPION_DIR = join(pretrainedRoot(), CHAMPION);

describe('drawable models API', () => {
  const logdir = tempDir('models-api');
  let dashboard: Dashboard;

  before(async () => {
    writeRun(join(logdir, 'with-weights'), { spec: fixtureSpec({ seed: 2 }), history: fixtureHistory(3), status: fixtureStatus('finished', { epochsDone: 3 }), config: { parameters: 7810 } });
    copyFileSync(join(CHAMPION_DIR, 'last.safetensors'), join(logdir, 'with-weights', 'best.safetensors'));
    writeRun(join(logdir, 'no-weights'), { spec: fixtureSpec({ seed: 3 }), history: fixtureHistory(1) });
    dashboard = await startTestDashboard({ logdirs: [logdir] });
  });

  after(async () => {
    await dashboard?.close();
  });

  it('lists the shipped champion first, then each run with a best checkpoint', async () => {
    const r = await dashboard.app.inject({ url: '/api/models' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp');
    const body = r.json<DrawableModelsResponse>();
    assert.equal(body.defaultKey, `pretrained:${CHAMPION}`);
    assert.deepEqual(body.models.map((m) => [m.source, m.name]), [['pretrained', CHAMPION], ['run', 'with-weights']]);
    const [shipped, run] = body.models as [DrawableModelsResponse['models'][0], DrawableModelsResponse['models'][0]];
    assert.deepEqual(shipped.model, { name: 'sepnet-8k', config: {} });
    assert.equal(shipped.parameters, 7810);
    assert.ok(shipped.testAccuracy !== null && shipped.testAccuracy > 99, `champion accuracy ${shipped.testAccuracy}`);
    assert.equal(run.testAccuracy, 98.3);
    assert.equal(run.weightsUrl, `/api/runs/${run.runId}/download/best.safetensors`);

    const weights = await dashboard.app.inject({ url: run.weightsUrl });
    assert.equal(weights.statusCode, 200);
    assert.deepEqual(weights.rawPayload, readFileSync(join(logdir, 'with-weights', 'best.safetensors')));
  });

  it('serves the shipped weights byte for byte', async () => {
    const r = await dashboard.app.inject({ url: `/api/models/pretrained/${CHAMPION}/weights` });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['content-type'], 'application/octet-stream');
    assert.deepEqual(r.rawPayload, readFileSync(join(CHAMPION_DIR, 'last.safetensors')));
  });

  it('answers a bad name with one JSON error', async () => {
    for (const url of ['/api/models/pretrained/nope/weights', '/api/models/pretrained/..%2Fpackage.json/weights', '/api/models/pretrained/%2e%2e/weights', '/api/models/pretrained/a%00b/weights', `/api/models/pretrained/${'x'.repeat(300)}/weights`]) {
      const r = await dashboard.app.inject({ url });
      assert.equal(r.statusCode, 404, url);
      assert.equal(typeof r.json<{ error: string }>().error, 'string', url);
    }
  });
});

describe('shipped models folder', () => {
  it('leaves out a damaged folder and says so once', async () => {
    const root = tempDir('pretrained');
    mkdirSync(join(root, CHAMPION));
    copyFileSync(join(CHAMPION_DIR, 'last.safetensors'), join(root, CHAMPION, 'last.safetensors'));
    copyFileSync(join(CHAMPION_DIR, 'last.json'), join(root, CHAMPION, 'last.json'));
    mkdirSync(join(root, 'broken'));
    writeFileSync(join(root, 'broken', 'last.safetensors'), 'not weights');
    writeFileSync(join(root, 'broken', 'last.json'), '{"format": ');
    const listed = listPretrained(root);
    assert.deepEqual(listed.checkpoints.map((c) => c.name), [CHAMPION]);
    assert.equal(listed.problems.length, 1);
    assert.match(listed.problems[0]!, /broken.*not valid JSON/);

    const logs: string[] = [];
    const app = fastify();
    registerModelRoutes(app, { table: new RunsTable([]), pretrainedDir: root, log: (line) => logs.push(line) });
    for (let i = 0; i < 2; i++) {
      const r = await app.inject({ url: '/api/models' });
      assert.equal(r.statusCode, 200);
      assert.deepEqual(r.json<DrawableModelsResponse>().models.map((m) => m.key), [`pretrained:${CHAMPION}`]);
    }
    assert.equal(logs.length, 1);
    const missing = await app.inject({ url: '/api/models/pretrained/broken/weights' });
    assert.equal(missing.statusCode, 404);
    await app.close();
  });
});
