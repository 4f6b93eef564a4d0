/**
 * A sweep's report (reports/sweeps/<name>/README.md): the trials table, the best trial and the
 * command that reproduces it, its confirmation on the test set if one was made, a parallel-
 * coordinates plot of every trial and the parameters' importance, as Vega-Lite charts in the main
 * report's look (SVG and PNG).
 */
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../util/atomic-write.js';
import { markdownTable, codeBlock } from '../report/markdown.js';
import { writeChart } from '../report/render-chart.js';
import { parameterImportance } from './importance.js';
import { internalRange, toInternal, type ParamValue } from './search-space.js';
import { bestTrial, type Study, type StudyTrial } from './study.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

function show(v: ParamValue): string {
  return typeof v === 'number' ? String(Number(v.toPrecision(4))) : String(v);
}

export function parallelCoordinatesSpec(study: Study): TopLevelSpec {
  const axes = Object.keys(study.spec.space);
  const rows: Record<string, unknown>[] = [];
  const done = study.trials.filter((t) => t.state === 'complete' || t.state === 'pruned');
  const values = done.map((t) => t.value ?? lastIntermediate(t.intermediate)).filter((v): v is number => v !== null);
  const [vmin, vmax] = values.length ? [Math.min(...values), Math.max(...values)] : [0, 1];
  for (const t of done) {
    // A stopped trial sits on the objective axis at the value it was stopped with, drawn in grey.
    const reached = t.value ?? lastIntermediate(t.intermediate);
    for (const [i, name] of axes.entries()) {
      const p = study.spec.space[name]!;
      const x = toInternal(p, t.params[name]!);
      const [lo, hi] = p.type === 'choice' ? [0, Math.max(1, p.values.length - 1)] : internalRange(p);
      rows.push({ trial: t.id, axis: name.replace(/^recipe\./, ''), order: i, position: (x - lo) / (hi - lo || 1), label: show(t.params[name]!), objective: reached, complete: t.state === 'complete' });
    }
    rows.push({
      trial: t.id, axis: 'objective (%)', order: axes.length, position: reached === null ? 0 : (reached - vmin) / (vmax - vmin || 1),
      label: reached === null ? '' : reached.toFixed(2), objective: reached, complete: t.state === 'complete',
    });
  }
  const x = { field: 'axis', type: 'nominal', sort: { field: 'order' }, title: null, axis: { labelAngle: 0, domain: false, grid: true, labelLimit: 200, labelFontSize: 12 } };
  const y = { field: 'position', type: 'quantitative', axis: null, scale: { domain: [0, 1] } };
  return {
    $schema: SCHEMA,
    title: { text: `${study.spec.name}: every trial`, subtitle: ['one line a trial; each axis spans its range (log scale for log parameters)', 'grey, dashed: stopped early by ASHA, at the value it was stopped with'] },
    width: Math.max(420, 170 * (axes.length + 1)), height: 300,
    data: { values: rows },
    layer: [
      {
        transform: [{ filter: '!datum.complete' }],
        mark: { type: 'line', strokeWidth: 1.2, color: '#b8b8b8', strokeDash: [4, 3] },
        encoding: { x, y, detail: { field: 'trial', type: 'nominal' }, tooltip: [{ field: 'trial' }, { field: 'axis' }, { field: 'label', title: 'value' }] },
      },
      {
        transform: [{ filter: 'datum.complete' }],
        mark: { type: 'line', strokeWidth: 2, opacity: 0.9 },
        encoding: {
          x, y, detail: { field: 'trial', type: 'nominal' },
          color: { field: 'objective', type: 'quantitative', scale: { scheme: 'viridis' }, title: 'objective (%)' },
          tooltip: [{ field: 'trial' }, { field: 'axis' }, { field: 'label', title: 'value' }],
        },
      },
      { mark: { type: 'point', filled: true, size: 22, color: '#444' }, encoding: { x, y } },
      { data: { values: axisTicks(study, vmin, vmax) }, mark: { type: 'text', align: 'left', dx: 7, fontSize: 10, color: '#555' }, encoding: { x, y, text: { field: 'label' } } },
    ],
    config: { font: 'DejaVu Sans', view: { stroke: null } },
  } as TopLevelSpec;
}

/** The labels at each axis: a numeric axis's two ends, every value of a choice. */
function axisTicks(study: Study, vmin: number, vmax: number): Record<string, unknown>[] {
  const ticks: Record<string, unknown>[] = [];
  for (const [i, [name, p]] of Object.entries(study.spec.space).entries()) {
    const axis = name.replace(/^recipe\./, '');
    if (p.type === 'choice') {
      p.values.forEach((v, k) => ticks.push({ axis, order: i, position: k / Math.max(1, p.values.length - 1), label: show(v) }));
    } else {
      ticks.push({ axis, order: i, position: 0, label: show(p.low) }, { axis, order: i, position: 1, label: show(p.high) });
    }
  }
  const n = Object.keys(study.spec.space).length;
  ticks.push({ axis: 'objective (%)', order: n, position: 0, label: vmin.toFixed(2) }, { axis: 'objective (%)', order: n, position: 1, label: vmax.toFixed(2) });
  return ticks;
}

function lastIntermediate(values: Record<string, number>): number | null {
  const epochs = Object.keys(values).map(Number);
  return epochs.length ? values[String(Math.max(...epochs))]! : null;
}

export function importanceSpec(study: Study): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: { text: `${study.spec.name}: parameter importance`, subtitle: "|Spearman's rho| with the objective (choices: correlation ratio), normalised" },
    width: 360, height: { step: 26 },
    data: { values: parameterImportance(study.spec.space, study.trials) },
    mark: { type: 'bar', color: '#4c78a8' },
    encoding: {
      y: { field: 'parameter', type: 'nominal', sort: '-x', title: null, axis: { labelLimit: 260 } },
      x: { field: 'importance', type: 'quantitative', title: 'importance (sums to 1)', axis: { format: '.2f' } },
    },
    config: { font: 'DejaVu Sans' },
  } as TopLevelSpec;
}

/** Writes the report into `outDir` (README.md, img/); `sweepDir` is where its study lives. */
export async function writeSweepReport(study: Study, sweepDir: string, outDir: string): Promise<string> {
  const img = join(outDir, 'img');
  mkdirSync(img, { recursive: true });
  await writeChart(parallelCoordinatesSpec(study), join(img, 'parallel-coordinates'));
  await writeChart(importanceSpec(study), join(img, 'importance'));
  const s = study.spec;
  const names = Object.keys(s.space);
  const v = s.objective.validation;
  const validation = 'folds' in v ? `${v.folds}-fold cross-validation of the training images (split seed ${v.splitSeed})` : `${v.split.toLocaleString('en-US')} training images held out (split seed ${v.splitSeed})`;
  const rows = study.trials.map((t) => [
    String(t.id), ...names.map((n) => show(t.params[n]!)), t.state, objectiveCell(t),
    String(Math.max(0, ...Object.keys(t.intermediate).map(Number))), `${t.seconds.toFixed(0)} s`,
  ]);
  const best = bestTrial(study);
  const rel = (p: string): string => relative(process.cwd(), join(sweepDir, p)) || '.';
  const lines = [
    `# Sweep \`${s.name}\``,
    '',
    `${study.trials.length} trial(s) of a budget of ${s.budget.trials}; sampler ${s.sampler.name}${s.pruner ? `, ASHA pruning (first rung ${s.pruner.minEpochs} epoch(s), 1 in ${s.pruner.reductionFactor} goes on)` : ''}. ` +
      `Base: \`${s.base.model.name}\`, ${s.base.recipe.epochs} epochs${s.base.data.limitTrain ? ` on the first ${s.base.data.limitTrain.toLocaleString('en-US')} training images` : ''}.`,
    '',
    `**Objective**: validation accuracy over the last ${s.objective.lastEpochs} epoch(s), on ${validation}. No trial read the test set (every trial's spec has \`data.test: false\`).`,
    '',
    '## Trials',
    '',
    markdownTable(['trial', ...names.map((n) => `\`${n}\``), 'state', 'objective (%)', 'epochs', 'time'], rows, ['r', ...names.map(() => 'r' as const), 'l', 'r', 'r', 'r']),
    '',
    '## Best trial',
    '',
    best
      ? [`Trial ${best.id}: objective ${best.value!.toFixed(3)}% with ${names.map((n) => `\`${n}\` = ${show(best.params[n]!)}`).join(', ')}. Its run, again:`, '',
        codeBlock(`mnist-lab train --spec ${rel(join(best.dir, 'folds' in v ? 'fold-1' : '', 'spec.json'))} --out runs/sweep-${s.name}-trial-${best.id}`, 'bash')].join('\n')
      : 'No trial has finished yet.',
    '',
    '## Confirmation on the test set',
    '',
    study.confirmation
      ? `Trial ${study.confirmation.trialId}, trained once with nothing held out of its training images (\`mnist-lab sweep confirm ${rel('.')}\`, ${study.confirmation.at}): ` +
        `test accuracy over the last ${study.confirmation.lastEpochs} epochs ${study.confirmation.testLastMean.toFixed(3)}% (lowest ${study.confirmation.testLastMin.toFixed(2)}%), ${study.confirmation.testFinal.toFixed(2)}% at the last. This is the only time the sweep read the test set.`
      : `Not confirmed yet: \`mnist-lab sweep confirm ${rel('.')}\` trains the best trial once with nothing held out of its training images, and reads the test set, once.`,
    '',
    '## Plots',
    '',
    '![parallel coordinates](img/parallel-coordinates.png)',
    '',
    study.trials.filter((t) => t.state === 'complete').length < 3
      ? '_Parameter importance needs at least 3 complete trials; this sweep has fewer, so every score is 0._'
      : '![parameter importance](img/importance.png)',
    '',
  ];
  const path = join(outDir, 'README.md');
  await writeFileAtomic(path, `${lines.join('\n')}\n`);
  return path;
}

/**
 * A complete trial's objective; for a stopped one, what ASHA judged it on, in brackets (the running
 * objective of its first fold when it stopped), so a reader sees by how much it lost.
 */
function objectiveCell(t: StudyTrial): string {
  if (t.value !== null) return t.value.toFixed(3);
  const epochs = Object.keys(t.intermediate).map(Number);
  if (t.state !== 'pruned' || epochs.length === 0) return '–';
  const last = Math.max(...epochs);
  return `(${t.intermediate[String(last)]!.toFixed(3)} at epoch ${last})`;
}
