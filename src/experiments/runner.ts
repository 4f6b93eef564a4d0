/**
 * Trains an experiment for each requested seed, each seed's run a RunSpec handed to the one run
 * function, and records the results as JSON (reports/results/<experiment>.json), merging with
 * seeds recorded earlier, so a report can be rebuilt at any time without retraining. Each seed's
 * folder (runs/experiments/<name>/seed-<n>/) holds its spec.json and checkpoints.
 */
import { existsSync, readFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runSpec, type RunHooks, type RunOutcome } from '../run/run.js';
import { RUN_SPEC_FORMAT, type BackendName, type RunSpec } from '../train/run-spec.js';
import type { ExperimentResult, SeedRun } from '../report/experiment-result.js';
import { writeFileAtomicSync } from '../util/atomic-write.js';
import { testedHistory } from '../train/metrics.js';
import { MnistLabError } from '../util/errors.js';
import type { NamedExperiment } from './registry.js';

export interface RunOptions {
  seeds: number[];
  resultsDir: string;
  runsDir: string;
  /** Worker threads; null: one per core. */
  threads: number | null;
  backend: BackendName;
  /** Quick runs: fewer epochs or images than the experiment's recipe (never for committed results). */
  epochs?: number;
  limitTrain?: number;
  limitTest?: number;
  log: (line: string) => void;
  signal?: AbortSignal;
  /** Runs one seed's spec: runSpec here (the default), or a queue's workers (QueueExecutor.runSpec). */
  run?: (spec: RunSpec, hooks: RunHooks) => Promise<SeedRunOutcome>;
  /** Hand out every seed at once (with a queue: its workers run them side by side). */
  concurrent?: boolean;
}

/** What the runner needs back from a seed's run. */
export type SeedRunOutcome = Pick<RunOutcome, 'interrupted' | 'history' | 'testPredictions' | 'parameters' | 'summary' | 'summaryText' | 'environment' | 'threads'>;

/** The spec of one seed of an experiment: what `experiments run` trains, and what its folder records. */
export function experimentRunSpec(
  e: NamedExperiment, seed: number,
  o: Pick<RunOptions, 'runsDir' | 'threads' | 'backend' | 'epochs' | 'limitTrain' | 'limitTest'>,
): RunSpec {
  return {
    format: RUN_SPEC_FORMAT,
    model: { name: e.model, config: e.modelConfig ?? {} },
    recipe: { ...e.recipe, ...(o.epochs !== undefined && { epochs: o.epochs }) },
    data: { dir: null, limitTrain: o.limitTrain ?? null, limitTest: o.limitTest ?? null, valSplit: 0, splitSeed: null },
    seed,
    threads: o.threads,
    backend: o.backend,
    bestMetric: null,
    // Relative when runsDir is: the recorded specs then name the same folder on any checkout.
    outDir: join(o.runsDir, e.name, `seed-${seed}`),
  };
}

export function readResult(resultsDir: string, name: string): ExperimentResult | null {
  const path = join(resultsDir, `${name}.json`);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ExperimentResult;
  } catch (err) {
    throw new MnistLabError(`${path}: not valid JSON (${(err as Error).message}); restore it from git or rerun the experiment`);
  }
}

/**
 * Runs every seed of one experiment; returns the merged result, or null if interrupted first.
 * With `concurrent` (a queue's workers run the seeds) every seed is handed out at once and recorded
 * as it finishes, in whatever order; otherwise the seeds run one after another here.
 */
export async function runExperiment(e: NamedExperiment, o: RunOptions): Promise<ExperimentResult | null> {
  mkdirSync(o.resultsDir, { recursive: true });
  let result: ExperimentResult | null = null;
  let interrupted = false;
  const runSeed = async (seed: number): Promise<void> => {
    const spec = experimentRunSpec(e, seed, o);
    const log: string[] = [];
    o.log(`== ${e.name} (${e.model}), seed ${seed} ==`);
    // A rerun of a seed starts afresh: its old folder's checkpoints belong to the run being replaced.
    const r = await (o.run ?? runSpec)(spec, {
      signal: o.signal, collectTestPredictions: true, replaceExisting: true,
      log: (line) => {
        log.push(line);
        o.log(o.concurrent ? `[seed ${seed}] ${line}` : line);
      },
    });
    if (r.interrupted) {
      interrupted = true;
      return;
    }
    // Reads, merges and writes in one synchronous stretch, so seeds finishing together never lose each other's records.
    result = recordSeed(e, o, seed, spec, r, log);
  };
  if (o.concurrent) {
    const outcomes = await Promise.allSettled(o.seeds.map(runSeed));
    const failed = outcomes.find((x): x is PromiseRejectedResult => x.status === 'rejected');
    if (failed) throw failed.reason;
  } else {
    for (const seed of o.seeds) {
      await runSeed(seed);
      if (interrupted) break;
    }
  }
  return result;
}

function recordSeed(e: NamedExperiment, o: RunOptions, seed: number, spec: RunSpec, r: SeedRunOutcome, log: string[]): ExperimentResult {
  const run: SeedRun = {
    seed, spec, history: testedHistory(r.history, `${e.name} seed ${seed}`), log, runDir: relative(process.cwd(), spec.outDir!),
    testPredictions: Array.from(r.testPredictions!).join(''),
  };
  const previous = readResult(o.resultsDir, e.name);
  const keep = previous && previous.parameters === r.parameters ? previous.seeds.filter((s) => s.seed !== seed) : [];
  const result: ExperimentResult = {
    name: e.name, title: e.title, model: e.model, parameters: r.parameters,
    target: e.target, analysis: e.analysis, recipe: e.recipe, derivedFrom: e.derivedFrom, chosenOn: e.chosenOn,
    summary: r.summary, summaryText: r.summaryText,
    seeds: [...keep, run].sort((a, b) => a.seed - b.seed),
    environment: { machine: r.environment.machine, node: r.environment.node, threads: r.threads, backend: spec.backend, mnistLab: r.environment.mnistLab },
    finishedAt: new Date().toISOString(),
  };
  writeFileAtomicSync(join(o.resultsDir, `${e.name}.json`), `${JSON.stringify(result, null, 1)}\n`);
  return result;
}
