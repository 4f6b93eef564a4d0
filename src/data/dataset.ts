/**
 * An in-memory set of single-channel uint8 images with class labels. This layer stays below the
 * tensor layer, so a dataset is plain typed arrays; the DataLoader turns it into float batches.
 */
import { MnistLabError } from '../util/errors.js';

export interface Dataset {
  /** n*height*width bytes, row-major; image k starts at k*height*width. */
  readonly images: Uint8Array;
  /** n class labels, 0-9. */
  readonly labels: Uint8Array;
  readonly n: number;
  readonly height: number;
  readonly width: number;
  /**
   * For each image, its index in the file it was read from, so a report can name "test image #1234"
   * even after a validation split or a subset reordered things.
   */
  readonly sourceIndices: Uint32Array;
}

/** Builds a Dataset, checking that the arrays agree; sourceIndices defaults to 0..n-1. */
export function makeDataset(
  images: Uint8Array,
  labels: Uint8Array,
  height: number,
  width: number,
  sourceIndices?: Uint32Array,
): Dataset {
  const n = labels.length;
  if (images.length !== n * height * width) {
    throw new MnistLabError(
      `dataset: ${n} labels need ${n * height * width} image bytes (${height}x${width} each) but there are ${images.length}`,
    );
  }
  const indices = sourceIndices ?? identity(n);
  if (indices.length !== n) {
    throw new MnistLabError(`dataset: ${n} labels but ${indices.length} source indices`);
  }
  return { images, labels, n, height, width, sourceIndices: indices };
}

/** A copy of the images at `indices` (positions in `dataset`, in the given order). */
export function subset(dataset: Dataset, indices: ArrayLike<number>): Dataset {
  const size = dataset.height * dataset.width;
  const count = indices.length;
  const images = new Uint8Array(count * size);
  const labels = new Uint8Array(count);
  const sourceIndices = new Uint32Array(count);
  for (let k = 0; k < count; k++) {
    const i = indices[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= dataset.n) {
      throw new MnistLabError(`subset: index ${i} is outside the dataset's 0-${dataset.n - 1}`);
    }
    images.set(dataset.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = dataset.labels[i]!;
    sourceIndices[k] = dataset.sourceIndices[i]!;
  }
  return { images, labels, n: count, height: dataset.height, width: dataset.width, sourceIndices };
}

/** The first `count` images (all of them when count >= n), as views without copying. */
export function take(dataset: Dataset, count: number): Dataset {
  if (!Number.isInteger(count) || count < 0) {
    throw new MnistLabError(`limit must be a whole number of images >= 0, got ${count}`);
  }
  if (count >= dataset.n) return dataset;
  const size = dataset.height * dataset.width;
  return {
    images: dataset.images.subarray(0, count * size),
    labels: dataset.labels.subarray(0, count),
    n: count,
    height: dataset.height,
    width: dataset.width,
    sourceIndices: dataset.sourceIndices.subarray(0, count),
  };
}

function identity(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
