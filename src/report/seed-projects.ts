/**
 * What the five seed projects' READMEs (../shared/seeds/) say about their own models, as data the
 * seeds report sets beside mnist-lab's measured runs. The numbers are transcribed into
 * experiments/seed-projects.ts (each with the file it comes from); this file only says their shape.
 * A field is null where the README does not state it: the report prints "not stated", never a guess.
 */

/** One epoch of a seed's own training log, as printed there (accuracies in percent). */
export interface SeedLogEpoch {
  /** The epoch as the seed's log numbers it (their logs count from 0). */
  loggedEpoch: number;
  /** tqdm's running train accuracy at the epoch's last batch. */
  trainAccuracy: number;
  testAccuracy: number;
  testLoss: number;
}

export interface SeedModelFigures {
  /** The model's name in the seed's README, e.g. "Model 1", "Iteration 4". */
  name: string;
  /** The zoo model that rebuilds it (`mnist-lab models --seed NNN`). */
  zooModel: string;
  /** The parameter count the README states, as a number (for "6.3M", the zoo's exact count is compared with that rounding). */
  parameters: number;
  /** How the README writes the count, when it is rounded ("6.3M"): the comparison then allows that rounding. */
  parametersAsWritten: string | null;
  /** Best train and test accuracy as the README states them (percent); null where it states none. */
  bestTrainAccuracy: number | null;
  bestTestAccuracy: number | null;
  /**
   * Test accuracy after the first and after the last epoch, where the README states them without a log
   * (seed 003's "initial" and "final" accuracy); with a log the report reads them from the log.
   */
  firstEpochTestAccuracy: number | null;
  finalTestAccuracy: number | null;
  /** True when the README writes its accuracies as approximate ("~98.3%"). */
  approximate: boolean;
  /** Other results the README states, in its words, e.g. "reached the required accuracy more than three times". */
  statedResults: string[];
  /** The seed's epoch-by-epoch log, when its README has one. */
  log: SeedLogEpoch[] | null;
  /** The mnist-lab experiments that ran this model with the seed's recipe (empty: none did; see notRun). */
  experiments: string[];
  /** Why mnist-lab did not run it (null when it did). */
  notRun: string | null;
  /** What differs between the seed's run and mnist-lab's, and why, in sentences. */
  differences: string[];
}

export interface SeedProject {
  /** The seed's number, '000' ... '004', as `mnist-lab models --seed` takes it. */
  id: string;
  /** The project's name as its README heads it. */
  title: string;
  /** The README the figures come from, relative to the repository root. */
  readme: string;
  /** The training setup the README states, in its words (empty when it states none). */
  statedRecipe: string[];
  models: SeedModelFigures[];
}
