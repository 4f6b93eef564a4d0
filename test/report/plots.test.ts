import { test } from 'node:test';
import assert from 'node:assert/strict';
import { curvesSpec, frontierSpec, onFrontier, zoomedAccuracyFloor } from '../../src/report/plots.js';
import { placeLabels } from '../../src/report/label-placement.js';
import { experimentStats } from '../../src/report/experiment-stats.js';
import { chartSvg } from '../../src/report/render-chart.js';
import { xmlRoot } from './image-checks.js';
import { experiment, goals, simpleHistory } from './report-fixtures.js';

const a = experiment('01-a', 20000, [
  { seed: 1, history: simpleHistory([98.0, 99.0, 99.45]) },
  { seed: 2, history: simpleHistory([98.2, 99.1, 99.5]) },
]);
const b = experiment('02-b', 6000, [{ seed: 1, history: simpleHistory([97.0, 98.3, 99.0]) }]);

type Layer = { data?: { values: Record<string, unknown>[] }; mark?: { type: string } };

/** The frontier plot's layer of experiments (the one whose rows say whether they are on the frontier). */
function experimentRows(spec: object): Record<string, unknown>[] {
  const layers = (spec as { layer: Layer[] }).layer;
  return layers.find((l) => l.data?.values[0] && 'onFrontier' in l.data.values[0])!.data!.values;
}

/** The texts of the frontier plot's placed labels, in layer order. */
function labelTexts(spec: object): string[] {
  const layers = (spec as { layer: Layer[] }).layer;
  return layers.filter((l) => l.mark?.type === 'text' && l.data?.values[0] && 'labelX' in l.data.values[0]).flatMap((l) => l.data!.values.map((v) => v.text as string));
}

function dataValues(spec: object): Record<string, unknown>[] {
  return (spec as { data: { values: Record<string, unknown>[] } }).data.values;
}

test('curvesSpec: one row per seed, epoch and split, validation only when recorded', async () => {
  const rows = dataValues(curvesSpec(a, goals));
  assert.equal(rows.length, 2 * 3 * 2);
  assert.deepEqual(rows[0], { seed: 'seed 1', epoch: 1, split: 'train', loss: 0.5, accuracy: 97 });
  assert.deepEqual(rows[1], { seed: 'seed 1', epoch: 1, split: 'test', loss: 0.2, accuracy: 98 });

  const withVal = experiment('v', 1, [{ seed: 5, history: simpleHistory([99]).map((m) => ({ ...m, valLoss: 0.3, valAccuracy: 98.7 })) }]);
  assert.deepEqual(dataValues(curvesSpec(withVal, goals)).map((r) => r.split), ['train', 'validation', 'test']);

  const { svg, warnings } = await chartSvg(curvesSpec(a, goals));
  assert.deepEqual(warnings, []);
  assert.equal(xmlRoot(svg), 'svg');
  for (const text of ['01-a: Title of 01-a', 'seed 2', 'Loss', '99.4%']) assert.ok(svg.includes(text), text);
});

test('zoomedAccuracyFloor keeps the last epochs in view', () => {
  // Three epochs: the window (last 5) holds all of them, down to 98.0 and 97.0.
  assert.equal(zoomedAccuracyFloor(a, goals), 98.0);
  assert.equal(zoomedAccuracyFloor(b, goals), 97.0);
  const long = experiment('long', 1, [{ seed: 1, history: simpleHistory([95, 96, 97, 98, 99.2, 99.3, 99.35, 99.4, 99.45]) }]);
  assert.equal(zoomedAccuracyFloor(long, goals), 98.5);
  const dip = experiment('dip', 1, [{ seed: 1, history: simpleHistory([95, 96, 97, 98, 98.2, 99.35, 99.4, 99.4, 99.5]) }]);
  assert.equal(zoomedAccuracyFloor(dip, goals), 98.0);
});

test('frontierSpec: one point per experiment with its seed range', async () => {
  const stats = [a, b].map((r) => experimentStats(r, goals));
  const spec = frontierSpec(stats, goals);
  const points = experimentRows(spec);
  assert.equal(points.length, 2);
  assert.equal(points[0]!.name, '01-a');
  assert.equal(points[0]!.parameters, 20000);
  assert.ok(Math.abs((points[0]!.mean as number) - stats[0]!.lastMeanAccuracy.mean) < 1e-12);
  assert.equal(points[1]!.low, points[1]!.high); // one seed: no spread
  const { svg, warnings } = await chartSvg(spec);
  assert.deepEqual(warnings, []);
  for (const text of ['01-a', '02-b', '99.4%', '8k', 'parameters (log scale)']) assert.ok(svg.includes(text), text);
});

test('frontierSpec: published anchors as labelled diamonds, inside the frame, and the frontier budgets as guides', async () => {
  const stats = [a, b].map((r) => experimentStats(r, goals));
  const withAnchors = { ...goals, frontierBudgets: [2000], anchors: [{ parameters: 1055, accuracy: 98.06, label: '1,055: 98.06% in 12 epochs' }] };
  const spec = frontierSpec(stats, withAnchors);
  assert.equal(experimentRows(spec).length, 2);
  assert.deepEqual(labelTexts(spec).sort(), ['01-a', '02-b', '1,055: 98.06%']);
  const { svg, warnings } = await chartSvg(spec);
  assert.deepEqual(warnings, []);
  for (const text of ['1,055: 98.06%', '2k', '8k', 'published results']) assert.ok(svg.includes(text), text);
  const json = JSON.stringify(spec);
  const domains = [...json.matchAll(/"domain":\[([\d.e+-]+),([\d.e+-]+)\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.ok(domains.some(([lo, hi]) => lo! < 1055 && hi! > 20000), 'x covers the anchor');
  assert.ok(domains.some(([lo, hi]) => lo! < 98.06 && hi! > 99), 'y covers the anchor');
});

test('placeLabels: right of the point when free, then left, then a line above or below; never off the frame', () => {
  const frame = { width: 300, height: 200, fontSize: 10, gap: 5 };
  // Two points 6 px apart vertically: the second label cannot share the first one's line, so it goes left.
  const requests = [{ x: 100, y: 100, text: 'abcdef' }, { x: 100, y: 106, text: 'ghijkl' }, { x: 100, y: 94, text: 'mnopqr' }];
  const spots = placeLabels(requests, requests, frame);
  assert.deepEqual(spots[0], { x: 105, y: 100, align: 'left' });
  assert.deepEqual(spots[1], { x: 95, y: 106, align: 'right' });
  // A third just above: both of its own line's spots are taken, so it moves up a line (13 px), on the right.
  assert.deepEqual(spots[2], { x: 105, y: 81, align: 'left' });
  // At the right edge the label goes left, inside the frame.
  assert.deepEqual(placeLabels([{ x: 295, y: 50, text: 'edge' }], [], frame)[0], { x: 290, y: 50, align: 'right' });
  // A neighbour's point blocks a label as well as its text does.
  assert.equal(placeLabels([{ x: 100, y: 50, text: 'abc' }], [{ x: 100, y: 50 }, { x: 110, y: 50 }], frame)[0]!.align, 'right');
});

test('onFrontier keeps the best at or under each parameter count, the first of exact twins', () => {
  const p = (parameters: number, mean: number) => ({ parameters, mean });
  assert.deepEqual(onFrontier([p(8000, 99.5), p(8000, 99.45), p(5000, 99.4), p(6000, 99.38), p(20000, 99.5), p(5000, 99.4)]),
    [true, false, true, false, false, false]);
});

test('frontierSpec names only the frontier; a beaten experiment is a pale, unnamed point', async () => {
  const beaten = experiment('03-beaten', 30000, [{ seed: 1, history: simpleHistory([97.0, 98.0, 99.1]) }]);
  const stats = [a, b, beaten].map((r) => experimentStats(r, goals));
  const spec = frontierSpec(stats, goals);
  assert.deepEqual(experimentRows(spec).map((r) => [r.name, r.onFrontier, r.opacity]), [['01-a', true, 1], ['02-b', true, 1], ['03-beaten', false, 0.3]]);
  assert.deepEqual(labelTexts(spec).sort(), ['01-a', '02-b']);
  const { svg, warnings } = await chartSvg(spec);
  assert.deepEqual(warnings, []);
  assert.ok(svg.includes('01-a') && svg.includes('02-b'));
  assert.ok(!svg.includes('03-beaten'), 'a beaten experiment is not named on the plot');
});
