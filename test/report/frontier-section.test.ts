/** The report's frontier section: the best held accuracy per budget, and each anchor against our best at its size. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestHeld, frontierSection } from '../../src/report/frontier-section.js';
import { experimentStats } from '../../src/report/experiment-stats.js';
import { experiment, goals, simpleHistory } from './report-fixtures.js';

// Five epochs each, the report's window, so "held" is the lowest of each seed's five.
const stats = [
  experiment('12-big', 7800, [{ seed: 1, history: simpleHistory([99.3, 99.4, 99.0, 99.5, 99.45]) }, { seed: 2, history: simpleHistory([99.3, 99.4, 99.1, 99.42, 99.6]) }]),
  experiment('19-mid', 2900, [{ seed: 1, history: simpleHistory([98.5, 98.6, 98.0, 99.1, 99.2]) }]),
  experiment('20-small', 1900, [{ seed: 1, history: simpleHistory([98.0, 98.1, 97.5, 98.9, 99.0]) }, { seed: 2, history: simpleHistory([98.0, 98.1, 97.0, 98.95, 99.05]) }]),
].map((r) => experimentStats(r, goals));
const withFrontier = {
  ...goals,
  frontierBudgets: [2000, 3000],
  anchors: [
    { parameters: 3077, accuracy: 97.36, label: '3,077: 97.36%' },
    { parameters: 1055, accuracy: 98.06, label: '1,055: 98.06%' },
    { parameters: 6174, accuracy: 99.45, label: '6,174: 99.45%' },
  ],
};

test('bestHeld: the highest lowest-epoch within the budget', () => {
  assert.equal(bestHeld(stats, 8000, 15)!.name, '12-big');
  assert.equal(bestHeld(stats, 3000, 15)!.name, '19-mid');
  assert.equal(bestHeld(stats, 2000, 15)!.name, '20-small');
  assert.equal(bestHeld(stats, 1000, 15), null);
});

test('frontierSection: a row per budget, and a verdict per anchor at its own parameter count', () => {
  const md = frontierSection(stats, withFrontier);
  assert.match(md, /\| ≤ 2,000 \| `20-small` \| 1,900 \| 2 \| 97\.00% \| 98\.260% \|/);
  assert.match(md, /\| ≤ 3,000 \| `19-mid` \| 2,900 \| 1 \| 98\.00% \|/);
  assert.match(md, /\| ≤ 5,000 \| `19-mid` \|/);
  assert.match(md, /\| ≤ 8,000 \| `12-big` \| 7,800 \| 2 \| 99\.00% \|/);
  assert.match(md, /- 1,055: 98\.06%: no experiment of ours is that small\./);
  assert.match(md, /- 3,077: 97\.36%: \*\*beaten\*\* by `19-mid`/);
  assert.match(md, /- 6,174: 99\.45%: \*\*not beaten\*\* by `19-mid`/);
});
