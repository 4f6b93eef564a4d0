/**
 * The samplers against behaviour known from Optuna and the TPE paper: a grid enumerates its product
 * in order; random draws are uniform on each parameter's line and reproducible per trial; TPE, after
 * its random start-up, concentrates its proposals where the objective is good, so on a smooth
 * one-dimensional objective it lands much closer to the optimum than random search with the same
 * budget, and on a choice it comes to prefer the better value.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GridSampler } from '../../src/sweep/samplers/grid-sampler.js';
import { RandomSampler } from '../../src/sweep/samplers/random-sampler.js';
import { TpeSampler } from '../../src/sweep/samplers/tpe-sampler.js';
import type { Sampler, TrialRecord } from '../../src/sweep/samplers/sampler.js';
import type { Params, SearchSpace } from '../../src/sweep/search-space.js';

/** Runs `n` trials one after another, as a sweep with one worker does. */
function optimize(sampler: Sampler, n: number, objective: (p: Params) => number): TrialRecord[] {
  const history: TrialRecord[] = [];
  for (let id = 0; id < n; id++) {
    const params = sampler.sample(id, history)!;
    history.push({ id, params, state: 'complete', value: objective(params) });
  }
  return history;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('GridSampler', () => {
  it('enumerates every combination once, the first parameter slowest, then has nothing more', () => {
    const space: SearchSpace = { 'a.x': { type: 'choice', values: ['p', 'q'] }, 'a.y': { type: 'int', low: 1, high: 3 } };
    const g = new GridSampler(space);
    assert.equal(g.size, 6);
    const all = Array.from({ length: 6 }, (_, i) => g.sample(i, [])!);
    assert.deepEqual(all.map((p) => `${p['a.x']}${p['a.y']}`), ['p1', 'p2', 'p3', 'q1', 'q2', 'q3']);
    assert.equal(g.sample(6, []), null);
  });

  it('spreads numeric points evenly on their line: log-spaced for log parameters', () => {
    const g = new GridSampler({ 'r.lr': { type: 'loguniform', low: 0.001, high: 0.1 } }, 3);
    const values = [0, 1, 2].map((i) => g.sample(i, [])!['r.lr'] as number);
    assert.deepEqual(values.map((v) => Number(v.toPrecision(6))), [0.001, 0.01, 0.1]);
  });
});

describe('RandomSampler', () => {
  it('is reproducible per trial number and stays in range, log-uniform on log parameters', () => {
    const space: SearchSpace = { 'r.lr': { type: 'loguniform', low: 1e-4, high: 1 }, 'r.b': { type: 'int', low: 32, high: 128, step: 32 } };
    const s = new RandomSampler(space, 7);
    assert.deepEqual(s.sample(5, []), new RandomSampler(space, 7).sample(5, []));
    assert.notDeepEqual(s.sample(5, []), s.sample(6, []));
    const draws = Array.from({ length: 2000 }, (_, i) => s.sample(i, []));
    for (const d of draws) {
      assert.ok((d['r.lr'] as number) >= 1e-4 && (d['r.lr'] as number) <= 1);
      assert.ok([32, 64, 96, 128].includes(d['r.b'] as number));
    }
    // Log-uniform on [1e-4, 1]: the median sits near 1e-2, a quarter of the draws below 1e-3.
    const logs = draws.map((d) => Math.log10(d['r.lr'] as number));
    assert.ok(Math.abs(median(logs) + 2) < 0.15, `median ${median(logs)}`);
    assert.ok(Math.abs(logs.filter((l) => l < -3).length / 2000 - 0.25) < 0.04);
    for (const b of [32, 64, 96, 128]) assert.ok(Math.abs(draws.filter((d) => d['r.b'] === b).length / 2000 - 0.25) < 0.04, `batch ${b}`);
  });
});

describe('TpeSampler', () => {
  const space: SearchSpace = { 'r.lr': { type: 'loguniform', low: 1e-4, high: 1 } };
  // A smooth bump in log(lr) with its peak at 0.05, like an lr sweep's validation accuracy.
  const objective = (p: Params): number => 99 - (Math.log10(p['r.lr'] as number) - Math.log10(0.05)) ** 2;
  const distance = (t: TrialRecord): number => Math.abs(Math.log10(t.params['r.lr'] as number) - Math.log10(0.05));

  it('starts random, then concentrates near the optimum: half its later proposals within 0.5 decades, where random search has half within 0.95', () => {
    for (const seed of [1, 2, 3]) {
      const tpe = optimize(new TpeSampler(space, seed, 10), 60, objective);
      const random = optimize(new RandomSampler(space, seed), 60, objective);
      // The first 10 are the same random start-up.
      assert.deepEqual(tpe.slice(0, 10).map((t) => t.params), random.slice(0, 10).map((t) => t.params));
      const tpeLate = median(tpe.slice(30).map(distance));
      const randomLate = median(random.slice(30).map(distance));
      // Uniform on 4 decades with the peak 1.3 from one end, random search's median distance is about 0.95 decades.
      assert.ok(tpeLate < 0.5 && tpeLate < randomLate, `seed ${seed}: TPE ${tpeLate.toFixed(3)} decades from the optimum, random ${randomLate.toFixed(3)}`);
      assert.ok(Math.min(...tpe.map(distance)) < 0.05, `seed ${seed}: best TPE trial within 0.05 decades`);
    }
  });

  it('comes to prefer the better value of a choice, and treats stopped trials as bad', () => {
    const choice: SearchSpace = { 'r.opt': { type: 'choice', values: ['sgd', 'adam', 'adamw'] } };
    const history = optimize(new TpeSampler(choice, 4, 5), 40, (p) => (p['r.opt'] === 'adam' ? 99 : 98));
    const late = history.slice(20).filter((t) => t.params['r.opt'] === 'adam').length;
    assert.ok(late >= 14, `adam in ${late} of the last 20`);
    // Every trial near lr 1e-4 stopped early: TPE steers away from there.
    const stopped: TrialRecord[] = Array.from({ length: 10 }, (_, i) => ({ id: i, params: { 'r.lr': 1e-4 * (1 + i / 10) }, state: 'pruned', value: null }));
    const done: TrialRecord[] = Array.from({ length: 10 }, (_, i) => ({ id: 10 + i, params: { 'r.lr': 0.01 * (1 + i) }, state: 'complete', value: 99 - i / 100 }));
    const next = new TpeSampler(space, 1, 5).sample(20, [...stopped, ...done])['r.lr'] as number;
    assert.ok(next > 1e-3, `proposed ${next}`);
  });
});
