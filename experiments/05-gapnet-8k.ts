/** Iteration 5: the parameter budget rebalanced (the first champion under 8k parameters). */
import { defineExperiment } from '../src/experiments/experiment.js';

export default defineExperiment({
  title: 'The budget rebalanced: GapNet-8k (7,886)',
  model: 'gapnet-8k',
  recipe: {
    epochs: 15,
    batchSize: 64,
    optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9, nesterov: false, weightDecay: 0 },
    scheduler: { name: 'onecycle', maxLr: 0.05, pctStart: 0.3, annealStrategy: 'cos', divFactor: 25, finalDivFactor: 1e4 },
    augmentation: { rotation: 7, interpolation: 'nearest' },
    labelSmoothing: 0,
  },
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
    'Goal (a) is not met. Over 5 seeds the last 5 epochs average 99.43% (99.29-99.54%), and no seed holds 99.4% on all five: epoch 11, with the lr still at 0.023, lands at 99.29-99.39% in every seed.',
    'From epoch 12 on, seeds 1, 3 and 5 stay at or above 99.40% (up to 99.54%); seeds 2 and 4 dip once to 99.38-99.39%. Final epochs: 99.41-99.51%.',
    'Best test accuracy 99.54% (seed 3), above the best published 7,918-parameter single epoch (99.52%), but a single epoch is not the goal.',
    'Train accuracy (99.5-99.6%) sits just above test accuracy: no over-fitting, little headroom. What stands in the way: the one-cycle anneal reaches small lrs only in the last 4 epochs, so the weights still move by a lot at epoch 11. Iteration 7 takes this up on the validation split.',
    'Heavier augmentation (affine, label smoothing) under-fitted this size on validation: train accuracy stayed near 98.9%.',
  ],
});
