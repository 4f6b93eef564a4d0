/**
 * `mnist-lab train` flags on top of the champion's recipe: what a flag leaves alone stays the
 * champion's, `--ema 0` turns the weight average off, and `--split-seed` pins the validation split.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { recipeFromFlags } from '../../src/cli/commands/train.js';
import { CHAMPION_RECIPE, type Recipe } from '../../src/train/recipe.js';
import { MnistLabError } from '../../src/util/errors.js';

const flags = { model: 'gapnet-8k', threads: 1, backend: 'reference' as const };

describe('recipeFromFlags', () => {
  it('is the champion recipe when no flag is given', () => {
    assert.deepEqual(recipeFromFlags(flags), CHAMPION_RECIPE);
  });

  it('--ema sets the decay, --ema 0 removes the average, and a base without one gets none', () => {
    assert.deepEqual(recipeFromFlags({ ...flags, ema: 0.99 }).ema, { decay: 0.99 });
    assert.equal('ema' in recipeFromFlags({ ...flags, ema: 0 }), false);
    const { ema: _unused, ...plain } = CHAMPION_RECIPE;
    assert.equal('ema' in recipeFromFlags(flags, plain as Recipe), false);
  });

  it('--split-seed is kept apart from --seed', () => {
    const r = recipeFromFlags({ ...flags, valSplit: 10000, splitSeed: 1, seed: 3 });
    assert.equal(r.splitSeed, 1);
    assert.equal(r.seed, 3);
    assert.equal('splitSeed' in recipeFromFlags(flags), false);
  });

  it('--update-bn and --no-update-bn set how the average gets its BN statistics', () => {
    assert.deepEqual(recipeFromFlags({ ...flags, updateBn: true }).ema, { decay: CHAMPION_RECIPE.ema!.decay, updateBn: true });
    const base: Recipe = { ...CHAMPION_RECIPE, ema: { decay: 0.999, updateBn: true } };
    assert.deepEqual(recipeFromFlags(flags, base).ema, { decay: 0.999, updateBn: true });
    assert.deepEqual(recipeFromFlags({ ...flags, updateBn: false }, base).ema, { decay: 0.999 });
    assert.throws(() => recipeFromFlags({ ...flags, ema: 0, updateBn: true }), /--update-bn .* there is none; add --ema 0.999/);
  });

  it('--augment-until ends augmentation after that epoch and keeps the rest of it', () => {
    const r = recipeFromFlags({ ...flags, augmentUntil: 10 });
    assert.deepEqual(r.augmentation, { ...CHAMPION_RECIPE.augmentation, untilEpoch: 10 });
  });

  it('refuses an out-of-range value with one line naming it', () => {
    assert.throws(() => recipeFromFlags({ ...flags, ema: 1 }), (err: unknown) => err instanceof MnistLabError && /EMA decay must be in \[0, 1\), got 1/.test(err.message));
  });
});
