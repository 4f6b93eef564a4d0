/**
 * The experiments page's data (api-types ExperimentsResponse): each recorded experiment's result
 * (reports/results/<name>.json) summarised with the report's own statistics, its seeds linked to
 * their run folders when a logdir holds <logdir>/experiments/<name>/seed-<n>, and the report's
 * parameters-vs-accuracy frontier as a Vega-Lite spec. The names come from the experiment files
 * (as in `experiments report`); the title too, so a revised write-up shows without retraining.
 * A result file that cannot be read is skipped (and logged), never the whole page.
 */
import { readdir, stat } from 'node:fs/promises';
import type { ExperimentRow, ExperimentsResponse, RunRow } from './api-types.js';
import { loadExperiments, type NamedExperiment } from '../experiments/registry.js';
import { loadGoals } from '../experiments/goals.js';
import { readResult } from '../experiments/runner.js';
import { experimentStats, type ExperimentStats } from '../report/experiment-stats.js';
import type { ReportGoals } from '../report/goals.js';
import { experimentOf } from './run-row.js';

export class ExperimentsView {
  private registry: Promise<{ experiments: NamedExperiment[]; goals: ReportGoals }> | null = null;
  private cache: { stamp: string; response: ExperimentsResponse } | null = null;
  private readonly loggedProblems = new Set<string>();

  constructor(private readonly resultsDir: string, private readonly log: (line: string) => void) {}

  async response(rows: readonly RunRow[]): Promise<ExperimentsResponse> {
    // The experiment files are compiled code: loaded once per server. A failure is retried next time.
    this.registry ??= Promise.all([loadExperiments(), loadGoals()]).then(([experiments, goals]) => ({ experiments, goals }));
    let registry;
    try {
      registry = await this.registry;
    } catch (err) {
      this.registry = null;
      throw err;
    }
    const runIds = seedRunIds(rows);
    const stamp = `${await this.resultsStamp()}|${JSON.stringify([...runIds])}`;
    if (this.cache?.stamp === stamp) return this.cache.response;
    // The chart code imports vega (most of a second); only this page needs it.
    const { frontierSpec } = await import('../report/plots.js');
    const response = this.build(registry.experiments, registry.goals, runIds, frontierSpec);
    this.cache = { stamp, response };
    return response;
  }

  private build(
    experiments: NamedExperiment[], goals: ReportGoals, runIds: Map<string, string>,
    frontierSpec: (stats: readonly ExperimentStats[], goals: ReportGoals) => object,
  ): ExperimentsResponse {
    const rows: ExperimentRow[] = [];
    const stats: ExperimentStats[] = [];
    for (const e of experiments) {
      try {
        const result = readResult(this.resultsDir, e.name);
        if (!result) continue;
        const s = experimentStats(result, goals);
        stats.push(s);
        rows.push({
          name: e.name,
          title: e.title,
          model: result.model,
          parameters: result.parameters,
          bestTrainAccuracy: s.bestTrainAccuracy,
          bestTestAccuracy: s.bestTestAccuracy,
          lastMin: s.lastMin,
          lastMean: s.lastMeanAccuracy.mean,
          lastStd: s.lastMeanAccuracy.std,
          seeds: result.seeds.map((r) => ({ seed: r.seed, runId: runIds.get(`${e.name}/${r.seed}`) ?? null })),
        });
      } catch (err) {
        const line = `mnist-lab serve: skipping experiment ${e.name}: ${(err as Error).message.split('\n')[0]}`;
        if (!this.loggedProblems.has(line)) this.log(line);
        this.loggedProblems.add(line);
      }
    }
    return {
      resultsDir: this.resultsDir,
      lastEpochs: goals.lastEpochs,
      targetAccuracy: goals.targetAccuracy,
      rows,
      frontier: stats.length ? frontierSpec(stats, goals) : {},
    };
  }

  /** Names, sizes and mtimes of the result files: a change in any rebuilds the response. */
  private async resultsStamp(): Promise<string> {
    try {
      const names = (await readdir(this.resultsDir)).filter((n) => n.endsWith('.json')).sort();
      const stamps = await Promise.all(names.map(async (n) => {
        const s = await stat(`${this.resultsDir}/${n}`).catch(() => null);
        return `${n}:${s?.mtimeMs ?? '-'}:${s?.size ?? '-'}`;
      }));
      return stamps.join(',');
    } catch {
      return 'none';
    }
  }
}

/** `<experiment>/<seed>` → the run id of the first logdir's folder experiments/<experiment>/seed-<seed>. */
function seedRunIds(rows: readonly RunRow[]): Map<string, string> {
  const ids = new Map<string, string>();
  for (const row of rows) {
    const e = experimentOf(row.name);
    const key = e && `${e.experiment}/${e.seed}`;
    if (key && !ids.has(key)) ids.set(key, row.id);
  }
  return ids;
}
