/**
 * Carves a validation set out of a training set, like torch.utils.data.random_split, with its own
 * seeded generator ('val-split') so the split never changes when other random streams do.
 */
import { Rng } from '../util/rng.js';
import { MnistLabError } from '../util/errors.js';
import { subset, type Dataset } from './dataset.js';

export interface TrainValSplit {
  readonly train: Dataset;
  readonly val: Dataset;
}

/**
 * A random `valSize` images become the validation set and the rest stay for training. Both keep the
 * original file order, which makes the split easy to inspect; which images are chosen depends only
 * on `seed` and the dataset size.
 */
export function splitValidation(dataset: Dataset, valSize: number, seed: number): TrainValSplit {
  if (!Number.isInteger(valSize) || valSize < 0 || valSize >= dataset.n) {
    throw new MnistLabError(
      `validation split: ${valSize} images cannot be held out of a training set of ${dataset.n}; ` +
        `use a whole number from 0 to ${dataset.n - 1}`,
    );
  }
  const order = new Uint32Array(dataset.n);
  for (let i = 0; i < order.length; i++) order[i] = i;
  Rng.forPurpose(seed, 'val-split').shuffle(order);
  const val = order.slice(0, valSize).sort();
  const train = order.slice(valSize).sort();
  return { train: subset(dataset, train), val: subset(dataset, val) };
}
