/**
 * The dashboard's charts as Vega-Lite specs, drawn by vega-embed (bundled, nothing from a CDN).
 * They follow the report's charts (src/report/plots.ts, confusion-matrix.ts): the same encodings
 * and Vega's tableau10 colours, one colour per run, the split as the dash (train dashed, test
 * solid), log-scale loss. The theme follows the page's light or dark mode.
 */
import embed, { type Result, type VisualizationSpec } from 'vega-embed';
import type { EpochMetrics } from '../src/train/metrics.js';

export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif';

/** Vega's default categorical scheme (tableau10), the report's seed colours. */
export const PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

export function colorFor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

export function prefersDark(): boolean {
  return window.matchMedia('(prefers-color-scheme: dark)').matches;
}

interface Theme {
  text: string;
  muted: string;
  grid: string;
  domain: string;
  surface: string;
}

function theme(dark: boolean): Theme {
  return dark
    ? { text: '#d5dae1', muted: '#9aa4b2', grid: '#2b323c', domain: '#4a5361', surface: '#161b22' }
    : { text: '#1f2937', muted: '#5b6472', grid: '#e7eaee', domain: '#9aa1ab', surface: '#ffffff' };
}

/** The Vega config for the current mode: transparent background (the card's shows), the page's font. */
export function chartConfig(dark = prefersDark()): Record<string, unknown> {
  const t = theme(dark);
  return {
    background: 'transparent',
    font: FONT,
    padding: 4,
    view: { stroke: t.grid },
    title: { fontSize: 13, fontWeight: 600, anchor: 'start', color: t.text, subtitleColor: t.muted, subtitleFontSize: 11, offset: 8 },
    axis: {
      labelColor: t.muted, titleColor: t.muted, gridColor: t.grid, domainColor: t.domain, tickColor: t.domain,
      labelFontSize: 11, titleFontSize: 11, titleFontWeight: 500,
    },
    legend: { labelColor: t.text, titleColor: t.muted, labelFontSize: 11, titleFontSize: 11, titleFontWeight: 500, labelLimit: 280 },
    text: { color: t.text },
    range: { category: PALETTE },
  };
}

/** Deep merge: `over`'s leaves win. For putting the theme over a spec's own config. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? merge(b, v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Draws a spec into `el` with the theme over the spec's config; resolves to a finalizer. The old
 * chart stays until the new one is drawn, so a redraw does not flash.
 */
export async function drawChart(el: HTMLElement, spec: object, options: { themed?: boolean; actions?: boolean } = {}): Promise<() => void> {
  const dark = prefersDark();
  const own = isPlainObject((spec as Record<string, unknown>)['config']) ? ((spec as Record<string, unknown>)['config'] as Record<string, unknown>) : {};
  const themed = options.themed === false ? spec : { ...spec, config: merge(own, chartConfig(dark)) };
  const target = document.createElement('div');
  target.className = 'chart-target';
  let result: Result;
  try {
    result = await embed(target, themed as VisualizationSpec, {
      renderer: 'svg',
      actions: options.actions === false ? false : { export: true, source: false, compiled: false, editor: false },
      tooltip: { theme: dark ? 'dark' : 'light' },
      downloadFileName: 'mnist-lab-chart',
    });
  } catch (err) {
    target.remove();
    throw err;
  }
  el.replaceChildren(target);
  return () => result.finalize();
}

export interface CurveSeries {
  /** The legend's name for the run; unique within one chart. */
  label: string;
  color: string;
  history: readonly EpochMetrics[];
}

interface CurveRow {
  run: string;
  epoch: number;
  split: 'train' | 'validation' | 'test';
  loss: number;
  accuracy: number;
}

const SPLITS = ['train', 'validation', 'test'] as const;
/** train dashed, validation dotted, test solid. */
const DASHES = [[6, 4], [1, 3], [1, 0]];

function curveRows(series: readonly CurveSeries[]): CurveRow[] {
  const rows: CurveRow[] = [];
  for (const s of series) {
    for (const m of s.history) {
      rows.push({ run: s.label, epoch: m.epoch, split: 'train', loss: m.trainLoss, accuracy: m.trainAccuracy });
      if (m.valLoss !== null && m.valAccuracy !== null) rows.push({ run: s.label, epoch: m.epoch, split: 'validation', loss: m.valLoss, accuracy: m.valAccuracy });
      // A sweep's trials do not read the test set.
      if (m.testLoss !== null && m.testAccuracy !== null) rows.push({ run: s.label, epoch: m.epoch, split: 'test', loss: m.testLoss, accuracy: m.testAccuracy });
    }
  }
  return rows;
}

/**
 * Loss and accuracy panels side by side (and the test accuracy zoomed in, as the report draws it,
 * once every run's last epochs are above 95%), sized to fill `width` pixels. The legends are the
 * page's own (curvesLegend), which wrap long run names instead of squeezing the panels.
 */
export function curvesSpec(series: readonly CurveSeries[], width: number, options: { height?: number } = {}): object {
  const rows = curveRows(series);
  const positiveLoss = rows.length > 0 && rows.every((r) => r.loss > 0);
  const splits = SPLITS.filter((s) => rows.some((r) => r.split === s));
  const lastTest = series.flatMap((s) => s.history.slice(-5).flatMap((m) => (m.testAccuracy === null ? [] : [m.testAccuracy])));
  const lowest = lastTest.length > 0 ? Math.min(...lastTest) : 0;
  const zoom = lastTest.length > 0 && lowest >= 95 && width >= 720;
  const floor = Math.min(98.5, Math.floor(lowest * 2) / 2);
  const maxEpoch = Math.max(1, ...rows.map((r) => r.epoch));

  const panels = zoom ? 3 : 2;
  // Each panel's y axis (labels and title) takes about this much beside its plot.
  const axis = 58;
  const gap = 28;
  const panelWidth = Math.max(160, Math.floor((width - 8 - panels * axis - (panels - 1) * gap) / panels));
  const height = options.height ?? 220;

  const x = {
    field: 'epoch', type: 'quantitative', title: 'epoch',
    scale: { domain: [1, Math.max(2, maxEpoch)], nice: false },
    // Whole epochs only: with few epochs the automatic ticks fall between them.
    axis: maxEpoch <= 20 ? { values: Array.from({ length: maxEpoch }, (_, i) => i + 1).filter((e) => maxEpoch <= 10 || (e - 1) % 2 === 0), format: 'd' } : { tickMinStep: 1, format: 'd' },
  };
  const color = {
    field: 'run', type: 'nominal', title: 'run',
    scale: { domain: series.map((s) => s.label), range: series.map((s) => s.color) },
    legend: null,
  };
  const strokeDash = {
    field: 'split', type: 'nominal', title: 'split', sort: splits,
    scale: { domain: splits, range: splits.map((s) => DASHES[SPLITS.indexOf(s)]!) },
    legend: null,
  };
  const tooltip = [
    { field: 'run', type: 'nominal' },
    { field: 'split', type: 'nominal' },
    { field: 'epoch', type: 'quantitative' },
    { field: 'loss', type: 'quantitative', format: '.4f' },
    { field: 'accuracy', type: 'quantitative', title: 'accuracy (%)', format: '.2f' },
  ];
  const line = { type: 'line', strokeWidth: 1.75, point: { size: 14, filled: true } };
  const panel = { width: panelWidth, height };

  const hconcat: object[] = [
    {
      ...panel,
      title: 'Loss',
      mark: line,
      encoding: {
        x,
        y: { field: 'loss', type: 'quantitative', title: positiveLoss ? 'loss (log scale)' : 'loss', scale: positiveLoss ? { type: 'log' } : {} },
        color, strokeDash, tooltip,
      },
    },
    {
      ...panel,
      title: 'Accuracy',
      mark: line,
      encoding: { x, y: { field: 'accuracy', type: 'quantitative', title: 'accuracy (%)', scale: { zero: false } }, color, strokeDash, tooltip },
    },
  ];
  if (zoom) {
    hconcat.push({
      ...panel,
      title: `Test accuracy from ${floor}%`,
      transform: [{ filter: "datum.split === 'test'" }],
      mark: { ...line, clip: true },
      encoding: {
        x,
        y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy (%)', scale: { domain: [floor, 100], nice: false } },
        color, strokeDash, tooltip,
      },
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values: rows },
    spacing: gap,
    resolve: { scale: { color: 'shared', strokeDash: 'shared' } },
    hconcat,
  };
}

/** The curves' legend as page elements: each run's colour (when there are several), and the split's dash. */
export function curvesLegend(series: readonly CurveSeries[], options: { runs?: boolean } = {}): HTMLElement {
  const el = document.createElement('div');
  el.className = 'legend';
  const item = (sample: SVGElement, text: string, cls: string): void => {
    const span = document.createElement('span');
    span.className = `legend-item ${cls}`;
    span.title = text;
    const label = document.createElement('span');
    label.className = 'legend-label';
    label.textContent = text;
    span.append(sample, label);
    el.appendChild(span);
  };
  if (options.runs ?? series.length > 1) for (const s of series) item(lineSample(s.color, [1, 0], 3), s.label, 'legend-run');
  const hasVal = series.some((s) => s.history.some((m) => m.valAccuracy !== null));
  const splits = SPLITS.filter((s) => s !== 'validation' || hasVal);
  const spacer = document.createElement('span');
  spacer.className = 'legend-spacer';
  el.appendChild(spacer);
  for (const split of splits) item(lineSample('currentColor', DASHES[SPLITS.indexOf(split)]!, 2), split, 'legend-split');
  return el;
}

function lineSample(color: string, dash: number[], width: number): SVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 26 8');
  svg.setAttribute('width', '26');
  svg.setAttribute('height', '8');
  svg.setAttribute('aria-hidden', 'true');
  const line = document.createElementNS(ns, 'line');
  line.setAttribute('x1', '1');
  line.setAttribute('x2', '25');
  line.setAttribute('y1', '4');
  line.setAttribute('y2', '4');
  line.setAttribute('stroke', color);
  line.setAttribute('stroke-width', String(width));
  line.setAttribute('stroke-linecap', 'round');
  if (dash[1] !== 0) line.setAttribute('stroke-dasharray', dash.join(' '));
  svg.appendChild(line);
  return svg;
}

/**
 * The confusion matrix as a heatmap with the count in each cell, on a symlog colour scale (the
 * diagonal holds about a thousand images a class and the errors a handful), as in the report.
 */
export function confusionSpec(counts: readonly (readonly number[])[]): object {
  const dark = prefersDark();
  const t = theme(dark);
  const rows = counts.flatMap((row, trueClass) => row.map((count, predicted) => ({ true: trueClass, predicted, count })));
  const max = Math.max(1, ...rows.map((r) => r.count));
  // Where the fill turns dark (light mode) or bright (dark mode), the text flips.
  const flipAbove = Math.expm1(0.6 * Math.log1p(max));
  const classes = counts.map((_, i) => i);
  const cell = 30;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values: rows },
    width: cell * counts.length,
    height: cell * counts.length,
    encoding: {
      x: { field: 'predicted', type: 'ordinal', title: 'predicted', sort: classes, axis: { labelAngle: 0, orient: 'top', domain: false, ticks: false } },
      y: { field: 'true', type: 'ordinal', title: 'true label', sort: classes, axis: { domain: false, ticks: false } },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: t.surface, strokeWidth: 1.5, cornerRadius: 2 },
        encoding: {
          // Empty cells stay the card's colour, so the few errors stand out.
          color: {
            condition: { test: 'datum.count === 0', value: dark ? '#1d242e' : '#f4f6f9' },
            field: 'count', type: 'quantitative', title: 'images',
            scale: { type: 'symlog', scheme: dark ? 'darkblue' : 'blues' },
            legend: { gradientLength: cell * counts.length - 20, format: 'd' },
          },
          tooltip: [
            { field: 'true', type: 'ordinal', title: 'true label' },
            { field: 'predicted', type: 'ordinal' },
            { field: 'count', type: 'quantitative', title: 'images' },
          ],
        },
      },
      {
        transform: [{ filter: 'datum.count > 0' }],
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: dark
            ? { condition: { test: `datum.count > ${flipAbove}`, value: '#0d1117' }, value: '#e6edf3' }
            : { condition: { test: `datum.count > ${flipAbove}`, value: 'white' }, value: '#111827' },
        },
      },
    ],
    view: { stroke: null },
  };
}
