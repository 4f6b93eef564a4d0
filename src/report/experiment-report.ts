/**
 * The experiments' write-up: `<outDir>/README.md` and its images under `<outDir>/img/`, laid out the
 * way the seed projects document their iterations (Target / Results / Analysis, the torchsummary
 * table, the training log), plus what they lacked: statistics over several seeds, goal checks with
 * their numbers, plots, the confusion matrix and the misclassified digits of the best model.
 *
 * Every number is computed from the recorded histories (experiment-stats.ts). Every file is written
 * atomically, images first and README.md last, so the README never points at a missing image.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../data/dataset.js';
import type { Recipe } from '../train/recipe.js';
import type { ReportGoals } from './goals.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { MnistLabError } from '../util/errors.js';
import { formatThousands } from '../util/python-format.js';
import { confusionMatrix, confusionMatrixMarkdown, confusionMatrixSpec } from './confusion-matrix.js';
import { digitGridMarkdown, digitGridPng, misclassifiedDigits } from './digit-grid.js';
import type { BestModelPredictions, ExperimentResult } from './experiment-result.js';
import {
  type ExperimentStats,
  checkGoal,
  experimentStats,
  qualifiesBySize,
} from './experiment-stats.js';
import { codeBlock, escapeHtml, markdownTable, percent } from './markdown.js';
import { curvesSpec, frontierSpec } from './plots.js';
import { frontierSection } from './frontier-section.js';
import { fontStatus, writeChart } from './render-chart.js';
import { VOTE_RULE, type VoteEnsemble } from './vote-ensemble.js';

export { experimentStats, checkGoal } from './experiment-stats.js';
export type { Goal, ReportGoals } from './goals.js';
export type { ExperimentStats, SeedStats, GoalCheck } from './experiment-stats.js';

export interface ReportOptions {
  /** The goals the report checks (experiments/goals.ts). */
  goals: ReportGoals;
  /** The test set the best model's predictions refer to (for the misclassified digits); needed with `best`. */
  testImages?: Pick<Dataset, 'images' | 'labels' | 'n' | 'height' | 'width'> & Partial<Pick<Dataset, 'sourceIndices'>>;
  /** How many misclassified digits the grid shows (default 64). */
  maxMisclassified?: number;
  /** The best experiment's seeds as one voted ensemble (one extra row, outside the goals); null or absent: none. */
  ensemble?: VoteEnsemble | null;
  /** The seeds report's file name beside README.md (e.g. 'seeds.md'), linked from the top; absent: no link. */
  seedsReport?: string;
}

export interface ReportOutput {
  /** The README's path. */
  readme: string;
  /** Every image written, in writing order. */
  images: string[];
  /** What vega-lite and vega warned about while drawing the charts (empty normally). */
  warnings: string[];
}

const IMG_DIR = 'img';

/** An experiment name as a file name: anything unusual becomes '-'. */
export function imageBaseName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'experiment';
}

function sortedResults(results: readonly ExperimentResult[]): ExperimentResult[] {
  if (results.length === 0) throw new MnistLabError('report: there are no experiment results to report; run an experiment first');
  const sorted = [...results].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.name === sorted[i - 1]!.name) {
      throw new MnistLabError(`report: two results are both named ${sorted[i]!.name}; each experiment needs its own name`);
    }
  }
  const bases = new Map<string, string>();
  for (const r of sorted) {
    const base = imageBaseName(r.name);
    const other = bases.get(base);
    if (other !== undefined) throw new MnistLabError(`report: experiments ${other} and ${r.name} would share image names; rename one`);
    bases.set(base, r.name);
  }
  return sorted;
}

// ---------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------

function range(min: number, max: number): string {
  return min === max ? String(min) : `${min}–${max}`;
}

function epochsText(s: ExperimentStats): string {
  return range(s.minEpochs, s.maxEpochs);
}

function windowLabel(s: ExperimentStats): string {
  return `last ${s.window}`;
}

function comparisonSection(stats: readonly ExperimentStats[], goals: ReportGoals): string {
  const LAST_EPOCHS = goals.lastEpochs;
  const TARGET_ACCURACY = goals.targetAccuracy;
  const header = [
    'experiment', 'parameters', 'best train', 'best test', `last ${LAST_EPOCHS}: min`, `last ${LAST_EPOCHS}: mean`,
    '± std over seeds', 'seeds', `epochs ≥ ${TARGET_ACCURACY}%`, 'epochs', 's / epoch',
  ];
  const rows = stats.map((s) => [
    s.shortWindow ? `${s.name} (last ${s.window} only)` : s.name,
    formatThousands(s.parameters),
    percent(s.bestTrainAccuracy),
    percent(s.bestTestAccuracy),
    percent(s.lastMin),
    percent(s.lastMeanAccuracy.mean),
    s.lastMeanAccuracy.std === null ? '–' : s.lastMeanAccuracy.std.toFixed(3),
    String(s.seedCount),
    range(s.epochsAtTarget.min, s.epochsAtTarget.max),
    epochsText(s),
    s.meanEpochSeconds.toFixed(1),
  ]);
  const notes = [
    `- Accuracies are test-set accuracies in percent unless marked train. "Best" is the highest over every epoch of every seed.`,
    `- "last ${LAST_EPOCHS}" looks at each seed run's final ${LAST_EPOCHS} epochs: min is the lowest of them over all seeds; mean is the mean over seeds of each seed's mean; ± is the sample standard deviation (n − 1) of those seed means (– with one seed).`,
    `- "epochs ≥ ${TARGET_ACCURACY}%" counts a run's epochs at or above ${TARGET_ACCURACY}% test accuracy (fewest–most over seeds); "s / epoch" is the mean wall time of an epoch (training plus evaluation) over all runs, on the machine listed under [Environment](#environment).`,
  ];
  for (const s of stats.filter((x) => x.shortWindow)) {
    notes.push(`- **${s.name}** has only ${s.minEpochs} epoch${s.minEpochs === 1 ? '' : 's'} in its shortest run, so its "last ${LAST_EPOCHS}" statistics use the last ${s.window}.`);
  }
  const aligned: ('l' | 'r')[] = ['l', ...new Array<'r'>(header.length - 1).fill('r')];
  return ['## Comparison', '', markdownTable(header, rows, aligned), '', ...notes].join('\n');
}

/**
 * One row for the ensemble of the best experiment's seeds. Its parameter count is the sum of its
 * members', which is what running it costs, so it is set apart from the comparison and the goals.
 */
function signedPoints(points: number): string {
  return `${points >= 0 ? '+' : '−'}${Math.abs(points).toFixed(2)}`;
}

export function ensembleSection(e: VoteEnsemble, goals: ReportGoals): string {
  const budget = Math.max(...goals.goals.map((g) => g.maxParameters));
  const members = e.memberCorrect.map((c) => (100 * c) / e.total);
  const row = [
    `\`${e.experiment}\`, seeds ${e.seeds.join(', ')}, majority vote`,
    `${formatThousands(e.parameters)} (${e.seeds.length} × ${formatThousands(e.memberParameters)})`,
    `${percent(e.accuracy)} (${e.correct}/${e.total})`,
    `${percent(Math.min(...members))}–${percent(Math.max(...members))}`,
    String(e.ties),
    e.parameters > budget ? `no: ${formatThousands(e.parameters)} parameters is over every goal's budget` : 'only as its total count',
  ];
  return [
    `## Ensemble of the best experiment's seeds`,
    '',
    markdownTable(['ensemble', 'parameters (sum of members)', 'test accuracy', "members' final test accuracy", 'tied votes', 'counts toward a goal'], [row], ['l', 'r', 'r', 'r', 'r', 'l']),
    '',
    `- How: ${VOTE_RULE}. The recorded results keep each seed's final predicted class for every test image, not its probabilities or its weights, so this is hard voting; \`mnist-lab eval RUN...\` on the members' checkpoints averages their probabilities instead (and reports the loss), when the checkpoints are on disk.`,
    `- Against its members: ${signedPoints(e.accuracy - members.reduce((a, b) => a + b, 0) / members.length)} points over their mean final accuracy (${percent(members.reduce((a, b) => a + b, 0) / members.length, 3)}), ${signedPoints(e.accuracy - Math.max(...members))} over the best of them.`,
    `- Running it means running all ${e.seeds.length} models, so its parameter count is the sum, ${formatThousands(e.parameters)}: it is not a model within any goal's budget (at most ${formatThousands(budget)} parameters), and the comparison and the goals above do not include it.`,
    `- The members are the same network trained from ${e.seeds.length} seeds, with the same recipe, on the same 60,000 images; the vote is scored on the same 10,000 test images the members were scored on. No choice was made on this score.`,
  ].join('\n');
}

function goalsSection(results: readonly ExperimentResult[], goals: ReportGoals): string {
  const lines = ['## Goals', ''];
  for (const goal of goals.goals) {
    lines.push(`- **Goal (${goal.id})**: ${goal.statement}.`);
    const candidates = results.filter((r) => qualifiesBySize(goal, r));
    if (candidates.length === 0) {
      lines.push(`  - No experiment has ≤ ${formatThousands(goal.maxParameters)} parameters, so none is checked.`);
      continue;
    }
    for (const r of candidates) {
      const check = checkGoal(goal, r, goals.targetAccuracy);
      lines.push(`  - ${check.met ? '✅ **met**' : '❌ **not met**'} by \`${r.name}\`: ${check.detail}.`);
    }
  }
  return lines.join('\n');
}

function image(alt: string, base: string): string {
  return `![${alt.replace(/[[\]]/g, '')}](${IMG_DIR}/${base}.png)\n\n<sub>[SVG](${IMG_DIR}/${base}.svg)</sub>`;
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k}: ${formatValue(v)}`).join(', ');
  }
  return String(value);
}

/** The full recipe, and the seeds it ran with (the seed is the run's, not the recipe's). */
function recipeTable(recipe: Recipe, seeds: readonly number[]): string {
  const rows = Object.entries(recipe)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [k, formatValue(v)]);
  rows.push(['seeds', seeds.join(', ')]);
  return markdownTable(['setting', 'value'], rows);
}

/** "Experiment 07's recipe with scheduler.pctStart 0.2": how the file wrote a derived recipe. */
function derivationLine(derivedFrom: ExperimentResult['derivedFrom']): string[] {
  if (!derivedFrom) return [];
  const changes: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    } else {
      changes.push(`\`${path}\` = ${formatValue(value)}`);
    }
  };
  walk(derivedFrom.changes, '');
  const what = changes.length ? `with ${changes.join(', ')}` : 'unchanged';
  return [`Written as experiment \`${derivedFrom.parent}\`'s recipe, ${what}; in full:`, ''];
}

function bullets(items: readonly string[], empty: string): string {
  return items.length === 0 ? `- ${empty}` : items.map((t) => `- ${t.replace(/\r?\n/g, ' ')}`).join('\n');
}

function experimentSection(result: ExperimentResult, s: ExperimentStats, goals: ReportGoals): string {
  const TARGET_ACCURACY = goals.targetAccuracy;
  const base = imageBaseName(result.name);
  const seedRows = s.perSeed.map((p) => [
    String(p.seed),
    String(p.epochs),
    percent(p.bestTrainAccuracy),
    percent(p.bestTestAccuracy),
    p.lastTestAccuracies.map((a) => a.toFixed(2)).join(', '),
    percent(p.lastMin),
    percent(p.lastMean),
    String(p.epochsAtTarget),
    p.meanEpochSeconds.toFixed(1),
  ]);
  const seedTable = markdownTable(
    ['seed', 'epochs', 'best train', 'best test', `${windowLabel(s)} test accuracies (%)`, 'min', 'mean', `epochs ≥ ${TARGET_ACCURACY}%`, 's / epoch'],
    seedRows,
    ['r', 'r', 'r', 'r', 'l', 'r', 'r', 'r', 'r'],
  );
  const std = s.lastMeanAccuracy.std === null ? '' : ` ± ${s.lastMeanAccuracy.std.toFixed(3)}`;
  const first = result.seeds[0]!;
  const log = first.log.length === 0 ? '(no log lines were recorded)' : first.log.join('\n');
  return [
    `### ${result.name}: ${result.title}`,
    '',
    `Model \`${result.model}\`, ${formatThousands(result.parameters)} parameters, ${s.seedCount} seed${s.seedCount === 1 ? '' : 's'} × ${epochsText(s)} epochs.`,
    '',
    '**Target:**',
    bullets(result.target, '(none recorded)'),
    '',
    '**Results:**',
    `- Parameters: ${formatThousands(result.parameters)}`,
    `- Best train accuracy: ${percent(s.bestTrainAccuracy)}`,
    `- Best test accuracy: ${percent(s.bestTestAccuracy)}`,
    `- Test accuracy over the ${windowLabel(s)} epochs${s.shortWindow ? ` (the runs are shorter than ${goals.lastEpochs} epochs)` : ''}: min ${percent(s.lastMin)}, mean ${percent(s.lastMeanAccuracy.mean)}${std} over ${s.seedCount} seed${s.seedCount === 1 ? '' : 's'}`,
    `- Epochs at ≥ ${TARGET_ACCURACY}%: ${range(s.epochsAtTarget.min, s.epochsAtTarget.max)} of ${epochsText(s)}`,
    '',
    seedTable,
    '',
    '**Analysis:**',
    bullets(result.analysis, '(none recorded)'),
    '',
    `**Recipe** (hyperparameters chosen on: ${result.chosenOn}):`,
    '',
    ...derivationLine(result.derivedFrom),
    recipeTable(result.recipe, result.seeds.map((r) => r.seed)),
    '',
    '**Model summary:**',
    '',
    codeBlock(result.summaryText),
    '',
    '**Curves:**',
    '',
    image(`${result.name} training curves`, `${base}-curves`),
    '',
    '<details>',
    `<summary>Training log (seed ${first.seed}, ${escapeHtml(first.runDir)})</summary>`,
    '',
    codeBlock(log),
    '',
    '</details>',
  ].join('\n');
}

function environmentSection(results: readonly ExperimentResult[]): string {
  const groups = new Map<string, { env: ExperimentResult['environment']; names: string[]; finished: string[] }>();
  for (const r of results) {
    const key = JSON.stringify(r.environment);
    const group = groups.get(key) ?? { env: r.environment, names: [], finished: [] };
    group.names.push(r.name);
    group.finished.push(r.finishedAt);
    groups.set(key, group);
  }
  const rows = [...groups.values()].map((g) => [
    g.names.join(', '),
    g.env.machine,
    g.env.node,
    String(g.env.threads),
    g.env.backend,
    g.env.mnistLab,
    [...g.finished].sort().at(-1) ?? '',
  ]);
  const font = fontStatus();
  const fontLine = font.available
    ? 'Charts are SVG; the PNG copies are rasterised by resvg with the system fonts.'
    : 'Charts are SVG; this machine has no font files, so the PNG copies show the marks without their text (install any TrueType font, e.g. `apt-get install fonts-dejavu-core`, and rerun). The SVGs are complete.';
  return [
    '## Environment',
    '',
    'The epoch times above were measured here:',
    '',
    markdownTable(['experiments', 'machine', 'Node', 'threads', 'backend', 'mnist-lab', 'finished'], rows),
    '',
    fontLine,
  ].join('\n');
}

type TestImages = NonNullable<ReportOptions['testImages']>;

function bestModelSection(best: BestModelPredictions, test: TestImages, limit: number, grid: boolean): string {
  const counts = confusionMatrix(best.predictions, best.labels);
  const total = best.labels.length;
  const correct = counts.reduce((acc, row, t) => acc + row[t]!, 0);
  const wrong = total - correct;
  const digits = misclassifiedDigits(best.predictions, best.labels, limit, test.sourceIndices);
  const lines = [
    `## Best model: \`${best.experiment}\`, seed ${best.seed}`,
    '',
    `Test accuracy from its predictions: ${correct}/${total} (${percent((100 * correct) / total)}); ${wrong} misclassified` +
      (total < test.n ? ` (predictions cover the first ${total} of the ${test.n} test images).` : '.'),
    '',
    '### Confusion matrix',
    '',
    'Rows are the true digit, columns the prediction; the diagonal (bold) is correct, `·` is zero.',
    '',
    confusionMatrixMarkdown(counts),
    '',
    image('confusion matrix', 'confusion-matrix'),
    '',
    '### Misclassified test digits',
    '',
  ];
  if (!grid) {
    lines.push('None: every test image is classified correctly.');
  } else {
    lines.push(
      `${digits.length === wrong ? `All ${wrong}` : `The first ${digits.length} of ${wrong}`} misclassified test images, in test-set order. ` +
        'Under each digit: true → predicted (red), and its index in the t10k file (gray).',
      '',
      `![misclassified digits](${IMG_DIR}/misclassified.png)`,
      '',
      digitGridMarkdown(digits),
    );
  }
  return lines.join('\n');
}

function checkPredictions(best: BestModelPredictions, test: TestImages): void {
  const where = `best model predictions (${best.experiment}, seed ${best.seed})`;
  if (best.predictions.length !== best.labels.length) {
    throw new MnistLabError(`${where}: ${best.predictions.length} predictions for ${best.labels.length} labels; rerun the evaluation`);
  }
  // Fewer predictions than test images is a run on the first N images (--limit-test); more is a mismatch.
  if (best.labels.length > test.n) {
    throw new MnistLabError(`${where}: ${best.labels.length} labels but the test set has only ${test.n} images; pass the test set the model was evaluated on`);
  }
  if (best.labels.length === 0) throw new MnistLabError(`${where}: there are no predictions; rerun the evaluation`);
  const mismatch = best.labels.findIndex((l, i) => l !== test.labels[i]);
  if (mismatch >= 0) {
    throw new MnistLabError(`${where}: label ${mismatch} is ${best.labels[mismatch]} but the test set says ${test.labels[mismatch]}; pass the test set the model was evaluated on`);
  }
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

/**
 * Writes `<outDir>/README.md` and `<outDir>/img/*` (SVG and PNG for every chart, a PNG grid of
 * misclassified digits). Experiments appear in name order.
 */
export async function writeReport(
  results: readonly ExperimentResult[],
  best: BestModelPredictions | null,
  outDir: string,
  options: ReportOptions,
): Promise<ReportOutput> {
  const sorted = sortedResults(results);
  const { goals } = options;
  const stats = sorted.map((r) => experimentStats(r, goals));
  const test = best === null ? null : options.testImages ?? null;
  if (best !== null && test === null) throw new MnistLabError('report: the best model\'s predictions need the test images they refer to (options.testImages)');
  if (best !== null) checkPredictions(best, test!);

  const imgDir = join(outDir, IMG_DIR);
  mkdirSync(imgDir, { recursive: true });
  const images: string[] = [];
  const warnings: string[] = [];
  const chart = async (spec: Parameters<typeof writeChart>[0], base: string): Promise<void> => {
    const files = await writeChart(spec, join(imgDir, base));
    images.push(files.svg, files.png);
    warnings.push(...files.warnings.map((w) => `${base}: ${w}`));
  };

  await chart(frontierSpec(stats, goals), 'frontier');
  for (const r of sorted) await chart(curvesSpec(r, goals), `${imageBaseName(r.name)}-curves`);

  const limit = options.maxMisclassified ?? 64;
  let grid = false;
  if (best !== null) {
    await chart(confusionMatrixSpec(confusionMatrix(best.predictions, best.labels), `Confusion matrix: ${best.experiment}, seed ${best.seed}`), 'confusion-matrix');
    const digits = misclassifiedDigits(best.predictions, best.labels, limit, test!.sourceIndices);
    if (digits.length > 0) {
      const path = join(imgDir, 'misclassified.png');
      await writeFileAtomic(path, digitGridPng(test!.images, test!, digits));
      images.push(path);
      grid = true;
    }
  }

  const latest = [...sorted.map((r) => r.finishedAt)].sort().at(-1);
  const sections = [
    `# mnist-lab experiments\n\n${sorted.length} experiment${sorted.length === 1 ? '' : 's'}; every number below is computed from the recorded per-epoch histories (latest run finished ${latest}).` +
      (options.seedsReport ? `\n\nThe seed projects' own results beside mnist-lab's runs of their models and recipes: [${options.seedsReport}](${options.seedsReport}).` : ''),
    comparisonSection(stats, goals),
    ...(options.ensemble ? [ensembleSection(options.ensemble, goals)] : []),
    goalsSection(sorted, goals),
    frontierSection(stats, goals),
    ['## Parameters vs accuracy', '', image('parameters vs accuracy', 'frontier')].join('\n'),
    ['## Experiments', '', sorted.map((r, i) => experimentSection(r, stats[i]!, goals)).join('\n\n')].join('\n'),
  ];
  if (best !== null) sections.push(bestModelSection(best, test!, limit, grid));
  sections.push(environmentSection(sorted));

  const readme = join(outDir, 'README.md');
  await writeFileAtomic(readme, `${sections.join('\n\n')}\n`);
  return { readme, images, warnings };
}
