/**
 * `mnist-lab worker --queue redis://HOST:PORT`: serves the queue that `sweep --queue` (and
 * `experiments run --queue`) fill, on any machine that can reach the Redis. One process runs one
 * job at a time on 1 thread (the engine's backend and RNG are per process); `--concurrency N`
 * starts N such processes. Each job runs in the worker's own folder (--workdir), and its run folder
 * goes back to the coordinator through Redis (see src/sweep/queue-protocol.ts and queue-executor.ts).
 *
 * Ctrl-C (or SIGTERM) stops the current job at the next batch boundary, leaves its checkpoint in
 * Redis and puts the job back in the queue for another worker to resume, closes the worker and
 * exits 0; a second Ctrl-C quits at once (the job then comes back through BullMQ's stalled check).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import { WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { runSpec } from '../../run/run.js';
import {
  KEEP_SECONDS, QUEUE_NAME, QUEUE_PREFIX, QUEUE_SHOWN, STOP_CHANNEL, connectRedis, filesKey, folderProgress, interruptedRunOutcome, jobHash, newToken,
  packFolder, parseQueueUrl, progressKey, pruneKey, quietErrors, rewritePaths, stopKey, unpackFolder,
  type PruneRequest, type QueueJobData, type QueueJobResult, type RedisTarget, type RemoteRunOutcome,
} from '../../sweep/queue-protocol.js';
import { runTrial, type PrunerChannel, type TrialOutcome } from '../../sweep/trial.js';
import { MnistLabError } from '../../util/errors.js';
import { positiveInt } from '../options.js';

interface WorkerFlags {
  queue?: string;
  concurrency: number;
  workdir: string;
}

/** A whole number from the environment, for the stall settings that tests and operators tune. */
function envInt(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min) throw new MnistLabError(`${name} must be a whole number >= ${min}, got '${raw}'`);
  return n;
}

export interface StallSettings {
  /** How long a job's lock lasts without renewal (the worker renews it every half of this). */
  lockDuration: number;
  /** How often workers look for jobs whose lock expired. */
  stalledInterval: number;
  /** How often a job may come back from a lost worker before it fails. */
  maxStalledCount: number;
}

export function stallSettings(): StallSettings {
  return {
    lockDuration: envInt('MNIST_LAB_QUEUE_LOCK_MS', 30_000, 1000),
    stalledInterval: envInt('MNIST_LAB_QUEUE_STALLED_MS', 30_000, 500),
    maxStalledCount: envInt('MNIST_LAB_QUEUE_MAX_STALLED', 2, 1),
  };
}

export function addWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run trials (and experiment runs) from a Redis queue filled by `sweep --queue` or `experiments run --queue`, on this machine')
    .option('--queue <url>', 'redis://[USER:PASSWORD@]HOST:PORT, or rediss:// for TLS (default: $MNIST_LAB_QUEUE, which keeps a password off the command line)')
    .option('-c, --concurrency <n>', 'jobs at once, each in its own process on 1 thread', positiveInt('--concurrency'), 1)
    .option('--workdir <dir>', 'where jobs run before their folders go back to the coordinator', join('runs', 'worker'))
    .action(async (f: WorkerFlags) => {
      const url = f.queue ?? process.env.MNIST_LAB_QUEUE;
      if (!url) throw new MnistLabError('worker needs --queue redis://HOST:PORT (or MNIST_LAB_QUEUE in the environment)');
      const target = parseQueueUrl(url);
      const workdir = resolve(f.workdir);
      const stall = stallSettings();
      if (f.concurrency > 1) return runProcesses(target, workdir, f.concurrency);
      await serveQueue(target, workdir, stall);
    });
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);

/**
 * --concurrency N: N copies of this command with --concurrency 1, sharing the work dir (a job's
 * folder is named by its content, so two processes never share one). The URL goes through the
 * environment, not the command line, where `ps` would show a password.
 */
async function runProcesses(target: RedisTarget, workdir: string, n: number): Promise<void> {
  // One clear line, before any process starts, when Redis is not there.
  const probe = await connectRedis(target, () => {});
  probe.disconnect();
  const children: ChildProcess[] = [];
  const exits: Promise<number>[] = [];
  for (let i = 0; i < n; i++) {
    const child = fork(process.argv[1]!, ['worker', '--concurrency', '1', '--workdir', workdir], {
      env: { ...process.env, MNIST_LAB_QUEUE: target.url }, stdio: 'inherit',
    });
    children.push(child);
    exits.push(new Promise((resolveExit) => child.on('exit', (code, signal) => resolveExit(code ?? (signal ? 1 : 0)))));
  }
  // A terminal's Ctrl-C reaches the children too; a signal sent to this process alone is passed on.
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    for (const c of children) if (c.exitCode === null) c.kill(signals === 1 || sig === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const codes = await Promise.all(exits);
    const failed = codes.filter((c) => c !== 0);
    if (failed.length) throw new MnistLabError(`${failed.length} of ${n} worker processes exited with an error (codes ${failed.join(', ')})`, 1);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

type StopReason = 'coordinator' | 'shutdown';

interface ActiveJob {
  jobId: string;
  controller: AbortController;
  reason: StopReason | null;
}

/** One worker process: one job at a time until Ctrl-C or SIGTERM. */
async function serveQueue(target: RedisTarget, workdir: string, stall: StallSettings): Promise<void> {
  const name = `${hostname()}:${process.pid}`;
  let active: ActiveJob | null = null;
  let shuttingDown = false;
  let blocking: Redis | null = null;
  const stop = (a: ActiveJob, reason: StopReason): void => {
    a.reason ??= reason;
    a.controller.abort();
  };
  // Listening from the start, so a Ctrl-C while connecting is a clean stop too.
  let stopRequested!: () => void;
  const stopped = new Promise<void>((resolveStop) => (stopRequested = resolveStop));
  const onSignal = (sig: NodeJS.Signals): void => {
    if (shuttingDown) {
      // A second Ctrl-C: quit now; BullMQ's stalled check hands the job to another worker.
      if (sig === 'SIGINT') process.exit(130);
      return;
    }
    shuttingDown = true;
    say(`Stopping${active ? ' at the end of this batch; the job goes back to the queue' : ''} (Ctrl-C again to quit at once)...`);
    if (active) stop(active, 'shutdown');
    // The pruner's pending question would otherwise hold the trial until it times out.
    blocking?.disconnect();
    stopRequested();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await serveUntilStopped();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  async function serveUntilStopped(): Promise<void> {
    const client = await connectRedis(target, say);
    if (shuttingDown) {
      client.disconnect();
      return;
    }
    // BLPOP (waiting for the pruner's answers) and SUBSCRIBE each hold a connection of their own.
    const pruneAnswers = client.duplicate();
    blocking = pruneAnswers;
    const subscriber = client.duplicate();
    const workerClient = client.duplicate();
    pruneAnswers.on('error', () => {});
    subscriber.on('error', () => {});
    workerClient.on('error', () => {});
    const pruneTimeout = envInt('MNIST_LAB_PRUNE_TIMEOUT_S', 10, 1);

    subscriber.on('message', (_channel: string, jobId: string) => {
      if (active?.jobId === jobId) stop(active, 'coordinator');
    });
    await subscriber.subscribe(STOP_CHANNEL);

    const processor = async (job: Job<QueueJobData, QueueJobResult>, token?: string): Promise<QueueJobResult> => {
      const jobId = job.id!;
      const data = job.data;
      const a: ActiveJob = { jobId, controller: new AbortController(), reason: null };
      active = a;
      try {
        if (shuttingDown) a.reason = 'shutdown';
        else if ((await client.exists(stopKey(jobId))) === 1) a.reason = 'coordinator';
        const label = data.kind === 'trial' ? `${data.trial.sweep} trial ${data.trial.trialId}` : `run ${data.root}`;
        const local = localFolder(workdir, data);
        if (a.reason === 'shutdown') return await giveBack(job, token, label);
        if (a.reason === 'coordinator') {
          say(`${label}: stopped by its coordinator before it started`);
          return stoppedBeforeStart(data, name);
        }
        if (data.kind === 'trial') await adoptProgress(client, jobId, data.root, local);
        const start = performance.now();
        if (data.kind === 'trial') {
          const pruner: PrunerChannel = (trialId, epoch, value) => askPruner(job, pruneAnswers, { type: 'prune', requestId: newToken(), trialId, epoch, value }, pruneTimeout);
          const trial = { ...data.trial, specs: data.trial.specs.map((s) => ({ ...s, outDir: join(local, insideRoot(data.root, s.outDir!)) })) };
          const outcome = await runTrial(trial, pruner, a.controller.signal);
          if (outcome.state === 'interrupted' && a.reason === 'shutdown') {
            await client.set(progressKey(jobId), packFolder(local, data.root), 'EX', KEEP_SECONDS);
            return await giveBack(job, token, label);
          }
          const files = await sendFolder(client, jobId, local, data.root);
          if (outcome.state !== 'interrupted') {
            removeFolder(local);
            await client.del(progressKey(jobId));
          }
          say(`${label}: ${describeTrial(outcome)} (${((performance.now() - start) / 1000).toFixed(1)} s)`);
          return { kind: 'trial', outcome, files, worker: name };
        }
        // A plain run starts afresh every time: it is one job, and its coordinator wants all of it.
        rmSync(local, { recursive: true, force: true });
        const lines: string[] = [];
        const r = await runSpec({ ...data.spec, threads: 1, outDir: local }, {
          signal: a.controller.signal, collectTestPredictions: data.collectTestPredictions, replaceExisting: true,
          log: (line) => lines.push(rewritePaths(line, local, data.root, false)),
        });
        if (r.interrupted && a.reason === 'shutdown') return await giveBack(job, token, label);
        const outcome: RemoteRunOutcome = {
          interrupted: r.interrupted, history: r.history, parameters: r.parameters, summary: r.summary, summaryText: r.summaryText,
          threads: r.threads, environment: r.environment, log: lines,
          testPredictions: r.testPredictions ? Array.from(r.testPredictions).join('') : null,
        };
        const files = await sendFolder(client, jobId, local, data.root);
        removeFolder(local);
        say(`${label}: ${r.interrupted ? 'stopped by its coordinator' : `${r.history.length} epoch(s)`} (${((performance.now() - start) / 1000).toFixed(1)} s)`);
        return { kind: 'run', outcome, files, worker: name };
      } catch (err) {
        if (err instanceof WaitingError) throw err;
        const line = (err as Error).message.split('\n')[0]!;
        say(`${data.kind === 'trial' ? `${data.trial.sweep} trial ${data.trial.trialId}` : `run ${data.root}`}: failed: ${line}`);
        throw new Error(line);
      } finally {
        active = null;
      }
    };

    const worker = new Worker<QueueJobData, QueueJobResult>(QUEUE_NAME, processor, {
      connection: workerClient, prefix: QUEUE_PREFIX, concurrency: 1, name, autorun: false, ...stall,
    });
    quietErrors(worker, target.shown, say);
    const running = worker.run();
    await worker.waitUntilReady();
    say(`mnist-lab worker ${name}: waiting for jobs on ${target.shown} (queue ${QUEUE_SHOWN}), work dir ${workdir}`);

    await stopped;
    await worker.close();
    await running.catch(() => {});
    pruneAnswers.disconnect();
    await subscriber.quit().catch(() => subscriber.disconnect());
    workerClient.disconnect();
    await client.quit().catch(() => client.disconnect());
    say(`mnist-lab worker ${name}: stopped`);
  }
}

/**
 * A job's folder here: named by what it runs, so a rerun of the same job (on this machine) resumes
 * it. Names from the queue are made safe: a job may only ever write inside the work dir.
 */
function localFolder(workdir: string, data: QueueJobData): string {
  const hash = jobHash(data);
  const safe = (name: string): string => name.replace(/[^\w.-]/g, '_').replace(/^\.+/, '_').slice(0, 100) || '_';
  return data.kind === 'trial'
    ? join(workdir, safe(data.trial.sweep), `trial-${String(data.trial.trialId).padStart(4, '0')}-${hash}`)
    : join(workdir, 'runs', `${safe(basename(data.root))}-${hash}`);
}

/** A fold's folder relative to its trial's ('' for a trial on a split), refusing one outside it. */
function insideRoot(root: string, outDir: string): string {
  const rel = relative(root, outDir);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new MnistLabError(`the job's folder ${outDir} is not inside its trial's folder ${root}`);
  return rel;
}

/** A job's folder, once its coordinator has it (and its sweep's folder here, when that is left empty). */
function removeFolder(local: string): void {
  rmSync(local, { recursive: true, force: true });
  try {
    rmdirSync(dirname(local));
  } catch {
    // Other jobs' folders are still there.
  }
}

/** Takes the half-done folder another worker left in Redis, when it is further along than this machine's copy. */
async function adoptProgress(client: Redis, jobId: string, root: string, local: string): Promise<void> {
  const blob = await client.getBuffer(progressKey(jobId));
  if (!blob) return;
  const incoming = `${local}.incoming-${process.pid}`;
  rmSync(incoming, { recursive: true, force: true });
  unpackFolder(blob, root, incoming, local);
  if (folderProgress(incoming) > folderProgress(local)) {
    rmSync(local, { recursive: true, force: true });
    renameSync(incoming, local);
  } else {
    rmSync(incoming, { recursive: true, force: true });
  }
}

async function sendFolder(client: Redis, jobId: string, local: string, root: string): Promise<string | null> {
  if (!existsSync(local)) return null;
  const key = filesKey(jobId, newToken());
  await client.set(key, packFolder(local, root), 'EX', KEEP_SECONDS);
  return key;
}

/** Ctrl-C here: the job goes back to waiting, for another worker (its checkpoint is in Redis). */
async function giveBack(job: Job<QueueJobData, QueueJobResult>, token: string | undefined, label: string): Promise<never> {
  await job.moveToWait(token);
  say(`${label}: stopped here; back in the queue for another worker`);
  throw new WaitingError();
}

/** Asks the coordinator's pruner; no answer in time (or no coordinator) means continue. */
async function askPruner(job: Job, blocking: Redis, request: PruneRequest, timeoutSeconds: number): Promise<'continue' | 'prune'> {
  try {
    await job.updateProgress(request);
    const reply = await blocking.blpop(pruneKey(request.requestId), timeoutSeconds);
    return reply?.[1] === 'prune' ? 'prune' : 'continue';
  } catch {
    return 'continue';
  }
}

function stoppedBeforeStart(data: QueueJobData, worker: string): QueueJobResult {
  return data.kind === 'trial'
    ? { kind: 'trial', files: null, worker, outcome: { trialId: data.trial.trialId, state: 'interrupted', value: null, histories: [], intermediate: {}, seconds: 0 } }
    : { kind: 'run', files: null, worker, outcome: interruptedRunOutcome(data.spec.backend) };
}

function describeTrial(o: TrialOutcome): string {
  const epochs = o.histories.reduce((n, h) => n + h.length, 0);
  switch (o.state) {
    case 'complete':
      return `complete, objective ${o.value!.toFixed(3)}% (${epochs} epoch(s))`;
    case 'pruned':
      return `stopped by ASHA after ${o.histories[0]?.length ?? 0} epoch(s)`;
    case 'interrupted':
      return `stopped by its coordinator after ${epochs} epoch(s); its checkpoint went back with it`;
  }
}
