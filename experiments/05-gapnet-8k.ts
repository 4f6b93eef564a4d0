/** Iteration 5: the champion under 8k parameters. */
import { defineExperiment } from '../src/experiments/experiment.js';
import { CHAMPION_RECIPE } from '../src/train/recipe.js';

export default defineExperiment({
  title: 'mnist-lab champion under 8k: GapNet-8k (7,886)',
  model: 'gapnet-8k',
  recipe: CHAMPION_RECIPE,
  seeds: [1, 2, 3, 4, 5],
  chosenOn:
    'validation: 10,000 images held out of the training set (--val-split 10000, seed 1), 15 epochs each; ' +
    'batch 64 + OneCycle 0.05 + rotation ±7° reached 99.45/99.46% validation accuracy in epochs 13-14, against ' +
    '99.18% for batch 128 + OneCycle 0.1 + RandomAffine(10°, translate 0.1, scale 0.9-1.1) + label smoothing 0.1 ' +
    '(see notes/validation-probes.md). The test set only reports.',
  target: [
    'Spend the 8k budget where it pays: no dropout, a wider tail (14-16-18 channels at 10x10 to 6x6).',
    'Train harder: batch 64 doubles the optimizer steps in 15 epochs; OneCycle to 0.05.',
    'Hold 99.4% on every one of the last 5 epochs for every seed (goal a).',
  ],
  analysis: [
    'Read the comparison table: it reports the last 5 epochs of every seed, not the best epoch of the best seed.',
    'Heavier augmentation (affine, label smoothing) under-fitted this size on validation: train accuracy stayed near 98.9%.',
    'Dropout is not needed once the schedule and augmentation regularize: the train/test gap stays small.',
  ],
});
