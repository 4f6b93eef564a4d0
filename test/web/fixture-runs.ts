/**
 * Run folders for the dashboard's browser tests and screenshots, written as a run writes them
 * (spec.json, history.json, status.json, config.json, summary.txt): hand-made ones with chosen
 * states, and the recorded experiments' seeds (reports/results) laid out as
 * <logdir>/experiments/<experiment>/seed-<n>, their real specs and histories.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExperimentResult } from '../../src/report/experiment-result.js';
import type { RunStatus } from '../../src/run/run-status.js';
import type { EpochMetrics } from '../../src/train/metrics.js';
import { DEFAULT_RECIPE, type Recipe } from '../../src/train/recipe.js';
import { RUN_SPEC_FORMAT, type RunSpec } from '../../src/train/run-spec.js';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `mnist-lab-${prefix}-`));
}

/** A pid no process has (above Linux's pid_max). */
export const DEAD_PID = 2 ** 22 + 12345;

export interface RunFiles {
  spec?: RunSpec | string;
  history?: EpochMetrics[] | string;
  status?: RunStatus;
  parameters?: number;
  summary?: string;
  /** Other files by name (e.g. last.json), written as given. */
  files?: Record<string, string>;
  /** The time every file is stamped with (the row's "updated"); default now. */
  time?: Date;
}

export function writeRun(dir: string, run: RunFiles): void {
  mkdirSync(dir, { recursive: true });
  const write = (name: string, value: unknown): void => {
    writeFileSync(join(dir, name), typeof value === 'string' ? value : `${JSON.stringify(value, null, 1)}\n`);
  };
  if (run.spec !== undefined) write('spec.json', run.spec);
  if (run.history !== undefined) write('history.json', run.history);
  if (run.status !== undefined) write('status.json', run.status);
  if (run.parameters !== undefined) write('config.json', { parameters: run.parameters });
  if (run.summary !== undefined) write('summary.txt', run.summary);
  for (const [name, text] of Object.entries(run.files ?? {})) write(name, text);
  if (run.time) for (const name of readdirSync(dir)) utimesSync(join(dir, name), run.time, run.time);
}

export function fixtureSpec(o: { model?: string; seed?: number; lr?: number; epochs?: number; outDir?: string; recipe?: Partial<Recipe>; valSplit?: number } = {}): RunSpec {
  const recipe: Recipe = { ...structuredClone(DEFAULT_RECIPE) as Recipe, ...o.recipe };
  if (o.epochs !== undefined) recipe.epochs = o.epochs;
  if (o.lr !== undefined) recipe.optimizer = { ...recipe.optimizer, lr: o.lr };
  return {
    format: RUN_SPEC_FORMAT,
    model: { name: o.model ?? 'sepnet-8k', config: {} },
    recipe,
    data: { dir: null, limitTrain: 5000, limitTest: 1000, valSplit: o.valSplit ?? 0, splitSeed: null },
    seed: o.seed ?? 1,
    threads: 1,
    backend: 'wasm',
    bestMetric: null,
    outDir: o.outDir ?? 'runs/fixture',
  };
}

/** A plausible, deterministic history: loss falling, test accuracy rising toward `finalTest`. */
export function fixtureHistory(epochs: number, o: { finalTest?: number; seed?: number; val?: boolean; epochSeconds?: number } = {}): EpochMetrics[] {
  const finalTest = o.finalTest ?? 99.3;
  let state = (o.seed ?? 1) * 2654435761;
  const noise = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  const out: EpochMetrics[] = [];
  for (let e = 1; e <= epochs; e++) {
    const t = e / Math.max(1, epochs);
    const gap = (100 - finalTest) * (1 + 6 * Math.exp(-5 * t));
    const testAccuracy = Math.min(99.9, 100 - gap + 0.05 * noise());
    const trainAccuracy = Math.min(99.9, 100 - gap * 1.2 + 0.05 * noise());
    const testLoss = 0.012 + 0.5 * Math.exp(-4 * t) + 0.002 * noise();
    const secs = (o.epochSeconds ?? 12) * (1 + 0.05 * noise());
    out.push({
      epoch: e,
      lr: 0.1 * Math.sin(Math.PI * Math.min(1, t)),
      trainLoss: 0.02 + 0.6 * Math.exp(-4 * t) + 0.003 * noise(),
      trainAccuracy,
      valLoss: o.val ? testLoss * 1.05 : null,
      valAccuracy: o.val ? testAccuracy - 0.05 : null,
      testLoss,
      testAccuracy,
      testCorrect: Math.round(testAccuracy * 100),
      testTotal: 10000,
      epochSeconds: secs,
      trainSeconds: secs * 0.92,
      evalSeconds: secs * 0.08,
    });
  }
  return out;
}

export function fixtureStatus(state: RunStatus['state'], o: { epochsDone: number; epochs: number; pid?: number; time?: Date; error?: string }): RunStatus {
  const time = (o.time ?? new Date()).toISOString();
  return {
    state, pid: o.pid ?? DEAD_PID, host: hostname(), startedAt: time, updatedAt: time,
    epochsDone: o.epochsDone, epochs: o.epochs, ...(o.error !== undefined && { error: o.error }),
  };
}

/**
 * Every seed of the recorded experiments in `resultsDir` as a finished run folder under
 * <logdir>/experiments/<name>/seed-<n>, stamped with the time the experiment finished.
 * Returns the folders written.
 */
export function writeRecordedExperiments(resultsDir: string, logdir: string, names?: readonly string[]): string[] {
  const written: string[] = [];
  const files = readdirSync(resultsDir).filter((n) => n.endsWith('.json')).sort();
  for (const file of files) {
    const name = file.replace(/\.json$/, '');
    if (names && !names.includes(name)) continue;
    const result = JSON.parse(readFileSync(join(resultsDir, file), 'utf8')) as ExperimentResult;
    const time = new Date(result.finishedAt);
    for (const seed of result.seeds) {
      const dir = join(logdir, 'experiments', name, `seed-${seed.seed}`);
      writeRun(dir, {
        ...(seed.spec !== undefined && { spec: seed.spec }),
        history: seed.history,
        status: fixtureStatus('finished', { epochsDone: seed.history.length, epochs: seed.spec?.recipe.epochs ?? seed.history.length, time }),
        parameters: result.parameters,
        summary: `${result.summaryText.replace(/\n$/, '')}\n`,
        time,
      });
      written.push(dir);
    }
  }
  return written;
}
