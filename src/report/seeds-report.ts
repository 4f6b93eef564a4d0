/**
 * reports/seeds.md: each seed project's own results, as its README states them, beside mnist-lab's
 * measured runs of the same models with the seed's recipe. A pure function of the transcribed
 * figures (experiments/seed-projects.ts) and the recorded results, so a test can render it from
 * fixtures. Parameter counts are checked on every row: a reproduction of a model with another
 * count is not a reproduction, so a mismatch is printed in bold and counted at the top.
 */
import type { ExperimentResult, SeedRun } from './experiment-result.js';
import type { SeedModelFigures, SeedProject } from './seed-projects.js';
import { markdownTable } from './markdown.js';
import { seedCurvesBaseName } from './seed-curves-plot.js';
import { formatThousands } from '../util/python-format.js';

export interface SeedsReportInput {
  projects: readonly SeedProject[];
  /** Recorded results by experiment name; an experiment named by a seed model but absent here is "not run yet". */
  results: ReadonlyMap<string, ExperimentResult>;
  /** The zoo's parameter count of each seed model, by zoo name (for the models mnist-lab did not run). */
  zooParameters: ReadonlyMap<string, number>;
  /** How many final epochs the "last N" column shows (the main report's). */
  lastEpochs: number;
}

export interface ParameterCheck {
  equal: boolean;
  /** For the table cell: "yes (10,790)", "yes: 6,379,786 is the README's 6.3M", "**no**: 7,944 ≠ 7,904". */
  text: string;
}

/**
 * Whether a measured count is the README's. Exact counts must be equal; a rounded one ("6.3M") must
 * be a count that the README's figure could have been written from, by rounding or by truncating to
 * its last digit (6.25M up to, not including, 6.4M).
 */
export function checkParameters(stated: Pick<SeedModelFigures, 'parameters' | 'parametersAsWritten'>, measured: number): ParameterCheck {
  const written = stated.parametersAsWritten;
  if (written === null) {
    return measured === stated.parameters
      ? { equal: true, text: `yes (${formatThousands(measured)})` }
      : { equal: false, text: `**no**: ${formatThousands(measured)} ≠ ${formatThousands(stated.parameters)}` };
  }
  const m = /^(\d+)(?:\.(\d+))?([kM])$/.exec(written);
  if (!m) return { equal: false, text: `**no**: the README's "${written}" is not a count this report can read` };
  const unit = m[3] === 'M' ? 1e6 : 1e3;
  const step = unit / 10 ** (m[2]?.length ?? 0);
  const value = Number(`${m[1]}.${m[2] ?? '0'}`) * unit;
  const equal = measured >= value - step / 2 && measured < value + step;
  return equal
    ? { equal: true, text: `yes: ${formatThousands(measured)} is the README's ${written}` }
    : { equal: false, text: `**no**: ${formatThousands(measured)} is not the README's ${written}` };
}

function pct(value: number | null, approximate = false): string {
  return value === null ? 'not stated' : `${approximate ? '~' : ''}${value.toFixed(2)}`;
}

function max(values: readonly number[]): number {
  return values.reduce((a, b) => Math.max(a, b), -Infinity);
}

/** One of the seed's figures: from its log when it has one, else as its table states it. */
function theirs(model: SeedModelFigures): { bestTrain: string; bestTest: string; first: string; last: string; lastN: (n: number) => string } {
  const log = model.log;
  if (log === null) {
    return {
      bestTrain: pct(model.bestTrainAccuracy),
      bestTest: pct(model.bestTestAccuracy),
      first: pct(model.firstEpochTestAccuracy, model.approximate),
      last: pct(model.finalTestAccuracy, model.approximate),
      lastN: () => 'no log',
    };
  }
  const logBestTrain = max(log.map((e) => e.trainAccuracy));
  const logBestTest = max(log.map((e) => e.testAccuracy));
  // The table's figure first; the log's beside it when the README disagrees with itself.
  const withLog = (stated: number | null, fromLog: number): string =>
    stated === null ? `${fromLog.toFixed(2)} (log)` : stated === fromLog ? stated.toFixed(2) : `${stated.toFixed(2)} (log: ${fromLog.toFixed(2)})`;
  return {
    bestTrain: withLog(model.bestTrainAccuracy, logBestTrain),
    bestTest: withLog(model.bestTestAccuracy, logBestTest),
    first: log[0]!.testAccuracy.toFixed(2),
    last: log.at(-1)!.testAccuracy.toFixed(2),
    lastN: (n) => log.slice(-n).map((e) => e.testAccuracy.toFixed(2)).join(', '),
  };
}

interface MeasuredRun {
  experiment: ExperimentResult;
  run: SeedRun;
}

export function measuredRuns(model: SeedModelFigures, results: ReadonlyMap<string, ExperimentResult>): { runs: MeasuredRun[]; missing: string[] } {
  const runs: MeasuredRun[] = [];
  const missing: string[] = [];
  for (const name of model.experiments) {
    const r = results.get(name);
    if (!r || r.seeds.length === 0) missing.push(name);
    else for (const run of r.seeds) runs.push({ experiment: r, run });
  }
  return { runs, missing };
}

function runLabel(m: MeasuredRun): string {
  return `mnist-lab \`${m.experiment.name}\` seed ${m.run.seed}`;
}

function lastAccuracies(run: SeedRun, n: number): number[] {
  return run.history.slice(-n).map((e) => e.testAccuracy);
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function signed(points: number): string {
  return `${points >= 0 ? '+' : '−'}${Math.abs(points).toFixed(2)}`;
}

/** Counts every parameter check in the report, so the top can say whether all hold. */
class Checks {
  readonly mismatches: string[] = [];
  total = 0;

  check(where: string, stated: SeedModelFigures, measured: number): string {
    const c = checkParameters(stated, measured);
    this.total++;
    if (!c.equal) this.mismatches.push(`${where}: ${c.text.replace(/\*\*/g, '')}`);
    return c.text;
  }
}

function modelTable(project: SeedProject, input: SeedsReportInput, checks: Checks): string {
  const n = input.lastEpochs;
  const header = ['model', 'run', 'parameters', 'same count as the README', 'best train', 'best test', 'epoch 1 test', 'final test', `last ${n} test accuracies`];
  const rows: string[][] = [];
  for (const model of project.models) {
    const t = theirs(model);
    const zoo = input.zooParameters.get(model.zooModel);
    const stated = model.parametersAsWritten ?? formatThousands(model.parameters);
    rows.push([
      model.name, 'README (one run)', stated,
      zoo === undefined ? `zoo has no \`${model.zooModel}\`` : `zoo \`${model.zooModel}\`: ${checks.check(`seed ${project.id} ${model.name}, zoo ${model.zooModel}`, model, zoo)}`,
      t.bestTrain, t.bestTest, t.first, t.last, t.lastN(n),
    ]);
    const { runs } = measuredRuns(model, input.results);
    for (const m of runs) {
      const h = m.run.history;
      rows.push([
        model.name, runLabel(m), formatThousands(m.experiment.parameters),
        checks.check(`seed ${project.id} ${model.name}, ${m.experiment.name}`, model, m.experiment.parameters),
        max(h.map((e) => e.trainAccuracy)).toFixed(2), max(h.map((e) => e.testAccuracy)).toFixed(2),
        h[0]!.testAccuracy.toFixed(2), h.at(-1)!.testAccuracy.toFixed(2),
        lastAccuracies(m.run, n).map((a) => a.toFixed(2)).join(', '),
      ]);
    }
  }
  return markdownTable(header, rows, ['l', 'l', 'r', 'l', 'r', 'r', 'r', 'r', 'l']);
}

/** The seed's log and each measured run, epoch by epoch (their EPOCH 0 is our epoch 1). */
function epochTable(model: SeedModelFigures, runs: readonly MeasuredRun[]): string {
  const log = model.log!;
  const epochs = Math.max(log.length, ...runs.map((m) => m.run.history.length));
  const tag = (m: MeasuredRun): string => `${m.experiment.name.slice(0, 2)} s${m.run.seed}`;
  const header = [
    'epoch', 'README test', ...runs.map((m) => `${tag(m)} test`),
    'README train', ...runs.map((m) => `${tag(m)} train`),
  ];
  const rows: string[][] = [];
  for (let i = 0; i < epochs; i++) {
    const e = log[i];
    const ours = runs.map((m) => m.run.history[i]);
    rows.push([
      `${i + 1}${e ? ` (EPOCH ${e.loggedEpoch})` : ''}`,
      e ? e.testAccuracy.toFixed(2) : '',
      ...ours.map((o) => (o ? o.testAccuracy.toFixed(2) : '')),
      e ? e.trainAccuracy.toFixed(2) : '',
      ...ours.map((o) => (o ? o.trainAccuracy.toFixed(2) : '')),
    ]);
  }
  return markdownTable(header, rows, header.map((_, i) => (i === 0 ? 'l' : 'r')));
}

/** Sentences computed from the numbers: how far apart the runs are, never hidden. */
function measuredDifferences(model: SeedModelFigures, runs: readonly MeasuredRun[], n: number): string[] {
  if (runs.length === 0) return [];
  const bests = runs.map((m) => max(m.run.history.map((e) => e.testAccuracy)));
  const lastMeans = runs.map((m) => mean(lastAccuracies(m.run, n)));
  const lines: string[] = [];
  const theirBest = model.bestTestAccuracy ?? (model.log ? max(model.log.map((e) => e.testAccuracy)) : null);
  const range = (v: readonly number[]): string => {
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    return lo === hi ? `${lo.toFixed(2)}%` : `${lo.toFixed(2)}-${hi.toFixed(2)}%`;
  };
  const count = runs.length === 1 ? '1 run reaches' : `${runs.length} runs reach`;
  if (theirBest !== null) {
    const deltas = bests.map((b) => b - theirBest);
    lines.push(
      `Best test accuracy: the README's ${theirBest.toFixed(2)}% is one run; mnist-lab's ${count} ${range(bests)} ` +
        `(${deltas.map(signed).join(', ')} points against it)${runs.length > 1 ? `; mnist-lab's own runs differ by ${(Math.max(...bests) - Math.min(...bests)).toFixed(2)} points among themselves` : ''}.`,
    );
  }
  if (model.log === null && model.firstEpochTestAccuracy !== null) {
    const firsts = runs.map((m) => m.run.history[0]!.testAccuracy);
    lines.push(`After epoch 1: the README's ${model.approximate ? '~' : ''}${model.firstEpochTestAccuracy.toFixed(2)}% against mnist-lab's ${range(firsts)}.`);
  }
  const theirFinal = model.log ? model.log.at(-1)!.testAccuracy : model.finalTestAccuracy;
  if (theirFinal !== null) {
    const finals = runs.map((m) => m.run.history.at(-1)!.testAccuracy);
    lines.push(`Final epoch: the README's ${model.approximate ? '~' : ''}${theirFinal.toFixed(2)}% against mnist-lab's ${range(finals)}; mnist-lab's mean over its last ${n} epochs is ${range(lastMeans)}.`);
  }
  if (model.log !== null) lines.push(...logAgreement(model.log.map((e) => e.testAccuracy), runs));
  // A plateau schedule that never fires makes the recipe a constant rate; the reader should know.
  if (runs.every((m) => m.experiment.recipe.scheduler.name === 'plateau')) {
    const rates = new Set(runs.flatMap((m) => m.run.history.map((e) => e.lr)));
    const falling = runs.every((m) => m.run.history.every((e, i, h) => i === 0 || e.trainLoss < h[i - 1]!.trainLoss));
    if (rates.size === 1) {
      lines.push(`ReduceLROnPlateau never lowered the learning rate: every epoch of every run trained at ${[...rates][0]}${falling ? ', because the training loss it watches fell every epoch' : ''}.`);
    }
  }
  return lines;
}

/** How closely the runs follow the seed's logged test accuracy, epoch by epoch. */
function logAgreement(logged: readonly number[], runs: readonly MeasuredRun[]): string[] {
  const WITHIN = 0.5;
  const epochs = Math.min(logged.length, ...runs.map((m) => m.run.history.length));
  const gap = (i: number): number => Math.max(...runs.map((m) => Math.abs(m.run.history[i]!.testAccuracy - logged[i]!)));
  let from = epochs;
  while (from > 0 && gap(from - 1) <= WITHIN) from--;
  if (from === epochs) return [`The runs' test accuracy is more than ${WITHIN} points from the log's at the last epoch.`];
  const largest = Math.max(...Array.from({ length: epochs - from }, (_, k) => gap(from + k)));
  const first = runs.map((m) => `${m.run.history[0]!.testAccuracy.toFixed(2)}%`).join(', ');
  return [
    `From epoch ${from + 1} on, every run's test accuracy is within ${WITHIN} points of the log's, epoch by epoch (the largest gap from there is ${largest.toFixed(2)} points)` +
      (from > 0 ? `; the first epochs differ most: after epoch 1 the log has ${logged[0]!.toFixed(2)}% and mnist-lab ${first}.` : '.'),
  ];
}

function projectSection(project: SeedProject, input: SeedsReportInput, checks: Checks): string {
  const lines = [
    `## Seed ${project.id}: ${project.title}`,
    '',
    `Source: \`${project.readme}\`. Its training setup, as the README states it:`,
    '',
    ...(project.statedRecipe.length ? project.statedRecipe.map((r) => `- ${r}`) : ['- (nothing)']),
    '',
    modelTable(project, input, checks),
  ];
  // Models that mnist-lab did not run share one list, grouped by the reason, so a reason is said once.
  const notRun = new Map<string, SeedModelFigures[]>();
  for (const model of project.models.filter((m) => m.notRun !== null)) notRun.set(model.notRun!, [...(notRun.get(model.notRun!) ?? []), model]);
  if (notRun.size > 0) {
    lines.push('', '### Not run by mnist-lab', '');
    for (const [reason, models] of notRun) {
      const named = models.map((m) => `**${m.name}** (\`${m.zooModel}\`${m.statedResults.length ? `; README: ${m.statedResults.join('; ')}` : ''})`);
      lines.push(`- ${named.join(', ')}: ${reason}.`);
    }
  }
  for (const model of project.models.filter((m) => m.notRun === null)) {
    const { runs, missing } = measuredRuns(model, input.results);
    const notes: string[] = [];
    for (const name of missing) notes.push(`\`${name}\` has no recorded result yet: run \`mnist-lab experiments run ${name}\`.`);
    for (const s of model.statedResults) notes.push(`The README also states: ${s}.`);
    notes.push(...model.differences, ...measuredDifferences(model, runs, input.lastEpochs));
    lines.push('', `### ${model.name} (\`${model.zooModel}\`)`, '');
    if (runs.length > 0) {
      const exps = [...new Set(runs.map((m) => m.experiment.name))];
      const seedsOf = (e: string): string => {
        const seeds = runs.filter((m) => m.experiment.name === e).map((m) => m.run.seed);
        return `seed${seeds.length === 1 ? '' : 's'} ${seeds.join(', ')}`;
      };
      lines.push(`mnist-lab's runs: ${exps.map((e) => `\`${e}\` (${seedsOf(e)})`).join(' and ')}; each recipe in full is in [the experiments report](README.md).`, '');
    }
    lines.push(...notes.map((t) => `- ${t}`));
    if (model.log !== null && runs.length > 0) {
      const base = seedCurvesBaseName(project.id, model);
      lines.push(
        '', "Epoch by epoch, test and train accuracy (%). The README's log counts epochs from 0. Train accuracy is, in both, the accuracy over the epoch's training batches as they were trained (dropout and any augmentation on).",
        '', `![seed ${project.id} ${model.name}: the README's log beside mnist-lab's runs](img/${base}.png)`, '', `<sub>[SVG](img/${base}.svg)</sub>`,
        '', epochTable(model, runs),
      );
    }
  }
  return lines.join('\n');
}

function summaryTable(input: SeedsReportInput): string {
  const n = input.lastEpochs;
  const rows: string[][] = [];
  for (const project of input.projects) {
    for (const model of project.models) {
      const t = theirs(model);
      const { runs } = measuredRuns(model, input.results);
      const theirTest = model.bestTestAccuracy !== null || model.log !== null ? `best ${t.bestTest}` : model.finalTestAccuracy !== null ? `final ${t.last}` : model.statedResults[0] ?? 'not stated';
      const bests = runs.map((m) => max(m.run.history.map((e) => e.testAccuracy)).toFixed(2));
      const lastMeans = runs.map((m) => mean(lastAccuracies(m.run, n)));
      rows.push([
        project.id, `${model.name} (\`${model.zooModel}\`)`, model.parametersAsWritten ?? formatThousands(model.parameters), theirTest,
        runs.length ? bests.join(', ') : '–',
        runs.length ? `${mean(lastMeans).toFixed(2)}` : '–',
        runs.length ? `${runs.length} (${[...new Set(runs.map((m) => `\`${m.experiment.name}\``))].join(', ')})` : 'not run',
      ]);
    }
  }
  return markdownTable(
    ['seed', 'model', 'parameters (README)', "README's test accuracy (%)", 'mnist-lab best test, per run (%)', `mnist-lab last ${n} mean (%)`, 'mnist-lab runs'],
    rows, ['l', 'l', 'r', 'l', 'l', 'r', 'l'],
  );
}

/** The whole of reports/seeds.md. */
export function renderSeedsReport(input: SeedsReportInput): string {
  const checks = new Checks();
  // The project sections run the checks; the summary at the top reports them, so they are built first.
  const sections = input.projects.map((p) => projectSection(p, input, checks));
  const checkLine = checks.mismatches.length === 0
    ? `Parameter counts: all ${checks.total} checks agree with the READMEs (every zoo model and every measured run has the count its README states).`
    : `**Parameter counts: ${checks.mismatches.length} of ${checks.total} checks disagree with the READMEs**, so those rows do not reproduce the seed's model:\n\n${checks.mismatches.map((m) => `- ${m}`).join('\n')}`;
  return [
    '# The seed projects beside mnist-lab',
    '',
    "mnist-lab replaces five PyTorch projects. This page sets each one's results, as its README states them, beside mnist-lab's runs " +
      "of the same models with the recipes the README gives (where it leaves a value out, the experiment says which value was chosen and why). " +
      'The READMEs\' numbers are transcribed in `experiments/seed-projects.ts`; mnist-lab\'s come from the recorded runs in `reports/results/`. ' +
      "Accuracies are percentages. Each README's figures come from one run; mnist-lab's rows are one per seed, so the spread between them shows how far one run can fall from another. " +
      'Regenerate with `mnist-lab experiments report`.',
    '',
    checkLine,
    '',
    '## Summary',
    '',
    summaryTable(input),
    '',
    ...sections.flatMap((s) => [s, '']),
  ].join('\n');
}
