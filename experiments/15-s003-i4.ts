/**
 * Seed 003 (CNN-MNIST3), iteration 4, with the training configuration its README states for every
 * iteration: a reproduction of another project's final model for the seeds report.
 */
import { defineExperiment } from '../src/experiments/experiment.js';

export default defineExperiment({
  title: "Seed 003 (CNN-MNIST3) iteration 4 with its recipe: batch 64, SGD momentum 0.9, 15 epochs, augmentation and an LR schedule (7,904)",
  model: 's003-i4',
  recipe: {
    epochs: 15,
    batchSize: 64,
    // Stated: batch 64, 15 epochs, SGD with momentum 0.9, and for iteration 4 "data augmentation and
    // learning rate scheduling". Not stated, so the course notebook's values: lr 0.01, StepLR every 6
    // epochs by PyTorch's default gamma 0.1, rotation ±7°.
    optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9 },
    scheduler: { name: 'step', stepSize: 6, gamma: 0.1 },
    augmentation: { rotation: 7 },
    labelSmoothing: 0,
  },
  seeds: [1, 2, 3],
  chosenOn:
    "none: seed 003's README (../shared/seeds/003_5ae527d512e627f3.txt) states batch 64, 15 epochs and SGD with momentum 0.9 for all four " +
    'iterations, and augmentation plus an LR schedule for iteration 4, without values. Those left out are the course notebook\'s: lr 0.01, ' +
    'StepLR step 6 with gamma 0.1 (PyTorch\'s default gamma), rotation ±7°; the model\'s dropout is 0.1 (the reconstruction\'s default). A reproduction, not tuned.',
  target: [
    "Reproduce seed 003's iteration 4 (7,904 parameters, a reconstruction from the README's counts: BN, dropout, GAP) with its recipe.",
    "The seed's README: initial accuracy ~98.3%, final ~99.4%.",
  ],
  analysis: [
    "Final test accuracy 99.27-99.38% over 3 seeds against the README's ~99.4%; no epoch of any seed reaches 99.40% (best 99.39%). The README's own summary gives 99.1% for the same step, so its single figure is itself uncertain.",
    "After the first epoch 97.42-97.65% against the README's ~98.3%: the seed's unnamed augmentation and schedule may be milder, or its rate higher, than the course values used here.",
    'Train accuracy (augmented batches, dropout on) stays below test accuracy, 99.10-99.18% at best: rotation and dropout 0.1 leave this 7.9k model under-fitted, as in iteration 3 of the story.',
    "See reports/seeds.md for the seed's own figures beside these runs.",
  ],
});
