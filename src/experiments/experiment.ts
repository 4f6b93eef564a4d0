/**
 * An experiment: one iteration of the design story, as data. Its model comes from the zoo (or is
 * built in place with the nn API), its recipe is one hyperparameter block, and its Target and
 * Analysis are the write-up the report prints beside the measured results.
 */
import type { Module } from '../nn/module.js';
import type { Recipe } from '../train/recipe.js';

export interface InlineModel {
  /** A name for the report and checkpoints. */
  name: string;
  build: () => Module;
}

export interface Experiment {
  title: string;
  model: string | InlineModel;
  recipe: Recipe;
  /** The seeds `experiments run` trains when no --seeds is given (default [1]). */
  seeds?: number[];
  /** Which split chose the hyperparameters, in words; the test set only reports. */
  chosenOn: string;
  target: string[];
  analysis: string[];
}

/** Identity with type checking, so experiment files read as plain data. */
export function defineExperiment(e: Experiment): Experiment {
  return e;
}
