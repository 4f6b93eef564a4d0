import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignLabelSides, curvesSpec, frontierSpec, zoomedAccuracyFloor } from '../../src/report/plots.js';
import { experimentStats } from '../../src/report/experiment-stats.js';
import { chartSvg } from '../../src/report/render-chart.js';
import { xmlRoot } from './image-checks.js';
import { experiment, goals, simpleHistory } from './report-fixtures.js';

const a = experiment('01-a', 20000, [
  { seed: 1, history: simpleHistory([98.0, 99.0, 99.45]) },
  { seed: 2, history: simpleHistory([98.2, 99.1, 99.5]) },
]);
const b = experiment('02-b', 6000, [{ seed: 1, history: simpleHistory([97.0, 98.3, 99.0]) }]);

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
  const layers = (spec as { layer: { data?: { values: Record<string, unknown>[] } }[] }).layer;
  const points = layers.at(-1)!.data!.values;
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
  const layers = (spec as { layer: { data?: { values: Record<string, unknown>[] } }[] }).layer;
  assert.equal(layers.at(-1)!.data!.values.length, 2, 'the experiments stay the last layer');
  assert.deepEqual(layers.at(-2)!.data!.values, [{ ...withAnchors.anchors[0], text: '1,055: 98.06%' }]);
  const { svg, warnings } = await chartSvg(spec);
  assert.deepEqual(warnings, []);
  for (const text of ['1,055: 98.06%', '2k', '8k', 'published results']) assert.ok(svg.includes(text), text);
  const json = JSON.stringify(spec);
  const domains = [...json.matchAll(/"domain":\[([\d.e+-]+),([\d.e+-]+)\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.ok(domains.some(([lo, hi]) => lo! < 1055 && hi! > 20000), 'x covers the anchor');
  assert.ok(domains.some(([lo, hi]) => lo! < 98.06 && hi! > 99), 'y covers the anchor');
});

test('assignLabelSides moves every other crowded label of a column to the left', () => {
  const point = (name: string, parameters: number, mean: number) => ({ name, parameters, mean, low: mean, high: mean });
  const sides = assignLabelSides([point('a', 7886, 99.5), point('b', 7886, 99.49), point('c', 7886, 99.43), point('d', 4960, 99.495)], 0.02);
  assert.deepEqual(sides.map((s) => s.labelSide), ['right', 'left', 'right', 'right']);
});
