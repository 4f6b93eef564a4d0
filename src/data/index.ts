export { makeDataset, subset, take, type Dataset } from './dataset.js';
export { readIdxImages, readIdxLabels, parseIdxImages, parseIdxLabels, readMaybeGzipped, type IdxImages } from './idx.js';
export {
  loadMnist,
  bundledMnistDir,
  findMnistFiles,
  MNIST_FILE_NAMES,
  MNIST_IMAGE_SIZE,
  type MnistOptions,
  type MnistSplits,
  type MnistFilePaths,
} from './mnist.js';
export { splitValidation, type TrainValSplit } from './validation-split.js';
export { DataLoader, type Batch, type DataLoaderOptions, type DataLoaderState } from './data-loader.js';
export * from './transforms/index.js';
