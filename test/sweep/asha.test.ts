/** ASHA's rungs and decisions, as Optuna's SuccessiveHalvingPruner makes them (higher is better). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AshaPruner, ashaRungs } from '../../src/sweep/asha.js';

describe('ASHA', () => {
  it('puts rungs at minEpochs · eta^k below the last epoch', () => {
    assert.deepEqual(ashaRungs({ minEpochs: 1, reductionFactor: 3 }, 15), [1, 3, 9]);
    assert.deepEqual(ashaRungs({ minEpochs: 2, reductionFactor: 2 }, 15), [2, 4, 8]);
    assert.deepEqual(ashaRungs({ minEpochs: 1, reductionFactor: 2 }, 3), [1, 2]);
    assert.deepEqual(ashaRungs({ minEpochs: 5, reductionFactor: 3 }, 5), []);
  });

  it('lets a trial go on only if it is among the best 1/eta at its rung so far (at least the best one)', () => {
    const asha = new AshaPruner({ minEpochs: 1, reductionFactor: 3 }, 15);
    assert.equal(asha.report(0, 1, 90), 'continue'); // alone: the best
    assert.equal(asha.report(1, 1, 80), 'prune'); // 2 at the rung: only the best goes on
    assert.equal(asha.report(2, 1, 95), 'continue');
    assert.equal(asha.report(3, 1, 91), 'prune'); // 4: floor(4/3) = 1 goes on, and 95 is better
    assert.equal(asha.report(4, 1, 85), 'prune');
    assert.equal(asha.report(5, 1, 92), 'continue'); // 6: the best 2 (95, 92) go on
    assert.equal(asha.report(0, 2, 10), 'continue', 'not a rung: no decision');
    assert.equal(asha.report(0, 3, 97), 'continue', 'the next rung judges among its own');
  });

  it('restores what was recorded, so a resumed sweep judges as it would have', () => {
    const asha = new AshaPruner({ minEpochs: 1, reductionFactor: 2 }, 4);
    asha.restore(0, 1, 95);
    assert.equal(asha.report(1, 1, 90), 'prune');
  });
});
