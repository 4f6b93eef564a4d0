/**
 * The test images a run was evaluated on: its spec's data folder (or the bundled MNIST) and its
 * test limit. Only the two t10k files are read (loadMnist would read the 60,000 training images as
 * well), and the last set read is kept, since a dashboard analyses runs of one data set in a row.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { take, makeDataset, type Dataset } from '../data/dataset.js';
import { bundledMnistDir, findMnistFiles } from '../data/mnist.js';
import { readIdxImages, readIdxLabels } from '../data/idx.js';
import { MnistLabError } from '../util/errors.js';

let cached: { key: string; test: Dataset } | null = null;

function stamp(path: string): string {
  const s = statSync(path);
  return `${path}:${s.mtimeMs}:${s.size}`;
}

/** `dataDir` null: the bundled MNIST. `limit` null: every test image. */
export function loadTestImages(dataDir: string | null, limit: number | null): Dataset {
  let paths;
  try {
    paths = findMnistFiles(dataDir === null ? bundledMnistDir() : resolve(dataDir));
  } catch (err) {
    if (err instanceof MnistLabError) {
      throw new MnistLabError(`the run's test images (${dataDir === null ? 'bundled MNIST' : `data.dir ${dataDir}`}): ${err.message.replace(/^--data-dir /, '')}`);
    }
    throw err;
  }
  const key = `${stamp(paths.testImages)}|${stamp(paths.testLabels)}`;
  if (cached?.key !== key) {
    const { images, n, height, width } = readIdxImages(paths.testImages);
    const labels = readIdxLabels(paths.testLabels);
    if (labels.length !== n) throw new MnistLabError(`${paths.testLabels}: has ${labels.length} labels for ${n} test images`);
    cached = { key, test: makeDataset(images, labels, height, width) };
  }
  return limit === null ? cached.test : take(cached.test, limit);
}
