/**
 * The runs table: every run folder under the logdirs, each with its row and history, kept up to date
 * by `refresh()`. A refresh stats each folder's few files and rebuilds only the rows whose files
 * changed (or whose "running" process may have died), then tells its listeners what changed. The
 * folder tree itself is rescanned on request, since new runs appear rarely and a scan reads every
 * directory. One refresh runs at a time; callers that arrive meanwhile share it.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunRow } from './api-types.js';
import type { EpochMetrics } from '../train/metrics.js';
import type { RunSpec } from '../train/run-spec.js';
import { readRunStatus } from '../run/run-status.js';
import { scanLogdir } from './logdir-scan.js';
import { logdirRealpath } from './path-safety.js';
import { decodeRunId, encodeRunId } from './run-id.js';
import { readRunFolder } from './run-folder.js';
import { buildRunRow } from './run-row.js';

export interface RunEntry {
  id: string;
  logdirIndex: number;
  rel: string;
  /** The folder's realpath, and its logdir's. */
  dir: string;
  root: string;
  row: RunRow;
  history: EpochMetrics[];
  spec: RunSpec | null;
  /** Stats of the files the row is built from; a change rebuilds the row. */
  signature: string;
  historySignature: string;
}

export interface RunsChange {
  /** Rows added, rebuilt with a different value, or removed. */
  rows: string[];
  removed: string[];
  /** Runs whose history changed. */
  history: string[];
}

/** The files a row is built from. */
const ROW_FILES = ['spec.json', 'history.json', 'status.json', 'config.json', 'last.json'];

async function fileStamp(path: string): Promise<string> {
  try {
    const s = await stat(path);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return '-';
  }
}

export class RunsTable {
  private readonly entries = new Map<string, RunEntry>();
  private folders: { logdirIndex: number; rel: string; dir: string; root: string }[] = [];
  private readonly listeners = new Set<(change: RunsChange) => void>();
  private inFlight: Promise<void> | null = null;
  private lastScan = 0;
  private lastRefresh = 0;

  constructor(readonly logdirs: readonly string[]) {}

  /** Called after every refresh that changed something. */
  onChange(listener: (change: RunsChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Logdir by logdir, folders in path order. */
  rows(): RunRow[] {
    return [...this.entries.values()]
      .sort((a, b) => a.logdirIndex - b.logdirIndex || (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))
      .map((e) => e.row);
  }

  entry(id: string): RunEntry | undefined {
    return this.entries.get(id);
  }

  /**
   * Brings the table up to date. `maxAgeMs`: a refresh finished that recently is good enough;
   * `rescanAfterMs` (default 1000): rescan the folder tree when the last scan is older than that.
   */
  async refresh(o: { maxAgeMs?: number; rescanAfterMs?: number } = {}): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (o.maxAgeMs !== undefined && Date.now() - this.lastRefresh <= o.maxAgeMs) return;
    const rescan = Date.now() - this.lastScan >= (o.rescanAfterMs ?? 1000);
    this.inFlight = this.update(rescan).finally(() => {
      this.inFlight = null;
      this.lastRefresh = Date.now();
    });
    return this.inFlight;
  }

  /**
   * The entry an id names, when it is one of the scanned folders. An unknown but well-formed id
   * triggers a rescan (the run may have just appeared), at most five a second however many arrive.
   */
  async lookup(id: string): Promise<RunEntry | null> {
    const location = decodeRunId(id, this.logdirs.length);
    if (!location) return null;
    if (!this.entries.has(id)) await this.refresh({ maxAgeMs: 200, rescanAfterMs: 0 });
    return this.entries.get(id) ?? null;
  }

  private async update(rescan: boolean): Promise<void> {
    if (rescan || this.lastScan === 0) {
      const folders: typeof this.folders = [];
      for (const [logdirIndex, logdir] of this.logdirs.entries()) {
        const root = await logdirRealpath(logdir);
        if (root === null) continue;
        for (const f of await scanLogdir(root)) folders.push({ logdirIndex, rel: f.rel, dir: f.dir, root });
      }
      this.folders = folders;
      this.lastScan = Date.now();
    }
    const change: RunsChange = { rows: [], removed: [], history: [] };
    const seen = new Set<string>();
    for (const f of this.folders) {
      const id = encodeRunId({ logdirIndex: f.logdirIndex, rel: f.rel });
      if (seen.has(id)) continue;
      seen.add(id);
      const previous = this.entries.get(id);
      const stamps = await Promise.all(ROW_FILES.map((name) => fileStamp(join(f.dir, name))));
      // A "running" status can turn into "interrupted" without any file changing: the process died.
      const liveness = previous?.row.status === 'running' ? readRunStatus(f.dir)?.state ?? '-' : '';
      const signature = `${f.dir}|${stamps.join('|')}|${liveness}`;
      if (previous && previous.signature === signature) continue;
      const data = readRunFolder(f.root, f.dir);
      const row = buildRunRow({ id, logdir: this.logdirs[f.logdirIndex]!, rel: f.rel, data });
      // history.json's stamp, or last.json's when the history comes from the checkpoint.
      const historySignature = data.historyFromFile ? stamps[1]! : `${stamps[1]}/${stamps[4]}`;
      this.entries.set(id, { id, logdirIndex: f.logdirIndex, rel: f.rel, dir: f.dir, root: f.root, row, history: data.history, spec: data.spec, signature, historySignature });
      if (!previous || JSON.stringify(previous.row) !== JSON.stringify(row)) change.rows.push(id);
      if (!previous || previous.historySignature !== historySignature) change.history.push(id);
    }
    for (const id of [...this.entries.keys()]) {
      if (!seen.has(id)) {
        this.entries.delete(id);
        change.removed.push(id);
      }
    }
    if (change.rows.length || change.removed.length || change.history.length) {
      for (const listener of this.listeners) listener(change);
    }
  }
}
