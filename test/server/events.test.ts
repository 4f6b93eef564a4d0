/**
 * The live updates over a real socket: each stream sends the current state at connect, then an
 * event when history.json or status.json changes (found by the shared poller); 50 clients on one
 * run all get it; closed clients are forgotten and the poller stops with the last one; the number of
 * streams is capped.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { RunRow, RunsResponse } from '../../src/server/api-types.js';
import type { EpochMetrics } from '../../src/train/metrics.js';
import { writeFileAtomicSync } from '../../src/util/atomic-write.js';
import type { Dashboard } from '../../src/server/server.js';
import { fixtureHistory, fixtureSpec, fixtureStatus, SseClient, startTestDashboard, tempDir, writeRun } from './helpers.js';

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('event streams', () => {
  const logdir = tempDir('events');
  const runDir = join(logdir, 'training');
  let dashboard: Dashboard;
  let runId: string;
  const clients: SseClient[] = [];
  const open = async (path: string): Promise<SseClient> => {
    const c = new SseClient(new URL(path, dashboard.url).href);
    clients.push(c);
    await c.opened;
    return c;
  };

  before(async () => {
    writeRun(runDir, { spec: fixtureSpec({ epochs: 3 }), history: fixtureHistory(1), status: fixtureStatus('running', { epochsDone: 1 }) });
    dashboard = await startTestDashboard({ logdirs: [logdir], pollIntervalMs: 100, maxEventStreams: 60 });
    runId = (await dashboard.app.inject({ url: '/api/runs' })).json<RunsResponse>().runs[0]!.id;
  });

  after(async () => {
    for (const c of clients) c.close();
    await dashboard.close();
  });

  it('sends the current state at connect', async () => {
    const run = await open(`/api/runs/${runId}/events`);
    assert.equal(run.status, 200);
    assert.match(String(run.headers['content-type']), /^text\/event-stream/);
    assert.equal(run.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(run.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.equal(run.headers['cache-control'], 'no-store');
    const history = await run.next((e) => e.event === 'history');
    assert.equal((history.data as EpochMetrics[]).length, 1);
    const status = await run.next((e) => e.event === 'status');
    assert.equal((status.data as RunRow).status, 'running');
    const all = await open('/api/events');
    const runs = await all.next((e) => e.event === 'runs');
    assert.deepEqual((runs.data as RunRow[]).map((r) => r.name), ['training']);
    run.close();
    all.close();
  });

  it('sends history and status to every client when the run writes its files', async () => {
    const many = await Promise.all(Array.from({ length: 50 }, () => open(`/api/runs/${runId}/events`)));
    const all = await open('/api/events');
    await Promise.all(many.map((c) => c.next((e) => e.event === 'status')));
    await all.next((e) => e.event === 'runs');
    const marks = many.map((c) => c.events.length);
    const allMark = all.events.length;

    writeFileAtomicSync(join(runDir, 'history.json'), JSON.stringify(fixtureHistory(2)));
    const updates = await Promise.all(many.map((c, i) => c.next((e) => e.event === 'history' && (e.data as EpochMetrics[]).length === 2, marks[i])));
    assert.equal(updates.length, 50);
    const rows = await all.next((e) => e.event === 'runs' && (e.data as RunRow[])[0]!.epochsDone === 2, allMark);
    assert.equal((rows.data as RunRow[])[0]!.bestTestAccuracy, 98.2);

    // In place, not renamed, as a hand edit would be.
    writeRun(runDir, { status: fixtureStatus('finished', { epochsDone: 3 }), history: fixtureHistory(3) });
    const finished = await many[0]!.next((e) => e.event === 'status' && (e.data as RunRow).status === 'finished');
    assert.equal((finished.data as RunRow).epochsDone, 3);
    for (const c of many) c.close();
    all.close();
  });

  it('tells the runs stream about a run that appears', async () => {
    const all = await open('/api/events');
    await all.next((e) => e.event === 'runs');
    writeRun(join(logdir, 'second'), { spec: fixtureSpec(), history: fixtureHistory(1) });
    await all.next((e) => e.event === 'runs' && (e.data as RunRow[]).some((r) => r.name === 'second'));
    all.close();
  });

  it('forgets closed clients, stops polling without clients, and caps the streams', async () => {
    await until(() => dashboard.stats().eventStreams === 0, 'every stream to close');
    assert.equal(dashboard.stats().polling, false);
    const many = await Promise.all(Array.from({ length: 60 }, () => open('/api/events')));
    assert.equal(dashboard.stats().eventStreams, 60);
    assert.equal(dashboard.stats().polling, true);
    const refused = await fetch(new URL('/api/events', dashboard.url));
    assert.equal(refused.status, 503);
    assert.match(((await refused.json()) as { error: string }).error, /too many open event streams/);
    for (const c of many) c.close();
    await until(() => dashboard.stats().eventStreams === 0, 'every stream to close');
    assert.equal(dashboard.stats().polling, false);
  });

  it('answers 404 for the events of an unknown run', async () => {
    const r = await fetch(new URL(`/api/runs/${Buffer.from('0:nothing').toString('base64url')}/events`, dashboard.url));
    assert.equal(r.status, 404);
  });
});
