/**
 * The distributed executor: each trial becomes a job on a BullMQ queue in Redis, and `mnist-lab worker`
 * processes on any machine run them (queue-protocol.ts has the queue, keys and job formats).
 *
 * - A trial runs in the worker's own folder (its --workdir) on 1 thread, so its bits are the same
 *   as in the local pool; the job's result is its outcome (histories, intermediate values), and the
 *   worker's run folder (spec, logs, history, best and last checkpoints) comes back gzipped under a
 *   key of its own, which this side writes into the trial's folder in the sweep folder: the sweep
 *   folder looks as if the trials had run here.
 * - Pruning: at each epoch of the first fold the worker publishes its objective so far as the job's
 *   progress ({type: 'prune', requestId, ...}); the QueueEvents here hears it, asks the sweep's judge
 *   (ASHA), and pushes 'continue' or 'prune' onto the list `prune:<requestId>`, which the worker
 *   BLPOPs. Training never waits for the answer (as in the local pool, the stop comes at the next
 *   batch boundary), and a worker that hears nothing within MNIST_LAB_PRUNE_TIMEOUT_S (default 10 s)
 *   continues.
 * - A worker that dies (SIGKILL, a lost machine) stops renewing its job's lock; BullMQ's stalled
 *   check, run by the other workers every stalledInterval, puts the job back in the queue (up to
 *   maxStalledCount times, then it fails), and another worker runs it, resuming from its
 *   checkpoint when it has the folder. The job id is fixed by the trial, so it is one job however
 *   often it runs, and this side records the one outcome that completes it.
 * - Ctrl-C on the coordinator (interrupt): waiting jobs are taken off the queue; running ones are
 *   told to stop (key `stop:<job>` and a message on the stop channel), and come back as
 *   'interrupted' with their folders, so `sweep --resume` continues them from their checkpoints.
 * - slots: how many trials are kept queued at once: `slots` when given (the sweep's --workers),
 *   else twice the number of workers listening when the sweep starts (at least 2), counted again
 *   every 5 s. More than the workers, so a worker never waits for the coordinator; not many more,
 *   so TPE proposes each trial knowing most of the results before it.
 */
import { resolve } from 'node:path';
import { QueueEvents, Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';

import type { RunOutcome } from '../run/run.js';
import type { RunSpec } from '../train/run-spec.js';
import { MnistLabError } from '../util/errors.js';
import type { PruneDecision } from './asha.js';
import type { TrialExecutor } from './executor.js';
import {
  KEEP_SECONDS, QUEUE_NAME, QUEUE_PREFIX, QUEUE_SHOWN, STOP_CHANNEL, commonRoot, connectRedis, folderProgress,
  interruptedRunOutcome, isPruneRequest, jobIdFor, packFolder, parseQueueUrl, progressKey, pruneKey, quietErrors, stopKey, unpackFolder,
  type QueueJobData, type QueueJobResult, type RedisTarget, type RemoteRunOutcome,
} from './queue-protocol.js';
import type { TrialJob, TrialOutcome } from './trial.js';

type Judge = (trialId: number, epoch: number, value: number) => PruneDecision;

export interface QueueExecutorOptions {
  /** Trials kept queued at once (the sweep's --workers); default: twice the workers listening. */
  slots?: number;
}

/** What a run job gives back: the parts of runSpec's outcome that the experiments runner reads. */
export type QueuedRunOutcome = Pick<RunOutcome, 'spec' | 'interrupted' | 'history' | 'parameters' | 'summary' | 'summaryText' | 'threads' | 'testPredictions' | 'environment'>;

interface Pending {
  label: string;
  judge: Judge | null;
  /** Settles the job's wait when the job was taken off the queue before any worker started it. */
  removed: () => void;
  stopSent: boolean;
}

const WORKER_POLL_MS = 5000;
const STOP_POLL_MS = 1000;

export class QueueExecutor implements TrialExecutor {
  private readonly pending = new Map<string, Pending>();
  private workersSeen = 0;
  private stopping = false;
  private stopTimer: NodeJS.Timeout | null = null;
  private readonly pollTimer: NodeJS.Timeout;

  private constructor(
    private readonly target: RedisTarget,
    private readonly client: Redis,
    private readonly eventsClient: Redis,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly log: (line: string) => void,
    private readonly slotsHint: number | undefined,
  ) {
    events.on('progress', ({ jobId, data }) => this.onProgress(jobId, data));
    events.on('stalled', ({ jobId }) => {
      const p = this.pending.get(jobId);
      if (p) this.log(`${p.label}: its worker stopped answering; back in the queue for another worker`);
    });
    this.pollTimer = setInterval(() => void this.countWorkers(), WORKER_POLL_MS);
    this.pollTimer.unref();
  }

  /** Connects to Redis at `url` (one clear line if it cannot) and to the queue. */
  static async connect(url: string, log: (line: string) => void = () => {}, o: QueueExecutorOptions = {}): Promise<QueueExecutor> {
    const target = parseQueueUrl(url);
    const client = await connectRedis(target, log);
    const eventsClient = client.duplicate();
    const queue = new Queue(QUEUE_NAME, { connection: client, prefix: QUEUE_PREFIX });
    const events = new QueueEvents(QUEUE_NAME, { connection: eventsClient, prefix: QUEUE_PREFIX });
    quietErrors(queue, target.shown, log);
    quietErrors(events, target.shown, log);
    try {
      await queue.waitUntilReady();
      await events.waitUntilReady();
    } catch (err) {
      await Promise.allSettled([events.close(), queue.close()]);
      eventsClient.disconnect();
      client.disconnect();
      throw new MnistLabError(`cannot use the queue at ${target.shown}: ${(err as Error).message.split('\n')[0]}`);
    }
    const executor = new QueueExecutor(target, client, eventsClient, queue, events, log, o.slots);
    await executor.countWorkers();
    log(`Queue ${QUEUE_SHOWN} at ${target.shown}: ${executor.workersSeen} worker(s) listening` +
      `${executor.workersSeen === 0 ? '; start some with: mnist-lab worker --queue URL' : ''}`);
    return executor;
  }

  get slots(): number {
    return this.slotsHint ?? Math.max(2, 2 * this.workersSeen);
  }

  private async countWorkers(): Promise<void> {
    try {
      this.workersSeen = await this.queue.getWorkersCount();
    } catch {
      // CLIENT LIST may be refused by an ACL; the count is only a hint.
    }
  }

  async run(job: TrialJob, judge: Judge): Promise<TrialOutcome> {
    const data: QueueJobData = { kind: 'trial', root: commonRoot(job.specs.map((s) => s.outDir!)), trial: job };
    const label = `trial ${job.trialId}`;
    const result = await this.submit(data, label, judge);
    if (result === null) return { trialId: job.trialId, state: 'interrupted', value: null, histories: [], intermediate: {}, seconds: 0 };
    if (result.kind !== 'trial') throw new MnistLabError(`${label}: the queue answered with a ${result.kind} result`);
    return result.outcome;
  }

  /**
   * Runs a plain RunSpec on a worker (an experiment's seed), on 1 thread, its folder written to
   * spec.outDir here. `log` gets the run's lines when it ends. A job stopped before any worker took
   * it comes back interrupted with nothing else in it (zeros and empty fields), as runExperiment expects.
   */
  async runSpec(spec: RunSpec, hooks: { log?: (line: string) => void; signal?: AbortSignal; collectTestPredictions?: boolean } = {}): Promise<QueuedRunOutcome> {
    if (!spec.outDir) throw new MnistLabError('a run on the queue needs an outDir: its folder comes back there');
    const data: QueueJobData = { kind: 'run', root: spec.outDir, spec, collectTestPredictions: hooks.collectTestPredictions ?? false };
    const jobId = jobIdFor(data);
    const onAbort = (): void => void this.stopJob(jobId);
    hooks.signal?.addEventListener('abort', onAbort);
    try {
      const result = hooks.signal?.aborted ? null : await this.submit(data, `run ${spec.outDir}`, null);
      if (result === null) return toQueued(spec, interruptedRunOutcome(spec.backend), hooks.log);
      if (result.kind !== 'run') throw new MnistLabError(`run ${spec.outDir}: the queue answered with a ${result.kind} result`);
      return toQueued(spec, result.outcome, hooks.log);
    } finally {
      hooks.signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Queues a job (unless it is there already: a restarted coordinator waits for the job it queued
   * before), waits until a worker completes it, writes its folder, and takes it off the queue.
   * Null when it was taken off the queue by interrupt() before any worker started it.
   */
  private async submit(data: QueueJobData, label: string, judge: Judge | null): Promise<QueueJobResult | null> {
    const jobId = jobIdFor(data);
    let job: Job<QueueJobData, QueueJobResult> | undefined = await this.queue.getJob(jobId);
    if (job && (await job.getState()) === 'failed') {
      // An old failure (an earlier coordinator's) says nothing about this run; start it afresh.
      await job.remove().catch(() => {});
      job = undefined;
    }
    let removed!: () => void;
    const wasRemoved = new Promise<null>((resolveRemoved) => (removed = () => resolveRemoved(null)));
    this.pending.set(jobId, { label, judge, removed, stopSent: false });
    try {
      if (!job) {
        await this.client.del(stopKey(jobId));
        // A trial interrupted earlier resumes from its checkpoint on whichever worker takes it.
        if (data.kind === 'trial' && folderProgress(data.root) > 0) {
          await this.client.set(progressKey(jobId), packFolder(data.root, data.root), 'EX', KEEP_SECONDS);
        }
        job = await this.queue.add(data.kind, data, { jobId, attempts: 1, removeOnComplete: { age: KEEP_SECONDS }, removeOnFail: { age: KEEP_SECONDS } });
      }
      if (this.stopping) void this.stopJob(jobId);
      let result: QueueJobResult | null;
      try {
        result = await Promise.race([job.waitUntilFinished(this.events) as Promise<QueueJobResult>, wasRemoved]);
      } catch (err) {
        throw new MnistLabError(`${label} failed on a worker: ${(err as Error).message.split('\n')[0]}`);
      }
      if (result === null) return null;
      if (result.files) {
        const blob = await this.client.getBuffer(result.files);
        if (blob) unpackFolder(blob, data.root, resolve(data.root), data.root);
        else this.log(`${label}: its folder was no longer in Redis (${result.files}); only its history is recorded`);
        await this.client.del(result.files);
      }
      await job.remove().catch(() => {});
      return result;
    } finally {
      const p = this.pending.get(jobId);
      this.pending.delete(jobId);
      if (p?.stopSent) await this.client.del(stopKey(jobId)).catch(() => {});
    }
  }

  /** A worker's intermediate value: judged here, the decision pushed where the worker waits for it. */
  private onProgress(jobId: string, data: unknown): void {
    const p = this.pending.get(jobId);
    if (!p?.judge || !isPruneRequest(data)) return;
    const decision = p.judge(data.trialId, data.epoch, data.value);
    const key = pruneKey(data.requestId);
    this.client.multi().rpush(key, decision).expire(key, 600).exec()
      .catch((err: unknown) => this.log(`${p.label}: could not send the pruner's decision (${(err as Error).message}); the trial continues`));
  }

  /** Takes a waiting job off the queue, or tells the worker running it to stop at the next batch. */
  private async stopJob(jobId: string): Promise<void> {
    const p = this.pending.get(jobId);
    if (!p) return;
    try {
      const state = await this.queue.getJobState(jobId);
      if ((state === 'waiting' || state === 'delayed' || state === 'prioritized') && (await this.queue.remove(jobId)) === 1) {
        p.removed();
        return;
      }
      if (!p.stopSent) {
        p.stopSent = true;
        await this.client.set(stopKey(jobId), '1', 'EX', 24 * 3600);
        await this.client.publish(STOP_CHANNEL, jobId);
      }
    } catch (err) {
      this.log(`${p.label}: could not stop it (${(err as Error).message.split('\n')[0]})`);
    }
  }

  interrupt(): void {
    if (this.stopping) return;
    this.stopping = true;
    const stopAll = (): void => {
      for (const jobId of this.pending.keys()) void this.stopJob(jobId);
    };
    stopAll();
    // A job whose worker died goes back to waiting later; take it off then.
    this.stopTimer = setInterval(stopAll, STOP_POLL_MS);
    this.stopTimer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.pollTimer);
    if (this.stopTimer) clearInterval(this.stopTimer);
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    this.eventsClient.disconnect();
    await this.client.quit().catch(() => this.client.disconnect());
  }

  /** Where it is connected, as it may be printed. */
  get where(): string {
    return this.target.shown;
  }
}

function toQueued(spec: RunSpec, o: RemoteRunOutcome, log?: (line: string) => void): QueuedRunOutcome {
  for (const line of o.log) log?.(line);
  return {
    spec, interrupted: o.interrupted, history: o.history, parameters: o.parameters, summary: o.summary, summaryText: o.summaryText,
    threads: o.threads, environment: o.environment,
    testPredictions: o.testPredictions === null ? null : Uint8Array.from(o.testPredictions, (c) => c.charCodeAt(0) - 48),
  };
}
