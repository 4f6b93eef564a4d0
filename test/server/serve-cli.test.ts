/**
 * `mnist-lab serve` as a user runs it: it binds 127.0.0.1 by default, prints the URL on one line,
 * says when the logdir does not exist yet, serves the API, and stops cleanly on Ctrl-C (SIGINT);
 * a bad flag, a logdir that is a file, a missing --results-dir or a port in use is one line and
 * exit code 2.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunsResponse } from '../../src/server/api-types.js';
import { fixtureHistory, fixtureSpec, repoRoot, tempDir, writeRun } from './helpers.js';
import { assertUserError, cliPath, runCli, type CliResult } from '../helpers/cli.js';

const cli = cliPath;

const run = (args: string[], cwd = repoRoot): CliResult => runCli(args, { cwd, timeoutMs: 30_000 });


describe('mnist-lab serve', () => {
  it('binds 127.0.0.1 by default, prints the URL, serves the runs and stops on Ctrl-C', async () => {
    const cwd = tempDir('serve-cwd');
    const child = spawn(process.execPath, [cli, 'serve', '--port', '0'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          const m = /^mnist-lab dashboard: (\S+) \(Ctrl-C to stop\)\n/.exec(stdout);
          if (m) resolve(m[1]!);
        });
        void exited.then(() => reject(new Error(`serve exited early: ${stderr}`)));
      });
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.match(stderr, /--logdir runs does not exist yet/);
      assert.doesNotMatch(stderr, /warning/);
      writeRun(join(cwd, 'runs', 'later'), { spec: fixtureSpec(), history: fixtureHistory(1) });
      // The folder tree is rescanned at most once a second.
      let body: RunsResponse;
      for (let tries = 0; ; tries++) {
        body = (await (await fetch(new URL('/api/runs', url))).json()) as RunsResponse;
        if (body.runs.length > 0 || tries === 50) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(body.logdirs, ['runs']);
      assert.deepEqual(body.runs.map((r) => r.name), ['later']);
      child.kill('SIGINT');
      assert.equal(await exited, 0, stderr);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses bad flags and missing folders with one line and exit code 2', async () => {
    const dir = tempDir('serve-bad');
    const file = join(dir, 'file.txt');
    writeFileSync(file, 'not a folder\n');
    assertUserError(run(['serve', '--port', '70000']), /--port must be a port number/);
    assertUserError(run(['serve', '--port', 'abc']), /--port/);
    assertUserError(run(['serve', '--logdir', file]), /--logdir .*not a directory/);
    assertUserError(run(['serve', '--logdir', dir, '--results-dir', join(dir, 'nope')]), /--results-dir .*no such directory/);
    assertUserError(run(['serve', '--bogus']), /unknown option '--bogus'/);

    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as { port: number }).port;
      const r = spawnSync(process.execPath, [cli, 'serve', '--logdir', dir, '--port', String(port)], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr.trim().split('\n').at(-1)!, new RegExp(`^mnist-lab: port ${port} is in use`));
    } finally {
      blocker.close();
    }
  });
});
