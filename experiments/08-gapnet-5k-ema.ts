/** Iteration 8: the record attempt under 5k parameters, with the champion's recipe. */
import { defineExperiment } from '../src/experiments/experiment.js';
import { CHAMPION_RECIPE } from '../src/train/recipe.js';

export default defineExperiment({
  title: 'Record attempt under 5k: GapNet-5k (4,960) with the champion recipe',
  model: 'gapnet-5k',
  recipe: CHAMPION_RECIPE,
  seeds: [1, 2],
  chosenOn: "none of its own: experiment 07's recipe, chosen on the validation split for GapNet-8k, unchanged",
  target: [
    "Iteration 6's model, 4,960 parameters, with the champion's recipe: peak lr 0.1 and an EMA of the weights.",
    'Hold 99.4% on each of the last 3 of 15 epochs (goal b), for every seed.',
  ],
  analysis: [
    'TODO',
  ],
});
