/**
 * The report's charts as Vega-Lite specs: training curves per experiment and the parameters-vs-
 * accuracy frontier across experiments. Only the data and the encodings are chosen here; vega-lite
 * and vega do the layout (render-chart.ts).
 */
import type { ExperimentResult } from './experiment-result.js';
import type { ExperimentStats } from './experiment-stats.js';
import type { ReportGoals } from './goals.js';
import { CHART_FONT, type TopLevelSpec } from './render-chart.js';

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

interface FrontierRow {
  name: string;
  parameters: number;
  mean: number;
  low: number;
  high: number;
  /** Which side of its point the label goes: left when it would overprint a neighbour's. */
  labelSide: 'left' | 'right';
}

/**
 * Experiments with (nearly) the same parameter count and accuracy would print their names on top of
 * each other; every other one of such a run of neighbours puts its name on the left instead.
 * `minGap` is the accuracy difference a label's height spans on the chart.
 */
export function assignLabelSides(rows: readonly Omit<FrontierRow, 'labelSide'>[], minGap: number): FrontierRow[] {
  const out: FrontierRow[] = rows.map((r) => ({ ...r, labelSide: 'right' }));
  const order = [...out].sort((a, b) => a.parameters - b.parameters || b.mean - a.mean);
  for (let i = 1; i < order.length; i++) {
    const prev = order[i - 1]!;
    const cur = order[i]!;
    const sameColumn = cur.parameters / prev.parameters < 1.05;
    if (sameColumn && prev.mean - cur.mean < minGap && prev.labelSide === 'right') cur.labelSide = 'left';
  }
  return out;
}

const FRONTIER_HEIGHT = 440;
const LABEL_FONT_SIZE = 11;
/** Pixels a label needs, with a little air. */
const LABEL_HEIGHT = LABEL_FONT_SIZE + 3;

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
  // A label on the left of the leftmost column needs that much room again.
  const accuracies = [...points.flatMap((r) => [r.low, r.high]), ...anchors.map((a) => a.accuracy), goals.targetAccuracy];
  const yLow = Math.min(...accuracies);
  const yHigh = Math.max(...accuracies);
  const yPad = Math.max(0.05, 0.1 * (yHigh - yLow));
  const yDomain = [yLow - yPad, Math.min(100, yHigh + yPad)];
  const rows = assignLabelSides(points, ((yDomain[1]! - yDomain[0]!) * LABEL_HEIGHT) / FRONTIER_HEIGHT);
  if (rows.some((r) => r.labelSide === 'left')) xDomain[0] = Math.min(...params) / 3;
  const x = { field: 'parameters', type: 'quantitative', title: 'parameters (log scale)', scale: { type: 'log', domain: xDomain, nice: false } };
  const budgetData = { values: budgets(goals) };
  const spec = {
    $schema: SCHEMA,
    title: {
      text: 'Parameters vs test accuracy',
      // One line each: the layout measures a long subtitle as wider than it renders, and pads the image for it.
      subtitle: [`mean over seeds of the ${windowText}; bars: lowest to highest seed`, ...(anchors.length ? ['grey diamonds: published results (see the frontier section)'] : [])],
    },
    width: 600,
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
        layer: [
          { mark: { type: 'point', shape: 'diamond', filled: false, color: '#888888', size: 70, strokeWidth: 1.5 }, encoding: { x, y: { field: 'accuracy', type: 'quantitative' } } },
          {
            mark: { type: 'text', align: 'left', baseline: 'middle', dx: 7, fontSize: LABEL_FONT_SIZE - 1, color: '#777777' },
            encoding: { x, y: { field: 'accuracy', type: 'quantitative' }, text: { field: 'text' } },
          },
        ],
      }]),
      {
        data: { values: rows },
        layer: [
          {
            mark: { type: 'rule', strokeWidth: 1.5 },
            encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
          },
          {
            mark: { type: 'point', filled: true, size: 60 },
            encoding: {
              x,
              y: { field: 'mean', type: 'quantitative', title: `test accuracy, ${windowText} (%)`, scale: { domain: yDomain, nice: false, zero: false } },
            },
          },
          ...(['right', 'left'] as const).map((side) => ({
            transform: [{ filter: { field: 'labelSide', equal: side } }],
            mark: { type: 'text', align: side === 'right' ? 'left' : 'right', baseline: 'middle', dx: side === 'right' ? 7 : -7, fontSize: LABEL_FONT_SIZE },
            encoding: { x, y: { field: 'mean', type: 'quantitative' }, text: { field: 'name' } },
          })),
        ],
      },
    ],
    config: CONFIG,
  };
  return spec as TopLevelSpec;
}
