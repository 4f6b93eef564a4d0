/**
 * Fixtures for the dashboard's tests: run folders written by hand (spec.json, history.json,
 * status.json as a run writes them), a dashboard on a free port, and a small server-sent-events
 * client over node:http.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RECIPE } from '../../src/train/recipe.js';
import { formatRunSpec, RUN_SPEC_FORMAT, type RunSpec } from '../../src/train/run-spec.js';
import type { EpochMetrics } from '../../src/train/metrics.js';
import type { RunStatus } from '../../src/run/run-status.js';
import { startDashboard, type Dashboard, type DashboardOptions } from '../../src/server/server.js';
import { repoRoot } from '../helpers/fixtures.js';

export { repoRoot };

const tempDirs: string[] = [];
process.on('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder under the system's temp folder, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `mnist-lab-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

export function fixtureSpec(o: { epochs?: number; seed?: number; model?: string; outDir?: string | null } = {}): RunSpec {
  return {
    format: RUN_SPEC_FORMAT,
    model: { name: o.model ?? 'sepnet-8k', config: {} },
    recipe: { ...DEFAULT_RECIPE, epochs: o.epochs ?? 3 },
    data: { dir: null, limitTrain: null, limitTest: null, valSplit: 0, splitSeed: null },
    seed: o.seed ?? 1,
    threads: null,
    backend: 'wasm',
    bestMetric: null,
    outDir: o.outDir ?? null,
  };
}

/** Epoch k's metrics: test accuracy 98 + k/10, 2 s an epoch. */
export function fixtureEpoch(k: number): EpochMetrics {
  return {
    epoch: k, lr: 0.01, trainLoss: 0.5 / k, trainAccuracy: 95 + k / 10, valLoss: null, valAccuracy: null,
    testLoss: 0.1 / k, testAccuracy: 98 + k / 10, testCorrect: 9800 + 10 * k, testTotal: 10000,
    epochSeconds: 2, trainSeconds: 1.8, evalSeconds: 0.2,
  };
}

export function fixtureHistory(epochs: number): EpochMetrics[] {
  return Array.from({ length: epochs }, (_, i) => fixtureEpoch(i + 1));
}

export function fixtureStatus(state: RunStatus['state'], o: { pid?: number; epochsDone?: number; epochs?: number } = {}): RunStatus {
  const now = new Date().toISOString();
  return { state, pid: o.pid ?? process.pid, host: hostname(), startedAt: now, updatedAt: now, epochsDone: o.epochsDone ?? 0, epochs: o.epochs ?? 3 };
}

export interface FixtureRun {
  spec?: RunSpec | string | null;
  history?: EpochMetrics[] | string | null;
  status?: RunStatus | string | null;
  config?: object | null;
  summary?: string | null;
  files?: Record<string, string>;
}

/** Writes a run folder: each file a value (as JSON) or raw text (for damaged files); null/undefined: no file. */
export function writeRun(dir: string, run: FixtureRun): string {
  mkdirSync(dir, { recursive: true });
  const text = (v: unknown): string => (typeof v === 'string' ? v : `${JSON.stringify(v, null, 1)}\n`);
  if (run.spec) writeFileSync(join(dir, 'spec.json'), typeof run.spec === 'string' ? run.spec : formatRunSpec(run.spec));
  if (run.history) writeFileSync(join(dir, 'history.json'), text(run.history));
  if (run.status) writeFileSync(join(dir, 'status.json'), text(run.status));
  if (run.config) writeFileSync(join(dir, 'config.json'), text(run.config));
  if (run.summary) writeFileSync(join(dir, 'summary.txt'), run.summary);
  for (const [name, content] of Object.entries(run.files ?? {})) writeFileSync(join(dir, name), content);
  return dir;
}

/** A pid that belongs to no process (the highest pids are free on any ordinary machine). */
export const DEAD_PID = 4_194_000;

export async function startTestDashboard(o: Partial<DashboardOptions> & { logdirs: string[] }): Promise<Dashboard & { logs: string[] }> {
  const logs: string[] = [];
  const d = await startDashboard({
    resultsDir: join(repoRoot, 'reports', 'results'), host: '127.0.0.1', port: 0, webRoot: tempDir('web'),
    log: (line) => logs.push(line), ...o,
  });
  return Object.assign(d, { logs });
}

export interface SseEvent {
  event: string;
  data: unknown;
}

/** An event stream: the events received so far, and a way to wait for the next one that matches. */
export class SseClient {
  readonly events: SseEvent[] = [];
  private waiters: { match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];
  private buffer = '';
  private response: IncomingMessage | null = null;
  status = 0;
  headers: IncomingMessage['headers'] = {};
  private readonly req: ClientRequest;
  readonly opened: Promise<void>;

  constructor(url: string) {
    let opened!: () => void;
    let failed!: (err: Error) => void;
    this.opened = new Promise((resolve, reject) => {
      opened = resolve;
      failed = reject;
    });
    this.req = request(url, { headers: { Accept: 'text/event-stream' } }, (res) => {
      this.response = res;
      this.status = res.statusCode ?? 0;
      this.headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => this.feed(chunk));
      res.on('error', () => undefined);
      opened();
    });
    this.req.on('error', failed);
    this.req.end();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length === 0) continue;
      const e = { event, data: JSON.parse(data.join('\n')) as unknown };
      this.events.push(e);
      const w = this.waiters.find((x) => x.match(e));
      if (w) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(e);
      }
    }
  }

  /** The first event (already received from index `from` on, or still to come) that matches. */
  next(match: (e: SseEvent) => boolean, from = 0, timeoutMs = 10_000): Promise<SseEvent> {
    const seen = this.events.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms; got ${this.events.map((e) => e.event).join(', ')}`)), timeoutMs);
      this.waiters.push({ match, resolve: (e) => { clearTimeout(timer); resolve(e); } });
    });
  }

  close(): void {
    this.req.destroy();
    this.response?.destroy();
  }
}
