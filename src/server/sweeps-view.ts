/**
 * The sweeps pages' data (api-types SweepsResponse, SweepDetail): every folder under the logdirs
 * that holds a sweep's study.json (src/sweep/study.ts), summarised, and one sweep's trials, each
 * linked to its run folder, with the report's parallel-coordinates and importance charts. Sweep
 * folders are found as the scanner finds run folders (logdir-scan.ts): to a bounded depth, symlinks
 * followed only while they stay inside the logdir, run folders not entered. A study.json that
 * cannot be read (half-written, damaged, not a study) is the entry's `problem`, never a failure.
 */
import { statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SweepDetail, SweepSummary, SweepsResponse, SweepTrialRow, SweepTrialState } from './api-types.js';
import { STUDY_FORMAT, bestTrial, type Study } from '../sweep/study.js';
import { validateSweepSpec } from '../sweep/sweep-spec.js';
import { schemaErrorLines } from '../util/schema-errors.js';
import { apiError } from './http-policy.js';
import { isRunFolder, scanFolders } from './logdir-scan.js';
import { isPlainRelativePath, logdirRealpath, realpathInsideSync } from './path-safety.js';
import { readRunFile } from './run-folder.js';
import { decodeRunId, encodeRunId } from './run-id.js';
import type { RunsTable } from './runs-table.js';

export const STUDY_FILE = 'study.json';

/** A study of ten thousand trials is a few megabytes. */
const MAX_STUDY_BYTES = 32 << 20;

/** A list request rescans the folder tree when the last scan is older than this (ms), as the runs table does. */
const RESCAN_MS = 1000;

/** An unknown id rescans at once, but no more often than this (ms), however many arrive. */
const UNKNOWN_ID_RESCAN_MS = 200;

const SKIPPED_NAMES = new Set(['node_modules', 'analysis']);

const TRIAL_STATES = ['running', 'complete', 'pruned', 'failed'] as const satisfies readonly SweepTrialState[];

interface SweepFolder {
  id: string;
  logdirIndex: number;
  /** Relative to the logdir, '/'-separated; '.' when the logdir itself holds study.json. */
  rel: string;
  /** The folder's realpath, and its logdir's. */
  dir: string;
  root: string;
}

interface StudyRead {
  /** study.json's mtime and size: a change reads it again. */
  stamp: string;
  study: Study | null;
  problem: string | null;
  mtime: Date | null;
}

const finite = z.number().finite();
const paramValue = z.union([finite, z.string(), z.boolean(), z.null()]);
// What the pages use of each trial and the confirmation, checked so a hand-edited study cannot break them.
const studySchema = z.object({
  format: z.literal(STUDY_FORMAT),
  spec: z.unknown(),
  trials: z.array(z.object({
    id: z.number().int().nonnegative(),
    params: z.record(paramValue),
    state: z.enum(TRIAL_STATES),
    value: finite.nullable(),
    intermediate: z.record(finite),
    dir: z.string(),
    seconds: finite,
    error: z.string().optional(),
  })),
  confirmation: z.object({
    trialId: z.number().int(), params: z.record(paramValue), dir: z.string(), lastEpochs: z.number().int(),
    testLastMean: finite, testLastMin: finite, testFinal: finite, at: z.string(),
  }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** study.json's text as a Study, or the one line that says why it is not one. */
export function parseStudy(text: string): { study: Study } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { problem: `${STUDY_FILE}: not valid JSON (${(err as Error).message}); half-written or damaged` };
  }
  const parsed = studySchema.safeParse(value);
  if (!parsed.success) return { problem: `${STUDY_FILE}: not a sweep study (${schemaErrorLines(parsed.error, value)[0] ?? 'unexpected shape'})` };
  try {
    const spec = validateSweepSpec(parsed.data.spec, `${STUDY_FILE} (its spec)`);
    return { study: { ...parsed.data, format: STUDY_FORMAT, spec } };
  } catch (err) {
    return { problem: (err as Error).message.split('\n')[0]! };
  }
}

/**
 * Every folder under `root` (a realpath) that holds study.json, sorted by relative path. A sweep's own
 * folders are its trials' runs, and a run folder holds no sweep, so neither is searched further.
 */
export function scanSweepFolders(root: string): Promise<{ rel: string; dir: string }[]> {
  return scanFolders(root, (names) => (names.has(STUDY_FILE) ? 'match' : isRunFolder(names) ? 'skip' : 'descend'));
}

export class SweepsView {
  private folders: SweepFolder[] = [];
  private lastScan = 0;
  private scanning: Promise<void> | null = null;
  private readonly reads = new Map<string, StudyRead>();

  constructor(private readonly table: RunsTable, private readonly log: (line: string) => void) {}

  async response(): Promise<SweepsResponse> {
    await this.rescan(RESCAN_MS);
    return { logdirs: [...this.table.logdirs], sweeps: this.folders.map((f) => this.summary(f, this.read(f))) };
  }

  /** One sweep; null when the id names no sweep folder this server found. */
  async detail(id: string): Promise<SweepDetail | null> {
    if (!decodeRunId(id, this.table.logdirs.length)) return null;
    if (!this.folders.some((f) => f.id === id)) await this.rescan(UNKNOWN_ID_RESCAN_MS);
    const folder = this.folders.find((f) => f.id === id);
    if (!folder) return null;
    const read = this.read(folder);
    const summary = this.summary(folder, read);
    const study = read.study;
    if (!study) return { summary, trials: [], parameters: [], parallelCoordinates: {}, importance: {} };
    const trials = study.trials.map((t): SweepTrialRow => ({
      id: t.id,
      params: t.params,
      state: t.state,
      value: t.value,
      epochs: Math.max(0, ...Object.keys(t.intermediate).map(Number).filter(Number.isFinite)),
      seconds: t.seconds,
      runId: this.runIdOf(folder, t.dir),
      error: t.error ?? null,
    }));
    return { summary, trials, parameters: Object.keys(study.spec.space), ...(await this.charts(folder, study)) };
  }

  /** The report's charts. Its chart code imports vega (most of a second); only this page needs it. */
  private async charts(folder: SweepFolder, study: Study): Promise<Pick<SweepDetail, 'parallelCoordinates' | 'importance'>> {
    const { importanceSpec, parallelCoordinatesSpec } = await import('../sweep/sweep-report.js');
    try {
      return { parallelCoordinates: parallelCoordinatesSpec(study), importance: importanceSpec(study) };
    } catch (err) {
      // Trials whose parameters do not fit the spec's space (a hand-edited study): the table still shows them.
      this.log(`mnist-lab serve: cannot chart the sweep in ${join(folder.dir, STUDY_FILE)}: ${(err as Error).message.split('\n')[0]}`);
      return { parallelCoordinates: {}, importance: {} };
    }
  }

  private summary(f: SweepFolder, read: StudyRead): SweepSummary {
    const study = read.study;
    const logdir = this.table.logdirs[f.logdirIndex]!;
    const trials = { running: 0, complete: 0, pruned: 0, failed: 0, total: study?.trials.length ?? 0 };
    for (const t of study?.trials ?? []) trials[t.state]++;
    const best = study && bestTrial(study);
    const c = study?.confirmation ?? null;
    const updatedAt = study && Number.isFinite(Date.parse(study.updatedAt)) ? study.updatedAt : (read.mtime ?? new Date(0)).toISOString();
    return {
      id: f.id,
      name: study?.spec.name ?? (f.rel === '.' ? basename(resolve(logdir)) : basename(f.rel)),
      logdir,
      folder: f.rel,
      sampler: study?.spec.sampler.name ?? null,
      pruner: study?.spec.pruner ?? null,
      objective: study?.spec.objective ?? null,
      budget: study?.spec.budget.trials ?? null,
      trials,
      best: best ? { id: best.id, value: best.value!, params: best.params } : null,
      confirmation: c && {
        trialId: c.trialId, params: c.params, lastEpochs: c.lastEpochs, testLastMean: c.testLastMean, testLastMin: c.testLastMin,
        testFinal: c.testFinal, at: c.at, runId: this.runIdOf(f, c.dir),
      },
      updatedAt,
      problem: read.problem,
    };
  }

  /** The run id of `<sweep folder>/<dir>`, or of its fold-1 (k-fold trials), when the runs table has it. */
  private runIdOf(f: SweepFolder, dir: string): string | null {
    const cleaned = dir.replace(/\/+$/, '');
    if (!isPlainRelativePath(cleaned)) return null;
    const rel = f.rel === '.' ? cleaned : cleaned === '.' ? f.rel : `${f.rel}/${cleaned}`;
    for (const candidate of [rel, `${rel}/fold-1`]) {
      const id = encodeRunId({ logdirIndex: f.logdirIndex, rel: candidate });
      if (this.table.entry(id)) return id;
    }
    return null;
  }

  /** study.json, read again only when its mtime or size changed. */
  private read(f: SweepFolder): StudyRead {
    const path = join(f.dir, STUDY_FILE);
    const real = realpathInsideSync(f.root, path);
    let stamp = '-';
    let mtime: Date | null = null;
    if (real !== null) {
      try {
        const st = statSync(real);
        stamp = `${real}:${st.mtimeMs}:${st.size}`;
        mtime = st.mtime;
      } catch {
        // Gone since the scan: readRunFile says so below.
      }
    }
    const cached = this.reads.get(f.id);
    if (cached && cached.stamp === stamp && stamp !== '-') return cached;
    const file = readRunFile(f.root, f.dir, STUDY_FILE, MAX_STUDY_BYTES);
    let result: StudyRead;
    if (file.kind === 'text') {
      const parsed = parseStudy(file.text);
      result = 'study' in parsed ? { stamp, study: parsed.study, problem: null, mtime } : { stamp, study: null, problem: parsed.problem, mtime };
    } else {
      result = { stamp, study: null, problem: file.kind === 'problem' ? file.problem : `${STUDY_FILE}: gone`, mtime };
    }
    this.reads.set(f.id, result);
    return result;
  }

  /** Rescans the logdirs for sweep folders when the last scan is older than `maxAgeMs`; callers meanwhile share one scan. */
  private async rescan(maxAgeMs: number): Promise<void> {
    if (this.scanning) return this.scanning;
    if (this.lastScan !== 0 && Date.now() - this.lastScan < maxAgeMs) return;
    this.scanning = (async () => {
      const folders: SweepFolder[] = [];
      for (const [logdirIndex, logdir] of this.table.logdirs.entries()) {
        const root = await logdirRealpath(logdir);
        if (root === null) continue;
        for (const f of await scanSweepFolders(root)) {
          const id = encodeRunId({ logdirIndex, rel: f.rel });
          if (!folders.some((x) => x.id === id)) folders.push({ id, logdirIndex, rel: f.rel, dir: f.dir, root });
        }
      }
      this.folders = folders;
      for (const id of [...this.reads.keys()]) if (!folders.some((f) => f.id === id)) this.reads.delete(id);
    })().finally(() => {
      this.lastScan = Date.now();
      this.scanning = null;
    });
    return this.scanning;
  }
}

/** GET /api/sweeps and /api/sweeps/:id. The runs table is refreshed first, so trials link to their runs. */
export function registerSweepRoutes(app: FastifyInstance, o: { table: RunsTable; log: (line: string) => void }): void {
  const view = new SweepsView(o.table, o.log);
  app.get('/api/sweeps', async (): Promise<SweepsResponse> => {
    await o.table.refresh({ maxAgeMs: 1000 });
    return view.response();
  });
  app.get<{ Params: { id: string } }>('/api/sweeps/:id', async (request, reply): Promise<SweepDetail | undefined> => {
    await o.table.refresh({ maxAgeMs: 1000 });
    const detail = await view.detail(request.params.id);
    if (detail === null) {
      await reply.code(404).send(apiError('no such sweep'));
      return undefined;
    }
    return detail;
  });
}
