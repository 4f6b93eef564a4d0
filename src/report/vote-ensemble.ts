/**
 * The ensemble of one experiment's seeds as the report can compute it from what the runs recorded:
 * each seed's final predicted class per test image (SeedRun.testPredictions), combined by majority
 * vote. The recorded results keep no probabilities and no checkpoints, so this is hard voting, not
 * the probability average of `mnist-lab eval RUN...` (src/models/ensemble.ts); the report names it
 * exactly. Ties go to the class that the first member in seed order voted for among the tied ones,
 * a rule fixed before looking at any label.
 */
import type { ExperimentResult } from './experiment-result.js';
import { MnistLabError } from '../util/errors.js';

export const VOTE_RULE = "majority vote of the members' recorded final predictions; a tie goes to the class of the first member (in seed order) that voted for a tied class";

export interface VoteEnsemble {
  experiment: string;
  seeds: number[];
  /** Each member's parameter count. */
  memberParameters: number;
  /** The sum over members: what running the ensemble costs. */
  parameters: number;
  correct: number;
  total: number;
  accuracy: number;
  /** Images where the vote was tied. */
  ties: number;
  /** Each member's own correct count on the same images, in seed order. */
  memberCorrect: number[];
}

/** The voted class of each image; `members` are digit strings of equal length. */
export function majorityVote(members: readonly string[]): { predictions: number[]; ties: number } {
  if (members.length === 0) throw new MnistLabError('ensemble: no members to vote');
  const n = members[0]!.length;
  if (members.some((m) => m.length !== n)) throw new MnistLabError('ensemble: the members predicted different numbers of images; rerun them on the same test set');
  const predictions: number[] = new Array<number>(n);
  let ties = 0;
  const votes = new Array<number>(10);
  for (let i = 0; i < n; i++) {
    votes.fill(0);
    for (const m of members) votes[Number(m[i])]!++;
    const top = Math.max(...votes);
    const tied = votes.filter((v) => v === top).length > 1;
    if (tied) ties++;
    // With a tie, the first member whose class is among the top ones decides; without, that is the winner anyway.
    const first = members.find((m) => votes[Number(m[i])] === top)!;
    predictions[i] = Number(first[i]);
  }
  return { predictions, ties };
}

/** The vote of every recorded seed of `result`, scored against the test labels. */
export function voteEnsemble(result: ExperimentResult, labels: ArrayLike<number>): VoteEnsemble {
  const seeds = [...result.seeds].sort((a, b) => a.seed - b.seed);
  if (seeds.length < 2) throw new MnistLabError(`ensemble: ${result.name} has ${seeds.length} recorded seed(s); an ensemble needs at least 2`);
  const members = seeds.map((s) => s.testPredictions);
  const { predictions, ties } = majorityVote(members);
  if (predictions.length !== labels.length) {
    throw new MnistLabError(`ensemble: ${result.name}'s predictions cover ${predictions.length} images but there are ${labels.length} labels`);
  }
  const score = (p: ArrayLike<number>): number => {
    let c = 0;
    for (let i = 0; i < labels.length; i++) if (p[i] === labels[i]) c++;
    return c;
  };
  const correct = score(predictions);
  return {
    experiment: result.name,
    seeds: seeds.map((s) => s.seed),
    memberParameters: result.parameters,
    parameters: result.parameters * seeds.length,
    correct,
    total: labels.length,
    accuracy: (100 * correct) / labels.length,
    ties,
    memberCorrect: members.map((m) => score(Array.from(m, Number))),
  };
}
