/** Iteration 22: the record attempt under 5k (issue 17 b), chosen on 5-fold validation by a sweep, on 10 seeds. */
import { defineExperiment } from '../src/experiments/experiment.js';

export default defineExperiment({
  title: 'Record attempt under 5k: SepGapNet-5k (4,981), stem 8-12 and four separable blocks 27-28-28-28, with the champion recipe',
  model: 'sepnet-5k',
  recipe: { parent: '07-gapnet-8k-ema', changes: {} },
  seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  chosenOn:
    'sweep record-5k (sweeps/record-5k.json, reports/sweeps/record-5k/): gapnet-5k (4,960, the model of iteration 8), sepnet-5k and ' +
    'sepnet-5k-deep (4,764, five separable blocks 23 wide), each scored on 5-fold cross-validation of the 60,000 training images (split seed 1) ' +
    "by its validation accuracy over the last 3 epochs, the goal's window, with ASHA judging the first fold at epoch 9. sepnet-5k completed all " +
    'five folds at 99.399%. At epoch 9 of the first fold (the mean of epochs 7-9) it led with 99.231% against 99.178% for sepnet-5k-deep and ' +
    '99.072% for gapnet-5k, which ASHA stopped there. No trial read the test set; these ten seeds are its only reading.',
  target: [
    'Goal (b) as issue 17 sets it: at most 5,000 parameters holding 99.4% on each of the last 3 of 15 epochs, for 10 seeds of 10.',
    "Iteration 8 (gapnet-5k) held it for 4 seeds of 5: its last-3 mean, 99.42%, sat a few test images above the line. Probe SE1 on the single validation split had put this separable layout with a lighter stem level with it; the 5-fold sweep separates them.",
    "The champion's recipe unchanged (iteration 7's), so that only the model differs from iteration 8.",
  ],
  analysis: [
    'Goal (b) is met: all 10 seeds hold 99.4% on each of epochs 13-15 (30 of 30; lowest 99.41%, seed 7 at epoch 13), with a last-3 mean of 99.468% (per seed 99.453, 99.467, 99.453, 99.513, 99.450, 99.447, 99.420, 99.430, 99.527 and 99.523%; standard deviation 0.039 between seeds).',
    "Against iteration 8 (gapnet-5k) on the seeds both ran, 1-5, the last-3 mean is higher on every seed (+0.090, +0.017, +0.023, +0.067, +0.023 points; +0.044 on average), and seed 1, the one that iteration 8 lost, now holds. Iteration 8 was recorded with the GEMM convolution kernels and this one with Winograd, which round differently (-0.08 to +0.06 points a seed on experiment 12), so seed-by-seed gaps this small are partly rounding; the mean gap and the sweep's ranking agree.",
    'The margin is thin where it matters: the weakest seed (7) averages 99.42% over its last 3 epochs, two test images above the line. Over the last 5 epochs one epoch of seed 7 reads 99.37%, so this model does not hold 99.4% over goal (a)\'s wider window.',
    "The sweep's 5-fold validation score (99.399%) sits 0.07 points below the test figure, a smaller gap than the frontier sweeps' +0.18-0.20 points: each fold trains on 48,000 images and is scored on 12,000 held-out training images, so the score ranks candidates and does not predict the test figure.",
    'Best train accuracy (the training weights on augmented batches) is 99.52-99.61% against iteration 8\'s 99.41-99.44%: the separable blocks (27-28 channels against GapNet-5k\'s 12-14) fit more with 21 more parameters, as at 8k.',
    'Each seed took 399-438 s on one thread with two seeds sharing the 2-core VM (26-29 s an epoch).',
  ],
});
