/** Iteration 1: get the setup right with a plain, heavy network. */
import { defineExperiment } from '../src/experiments/experiment.js';

export default defineExperiment({
  title: 'Heavy baseline: plain convs and fully connected layers',
  model: 'baseline-fc',
  recipe: {
    epochs: 15,
    batchSize: 128,
    optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9 },
    scheduler: { name: 'none' },
    augmentation: {},
    labelSmoothing: 0,
  },
  seeds: [1],
  chosenOn: "none: the seeds' first-notebook defaults (SGD 0.01, momentum 0.9), no tuning",
  target: [
    'Get the pipeline right: data, normalization, training and test loops, logs, summary, checkpoints.',
    'A working model first; parameter count is not a concern yet.',
  ],
  analysis: [
    '56k parameters, seven times the budget; nearly all of them sit in the first fully connected layer.',
    'It over-fits: train accuracy climbs to 99.70% while test accuracy stalls at 98.9-99.1% over the last 5 epochs, and never reaches 99.4%.',
    'Without batch norm the test loss wanders from epoch to epoch (epoch 8 drops to 98.64%).',
    'Next: batch norm for faster, steadier training, and global average pooling instead of the fully connected layers.',
  ],
});
