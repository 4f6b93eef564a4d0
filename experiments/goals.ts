/**
 * The project's goals, as data beside the experiments they judge (the report only knows how to
 * check a goal). From the mission: at most 8,000 parameters holding at least 99.4% test accuracy
 * over the last epochs, not once, within 15 epochs; a record attempt at 5,000; and the frontier below it.
 */
import { defineGoals } from '../src/experiments/goals.js';

export default defineGoals({
  targetAccuracy: 99.4,
  // The comparison table's "last N" columns.
  lastEpochs: 5,
  goals: [] = [
  {
    id: 'a',
    // Issue 17 raised (a) from 5 seeds and a 99.50% mean: seeds 1-5 alone had been partly the luck of the draw.
    statement: '≤ 8,000 parameters, ≤ 15 epochs, ≥ 99.40% test accuracy on every one of the last 5 epochs for 10 of 10 seeds, mean of those ≥ 99.55%',
    maxParameters: 8000,
    maxEpochs: 15,
    lastEpochs: 5,
    minSeeds: 10,
    minMean: 99.55,
  },
  {
    id: 'b',
    statement: '≤ 5,000 parameters, ≤ 15 epochs, ≥ 99.40% test accuracy on each of the last 3 epochs for 10 of 10 seeds',
    maxParameters: 5000,
    maxEpochs: 15,
    lastEpochs: 3,
    minSeeds: 10,
    minMean: null,
  },
],
  // Issue 17 (c): the best held accuracy in 15 epochs at these budgets too, beside what is published.
  frontierBudgets: [2000, 3000],
  // Published single runs, no seed statistics (as gathered in issue 17); plotted at the figure given,
  // a range at its middle.
  anchors: [
    { parameters: 7784, accuracy: 99.48, label: '7,784: 99.48% peak' },
    { parameters: 6174, accuracy: 99.45, label: '6,174: 99.42-99.48% last 5 (firekind/ERA4)' },
    { parameters: 4862, accuracy: 99.07, label: '4,862: 99.07% after 50 epochs' },
    { parameters: 3077, accuracy: 97.36, label: '3,077: 97.36%' },
    { parameters: 1055, accuracy: 98.06, label: '1,055: 98.06% in 12 epochs (neural golfing)' },
  ],
});
