/**
 * The runs table's logic without a browser: the spec diff, sorting (empty cells last either way),
 * the text filter, grouping with mean ± sample std, and the number formats. The browser modules
 * (web/, outside this tsconfig) are bundled here with esbuild, as scripts/build-web.js does.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { RunRow } from '../../src/server/api-types.js';
import { tempDir } from './fixture-runs.js';

interface DiffRow { path: string; values: unknown[] }
interface Group { key: string; label: string; ungrouped: boolean; rows: RunRow[]; lastMean: { mean: number; std: number | null; n: number } | null }
interface Logic {
  specDiff(specs: unknown[]): DiffRow[];
  formatLeaf(v: unknown): string;
  sortRuns(rows: RunRow[], key: string, dir: 'asc' | 'desc'): RunRow[];
  filterRuns(rows: RunRow[], query: string): RunRow[];
  groupRuns(rows: RunRow[], by: 'experiment' | 'model'): Group[];
  recipeText(recipe: RunRow['recipe']): string;
  duration(s: number): string;
  meanStd(s: { mean: number; std: number | null } | null): string;
}

let logic: Logic;

before(async () => {
  const entry = [
    "export { specDiff, formatLeaf } from './web/spec-diff.ts';",
    "export { sortRuns, filterRuns, groupRuns, recipeText } from './web/run-table.ts';",
    "export { duration, meanStd } from './web/format.ts';",
  ].join('\n');
  const out = await build({ stdin: { contents: entry, resolveDir: resolve('.'), loader: 'ts' }, bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'silent' });
  const dir = tempDir('web-logic');
  const file = join(dir, 'logic.mjs');
  writeFileSync(file, out.outputFiles[0]!.text);
  logic = (await import(pathToFileURL(file).href)) as Logic;
  rmSync(dir, { recursive: true, force: true });
});

function row(o: Partial<RunRow> & { name: string }): RunRow {
  return {
    id: o.name, logdir: 'runs', experiment: null, model: 'sepnet-8k', parameters: 7810, seed: 1, recipe: null, status: 'finished',
    epochsDone: 15, epochs: 15, bestTestAccuracy: null, lastMin: null, lastMean: null, valAccuracy: null, wallSeconds: 0,
    updatedAt: '2026-12-01T00:00:00.000Z', resumeCommand: null, problem: null, ...o,
  };
}

describe('spec diff', () => {
  it('lists only the fields whose values differ, nested paths dotted, arrays whole, a missing field as different', () => {
    const a = { model: { name: 'sepnet-8k', config: {} }, recipe: { lr: 0.01, milestones: [5, 10], ema: { decay: 0.999 } }, seed: 1 };
    const b = { model: { name: 'sepnet-8k', config: {} }, recipe: { lr: 0.05, milestones: [5, 10] }, seed: 1 };
    const c = { model: { name: 'gapnet-8k', config: {} }, recipe: { lr: 0.01, milestones: [5, 12] }, seed: 1 };
    assert.deepEqual(logic.specDiff([a, b]).map((r) => r.path), ['recipe.lr', 'recipe.ema.decay']);
    const three = logic.specDiff([a, b, c]);
    assert.deepEqual(three.map((r) => r.path), ['model.name', 'recipe.lr', 'recipe.milestones', 'recipe.ema.decay']);
    assert.deepEqual(three.find((r) => r.path === 'recipe.ema.decay')!.values, [0.999, undefined, undefined]);
    assert.equal(logic.formatLeaf(undefined), 'not set');
    assert.equal(logic.formatLeaf([5, 12]), '[5,12]');
    assert.deepEqual(logic.specDiff([a, structuredClone(a)]), []);
  });

  it('tells null from a missing field, and an empty object is no field', () => {
    assert.deepEqual(logic.specDiff([{ data: { dir: null } }, { data: {} }]).map((r) => r.path), ['data.dir']);
    const diff = logic.specDiff([{ model: { config: {} } }, { model: { config: { dropout: 0.1 } } }]);
    assert.deepEqual(diff, [{ path: 'model.config.dropout', values: [undefined, 0.1] }]);
  });
});

describe('runs table', () => {
  const rows = [
    row({ name: 'b', bestTestAccuracy: 99.1, lastMean: 99.0 }),
    row({ name: 'a', bestTestAccuracy: 99.4, lastMean: 99.3 }),
    row({ name: 'empty', bestTestAccuracy: null }),
    row({ name: 'c', bestTestAccuracy: 99.1, lastMean: 98.9 }),
  ];

  it('sorts either way with empty cells last and ties by name', () => {
    assert.deepEqual(logic.sortRuns(rows, 'bestTestAccuracy', 'desc').map((r) => r.name), ['a', 'b', 'c', 'empty']);
    assert.deepEqual(logic.sortRuns(rows, 'bestTestAccuracy', 'asc').map((r) => r.name), ['b', 'c', 'a', 'empty']);
    const numbered = [row({ name: 'seed-10' }), row({ name: 'seed-9' }), row({ name: 'seed-1' })];
    assert.deepEqual(logic.sortRuns(numbered, 'name', 'asc').map((r) => r.name), ['seed-1', 'seed-9', 'seed-10']);
  });

  it('filters on every word of the query across name, model, status and recipe', () => {
    const recipe = { epochs: 15, batchSize: 64, optimizer: 'sgd', lr: 0.01, scheduler: 'onecycle', maxLr: 0.1, rotation: 7, ema: 0.999, labelSmoothing: 0 };
    const list = [row({ name: 'x', model: 'gapnet-8k', status: 'running', recipe }), row({ name: 'y', model: 'gapnet-8k' }), row({ name: 'z' })];
    assert.deepEqual(logic.filterRuns(list, 'gapnet running').map((r) => r.name), ['x']);
    assert.deepEqual(logic.filterRuns(list, 'ema 0.999').map((r) => r.name), ['x']);
    assert.deepEqual(logic.filterRuns(list, '  ').map((r) => r.name), ['x', 'y', 'z']);
    assert.equal(logic.recipeText(recipe), 'sgd 0.01 · onecycle→0.1 · bs 64 · rot 7° · ema 0.999');
  });

  it('groups by experiment with mean ± sample std over the seeds, the runs outside experiments last', () => {
    const list = [
      row({ name: 'lone', lastMean: 97 }),
      row({ name: 'experiments/e/seed-1', experiment: 'e', lastMean: 99.0 }),
      row({ name: 'experiments/e/seed-2', experiment: 'e', lastMean: 99.2 }),
      row({ name: 'experiments/e/seed-3', experiment: 'e', lastMean: null }),
    ];
    const groups = logic.groupRuns(list, 'experiment');
    assert.deepEqual(groups.map((g) => [g.label, g.rows.length, g.ungrouped]), [['e', 3, false], ['Runs outside experiments', 1, true]]);
    const stats = groups[0]!.lastMean!;
    assert.equal(stats.n, 2);
    assert.ok(Math.abs(stats.mean - 99.1) < 1e-9);
    assert.ok(Math.abs(stats.std! - Math.sqrt(0.02)) < 1e-9);
    assert.equal(logic.meanStd(stats), '99.10 ± 0.14');
    assert.equal(logic.meanStd(groups[1]!.lastMean), '97.00');
  });

  it('formats wall times', () => {
    assert.deepEqual([4.26, 45, 207, 3720].map((s) => logic.duration(s)), ['4.3s', '45s', '3m 27s', '1h 02m']);
  });
});
