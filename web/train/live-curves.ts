/**
 * The Train page's live curves: every training step's loss and accuracy (smoothed as TensorBoard
 * smooths, so the trend shows through the batch-to-batch noise) and the test set's after each epoch,
 * on an epoch axis. A Vega-Lite spec for web/charts.ts's drawChart, which themes it.
 */
import type { EpochMetrics } from '../../src/train/metrics.js';
import { PALETTE } from '../charts.js';
import type { StepPoint } from './train-controller.js';

/** TensorBoard's default smoothing weight. */
const SMOOTHING = 0.9;
/** More points than this are thinned: the chart has fewer pixels. */
const MAX_POINTS = 600;

interface Row {
  x: number;
  series: string;
  loss: number;
  accuracy: number;
}

const TRAIN = 'train (each step, smoothed)';
const TEST = 'test (after each epoch)';

/** Exponential moving average with TensorBoard's debiasing, so the first points are not pulled to 0. */
function smoothed(values: readonly number[]): number[] {
  const out: number[] = [];
  let last = 0;
  values.forEach((v, i) => {
    last = SMOOTHING * last + (1 - SMOOTHING) * v;
    out.push(last / (1 - SMOOTHING ** (i + 1)));
  });
  return out;
}

export function liveCurveRows(steps: readonly StepPoint[], history: readonly EpochMetrics[]): Row[] {
  const loss = smoothed(steps.map((s) => s.loss));
  const accuracy = smoothed(steps.map((s) => s.accuracy));
  const every = Math.max(1, Math.ceil(steps.length / MAX_POINTS));
  const rows: Row[] = [];
  steps.forEach((s, i) => {
    if (i % every === 0 || i === steps.length - 1) rows.push({ x: s.x, series: TRAIN, loss: loss[i]!, accuracy: accuracy[i]! });
  });
  for (const m of history) {
    if (m.testLoss !== null && m.testAccuracy !== null) rows.push({ x: m.epoch, series: TEST, loss: m.testLoss, accuracy: m.testAccuracy });
  }
  return rows;
}

export function liveCurvesSpec(steps: readonly StepPoint[], history: readonly EpochMetrics[], epochs: number, width: number): object {
  const rows = liveCurveRows(steps, history);
  const gap = 28;
  const panelWidth = Math.max(180, Math.floor((width - 8 - 2 * 58 - gap) / 2));
  const x = {
    field: 'x', type: 'quantitative', title: 'epoch',
    scale: { domain: [0, Math.max(1, epochs)], nice: false },
    // Whole epochs only: the automatic ticks of a short run fall between them.
    axis: epochs <= 12 ? { values: Array.from({ length: epochs + 1 }, (_, i) => i), format: 'd' } : { tickMinStep: 1, format: 'd' },
  };
  const color = {
    field: 'series', type: 'nominal', title: null,
    scale: { domain: [TRAIN, TEST], range: [PALETTE[0], PALETTE[1]] },
    legend: { orient: 'top', direction: 'horizontal', symbolType: 'stroke', offset: 4 },
  };
  const tooltip = [
    { field: 'series', type: 'nominal', title: 'curve' },
    { field: 'x', type: 'quantitative', title: 'epoch', format: '.2f' },
    { field: 'loss', type: 'quantitative', format: '.4f' },
    { field: 'accuracy', type: 'quantitative', title: 'accuracy (%)', format: '.2f' },
  ];
  const line = { type: 'line', strokeWidth: 1.75, interpolate: 'monotone' };
  const panel = (title: string, field: 'loss' | 'accuracy', y: object): object => ({
    width: panelWidth, height: 210, title,
    layer: [
      { mark: line, transform: [{ filter: `datum.series === '${TRAIN}'` }], encoding: { x, y: { field, ...y }, color, tooltip } },
      { mark: { ...line, point: { size: 36, filled: true } }, transform: [{ filter: `datum.series === '${TEST}'` }], encoding: { x, y: { field, ...y }, color, tooltip } },
    ],
  });
  const positive = rows.length > 0 && rows.every((r) => r.loss > 0);
  // A log axis labels every 1-9 multiple by default, which crowds a short panel: 1-2-5 steps read better.
  const lossTicks = positive ? logTicks(Math.min(...rows.map((r) => r.loss)), Math.max(...rows.map((r) => r.loss))) : undefined;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values: rows },
    spacing: gap,
    resolve: { scale: { color: 'shared' } },
    hconcat: [
      panel('Loss', 'loss', { type: 'quantitative', title: positive ? 'loss (log scale)' : 'loss', scale: positive ? { type: 'log' } : {}, axis: lossTicks ? { values: lossTicks } : {} }),
      panel('Accuracy', 'accuracy', { type: 'quantitative', title: 'accuracy (%)', scale: { zero: false, domainMax: 100 } }),
    ],
  };
}

/** 1-2-5 values from just below `lo` to just above `hi`. */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo / 2.5 && v <= hi * 2.5) out.push(Number(v.toPrecision(1)));
    }
  }
  return out;
}
