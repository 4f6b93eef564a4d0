/**
 * The dashboard reads nothing outside its logdirs and survives garbage: every traversal spelling
 * (.., %2e%2e%2f, %252e%252e%252f, absolute paths, ids that encode them) and symlinks leading out
 * of the logdir answer 404 without the outside file's content; garbage ids, unknown routes, other
 * methods and malformed HTTP get 4xx JSON, and the server keeps answering. It binds 127.0.0.1.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { RunDetail, RunsResponse } from '../../src/server/api-types.js';
import { encodeRunId, decodeRunId } from '../../src/server/run-id.js';
import { isLoopbackHost, exposureWarning } from '../../src/server/bind-host.js';
import { urlHasTraversal, isPlainRelativePath } from '../../src/server/path-safety.js';
import type { Dashboard } from '../../src/server/server.js';
import { fixtureHistory, fixtureSpec, startTestDashboard, tempDir, writeRun } from './helpers.js';

const SECRET = 'TOP-SECRET-OUTSIDE-THE-LOGDIR';

describe('dashboard security', () => {
  const base = tempDir('security');
  const logdir = join(base, 'runs');
  const outside = join(base, 'outside');
  let dashboard: Dashboard;
  let runId: string;

  before(async () => {
    writeRun(join(logdir, 'good'), { spec: fixtureSpec(), history: fixtureHistory(2) });
    // Outside the logdir: a secret file and a folder that looks like a run.
    writeRun(join(outside, 'stolen-run'), { spec: fixtureSpec(), history: fixtureHistory(1), summary: SECRET });
    writeFileSync(join(outside, 'secret.txt'), SECRET);
    symlinkSync(join(outside, 'stolen-run'), join(logdir, 'escape'));
    writeRun(join(logdir, 'linked-files'), { history: fixtureHistory(1) });
    symlinkSync(join(outside, 'secret.txt'), join(logdir, 'linked-files', 'summary.txt'));
    symlinkSync(join(outside, 'stolen-run', 'spec.json'), join(logdir, 'linked-files', 'spec.json'));
    mkdirSync(join(logdir, 'linked-files', 'sub'));
    dashboard = await startTestDashboard({ logdirs: [logdir] });
    const runs = (await dashboard.app.inject({ url: '/api/runs' })).json<RunsResponse>().runs;
    runId = runs.find((r) => r.name === 'good')!.id;
  });

  after(async () => {
    await dashboard.close();
  });

  const expectNotFound = async (url: string): Promise<void> => {
    const r = await dashboard.app.inject({ url });
    assert.equal(r.statusCode, 404, `${url} answered ${r.statusCode}: ${r.body.slice(0, 200)}`);
    assert.ok(!r.body.includes(SECRET), `${url} leaked the secret`);
    assert.equal(typeof r.json<{ error: string }>().error, 'string', url);
  };

  it('refuses every spelling of a parent directory with 404', async () => {
    const forms = ['..%2f..%2foutside%2fsecret.txt', '%2e%2e%2f%2e%2e%2foutside%2fsecret.txt', '%252e%252e%252f%252e%252e%252fsecret.txt', '%25252e%25252e%25252fsecret.txt', '..%5c..%5csecret.txt'];
    for (const f of forms) {
      await expectNotFound(`/api/runs/${f}`);
      await expectNotFound(`/api/runs/${runId}/download/${f}`);
      await expectNotFound(`/${f}`);
      await expectNotFound(`/api/runs/${f}/events`);
    }
    await expectNotFound('/api/runs/../../outside/secret.txt');
    await expectNotFound('/../../outside/secret.txt');
    await expectNotFound(`/api/runs/${runId}/download/../../../outside/secret.txt`);
    await expectNotFound(`/api/runs/${runId}/download/%2fetc%2fpasswd`);
    await expectNotFound('/%2fetc%2fpasswd');
  });

  it('refuses ids that encode an escape: .., absolute paths, another logdir', async () => {
    for (const rel of ['..', '../outside/stolen-run', 'good/../../outside/stolen-run', '/etc', join(outside, 'stolen-run'), './good', 'good/', 'good\\..\\..']) {
      const id = Buffer.from(`0:${rel}`).toString('base64url');
      await expectNotFound(`/api/runs/${id}`);
      await expectNotFound(`/api/runs/${id}/download/spec.json`);
    }
    await expectNotFound(`/api/runs/${encodeRunId({ logdirIndex: 1, rel: 'good' })}`);
  });

  it('does not follow a symlink out of the logdir, as a run or as a run\'s file', async () => {
    const runs = (await dashboard.app.inject({ url: '/api/runs' })).json<RunsResponse>().runs;
    assert.deepEqual(runs.map((r) => r.name).sort(), ['good', 'linked-files']);
    await expectNotFound(`/api/runs/${encodeRunId({ logdirIndex: 0, rel: 'escape' })}`);
    await expectNotFound(`/api/runs/${encodeRunId({ logdirIndex: 0, rel: 'escape' })}/download/spec.json`);
    const linked = runs.find((r) => r.name === 'linked-files')!;
    assert.match(linked.problem ?? '', /spec\.json: leads outside the logdir/);
    const detail = await dashboard.app.inject({ url: `/api/runs/${linked.id}` });
    assert.equal(detail.statusCode, 200);
    assert.ok(!detail.body.includes(SECRET));
    assert.equal(detail.json<RunDetail>().summaryText, null);
    assert.deepEqual(detail.json<RunDetail>().downloads, []);
    await expectNotFound(`/api/runs/${linked.id}/download/spec.json`);
  });

  it('answers garbage ids and unknown routes with 4xx JSON, and keeps answering', async () => {
    const garbage = ['x', '!!!', '%00', 'A'.repeat(5000), Buffer.from([0xff, 0xfe, 0x00, 0x3a]).toString('base64url'), 'MDpnb29k=', '%F0%9F%92%A9', 'null', '__proto__', 'constructor'];
    for (const g of garbage) {
      for (const suffix of ['', '/analysis', '/misclassified.png', '/events', '/download/spec.json']) {
        const r = await dashboard.app.inject({ url: `/api/runs/${g}${suffix}` });
        assert.ok(r.statusCode >= 400 && r.statusCode < 500, `${g}${suffix}: ${r.statusCode}`);
        assert.equal(typeof r.json<{ error: string }>().error, 'string');
      }
    }
    for (const [method, url] of [['GET', '/api'], ['GET', '/api/nope'], ['GET', '/api/runs/x/y/z'], ['POST', '/api/runs'], ['DELETE', `/api/runs/${runId}`], ['GET', '/api/runs/%E0%A4%A'], ['GET', '/api/runs/%%%']] as const) {
      const r = await dashboard.app.inject({ method, url, payload: method === 'GET' ? undefined : '{"a":' });
      assert.ok(r.statusCode >= 400 && r.statusCode < 500, `${method} ${url}: ${r.statusCode}`);
      assert.equal(typeof r.json<{ error: string }>().error, 'string', `${method} ${url}`);
      assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp', `${method} ${url}`);
      assert.equal(r.headers['cache-control'], 'no-store', `${method} ${url}`);
    }
    assert.equal((await dashboard.app.inject({ url: '/api/runs' })).statusCode, 200);
  });

  it('survives malformed HTTP on a real socket', async () => {
    const { port } = new URL(await dashboard.app.listeningOrigin);
    for (const raw of ['GARBAGE\r\n\r\n', 'GET /api/runs HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n', 'GET /%%%% HTTP/1.1\r\n\r\n', '\x00\x01\x02\x03\r\n\r\n']) {
      const reply = await new Promise<string>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(raw));
        let data = '';
        socket.on('data', (d) => (data += d.toString()));
        socket.on('close', () => resolve(data));
        socket.on('error', () => resolve(data));
      });
      assert.match(reply, /^HTTP\/1\.1 4\d\d/, JSON.stringify(raw));
    }
    const r = await fetch(`${await dashboard.app.listeningOrigin}/api/runs`);
    assert.equal(r.status, 200);
  });

  it('binds the loopback interface by default and warns about any other', () => {
    assert.equal(new URL(dashboard.url).hostname, '127.0.0.1');
    for (const h of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3']) assert.ok(isLoopbackHost(h), h);
    for (const h of ['0.0.0.0', '::', '192.168.1.5', 'example.com']) {
      assert.ok(!isLoopbackHost(h), h);
      assert.match(exposureWarning(h, 8808)!, /exposes your runs .* ssh -L 8808:127\.0\.0\.1:8808/);
    }
    assert.equal(exposureWarning('127.0.0.1', 8808), null);
  });
});

describe('run ids and paths', () => {
  it('round-trips ids and refuses anything else', () => {
    for (const rel of ['.', 'a', 'experiments/12-sepnet-8k/seed-1', 'ünïcode dir/x y']) {
      const id = encodeRunId({ logdirIndex: 2, rel });
      assert.match(id, /^[A-Za-z0-9_-]+$/);
      assert.deepEqual(decodeRunId(id, 3), { logdirIndex: 2, rel });
      assert.equal(decodeRunId(id, 2), null, 'no such logdir');
    }
    assert.equal(decodeRunId(`${encodeRunId({ logdirIndex: 0, rel: 'a' })}=`, 1), null);
    for (const rel of ['..', '../a', 'a/..', '/abs', 'a//b', 'a/./b', 'a\\b', '', 'a\u0000b']) assert.equal(isPlainRelativePath(rel), false, JSON.stringify(rel));
  });

  it('sees through every encoding of ..', () => {
    for (const u of ['/..', '/a/../b', '/%2e%2e/x', '/%2E%2E%2Fx', '/%252e%252e%252fx', '/%25252e%25252e%25252fx', '/a%5c..%5cb', '/x%00y']) assert.ok(urlHasTraversal(u), u);
    for (const u of ['/api/runs', '/a..b/c', '/..a', '/api/runs/MDpnb29k/download/spec.json', '/x?y=..']) assert.ok(!urlHasTraversal(u), u);
  });
});
