/**
 * What the queue's coordinator (queue-executor.ts) and its workers (`mnist-lab worker`) agree on:
 * the queue, the Redis keys beside it, the jobs and their results, the connection, and how a run
 * folder travels between machines.
 *
 * The queue: one BullMQ queue for every sweep, `trials` under the key prefix `mnist-lab` (its Redis
 * keys are `mnist-lab:trials:*`), so a worker started before any sweep (or serving several) needs to
 * know nothing but the Redis URL. A job is a trial of a sweep, or a plain RunSpec (an experiment's
 * seed); its id is derived from what it runs (the sweep's name, the trial number and a hash of the
 * trial's specs, which name the coordinator's folder), so the same trial is never queued twice, and a
 * coordinator that restarts finds the job it queued before.
 *
 * Beside the queue, plain Redis keys (all under `mnist-lab:q:`, with expiries):
 * - `files:<job>:<token>`: the run folder a worker sends back (gzipped), read and deleted by the
 *   coordinator. Each attempt writes its own key, so a worker that lost its lock but kept going cannot
 *   mix its files with the attempt that counted.
 * - `progress:<job>`: a half-done trial folder, left by a worker stopped with Ctrl-C (or by the
 *   coordinator resuming an interrupted sweep), so whichever worker takes the job next, on any
 *   machine, resumes from its checkpoint.
 * - `prune:<request>`: the coordinator's ASHA decision for one intermediate value.
 * - `stop:<job>` and the pub/sub channel `mnist-lab:q:stop`: the coordinator's Ctrl-C.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Redis } from 'ioredis';
import type { ModelSummary } from '../report/summary-table.js';
import type { RunEnvironment } from '../run/run.js';
import type { EpochMetrics } from '../train/metrics.js';
import type { RunSpec } from '../train/run-spec.js';
import { writeFileAtomicSync } from '../util/atomic-write.js';
import { MnistLabError } from '../util/errors.js';
import type { TrialJob, TrialOutcome } from './trial.js';

export const QUEUE_PREFIX = 'mnist-lab';
export const QUEUE_NAME = 'trials';
/** How the queue is named to people: its Redis key prefix. */
export const QUEUE_SHOWN = `${QUEUE_PREFIX}:${QUEUE_NAME}`;

const KEYS = `${QUEUE_PREFIX}:q`;
export const STOP_CHANNEL = `${KEYS}:stop`;
export const filesKey = (jobId: string, token: string): string => `${KEYS}:files:${jobId}:${token}`;
export const progressKey = (jobId: string): string => `${KEYS}:progress:${jobId}`;
export const pruneKey = (requestId: string): string => `${KEYS}:prune:${requestId}`;
export const stopKey = (jobId: string): string => `${KEYS}:stop:${jobId}`;

/** How long results and half-done folders wait in Redis for their reader. */
export const KEEP_SECONDS = 7 * 24 * 3600;

/** A job: one trial of a sweep, or one plain run. `root` is the coordinator's folder for it. */
export type QueueJobData =
  | { kind: 'trial'; root: string; trial: TrialJob }
  | { kind: 'run'; root: string; spec: RunSpec; collectTestPredictions: boolean };

/** What a run job gives back: the serializable part of runSpec's outcome. */
export interface RemoteRunOutcome {
  interrupted: boolean;
  history: EpochMetrics[];
  parameters: number;
  summary: ModelSummary;
  summaryText: string;
  threads: number;
  /** With collectTestPredictions: the final model's class for each test image, as digits. */
  testPredictions: string | null;
  environment: RunEnvironment;
  /** The run's log lines, with the worker's folder written as the coordinator's. */
  log: string[];
}

/** A run job stopped before it trained: interrupted, and nothing else in it. */
export function interruptedRunOutcome(backend: string): RemoteRunOutcome {
  return {
    interrupted: true, history: [], parameters: 0, summaryText: '', threads: 0, testPredictions: null, log: [],
    summary: { inputShape: [], batchSize: 0, layers: [], totalParams: 0, trainableParams: 0, nonTrainableParams: 0, inputSizeMB: 0, forwardBackwardPassSizeMB: 0, paramsSizeMB: 0, estimatedTotalSizeMB: 0 },
    environment: { parameters: 0, data: { source: '', train: 0, val: 0, test: 0 }, backend, threads: 0, machine: '', node: '', mnistLab: '' },
  };
}

/** A job's return value (small: the folder travels under its own key). */
export type QueueJobResult =
  | { kind: 'trial'; outcome: TrialOutcome; files: string | null; worker: string }
  | { kind: 'run'; outcome: RemoteRunOutcome; files: string | null; worker: string };

/** A worker's question to the coordinator, sent as the job's progress. */
export interface PruneRequest {
  type: 'prune';
  requestId: string;
  trialId: number;
  epoch: number;
  value: number;
}

export function isPruneRequest(x: unknown): x is PruneRequest {
  return typeof x === 'object' && x !== null && (x as PruneRequest).type === 'prune' && typeof (x as PruneRequest).requestId === 'string';
}

export const newToken = (): string => randomUUID();

/** A short hash of what a job runs: the same job always gets the same id and the same worker folder. */
export function jobHash(data: QueueJobData): string {
  return createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 12);
}

export function jobIdFor(data: QueueJobData): string {
  const hash = jobHash(data);
  return data.kind === 'trial'
    ? `${data.trial.sweep}-trial-${String(data.trial.trialId).padStart(4, '0')}-${hash}`
    : `run-${hash}`;
}

/** The folder holding all of a trial's specs' outDirs (the trial's, or its folds' parent). */
export function commonRoot(dirs: string[]): string {
  let root = dirs[0]!;
  for (const d of dirs.slice(1)) {
    while (root !== dirname(root) && relative(root, d).startsWith('..')) root = dirname(root);
  }
  return root;
}

// ---- the connection ----

export interface RedisTarget {
  url: string;
  /** The URL as it may be printed: the password replaced by ***. */
  shown: string;
}

/** Checks a --queue URL: redis://[user:pass@]host[:port][/db], or rediss:// for TLS. */
export function parseQueueUrl(url: string, flag = '--queue'): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new MnistLabError(`${flag} must be a Redis URL such as redis://HOST:6379 (rediss:// for TLS), got '${redactLoosely(url)}'`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new MnistLabError(`${flag} must start with redis:// or rediss:// (TLS), got '${redactLoosely(url)}'`);
  }
  if (!u.hostname) throw new MnistLabError(`${flag} names no host: ${redactLoosely(url)}`);
  if (u.pathname && u.pathname !== '/' && !/^\/\d+$/.test(u.pathname)) {
    throw new MnistLabError(`${flag}: the path of a Redis URL is a database number (redis://HOST:PORT/0), got '${u.pathname}'`);
  }
  const shown = new URL(url);
  if (shown.password) shown.password = '***';
  return { url, shown: shown.toString().replace(/\/$/, '') };
}

/** For a URL that does not parse: hides whatever sits between :// and @. */
function redactLoosely(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** An error from the driver, as one line that names no secret: a system error's code (ECONNREFUSED), else its message. */
export function redisReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  if (e?.code && /^E[A-Z]+$/.test(e.code)) return e.code;
  return (e?.message ?? String(err)).split('\n')[0]!.replace(/\.$/, '');
}

/**
 * A connection to the queue's Redis, after one quick probe: ioredis retries a refused connection
 * forever by default, so a wrong URL would hang; the probe gives up at once (or after 5 s without
 * an answer) and says so in one line. The connection returned retries as BullMQ needs (commands wait
 * while Redis restarts, maxRetriesPerRequest null), for the hours a sweep or a worker runs.
 */
export async function connectRedis(target: RedisTarget, onError: (line: string) => void): Promise<Redis> {
  const probe = new Redis(target.url, {
    lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false,
  });
  // connect() itself only says "Connection is closed"; the socket's error says why.
  let cause: unknown = null;
  probe.on('error', (err: unknown) => (cause ??= err));
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    const reason = redisReason(cause ?? err);
    // A server certificate from a private CA: Node trusts it once told where the CA is.
    const hint = /certificate/i.test(reason) ? '; for a private CA set NODE_EXTRA_CA_CERTS=/path/to/ca.crt' : '; start redis-server or check --queue';
    throw new MnistLabError(`cannot reach Redis at ${target.shown}: ${reason}${hint}`);
  } finally {
    probe.disconnect();
  }
  const client = new Redis(target.url, { maxRetriesPerRequest: null, connectTimeout: 10_000 });
  client.on('error', (err: unknown) => reportTrouble(target.shown, err, onError));
  return client;
}

const lastTrouble = new Map<string, number>();

/** A lost connection is retried (by ioredis, and BullMQ's commands wait): said in one line, at most every 30 s. */
function reportTrouble(shown: string, err: unknown, log: (line: string) => void): void {
  const reason = redisReason(err);
  const connection = /^E[A-Z]+$|Connection is closed/.test(reason);
  const key = connection ? shown : `${shown} ${reason}`;
  const now = Date.now();
  if (now - (lastTrouble.get(key) ?? -Infinity) < 30_000) return;
  lastTrouble.set(key, now);
  log(connection ? `Redis at ${shown}: ${reason}; retrying` : `queue at ${shown}: ${reason}`);
}

/** BullMQ's Queue/Worker/QueueEvents emit their connections' errors: the same one line, never a stack trace. */
export function quietErrors(emitter: { on(event: 'error', listener: (err: Error) => void): unknown }, shown: string, log: (line: string) => void): void {
  emitter.on('error', (err: Error) => reportTrouble(shown, err, log));
}

// ---- run folders across machines ----

const PACK_FORMAT = 'mnist-lab-folder-v1';
const TEXT = /\.(json|log|txt|csv)$/;

/** Every file under `dir`, relative, in order. */
function listFiles(dir: string, under = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, under)).sort()) {
    const rel = under ? join(under, name) : name;
    const st = statSync(join(dir, rel));
    if (st.isDirectory()) out.push(...listFiles(dir, rel));
    else if (st.isFile() && !/\.tmp-\d+-/.test(name)) out.push(rel);
  }
  return out;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Writes the folder `from` as `to` in paths recorded in a text file (spec.json, checkpoints' specs, train.log). */
export function rewritePaths(text: string, from: string, to: string, json: boolean): string {
  if (from === to) return text;
  const enc = (s: string): string => (json ? JSON.stringify(s).slice(1, -1) : s);
  return text.replace(new RegExp(`${escapeRegExp(enc(from))}(?=[/"\\\\\\s]|$)`, 'g'), enc(to).replace(/\$/g, '$$$$'));
}

/** A folder as one gzipped blob, with `dir` written as `shownAs` inside its text files. */
export function packFolder(dir: string, shownAs: string): Buffer {
  const files: Record<string, string> = {};
  if (existsSync(dir)) {
    for (const rel of listFiles(dir)) {
      let bytes = readFileSync(join(dir, rel));
      if (TEXT.test(rel)) bytes = Buffer.from(rewritePaths(bytes.toString('utf8'), dir, shownAs, rel.endsWith('.json')), 'utf8');
      files[rel.split(sep).join('/')] = bytes.toString('base64');
    }
  }
  return gzipSync(Buffer.from(JSON.stringify({ format: PACK_FORMAT, files })));
}

/**
 * Writes a packed folder into `dir` (replacing files of the same names), the folder its text files
 * name (`packedAs`) written as `shownAs` (by default `dir` itself).
 */
export function unpackFolder(blob: Buffer, packedAs: string, dir: string, shownAs = dir): number {
  let packed: { format?: string; files?: Record<string, string> };
  try {
    packed = JSON.parse(gunzipSync(blob).toString('utf8')) as typeof packed;
  } catch (err) {
    throw new MnistLabError(`a run folder from the queue is damaged (${(err as Error).message.split('\n')[0]})`);
  }
  if (packed.format !== PACK_FORMAT || typeof packed.files !== 'object' || packed.files === null) {
    throw new MnistLabError('a run folder from the queue is not in mnist-lab\'s format; are coordinator and workers the same version?');
  }
  let n = 0;
  for (const [rel, b64] of Object.entries(packed.files)) {
    // A blob comes over the network: it may only write inside `dir`.
    const path = normalize(rel);
    if (isAbsolute(path) || path.split(/[\\/]/).includes('..') || typeof b64 !== 'string') {
      throw new MnistLabError(`a run folder from the queue names a file outside its folder: ${JSON.stringify(rel).slice(0, 200)}`);
    }
    let bytes: Buffer = Buffer.from(b64, 'base64');
    if (TEXT.test(path)) bytes = Buffer.from(rewritePaths(bytes.toString('utf8'), packedAs, shownAs, path.endsWith('.json')), 'utf8');
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileAtomicSync(target, bytes);
    n++;
  }
  return n;
}

/** Epochs done in a run folder (summed over its folds), from their status files: which copy is further along. */
export function folderProgress(dir: string): number {
  if (!existsSync(dir)) return 0;
  let epochs = 0;
  for (const rel of listFiles(dir)) {
    if (!rel.endsWith('status.json')) continue;
    try {
      const s = JSON.parse(readFileSync(join(dir, rel), 'utf8')) as { epochsDone?: unknown };
      if (typeof s.epochsDone === 'number') epochs += s.epochsDone;
    } catch {
      // A damaged status counts for nothing.
    }
  }
  return epochs;
}
