// One-off migration (2026-12-02) of reports/results/*.json to the RunSpec era: the recipe loses the
// fields that moved into the spec (seed, valSplit, splitSeed), and each seed run gains the spec that
// reproduces it. It refuses to write unless each experiment file's resolved recipe equals the
// recorded one, field for field, so no recorded number changes meaning. Run `npm run build` first.
import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { loadExperiments } from '../dist/src/experiments/registry.js';
import { experimentRunSpec } from '../dist/src/experiments/runner.js';

for (const e of await loadExperiments()) {
  const path = `reports/results/${e.name}.json`;
  const result = JSON.parse(readFileSync(path, 'utf8'));
  const { seed: _seed, valSplit, splitSeed, dropout, ...recipe } = result.recipe;
  if (valSplit !== undefined && valSplit !== 0) throw new Error(`${path}: valSplit ${valSplit}`);
  if (splitSeed !== undefined || dropout !== undefined) throw new Error(`${path}: splitSeed/dropout set`);
  if (!isDeepStrictEqual(recipe, e.recipe)) throw new Error(`${path}: recorded recipe ${JSON.stringify(recipe)} != file's ${JSON.stringify(e.recipe)}`);
  result.recipe = e.recipe;
  result.derivedFrom = e.derivedFrom;
  const { threads, backend } = result.environment;
  result.seeds = result.seeds.map((run) => {
    const { seed, ...rest } = run;
    return { seed, spec: experimentRunSpec(e, seed, { runsDir: 'runs/experiments', threads, backend }), ...rest };
  });
  writeFileSync(path, `${JSON.stringify(result, null, 1)}\n`);
  console.log(`${path}: ${result.seeds.length} seed(s) migrated`);
}
