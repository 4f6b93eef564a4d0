/**
 * Trains an experiment for each requested seed and records the results as JSON
 * (reports/results/<experiment>.json), merging with seeds recorded earlier, so a report can be
 * rebuilt at any time without retraining. Checkpoints go to runs/experiments/<name>/seed-<n>/.
 */
import { existsSync, readFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative } from 'node:path';
import type { Module } from '../nn/module.js';
import { createModel } from '../models/zoo.js';
import { manualSeed } from '../tensor/random.js';
import { loadMnist } from '../data/mnist.js';
import { Trainer } from '../train/trainer.js';
import type { Recipe } from '../train/recipe.js';
import { collectSummary } from '../report/model-summary.js';
import { formatSummaryTable } from '../report/summary-table.js';
import type { ExperimentResult, SeedRun } from '../report/experiment-result.js';
import { writeFileAtomicSync } from '../util/atomic-write.js';
import { mnistLabVersion } from '../util/version.js';
import type { NamedExperiment } from './registry.js';

export interface RunOptions {
  seeds: number[];
  resultsDir: string;
  runsDir: string;
  threads: number;
  backend: string;
  /** Quick runs: fewer epochs or images than the experiment's recipe (never for committed results). */
  epochs?: number;
  limitTrain?: number;
  limitTest?: number;
  log: (line: string) => void;
  signal?: AbortSignal;
}

export function modelName(e: NamedExperiment): string {
  return typeof e.model === 'string' ? e.model : e.model.name;
}

function buildModel(e: NamedExperiment, recipe: Recipe): Module {
  if (typeof e.model !== 'string') return e.model.build();
  return createModel(e.model, recipe.dropout !== undefined ? { dropout: recipe.dropout } : {});
}

export function readResult(resultsDir: string, name: string): ExperimentResult | null {
  const path = join(resultsDir, `${name}.json`);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ExperimentResult) : null;
}

/** Runs every seed of one experiment; returns the merged result, or null if interrupted first. */
export async function runExperiment(e: NamedExperiment, o: RunOptions): Promise<ExperimentResult | null> {
  const recipe: Recipe = { ...e.recipe, ...(o.epochs !== undefined && { epochs: o.epochs }) };
  mkdirSync(o.resultsDir, { recursive: true });
  let result: ExperimentResult | null = null;
  for (const seed of o.seeds) {
    const seeded: Recipe = { ...recipe, seed };
    manualSeed(seed);
    const model = buildModel(e, seeded);
    const data = loadMnist({ valSplit: seeded.valSplit, seed: seeded.splitSeed ?? seed, limit: { train: o.limitTrain, test: o.limitTest } });
    const runDir = join(o.runsDir, e.name, `seed-${seed}`);
    const log: string[] = [];
    o.log(`== ${e.name} (${modelName(e)}, ${model.numParameters().toLocaleString('en-US')} params), seed ${seed} ==`);
    const trainer = new Trainer({
      model, modelName: modelName(e), modelConfig: seeded.dropout !== undefined ? { dropout: seeded.dropout } : {}, recipe: seeded, data,
      outDir: runDir, threads: o.threads, signal: o.signal,
      log: (line) => {
        log.push(line);
        o.log(line);
      },
    });
    const r = await trainer.run();
    if (r.interrupted) return result;
    // The reported model: with an EMA recipe that is the average, not the last step's weights.
    const final = trainer.evaluate(trainer.testLoader, { collectPredictions: true });
    const run: SeedRun = {
      seed, history: r.history, log, runDir: relative(process.cwd(), runDir),
      testPredictions: Array.from(final.predictions!).join(''),
    };
    const summary = collectSummary(model);
    const previous = readResult(o.resultsDir, e.name);
    const keep = previous && previous.parameters === model.numParameters() ? previous.seeds.filter((s) => s.seed !== seed) : [];
    result = {
      name: e.name, title: e.title, model: modelName(e), parameters: model.numParameters(),
      target: e.target, analysis: e.analysis, recipe, chosenOn: e.chosenOn,
      summary, summaryText: formatSummaryTable(summary),
      seeds: [...keep, run].sort((a, b) => a.seed - b.seed),
      environment: {
        machine: `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores`, node: process.version,
        threads: o.threads, backend: o.backend, mnistLab: mnistLabVersion(),
      },
      finishedAt: new Date().toISOString(),
    };
    writeFileAtomicSync(join(o.resultsDir, `${e.name}.json`), `${JSON.stringify(result, null, 1)}\n`);
  }
  return result;
}
