/**
 * `experiments report`'s seeds page as a library call: gathers the seed projects' transcribed
 * figures, the recorded results of the experiments that reproduce them and the zoo's parameter
 * counts, and writes `<outDir>/seeds.md` (rendered by src/report/seeds-report.ts).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentResult } from '../report/experiment-result.js';
import { measuredRuns, renderSeedsReport } from '../report/seeds-report.js';
import { createModel, getModelEntry } from '../models/zoo.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { readResult } from './runner.js';
import { loadSeedProjects } from './seed-projects.js';

/** The seeds page's file name, beside the experiments' README.md. */
export const SEEDS_REPORT_FILE = 'seeds.md';

export interface SeedsReportOptions {
  resultsDir: string;
  outDir: string;
  /** The "last N epochs" of the main report's comparison. */
  lastEpochs: number;
  /**
   * Results already read (with the experiment files' words); others named by a seed model are read
   * from resultsDir.
   */
  results?: readonly ExperimentResult[];
}

export async function writeSeedsReport(o: SeedsReportOptions): Promise<string> {
  const projects = await loadSeedProjects();
  const results = new Map<string, ExperimentResult>((o.results ?? []).map((r) => [r.name, r]));
  const zooParameters = new Map<string, number>();
  for (const model of projects.flatMap((p) => p.models)) {
    for (const name of model.experiments) {
      if (results.has(name)) continue;
      const r = readResult(o.resultsDir, name);
      if (r) results.set(name, r);
    }
    // A name the zoo does not know is reported on its row, not thrown: the rest of the page still holds.
    try {
      getModelEntry(model.zooModel);
      zooParameters.set(model.zooModel, createModel(model.zooModel).numParameters());
    } catch {
      /* the row says "zoo has no ..." */
    }
  }
  mkdirSync(join(o.outDir, 'img'), { recursive: true });
  // Charts first, the page last, so the page never points at a missing image. Loaded on demand: the
  // plotting stack (vega, resvg) is only needed here.
  const { writeChart } = await import('../report/render-chart.js');
  const { seedCurvesBaseName, seedCurvesSpec } = await import('../report/seed-curves-plot.js');
  for (const project of projects) {
    for (const model of project.models) {
      const { runs } = measuredRuns(model, results);
      if (model.log === null || runs.length === 0) continue;
      await writeChart(seedCurvesSpec(project, model, runs.map((m) => ({ experiment: m.experiment.name, run: m.run }))), join(o.outDir, 'img', seedCurvesBaseName(project.id, model)));
    }
  }
  const path = join(o.outDir, SEEDS_REPORT_FILE);
  await writeFileAtomic(path, renderSeedsReport({ projects, results, zooParameters, lastEpochs: o.lastEpochs }));
  return path;
}
