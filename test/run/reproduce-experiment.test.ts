/**
 * A recorded run is reproducible from its spec alone: experiment 12 (the champion), seed 1, run
 * again from the spec stored in reports/results/12-sepnet-8k.json, gives its recorded history to
 * the bit. The spec says 15 epochs (the OneCycle schedule is laid out for them), so the run is
 * stopped after the first two through its AbortSignal; all 15 were compared by hand (README).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readResult } from '../../src/experiments/runner.js';
import { runSpec } from '../../src/run/run.js';
import type { EpochMetrics } from '../../src/train/metrics.js';
import { repoRoot } from '../helpers/fixtures.js';

/** Everything an epoch computes; its wall times are not results. */
function results(m: EpochMetrics): Omit<EpochMetrics, 'epochSeconds' | 'trainSeconds' | 'evalSeconds'> {
  const { epochSeconds: _e, trainSeconds: _t, evalSeconds: _v, ...rest } = m;
  return rest;
}

describe('reproducing a recorded experiment from its spec', () => {
  it('experiment 12, seed 1: the first two epochs equal the recorded ones to the bit', async () => {
    const recorded = readResult(join(repoRoot, 'reports', 'results'), '12-sepnet-8k');
    assert.ok(recorded, 'reports/results/12-sepnet-8k.json is missing');
    const seed1 = recorded.seeds.find((s) => s.seed === 1);
    assert.ok(seed1?.spec, 'seed 1 has no spec');
    const controller = new AbortController();
    const outcome = await runSpec({ ...seed1.spec, outDir: null, threads: 2 }, {
      signal: controller.signal,
      onEpochEnd: (m) => {
        if (m.epoch === 2) controller.abort();
      },
    });
    assert.equal(outcome.history.length, 2);
    assert.equal(outcome.parameters, 7810);
    for (let i = 0; i < 2; i++) assert.deepEqual(results(outcome.history[i]!), results(seed1.history[i]!), `epoch ${i + 1}`);
  });
});
