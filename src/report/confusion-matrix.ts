/**
 * The confusion matrix of a classifier's test predictions: counts[true][predicted], as a markdown
 * table and as a Vega-Lite heatmap.
 */
import { MnistLabError } from '../util/errors.js';
import { markdownTable } from './markdown.js';
import { CHART_FONT, type TopLevelSpec } from './render-chart.js';

/** counts[t][p]: how many images of class t were predicted as p. */
export function confusionMatrix(predictions: ArrayLike<number>, labels: ArrayLike<number>, classes = 10): number[][] {
  if (predictions.length !== labels.length) {
    throw new MnistLabError(`confusion matrix: ${predictions.length} predictions for ${labels.length} labels; they must match one to one`);
  }
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i]!;
    const p = predictions[i]!;
    if (!isClass(t, classes) || !isClass(p, classes)) {
      throw new MnistLabError(`confusion matrix: entry ${i} has label ${t} and prediction ${p}; both must be integers 0-${classes - 1}`);
    }
    counts[t]![p]!++;
  }
  return counts;
}

function isClass(value: number, classes: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < classes;
}

/** Rows are the true class, columns the prediction; the last column and row give per-class errors and recall. */
export function confusionMatrixMarkdown(counts: readonly (readonly number[])[]): string {
  const classes = counts.length;
  const header = ['true \\ predicted', ...counts.map((_, p) => String(p)), 'errors', 'recall'];
  const rows = counts.map((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    const correct = row[t]!;
    return [
      `**${t}**`,
      ...row.map((c, p) => (p === t ? `**${c}**` : c === 0 ? '·' : String(c))),
      String(total - correct),
      total === 0 ? '–' : `${((100 * correct) / total).toFixed(2)}%`,
    ];
  });
  const columnErrors = counts[0]!.map((_, p) => counts.reduce((acc, row, t) => acc + (t === p ? 0 : row[p]!), 0));
  const totalErrors = columnErrors.reduce((a, b) => a + b, 0);
  rows.push(['errors', ...columnErrors.map(String), String(totalErrors), '']);
  return markdownTable(header, rows, ['l', ...new Array<'r'>(classes + 2).fill('r')]);
}

/**
 * A heatmap with the count in each cell. The colour scale is symlog: the diagonal holds about a
 * thousand images per class and the errors a handful, and a linear scale would hide the errors.
 */
export function confusionMatrixSpec(counts: readonly (readonly number[])[], title = 'Confusion matrix (test set)'): TopLevelSpec {
  const rows = counts.flatMap((row, t) => row.map((count, p) => ({ true: t, predicted: p, count })));
  const max = Math.max(1, ...rows.map((r) => r.count));
  // Text turns white where the symlog colour is dark: past 60% of the scale.
  const whiteAbove = Math.expm1(0.6 * Math.log1p(max));
  const classes = counts.map((_, i) => i);
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    data: { values: rows },
    width: 34 * counts.length,
    height: 34 * counts.length,
    encoding: {
      x: { field: 'predicted', type: 'ordinal', title: 'predicted', sort: classes, axis: { labelAngle: 0, orient: 'top' } },
      y: { field: 'true', type: 'ordinal', title: 'true', sort: classes },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: { color: { field: 'count', type: 'quantitative', title: 'count', scale: { type: 'symlog', scheme: 'blues' } } },
      },
      {
        transform: [{ filter: 'datum.count > 0' }],
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: `datum.count > ${whiteAbove}`, value: 'white' }, value: 'black' },
        },
      },
    ],
    config: { font: CHART_FONT, background: 'white' },
  };
  return spec as TopLevelSpec;
}
