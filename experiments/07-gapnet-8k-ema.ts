/** Iteration 7: the champion under 8k parameters, with a higher peak lr and a weight average. */
import { defineExperiment } from '../src/experiments/experiment.js';
import { CHAMPION_RECIPE } from '../src/train/recipe.js';

export default defineExperiment({
  title: 'mnist-lab champion under 8k: GapNet-8k (7,886) with an EMA of the weights',
  model: 'gapnet-8k',
  recipe: CHAMPION_RECIPE,
  seeds: [1, 2, 3, 4, 5],
  chosenOn: 'TODO',
  target: [
    'TODO',
  ],
  analysis: [
    'TODO',
  ],
});
