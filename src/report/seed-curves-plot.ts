/**
 * The seeds report's chart: a seed project's logged accuracies beside mnist-lab's runs of the same
 * model, epoch by epoch (their EPOCH 0 is epoch 1 here). Only data and encodings are chosen here;
 * render-chart.ts draws it, as it draws the experiments report's curves.
 */
import type { SeedRun } from './experiment-result.js';
import type { SeedModelFigures, SeedProject } from './seed-projects.js';
import { CHART_FONT, type TopLevelSpec } from './render-chart.js';

/** The image's base name under img/, for the markdown and the writer alike. */
export function seedCurvesBaseName(projectId: string, model: Pick<SeedModelFigures, 'zooModel'>): string {
  return `seed-${projectId}-${model.zooModel.replace(/[^A-Za-z0-9._-]+/g, '-')}-curves`;
}

export interface SeedCurveRun {
  experiment: string;
  run: SeedRun;
}

export function seedCurvesSpec(project: SeedProject, model: SeedModelFigures, runs: readonly SeedCurveRun[]): TopLevelSpec {
  const rows: { run: string; epoch: number; split: string; accuracy: number }[] = [];
  const readme = `README (seed ${project.id}'s log)`;
  for (const [i, e] of (model.log ?? []).entries()) {
    rows.push({ run: readme, epoch: i + 1, split: 'test', accuracy: e.testAccuracy }, { run: readme, epoch: i + 1, split: 'train', accuracy: e.trainAccuracy });
  }
  for (const r of runs) {
    const name = `mnist-lab ${r.experiment} seed ${r.run.seed}`;
    for (const m of r.run.history) {
      rows.push({ run: name, epoch: m.epoch, split: 'test', accuracy: m.testAccuracy }, { run: name, epoch: m.epoch, split: 'train', accuracy: m.trainAccuracy });
    }
  }
  // Zoomed to where the curves meet: the first epochs of a model without BN start far lower.
  const floor = Math.floor(Math.min(...rows.filter((r) => r.epoch >= 3).map((r) => r.accuracy)));
  const x = { field: 'epoch', type: 'quantitative', title: 'epoch (the README\'s EPOCH n is n + 1)', axis: { tickMinStep: 1, format: 'd' } };
  const panel = (split: string): object => ({
    width: 360,
    height: 240,
    title: `${split === 'test' ? 'Test' : 'Train'} accuracy from ${floor}%`,
    transform: [{ filter: `datum.split === '${split}'` }],
    mark: { type: 'line', point: { size: 14 }, clip: true },
    encoding: {
      x,
      y: { field: 'accuracy', type: 'quantitative', title: `${split} accuracy (%)`, scale: { domain: [floor, 100], nice: false } },
      color: { field: 'run', type: 'nominal', title: 'run', sort: [readme], legend: { orient: 'bottom', columns: 2, labelLimit: 400 } },
      strokeDash: { condition: { test: `datum.run === "${readme}"`, value: [1, 0] }, value: [5, 3] },
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: `Seed ${project.id}, ${model.name} (${model.zooModel}): the README's log beside mnist-lab's runs`, anchor: 'start', fontSize: 14 },
    data: { values: rows },
    hconcat: [panel('test'), panel('train')],
    config: { font: CHART_FONT, background: 'white' },
  } as TopLevelSpec;
}
