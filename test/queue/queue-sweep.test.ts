/**
 * Sweeps through a real Redis (Debian's redis-server, started here) with `mnist-lab worker`
 * processes, as a user runs them: the same trials give the same bits as the local pool even when a
 * worker is SIGKILLed mid-trial (BullMQ's stalled check hands its trial to the other worker, and it
 * is recorded once); ASHA stops a trial through the queue; a worker stopped with Ctrl-C mid-trial
 * exits 0 and another worker resumes its trial from the checkpoint it left; Ctrl-C on the sweep stops
 * its trials on the workers and `sweep --resume` finishes them; a dead Redis is one line and exit
 * code 2, with no password in it.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { repoRoot } from '../helpers/fixtures.js';
import { freePort, redisSkip, startRedis, type RedisServer } from '../helpers/redis.js';
import { bundledMnistDir } from '../../src/data/mnist.js';
import { defaultRunSpec } from '../../src/cli/train-flags.js';
import type { Study } from '../../src/sweep/study.js';
import type { SweepSpec } from '../../src/sweep/sweep-spec.js';
import type { EpochMetrics } from '../../src/train/metrics.js';
import type { RunStatus } from '../../src/run/run-status.js';

const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
// Small enough for a test: a lost worker's job is back in the queue within a few seconds.
const STALL_ENV = { MNIST_LAB_QUEUE_LOCK_MS: '3000', MNIST_LAB_QUEUE_STALLED_MS: '1000' };

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];

function start(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [cli, ...args], { cwd: repoRoot, env: { ...process.env, ...STALL_ENV, ...env } });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => void (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => out, exited };
}

async function waitFor(ready: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function startWorker(url: string, workdir: string): Promise<Proc> {
  const w = start(['worker', '--queue', url, '--workdir', workdir]);
  await waitFor(() => /waiting for jobs/.test(w.output()) || w.child.exitCode !== null, 'a worker to start');
  assert.match(w.output(), /waiting for jobs on redis:\/\/127\.0\.0\.1:\d+ \(queue mnist-lab:trials\)/);
  return w;
}

async function stopWorker(w: Proc): Promise<void> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return;
  w.child.kill('SIGINT');
  const { code } = await w.exited;
  assert.equal(code, 0, w.output());
}

/** A trial of the worker's that is under way: trained at least one epoch, not finished. */
function runningTrial(workdir: string): boolean {
  if (!existsSync(workdir)) return false;
  for (const sweep of readdirSync(workdir)) {
    for (const trial of existsSync(join(workdir, sweep)) ? readdirSync(join(workdir, sweep)) : []) {
      try {
        const s = JSON.parse(readFileSync(join(workdir, sweep, trial, 'status.json'), 'utf8')) as RunStatus;
        if (s.state === 'running' && s.epochsDone >= 1 && s.epochsDone < s.epochs) return true;
      } catch {
        // Not there yet, or being replaced.
      }
    }
  }
  return false;
}

const study = (dir: string): Study => JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8')) as Study;
const history = (dir: string): Omit<EpochMetrics, 'epochSeconds' | 'trainSeconds' | 'evalSeconds'>[] =>
  (JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')) as EpochMetrics[]).map(({ epochSeconds: _e, trainSeconds: _t, evalSeconds: _v, ...rest }) => rest);

let dir = '';
let redis: RedisServer | null = null;
const specs: Record<string, string> = {};
let localOut = '';

function writeSpec(name: string, change: (s: SweepSpec) => SweepSpec): string {
  const data = join(dir, 'data');
  const base = defaultRunSpec();
  const spec: SweepSpec = change({
    format: 'mnist-lab-sweep-v1', name,
    base: { ...base, model: { name: 'gapnet-5k', config: {} }, recipe: { ...base.recipe, epochs: 3 }, data: { ...base.data, dir: data, limitTrain: 1000 } },
    space: { 'recipe.scheduler.maxLr': { type: 'loguniform', low: 0.02, high: 0.3 }, 'recipe.ema.decay': { type: 'choice', values: [0.9, 0.99] } },
    objective: { lastEpochs: 1, validation: { split: 500, splitSeed: 1 } },
    sampler: { name: 'random', seed: 3 },
    pruner: null,
    budget: { trials: 4 },
  });
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

// Skipped test by test (not the whole suite), so the runner can count what was skipped.
const skip = redisSkip();

describe('sweeps through a Redis queue', () => {
  before(async () => {
    if (skip) return;
    dir = mkdtempSync(join(tmpdir(), 'mnist-lab-queue-'));
    // The training files as they are; test files that are garbage: a worker that read them would fail.
    const data = join(dir, 'data');
    mkdirSync(data);
    for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte']) symlinkSync(join(bundledMnistDir(), f), join(data, f));
    for (const f of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) writeFileSync(join(data, f), 'not an IDX file');
    specs.four = writeSpec('tiny', (s) => s);
    specs.one = writeSpec('tiny-one', (s) => ({ ...s, budget: { trials: 1 } }));
    specs.two = writeSpec('tiny-two', (s) => ({ ...s, budget: { trials: 2 } }));
    specs.asha = writeSpec('tiny-asha', (s) => ({
      // No weight average: after one short epoch it would still be the random initial weights.
      ...s, base: { ...s.base, recipe: { ...s.base.recipe, epochs: 2, ema: undefined } },
      space: { 'recipe.scheduler.maxLr': { type: 'choice', values: [0.2, 0.00005] } }, sampler: { name: 'grid' },
      pruner: { name: 'asha', minEpochs: 1, reductionFactor: 2 }, budget: { trials: 2 },
    }));
    redis = await startRedis();
    // The reference: the same sweep on the local pool.
    localOut = join(dir, 'local');
    const local = start(['sweep', specs.four!, '--out', localOut, '--workers', '2', '--report', join(dir, 'report-local')]);
    assert.equal((await local.exited).code, 0, local.output());
  });
  after(async () => {
    // A test that failed half-way may leave a worker or a sweep behind.
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs every trial once, to the same bits as the local pool, though a worker is killed mid-trial', { skip }, async () => {
    const url = redis!.url;
    const [a, b] = [await startWorker(url, join(dir, 'wa')), await startWorker(url, join(dir, 'wb'))];
    const out = join(dir, 'queued');
    const sweep = start(['sweep', specs.four!, '--queue', url, '--out', out, '--report', join(dir, 'report-queued')]);
    await waitFor(() => runningTrial(join(dir, 'wa')) || sweep.child.exitCode !== null, 'worker A to be mid-trial');
    a.child.kill('SIGKILL');
    const r = await sweep.exited;
    assert.equal(r.code, 0, sweep.output());
    await stopWorker(b);
    const log = sweep.output();
    assert.match(log, /2 worker\(s\) listening/);
    assert.match(log, /trial \d: its worker stopped answering; back in the queue for another worker/);
    const s = study(out);
    assert.deepEqual(s.trials.map((t) => [t.id, t.state]), [[0, 'complete'], [1, 'complete'], [2, 'complete'], [3, 'complete']]);
    const reference = study(localOut);
    for (const t of s.trials) {
      assert.equal(log.match(new RegExp(`^trial ${t.id}: objective`, 'gm'))?.length, 1, `trial ${t.id} recorded once`);
      assert.deepEqual(t.params, reference.trials[t.id]!.params);
      assert.equal(t.value, reference.trials[t.id]!.value);
      assert.deepEqual(history(join(out, t.dir)), history(join(localOut, t.dir)), `trial ${t.id}'s history`);
      // The worker's checkpoint came back, to the bit, and its spec names the sweep's folder.
      assert.deepEqual(readFileSync(join(out, t.dir, 'best.safetensors')), readFileSync(join(localOut, t.dir, 'best.safetensors')));
      assert.equal((JSON.parse(readFileSync(join(out, t.dir, 'spec.json'), 'utf8')) as { outDir: string }).outDir, join(out, t.dir));
    }
    // Nothing left behind in Redis: jobs, folders, decisions.
    const client = new Redis(url);
    try {
      assert.deepEqual(await client.keys('mnist-lab:q:*'), []);
      assert.deepEqual((await client.keys('mnist-lab:trials:tiny-*')), []);
    } finally {
      client.disconnect();
    }
  });

  it('lets ASHA stop a trial through the queue', { skip }, async () => {
    const w = await startWorker(redis!.url, join(dir, 'wc'));
    const out = join(dir, 'asha');
    const sweep = start(['sweep', specs.asha!, '--queue', redis!.url, '--out', out, '--report', join(dir, 'report-asha')]);
    const r = await sweep.exited;
    await stopWorker(w);
    assert.equal(r.code, 0, sweep.output());
    // Grid order, one worker: trial 0 (peak lr 0.2) sets the bar at epoch 1; trial 1 (5e-5) is below it.
    assert.deepEqual(study(out).trials.map((t) => [t.id, t.state]), [[0, 'complete'], [1, 'pruned']]);
    assert.match(sweep.output(), /trial 1: stopped by ASHA after epoch 1/);
    assert.match(w.output(), /tiny-asha trial 1: stopped by ASHA after 1 epoch\(s\)/);
  });

  it('a worker stopped with Ctrl-C mid-trial exits 0, and another resumes its trial from the checkpoint', { skip }, async () => {
    const url = redis!.url;
    const first = await startWorker(url, join(dir, 'wd'));
    const out = join(dir, 'one');
    const sweep = start(['sweep', specs.one!, '--queue', url, '--out', out, '--report', join(dir, 'report-one')]);
    await waitFor(() => runningTrial(join(dir, 'wd')) || sweep.child.exitCode !== null, 'the worker to be mid-trial');
    first.child.kill('SIGINT');
    assert.equal((await first.exited).code, 0, first.output());
    assert.match(first.output(), /tiny-one trial 0: stopped here; back in the queue for another worker/);
    const second = await startWorker(url, join(dir, 'we'));
    const r = await sweep.exited;
    await stopWorker(second);
    assert.equal(r.code, 0, sweep.output());
    assert.match(second.output(), /tiny-one trial 0: complete/);
    // Resumed from the first worker's checkpoint, not started over, and the same bits as the local pool's trial 0.
    const trainLog = readFileSync(join(out, 'trials', '0000', 'train.log'), 'utf8');
    assert.match(trainLog, /Interrupted during epoch \d at batch \d+\/\d+; the last checkpoint \(epoch \d\) resumes the run/);
    assert.equal(trainLog.match(/EPOCH: 1\/3/g)?.length, 1, trainLog);
    assert.deepEqual(history(join(out, 'trials', '0000')), history(join(localOut, 'trials', '0000')));
  });

  it('Ctrl-C on the sweep stops its trials on the workers, and --resume finishes them to the same bits', { skip }, async () => {
    const url = redis!.url;
    const w = await startWorker(url, join(dir, 'wf'));
    const out = join(dir, 'two');
    // One worker, two trials queued: trial 0 is running when the sweep is stopped, trial 1 still waiting.
    const sweep = start(['sweep', specs.two!, '--queue', url, '--out', out, '--report', join(dir, 'report-two')]);
    await waitFor(() => runningTrial(join(dir, 'wf')) || sweep.child.exitCode !== null, 'the worker to be mid-trial');
    sweep.child.kill('SIGINT');
    assert.equal((await sweep.exited).code, 0, sweep.output());
    assert.match(sweep.output(), /Stopped\. Resume with: mnist-lab sweep --resume/);
    assert.match(w.output(), /tiny-two trial \d: stopped by its coordinator after \d epoch\(s\)/);
    assert.ok(study(out).trials.some((t) => t.state === 'running'), 'a trial left to resume');
    const resumed = start(['sweep', '--resume', out, '--queue', url, '--report', join(dir, 'report-two')]);
    assert.equal((await resumed.exited).code, 0, resumed.output());
    await stopWorker(w);
    assert.deepEqual(study(out).trials.map((t) => t.state), ['complete', 'complete']);
    for (const t of study(out).trials) assert.deepEqual(history(join(out, t.dir)), history(join(localOut, t.dir)), `trial ${t.id}'s history`);
    assert.equal(readFileSync(join(out, 'trials', '0000', 'train.log'), 'utf8').match(/EPOCH: 1\/3/g)?.length, 1, 'trial 0 resumed, not started over');
  });

  it('says in one line that Redis is not there, without its password, and exits 2', { skip }, async () => {
    const url = `redis://someone:hunter2@127.0.0.1:${await freePort()}`;
    const runs = [['sweep', specs.four!, '--queue', url, '--out', join(dir, 'nowhere')], ['worker', '--queue', url]].map((args) => start(args));
    for (const p of runs) {
      const { code } = await p.exited;
      assert.equal(code, 2, p.output());
      assert.match(p.output(), /^mnist-lab: cannot reach Redis at redis:\/\/someone:\*\*\*@127\.0\.0\.1:\d+: ECONNREFUSED; start redis-server or check --queue\n$/);
    }
  });
});
