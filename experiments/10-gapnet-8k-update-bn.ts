/** Iteration 10: iteration 7 with BN statistics measured for the weight average instead of averaged. */
import { defineExperiment } from '../src/experiments/experiment.js';

export default defineExperiment({
  title: "GapNet-8k (7,886) with an EMA that measures its own BN statistics (update_bn)",
  model: 'gapnet-8k',
  recipe: { parent: '07-gapnet-8k-ema', changes: { ema: { decay: 0.999, updateBn: true } } },
  seeds: [1, 2, 3, 4, 5],
  chosenOn:
    'validation: 10,000 images held out of the training set (--val-split 10000, split seed 1), 15 epochs, init seeds 1-3; ' +
    "recomputing the average's BN statistics leaves the training run unchanged, so each init is a paired comparison with iteration 7's " +
    'recipe: over epochs 11-15 it gained 0.000, 0.032 and 0.002 points (99.478/99.546/99.414% against 99.478/99.514/99.412%; ' +
    'probes U1-U3 against J, J2, J3 in notes/validation-probes.md). The test set only reports.',
  target: [
    "Iteration 7's model, recipe and training run, unchanged: the same seeds give the same training weights.",
    "Change only the evaluated model's BN statistics. Iteration 7 averages the running statistics along with the weights (AveragedModel's use_buffers=True), so the average normalizes with statistics that other weights produced. Here the parameters alone are averaged, and after every epoch one pass over the 60,000 training images, unaugmented, measures the average's own (PyTorch's update_bn).",
    'Hold 99.4% on every one of the last 5 epochs for every seed, with a mean of at least 99.5% (goal a).',
  ],
  analysis: [
    'The training runs are iteration 7\'s to the bit, so each seed is a paired comparison. On the test set the measured statistics cost a little on every seed: the last-5 means are 99.492/99.458/99.506/99.502/99.474% against 99.498/99.466/99.516/99.512/99.484%, 0.006-0.010 points lower, a mean of 99.486% against 99.495%.',
    'The floor still holds (lowest epoch 99.43%, 25 of 25 at or above 99.4%), but goal (a) is missed by its mean, further than iteration 7 misses it.',
    'The validation split had seen a gain of 0.011 points on average (0.032 on one init, none on the other two): a gain that size was within what the split can resolve, and the test set does not confirm it. Iteration 7\'s averaged statistics stay.',
    'What it does fix is the first epochs: the average is now evaluated with statistics measured for it, so it reads 94.8-96.4% after epoch 1 instead of 10-27%, and 98.7-99.0% after epoch 2.',
  ],
});
