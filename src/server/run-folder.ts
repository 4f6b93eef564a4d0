/**
 * Reads what a run folder holds (spec.json, history.json, status.json, config.json, last.json),
 * the way a dashboard must: a run may be writing its files at this very moment, a file may be
 * damaged or hand-edited, and none of that may stop the server. Every file that cannot be used
 * becomes one line in `problems`, and the rest is read as far as it goes. Every file is opened
 * through its realpath, which must stay inside the logdir.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseRunSpec, type RunSpec } from '../train/run-spec.js';
import type { EpochMetrics } from '../train/metrics.js';
import { parseCheckpointMeta } from '../train/checkpoint.js';
import { readRunStatus, RUN_STATUS_FILE, type RunStatus } from '../run/run-status.js';
import { realpathInsideSync } from './path-safety.js';

export interface RunFolderData {
  spec: RunSpec | null;
  history: EpochMetrics[];
  /** Whether history.json was missing or unreadable (then history comes from last.json, or is empty). */
  historyFromFile: boolean;
  /** As readRunStatus sees it: a "running" status whose process is gone reads as interrupted. */
  status: RunStatus | null;
  modelName: string | null;
  parameters: number | null;
  hasLastCheckpoint: boolean;
  /** The last change to history.json or status.json (else to any run file); null if none has a time. */
  updatedAt: Date | null;
  problems: string[];
}

const MAX_SMALL_FILE_BYTES = 1 << 20;
const MAX_HISTORY_BYTES = 16 << 20;
const MAX_CHECKPOINT_META_BYTES = 64 << 20;

type ReadOutcome = { kind: 'missing' } | { kind: 'problem'; problem: string } | { kind: 'text'; text: string; mtime: Date };

/** The text of `<dir>/<name>` when its realpath is inside `root`; a problem line otherwise. */
export function readRunFile(root: string, dir: string, name: string, maxBytes: number): ReadOutcome {
  const path = join(dir, name);
  if (!existsSync(path)) return { kind: 'missing' };
  const real = realpathInsideSync(root, path);
  if (real === null) return { kind: 'problem', problem: `${name}: leads outside the logdir (or is a broken link); not read` };
  try {
    const st = statSync(real);
    if (!st.isFile()) return { kind: 'problem', problem: `${name}: not a file` };
    if (st.size > maxBytes) return { kind: 'problem', problem: `${name}: ${st.size} bytes is too large to be a run's ${name}` };
    return { kind: 'text', text: readFileSync(real, 'utf8'), mtime: st.mtime };
  } catch (err) {
    return { kind: 'problem', problem: `${name}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  }
}

const num = z.number().finite();
const epochMetricsSchema: z.ZodType<EpochMetrics> = z.object({
  epoch: num, lr: num, trainLoss: num, trainAccuracy: num, valLoss: num.nullable(), valAccuracy: num.nullable(),
  // null in runs that never read the test set (sweep trials).
  testLoss: num.nullable(), testAccuracy: num.nullable(), testCorrect: num.nullable(), testTotal: num.nullable(),
  epochSeconds: num, trainSeconds: num, evalSeconds: num,
});
const historySchema = z.array(epochMetricsSchema);

/** history.json's epochs, or a one-line problem (half-written files are the usual one). */
export function parseHistory(text: string): { history: EpochMetrics[] } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { problem: `history.json: not valid JSON (${(err as Error).message}); half-written or damaged` };
  }
  const parsed = historySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { problem: `history.json: not a list of epoch metrics (${issue.path.join('.') || 'the value'}: ${issue.message})` };
  }
  return { history: parsed.data };
}

const statusSchema = z.object({
  state: z.enum(['running', 'finished', 'interrupted', 'failed']),
  pid: z.number().int(),
  epochsDone: z.number().int().gte(0),
  epochs: z.number().int().gte(0),
}).passthrough();

function firstLine(message: string): string {
  return message.split('\n')[0]!;
}

export function readRunFolder(root: string, dir: string): RunFolderData {
  const problems: string[] = [];
  const times: Date[] = [];
  const otherTimes: Date[] = [];

  let spec: RunSpec | null = null;
  const specFile = readRunFile(root, dir, 'spec.json', MAX_SMALL_FILE_BYTES);
  if (specFile.kind === 'problem') problems.push(specFile.problem);
  if (specFile.kind === 'text') {
    otherTimes.push(specFile.mtime);
    try {
      spec = parseRunSpec(specFile.text, 'spec.json');
    } catch (err) {
      problems.push(firstLine((err as Error).message));
    }
  }

  let history: EpochMetrics[] = [];
  let historyFromFile = false;
  const historyFile = readRunFile(root, dir, 'history.json', MAX_HISTORY_BYTES);
  if (historyFile.kind === 'problem') problems.push(historyFile.problem);
  if (historyFile.kind === 'text') {
    times.push(historyFile.mtime);
    const parsed = parseHistory(historyFile.text);
    if ('problem' in parsed) problems.push(parsed.problem);
    else {
      history = parsed.history;
      historyFromFile = true;
    }
  }

  let status: RunStatus | null = null;
  const statusFile = readRunFile(root, dir, RUN_STATUS_FILE, MAX_SMALL_FILE_BYTES);
  if (statusFile.kind === 'problem') problems.push(statusFile.problem);
  if (statusFile.kind === 'text') {
    times.push(statusFile.mtime);
    const read = readRunStatus(dir);
    if (read === null || !statusSchema.safeParse(read).success) problems.push(`${RUN_STATUS_FILE}: unreadable (half-written or damaged)`);
    else status = read;
  }

  let parameters: number | null = null;
  const configFile = readRunFile(root, dir, 'config.json', MAX_SMALL_FILE_BYTES);
  if (configFile.kind === 'problem') problems.push(configFile.problem);
  if (configFile.kind === 'text') {
    otherTimes.push(configFile.mtime);
    try {
      const p = (JSON.parse(configFile.text) as { parameters?: unknown } | null)?.parameters;
      if (typeof p === 'number' && Number.isSafeInteger(p) && p >= 0) parameters = p;
    } catch {
      problems.push('config.json: not valid JSON (half-written or damaged)');
    }
  }

  let modelName = spec?.model.name ?? null;
  const hasLastCheckpoint = existsSync(join(dir, 'last.json'));
  // last.json is large (optimizer state, training weights); it is read only for what is missing.
  if (hasLastCheckpoint && (spec === null || parameters === null || !historyFromFile)) {
    const lastFile = readRunFile(root, dir, 'last.json', MAX_CHECKPOINT_META_BYTES);
    if (lastFile.kind === 'problem') problems.push(lastFile.problem);
    if (lastFile.kind === 'text') {
      otherTimes.push(lastFile.mtime);
      try {
        const meta = parseCheckpointMeta(lastFile.text, 'last.json');
        if (spec === null && specFile.kind === 'missing') spec = meta.spec;
        modelName ??= meta.model.name;
        parameters ??= meta.model.parameters;
        if (!historyFromFile && historyFile.kind === 'missing') history = meta.history;
      } catch (err) {
        problems.push(firstLine((err as Error).message));
      }
    }
  }

  const latest = (ds: Date[]): Date | null => (ds.length ? new Date(Math.max(...ds.map((d) => d.getTime()))) : null);
  return {
    spec, history, historyFromFile, status, modelName, parameters, hasLastCheckpoint,
    updatedAt: latest(times) ?? latest(otherTimes), problems,
  };
}
