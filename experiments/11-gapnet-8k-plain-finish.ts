/** Iteration 11: iteration 7 with the last five epochs on the plain images. */
import { defineExperiment } from '../src/experiments/experiment.js';
import iteration7 from './07-gapnet-8k-ema.js';

export default defineExperiment({
  title: 'GapNet-8k (7,886) with an EMA, augmentation ending after epoch 10',
  model: 'gapnet-8k',
  recipe: { ...iteration7.recipe, augmentation: { ...iteration7.recipe.augmentation, untilEpoch: 10 } },
  seeds: [1, 2, 3, 4, 5],
  chosenOn: 'PLACEHOLDER',
  target: [
    "Iteration 7's model and recipe, and for epochs 1-10 its very training run: the same seeds give the same weights up to epoch 10, since the shuffle order does not depend on augmentation.",
    'From epoch 11 on, train on the images as they are instead of rotated by up to ±7°: the model under-fits the rotated images (train accuracy level with test), and the test set is not rotated.',
    'Hold 99.4% on every one of the last 5 epochs for every seed, with a mean of at least 99.5% (goal a).',
  ],
  analysis: ['PLACEHOLDER'],
});
