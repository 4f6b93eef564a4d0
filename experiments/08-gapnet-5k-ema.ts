/** Iteration 8: the record attempt under 5k parameters, with the champion's recipe. */
import { defineExperiment } from '../src/experiments/experiment.js';

export default defineExperiment({
  title: 'Record attempt under 5k: GapNet-5k (4,960) with the champion recipe',
  model: 'gapnet-5k',
  recipe: { parent: '07-gapnet-8k-ema', changes: {} },
  seeds: [1, 2, 3, 4, 5],
  chosenOn:
    "experiment 07's recipe, chosen on the validation split for GapNet-8k, unchanged; later probes on the validation split found nothing " +
    'better for this size: lighter rotation (R), unaugmented last epochs (QW), peak lr 0.05 or 0.2 (QL, QH), capacity moved to the first ' +
    'block (FW) and depthwise-separable blocks (SD), see notes/validation-probes.md. The test set only reports.',
  target: [
    "Iteration 6's model, 4,960 parameters, with the champion's recipe: peak lr 0.1 and an EMA of the weights.",
    'Hold 99.4% on each of the last 3 of 15 epochs (goal b), for every seed.',
  ],
  analysis: [
    'Goal (b) is met by four seeds of five: seeds 2-5 hold 99.4% on each of epochs 13-15 (99.41-99.46%), seed 1 does not (99.35-99.37%). Seeds 3-5 were added in a later session to the first two; for every seed, as the target asks, it is not met.',
    'The last-3 mean over the five seeds is 99.42%, so each seed sits within a few test images of the 99.4% line, and which side a seed lands on is seed noise; a 5k model that holds it for every seed needs about 0.05 points more.',
    'The champion recipe does not carry down to 5k parameters: the last-5 mean is 99.41% (iteration 6: 99.37% on two seeds), within noise, while the same change lifted GapNet-8k by 0.07 points.',
    'Train accuracy stays at 99.41-99.44% at best, level with test accuracy: this size under-fits. None of the changes probed on the validation split helped it (see how it was chosen), and the depthwise-separable layout that won at 8k lost at 5k (probe SD1).',
  ],
});
