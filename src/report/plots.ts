/**
 * The report's charts as Vega-Lite specs: training curves per experiment and the parameters-vs-
 * accuracy frontier across experiments. Only the data and the encodings are chosen here; vega-lite
 * and vega do the layout (render-chart.ts).
 */
import type { ExperimentResult } from './experiment-result.js';
import type { ExperimentStats } from './experiment-stats.js';
import type { ReportGoals } from './goals.js';
import { CHART_FONT, type TopLevelSpec } from './render-chart.js';
import { placeLabels } from './label-placement.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
const PANEL = { width: 300, height: 220 };
const TARGET_COLOR = '#d62728';
const SPLIT_ORDER = ['train', 'validation', 'test'];

const CONFIG = {
  font: CHART_FONT,
  background: 'white',
  title: { fontSize: 14, anchor: 'start' as const },
} as const;

interface CurveRow {
  seed: string;
  epoch: number;
  split: string;
  loss: number;
  accuracy: number;
}

function curveRows(result: ExperimentResult): CurveRow[] {
  const rows: CurveRow[] = [];
  for (const run of result.seeds) {
    const seed = `seed ${run.seed}`;
    for (const m of run.history) {
      rows.push({ seed, epoch: m.epoch, split: 'train', loss: m.trainLoss, accuracy: m.trainAccuracy });
      if (m.valLoss !== null && m.valAccuracy !== null) {
        rows.push({ seed, epoch: m.epoch, split: 'validation', loss: m.valLoss, accuracy: m.valAccuracy });
      }
      rows.push({ seed, epoch: m.epoch, split: 'test', loss: m.testLoss, accuracy: m.testAccuracy });
    }
  }
  return rows;
}

/** A horizontal dashed rule at the target accuracy, labelled, on its own one-row data set. */
function targetRuleLayers(targetAccuracy: number): object[] {
  const data = { values: [{ target: targetAccuracy, label: `${targetAccuracy}%` }] };
  return [
    {
      data,
      mark: { type: 'rule', color: TARGET_COLOR, strokeDash: [6, 4] },
      encoding: { y: { field: 'target', type: 'quantitative' } },
    },
    {
      data,
      mark: { type: 'text', color: TARGET_COLOR, align: 'left', baseline: 'bottom', dx: 2, dy: -2, x: 0 },
      encoding: { y: { field: 'target', type: 'quantitative' }, text: { field: 'label' } },
    },
  ];
}

/**
 * The lower edge of the zoomed test-accuracy panel: 98.5%, or lower (in half-percent steps) when the
 * last epochs themselves are lower, so the part that decides the goals is always in view.
 */
export function zoomedAccuracyFloor(result: ExperimentResult, goals: ReportGoals): number {
  const last = result.seeds.flatMap((r) => r.history.slice(-goals.lastEpochs).map((m) => m.testAccuracy));
  const lowest = last.length > 0 ? Math.min(...last) : 100;
  return Math.min(98.5, Math.floor(lowest * 2) / 2);
}

/**
 * Three panels: loss, accuracy (train, validation when there is one, test) and the test accuracy
 * zoomed in around the target. One line per seed and split: colour is the seed, the dash the split.
 */
export function curvesSpec(result: ExperimentResult, goals: ReportGoals): TopLevelSpec {
  const rows = curveRows(result);
  const positiveLoss = rows.every((r) => r.loss > 0);
  const splits = SPLIT_ORDER.filter((s) => rows.some((r) => r.split === s));
  const x = { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } };
  const color = { field: 'seed', type: 'nominal', title: 'seed' };
  // The lines carry point markers, so vega-lite would draw this legend as filled dots, which cannot
  // show a dash; a dark stroke can.
  const dashLegend = { symbolType: 'stroke', symbolSize: 300, symbolStrokeWidth: 2, encode: { symbols: { update: { stroke: { value: '#444444' } } } } };
  const strokeDash = { field: 'split', type: 'nominal', title: 'split', sort: splits, scale: { domain: splits }, legend: dashLegend };
  const floor = zoomedAccuracyFloor(result, goals);
  const spec = {
    $schema: SCHEMA,
    title: { text: `${result.name}: ${result.title}`, subtitle: `${result.model}, ${result.parameters.toLocaleString('en-US')} parameters` },
    data: { values: rows },
    resolve: { scale: { color: 'shared', strokeDash: 'shared' } },
    hconcat: [
      {
        ...PANEL,
        title: 'Loss',
        mark: { type: 'line', point: { size: 12 } },
        encoding: {
          x,
          y: { field: 'loss', type: 'quantitative', title: positiveLoss ? 'loss (log scale)' : 'loss', scale: positiveLoss ? { type: 'log' } : {} },
          color,
          strokeDash,
        },
      },
      {
        ...PANEL,
        title: 'Accuracy',
        layer: [
          {
            mark: { type: 'line', point: { size: 12 } },
            encoding: { x, y: { field: 'accuracy', type: 'quantitative', title: 'accuracy (%)', scale: { zero: false } }, color, strokeDash },
          },
          ...targetRuleLayers(goals.targetAccuracy),
        ],
      },
      {
        ...PANEL,
        title: `Test accuracy from ${floor}%`,
        transform: [{ filter: "datum.split === 'test'" }],
        layer: [
          {
            mark: { type: 'line', point: { size: 12 }, clip: true },
            encoding: {
              x,
              y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy (%)', scale: { domain: [floor, 100], nice: false } },
              color,
              strokeDash,
            },
          },
          ...targetRuleLayers(goals.targetAccuracy),
        ],
      },
    ],
    config: CONFIG,
  };
  return spec as TopLevelSpec;
}

/**
 * Whether each point is on the frontier: no other point has as few parameters or fewer and as high a mean
 * or higher (between exact twins, the first listed stays). Only these are labelled on the plot: with every
 * experiment labelled, the ten near 8k parameters and the target line overprinted each other into an unreadable block, and the
 * comparison table names them all anyway.
 */
export function onFrontier(points: readonly { parameters: number; mean: number }[]): boolean[] {
  return points.map((p, i) => !points.some((q, j) => j !== i &&
    q.parameters <= p.parameters && q.mean >= p.mean &&
    (q.parameters < p.parameters || q.mean > p.mean || j < i)));
}

/** Text layers for placed labels: one per alignment, since a text mark's align cannot come from the data. */
function labelLayers(
  labels: readonly { text: string; labelX: number; labelY: number; align: 'left' | 'right' }[],
  x: Record<string, unknown>,
  style: { fontSize: number; color?: string },
): object[] {
  return (['left', 'right'] as const).flatMap((align) => {
    const values = labels.filter((l) => l.align === align);
    return values.length === 0 ? [] : [{
      data: { values },
      mark: { type: 'text', align, baseline: 'middle', ...style },
      encoding: { x: { ...x, field: 'labelX' }, y: { field: 'labelY', type: 'quantitative' }, text: { field: 'text' } },
    }];
  });
}

const FRONTIER_WIDTH = 600;
const FRONTIER_HEIGHT = 440;
const LABEL_FONT_SIZE = 11;

/** Parameter budgets of the goals, drawn as vertical guides ("8k" for 8,000). */
function budgets(goals: ReportGoals): { parameters: number; label: string }[] {
  const sizes = [...new Set([...goals.goals.map((g) => g.maxParameters), ...(goals.frontierBudgets ?? [])])].sort((a, b) => a - b);
  return sizes.map((p) => ({ parameters: p, label: p % 1000 === 0 ? `${p / 1000}k` : p.toLocaleString('en-US') }));
}

/**
 * Parameters (log scale) against the mean test accuracy over the last epochs (mean over seeds),
 * error bars from the lowest to the highest seed mean, each point labelled with its experiment;
 * the goals' published anchors as grey diamonds, labelled with what they measured.
 */
export function frontierSpec(stats: readonly ExperimentStats[], goals: ReportGoals): TopLevelSpec {
  const points = stats.map((s) => ({ name: s.name, parameters: s.parameters, mean: s.lastMeanAccuracy.mean, low: s.lastMeanAccuracy.low, high: s.lastMeanAccuracy.high }));
  // On the plot an anchor is labelled with its size and figure only; the report's frontier section
  // gives the whole label (what was measured, where), which would crowd the chart.
  const anchors = (goals.anchors ?? []).map((a) => ({ ...a, text: `${a.parameters.toLocaleString('en-US')}: ${a.accuracy}%` }));
  const windows = new Set(stats.map((s) => s.window));
  const windowText = windows.size === 1 ? `last ${[...windows][0]} epochs` : `last ≤ ${goals.lastEpochs} epochs`;
  // Domains padded around the data (and the budgets and the target), so that a single experiment
  // or a tight cluster still sits inside the frame with room for its label to the right.
  const params = [...points.map((r) => r.parameters), ...anchors.map((a) => a.parameters), ...budgets(goals).map((b) => b.parameters)];
  const xDomain = [Math.min(...params) / 1.5, Math.max(...params) * 2.5];
  const accuracies = [...points.flatMap((r) => [r.low, r.high]), ...anchors.map((a) => a.accuracy), goals.targetAccuracy];
  const yLow = Math.min(...accuracies);
  const yHigh = Math.max(...accuracies);
  const yPad = Math.max(0.05, 0.1 * (yHigh - yLow));
  const yDomain = [yLow - yPad, Math.min(100, yHigh + yPad)];
  const frontier = onFrontier(points);
  // Labels are placed in pixels (see label-placement.ts) and drawn at the data coordinates of their spot.
  const [x0, x1] = [Math.log(xDomain[0]!), Math.log(xDomain[1]!)];
  const [y0, y1] = [yDomain[0]!, yDomain[1]!];
  const toPx = (parameters: number, accuracy: number) => ({
    x: (FRONTIER_WIDTH * (Math.log(parameters) - x0)) / (x1 - x0),
    y: (FRONTIER_HEIGHT * (y1 - accuracy)) / (y1 - y0),
  });
  const fromPx = (px: { x: number; y: number }) => ({
    labelX: Math.exp(x0 + (px.x / FRONTIER_WIDTH) * (x1 - x0)),
    labelY: y1 - (px.y / FRONTIER_HEIGHT) * (y1 - y0),
  });
  const named = points.filter((_, i) => frontier[i]);
  // The frontier's names first (they get the best spots), then the published figures.
  const spots = placeLabels(
    [...named.map((p) => ({ ...toPx(p.parameters, p.mean), text: p.name })), ...anchors.map((a) => ({ ...toPx(a.parameters, a.accuracy), text: a.text }))],
    [...points.map((p) => toPx(p.parameters, p.mean)), ...anchors.map((a) => toPx(a.parameters, a.accuracy))],
    { width: FRONTIER_WIDTH, height: FRONTIER_HEIGHT, fontSize: LABEL_FONT_SIZE, gap: 7 },
  );
  const labelOf = (i: number) => ({ ...fromPx(spots[i]!), align: spots[i]!.align });
  const rows = points.map((p, i) => ({ ...p, onFrontier: frontier[i]!, opacity: frontier[i] ? 1 : 0.3 }));
  const nameLabels = named.map((p, i) => ({ text: p.name, ...labelOf(i) }));
  const anchorLabels = anchors.map((a, i) => ({ text: a.text, ...labelOf(named.length + i) }));
  const x = { field: 'parameters', type: 'quantitative', title: 'parameters (log scale)', scale: { type: 'log', domain: xDomain, nice: false } };
  const budgetData = { values: budgets(goals) };
  const frontierOpacity = { field: 'opacity', type: 'quantitative', scale: null, legend: null };
  const spec = {
    $schema: SCHEMA,
    title: {
      text: 'Parameters vs test accuracy',
      // One line each: the layout measures a long subtitle as wider than it renders, and pads the image for it.
      subtitle: [
        `mean over seeds of the ${windowText}; bars: lowest to highest seed`,
        'named: the best at or under its size; pale: beaten by a smaller one',
        ...(anchors.length ? ['grey diamonds: published results (see the frontier section)'] : []),
      ],
    },
    width: FRONTIER_WIDTH,
    height: FRONTIER_HEIGHT,
    layer: [
      {
        data: budgetData,
        mark: { type: 'rule', color: '#999999', strokeDash: [2, 3] },
        encoding: { x: { field: 'parameters', type: 'quantitative' } },
      },
      {
        data: budgetData,
        mark: { type: 'text', color: '#777777', align: 'left', baseline: 'top', dx: 3, y: 2 },
        encoding: { x: { field: 'parameters', type: 'quantitative' }, text: { field: 'label' } },
      },
      ...targetRuleLayers(goals.targetAccuracy),
      ...(anchors.length === 0 ? [] : [{
        data: { values: anchors },
        mark: { type: 'point', shape: 'diamond', filled: false, color: '#888888', size: 70, strokeWidth: 1.5 },
        encoding: { x, y: { field: 'accuracy', type: 'quantitative' } },
      }]),
      ...labelLayers(anchorLabels, x, { fontSize: LABEL_FONT_SIZE - 1, color: '#777777' }),
      {
        data: { values: rows },
        layer: [
          {
            mark: { type: 'rule', strokeWidth: 1.5 },
            encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, opacity: frontierOpacity },
          },
          {
            mark: { type: 'point', filled: true, size: 60 },
            encoding: {
              x,
              y: { field: 'mean', type: 'quantitative', title: `test accuracy, ${windowText} (%)`, scale: { domain: yDomain, nice: false, zero: false } },
              opacity: frontierOpacity,
            },
          },
        ],
      },
      ...labelLayers(nameLabels, x, { fontSize: LABEL_FONT_SIZE }),
    ],
    config: CONFIG,
  };
  return spec as TopLevelSpec;
}
