/**
 * The project's goals, as the report checks them. The values are data that lives beside the
 * experiments (experiments/goals.ts), not constants of the report: the report only knows how to
 * check a goal, never which goals there are.
 */

export interface Goal {
  id: string;
  /** One line for the README. */
  statement: string;
  maxParameters: number;
  maxEpochs: number;
  /** Every one of the last `lastEpochs` epochs must reach the target accuracy, for every seed. */
  lastEpochs: number;
  /** The fewest seeds the goal accepts. */
  minSeeds: number;
  /** The mean over seeds and those epochs must reach this too (null: no mean condition). */
  minMean: number | null;
}

/** A published result the frontier plot sets our experiments beside (a single run unless its label says more). */
export interface PublishedAnchor {
  parameters: number;
  /** Test accuracy in percent, as published. */
  accuracy: number;
  /** What was measured and where, short enough to print beside the point. */
  label: string;
}

export interface ReportGoals {
  /** The test accuracy, in percent, that every goal asks each epoch of its window to reach. */
  targetAccuracy: number;
  /** How many final epochs the comparison's "last N" statistics look at. */
  lastEpochs: number;
  goals: Goal[];
  /** Budgets below the goals' that the frontier plot marks too (issue 17 c: 3,000 and 2,000). */
  frontierBudgets?: number[];
  /** Published results, drawn on the frontier plot beside ours. */
  anchors?: PublishedAnchor[];
}
