/**
 * MNIST's train/val/test splits from parsed IDX data: the pairing checks, the seeded validation or
 * k-fold split and the limits, in the order that decides which images a run sees. Free of Node APIs:
 * `loadMnist` (mnist.ts) reads the files from disk, a browser tab gets the same bytes from the local
 * server, and both build the splits here, so a run in the tab trains on exactly the images that the
 * same RunSpec gives in Node.
 */
import { MnistLabError } from '../util/errors.js';
import { makeDataset, take, type Dataset } from './dataset.js';
import type { IdxImages } from './idx-format.js';
import { splitValidation } from './validation-split.js';
import { kFoldSplit } from './k-fold.js';

/** The image size every mnist-lab model expects. */
export const MNIST_IMAGE_SIZE = 28;

export interface MnistSplitOptions {
  /** Training images held out as a validation set (default 10000; 0 = no validation set). */
  readonly valSplit?: number;
  /** Seed of the validation split (default 0). */
  readonly seed?: number;
  /** Hold out fold `fold` (1..k) of a seeded k-fold partition of the training set instead of valSplit. */
  readonly folds?: { readonly k: number; readonly fold: number };
  /** Keep only the first N images of each set, after the split (for quick runs and tests). */
  readonly limit?: { readonly train?: number; readonly val?: number; readonly test?: number };
}

export interface MnistSplits {
  readonly train: Dataset;
  /** null when valSplit is 0. */
  readonly val: Dataset | null;
  /** null when the run does not read the test set: the test files were not opened. */
  readonly test: Dataset | null;
  /** Where the IDX files came from (a directory, or the server's URL in a browser). */
  readonly source: string;
}

/** An image file and its label file as a Dataset, checked to belong together and to hold 28x28 images. */
export function mnistDataset(idx: IdxImages, labels: Uint8Array, imagesName: string, labelsName: string): Dataset {
  const { images, n, height, width } = idx;
  if (labels.length !== n) {
    throw new MnistLabError(
      `${labelsName}: has ${labels.length} labels but ${imagesName} has ${n} images; the two files do not belong together`,
    );
  }
  if (height !== MNIST_IMAGE_SIZE || width !== MNIST_IMAGE_SIZE) {
    throw new MnistLabError(
      `${imagesName}: images are ${height}x${width} but mnist-lab models expect ${MNIST_IMAGE_SIZE}x${MNIST_IMAGE_SIZE}; ` +
        'use an MNIST-style dataset',
    );
  }
  return makeDataset(images, labels, height, width);
}

/** The splits of the full training set (and test set, null when unread) that the options ask for. */
export function splitMnist(fullTrain: Dataset, fullTest: Dataset | null, options: MnistSplitOptions, source: string): MnistSplits {
  const valSplit = options.valSplit ?? 10000;
  const seed = options.seed ?? 0;
  let train = fullTrain;
  let val: Dataset | null = null;
  if (options.folds && valSplit > 0) throw new MnistLabError('a k-fold split and a validation split both hold images out; use one');
  if (options.folds) ({ train, val } = kFoldSplit(fullTrain, options.folds.k, options.folds.fold, seed));
  else if (valSplit > 0) ({ train, val } = splitValidation(fullTrain, valSplit, seed));
  const limit = options.limit ?? {};
  if (limit.train !== undefined) train = take(train, limit.train);
  if (limit.val !== undefined && val !== null) val = take(val, limit.val);
  const test = fullTest === null ? null : limit.test !== undefined ? take(fullTest, limit.test) : fullTest;
  return { train, val, test, source };
}
