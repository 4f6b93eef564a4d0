/** Iteration 7: the champion recipe under 8k parameters, a higher peak lr and a weight average. */
import { defineExperiment } from '../src/experiments/experiment.js';

export default defineExperiment({
  title: 'The champion recipe: GapNet-8k (7,886) with an EMA of the weights',
  model: 'gapnet-8k',
  // The hyperparameter block. Chosen on the validation split (see chosenOn); experiments 08-12 build on it.
  recipe: {
    epochs: 15,
    batchSize: 64,
    optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9, nesterov: false, weightDecay: 0 },
    scheduler: { name: 'onecycle', maxLr: 0.1, pctStart: 0.3, annealStrategy: 'cos', divFactor: 25, finalDivFactor: 1e4 },
    augmentation: { rotation: 7, interpolation: 'nearest' },
    labelSmoothing: 0,
    ema: { decay: 0.999 },
  },
  seeds: [1, 2, 3, 4, 5],
  chosenOn:
    'validation: 10,000 images held out of the training set (--val-split 10000, seed 1), 15 epochs each; ' +
    'over epochs 11-15, the EMA (decay 0.999) lifted the worst epoch from 99.36% to 99.42% at peak lr 0.05, and peak lr 0.1 with the EMA ' +
    'averaged 99.48% (99.42-99.52%) against 99.42% for iteration 5\'s recipe; weight decay, batch 32, a deeper model and peak lr 0.2 ' +
    'did no better (see notes/validation-probes.md, probes G-N). The test set only reports.',
  target: [
    "Iteration 5's model, unchanged; remove its epoch-11 dip with the recipe alone.",
    'Evaluate an exponential moving average of the weights (decay 0.999 per step, about one epoch) instead of the last step, as PyTorch\'s AveragedModel with get_ema_multi_avg_fn does; BN statistics are averaged too.',
    'Raise the one-cycle peak lr from 0.05 to 0.1: the average absorbs the extra noise.',
    'Hold 99.4% on every one of the last 5 epochs for every seed, with a mean of at least 99.5% (goal a).',
  ],
  analysis: [
    'The 99.4% floor now holds: every seed stays at or above 99.44% on each of its last 5 epochs (25 of 25), and 6-10 epochs per seed reach 99.4%.',
    'Goal (a) is still missed, by its mean: 99.495% over those 25 epochs against the 99.50% asked, half a test image per evaluation. Seeds 3 and 4 average 99.52% and 99.51%, seed 1 99.50%, seed 5 99.48% and seed 2 99.47%.',
    'Against iteration 5 (same model, same seeds) the last-5 mean rises from 99.43% to 99.50% and the lowest epoch from 99.29% to 99.44%; the epoch-11 dip is gone, and the spread over seeds halves (std 0.039 to 0.021).',
    'Train accuracy (99.49-99.60% at best, the training weights on augmented batches) is level with test accuracy: no over-fitting, so what is left is capacity and how fast the last epochs settle.',
    'The first epochs print the average, which after epoch 1 still carries most of the random initial weights (10-27% test accuracy); it passes 99% by epoch 4.',
  ],
});
