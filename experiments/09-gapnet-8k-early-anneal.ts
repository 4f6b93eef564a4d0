/** Iteration 9: iteration 7 with the one-cycle anneal starting earlier. */
import { defineExperiment } from '../src/experiments/experiment.js';
import iteration7 from './07-gapnet-8k-ema.js';

export default defineExperiment({
  title: 'GapNet-8k (7,886) with an EMA and an earlier anneal',
  model: 'gapnet-8k',
  recipe: { ...iteration7.recipe, scheduler: { ...iteration7.recipe.scheduler, pctStart: 0.2 } },
  seeds: [1, 2, 3, 4, 5],
  chosenOn:
    'validation: 10,000 images held out of the training set (--val-split 10000, seed 1); over epochs 11-15, pct_start 0.2 with ' +
    "iteration 7's recipe gave 99.48/99.52/99.50/99.48/99.46% (mean 99.49%, lowest 99.46%) against 99.42-99.52% (mean 99.48%) with " +
    'pct_start 0.3 (probes P and J in notes/validation-probes.md). The test set only reports.',
  target: [
    "Iteration 7's model and recipe, with the one-cycle peak at 20% of the steps instead of 30%: the anneal starts 1.5 epochs earlier, so epochs 11 and 12, the weakest of iteration 7's window, train at a lower lr.",
    'Hold 99.4% on every one of the last 5 epochs for every seed, with a mean of at least 99.5% (goal a).',
  ],
  analysis: [
    'TODO',
  ],
});
