/** Iteration 20: the frontier at 2,000 parameters (issue 17 c), chosen on 5-fold validation by a sweep. */
import { defineExperiment } from '../src/experiments/experiment.js';

export default defineExperiment({
  title: 'Frontier at 2k: SepGapNet-2k (1,938), stem 6-10 and four separable blocks 13 wide, with the champion recipe',
  model: 'sepnet-2k',
  recipe: { parent: '07-gapnet-8k-ema', changes: {} },
  seeds: [1, 2, 3, 4, 5],
  chosenOn:
    'sweep frontier-2k (sweeps/frontier-2k.json, reports/sweeps/frontier-2k/): a grid of sepnet-2k and gapnet-2k (1,852) at peak lr 0.1 and 0.2, ' +
    'each scored on 5-fold cross-validation of the 60,000 training images (split seed 1) by its validation accuracy over the last 5 epochs, with ASHA ' +
    'judging the first fold at epoch 9 (after the weight average has caught up; see docs/SWEEPS.md). At epoch 9, the mean of epochs 5-9, sepnet-2k at ' +
    'lr 0.1 read 98.438% against 98.278% at lr 0.2, and gapnet-2k 98.022% (lr 0.1) and 97.407% (lr 0.2); ASHA stopped those three there. ' +
    'sepnet-2k at lr 0.1 completed all five folds at 99.048%. No trial read the test set; these five seeds are its only reading.',
  target: [
    'The frontier below the goals (issue 17 c): the best held accuracy in 15 epochs at no more than 2,000 parameters, on 5 seeds.',
    'The champion layout scaled down once more (stem 6-10, four separable blocks 13 wide, 1,938 parameters) with its recipe unchanged.',
    'Beat the published anchor below this budget: 1,055 parameters at 98.06% in 12 epochs.',
  ],
  analysis: [
    'Over 5 seeds the last 5 epochs hold 99.19% or more on every seed (per seed 99.198, 99.256, 99.274, 99.252 and 99.274%), a mean of 99.251%, with 1,938 parameters.',
    'Nothing published below 5,000 parameters reaches this in 15 epochs: the 4,862-parameter result reads 99.07% after 50 epochs and the 3,077-parameter one 97.36%. The 1,055-parameter result (98.06% in 12 epochs) has half these parameters; experiment 21 compares at its size.',
    'From 2,920 parameters (experiment 19) to 1,938 the mean drops 0.13 points and the spread over seeds narrows (0.08 points between the lowest and highest seed, against 0.12): the smaller model is even further from over-fitting, its best train accuracy 99.05-99.11%.',
    "Test accuracy sits 0.20 points above the sweep's 5-fold validation score (99.048%), as in experiment 19.",
  ],
});
