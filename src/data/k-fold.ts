/**
 * K-fold cross-validation splits (scikit-learn's shuffled KFold): the training images are shuffled
 * once by a seeded generator of their own ('k-fold'), cut into k folds of sizes that differ by at
 * most one, and fold i is held out for validation while the other k-1 train. Every image is held
 * out exactly once over the k folds, so averaging the k validation scores uses the whole training
 * set and ranks small effects that one split cannot.
 */
import { Rng } from '../util/rng.js';
import { MnistLabError } from '../util/errors.js';
import { subset, type Dataset } from './dataset.js';
import type { TrainValSplit } from './validation-split.js';

/** `fold` counts from 1, as people say "fold 1 of 5". */
export function kFoldSplit(dataset: Dataset, k: number, fold: number, seed: number): TrainValSplit {
  if (!Number.isInteger(k) || k < 2 || k > dataset.n) {
    throw new MnistLabError(`k-fold: ${k} folds of ${dataset.n} images is not a partition; use a whole number of folds from 2 to ${Math.min(dataset.n, 100)}`);
  }
  if (!Number.isInteger(fold) || fold < 1 || fold > k) throw new MnistLabError(`k-fold: fold ${fold} does not exist; folds are numbered 1 to ${k}`);
  const order = new Uint32Array(dataset.n);
  for (let i = 0; i < order.length; i++) order[i] = i;
  Rng.forPurpose(seed, 'k-fold').shuffle(order);
  const start = Math.floor(((fold - 1) * dataset.n) / k);
  const end = Math.floor((fold * dataset.n) / k);
  const val = order.slice(start, end).sort();
  const train = new Uint32Array(dataset.n - val.length);
  train.set(order.subarray(0, start));
  train.set(order.subarray(end), start);
  train.sort();
  return { train: subset(dataset, train), val: subset(dataset, val) };
}
