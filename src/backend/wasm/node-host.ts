/** The Node side of the wasm backend: reads the .wasm file and runs workers on node:worker_threads. */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WasmHost, WorkerHandle, WorkerStart } from './host.js';
import { MnistLabError } from '../../util/errors.js';

/** dist/src/backend/wasm/ → package root → build/kernels.wasm */
const DEFAULT_WASM = new URL('../../../../build/kernels.wasm', import.meta.url);
const WORKER_SCRIPT = new URL('./node-worker.js', import.meta.url);

export const nodeHost: WasmHost = {
  callerCanBlock: true,
  sharedMemory: true,

  async loadModule(location?: string | URL): Promise<WebAssembly.Module> {
    const where = location ?? DEFAULT_WASM;
    let bytes: Buffer;
    try {
      bytes = await readFile(where);
    } catch (error) {
      // A missing build is a setup step left out, not a bug: one line that says which step.
      throw new MnistLabError(`wasm backend: cannot read ${String(where)} (${(error as Error).message}); run \`npm run build:wasm\` first`);
    }
    return WebAssembly.compile(bytes);
  },

  startWorker(start: WorkerStart): Promise<WorkerHandle> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(WORKER_SCRIPT, { workerData: start });
      worker.once('error', reject);
      worker.once('message', (message: unknown) => {
        if (message !== 'ready') {
          reject(new Error(`wasm backend: worker ${start.tid} failed to start: ${String(message)}`));
          return;
        }
        worker.off('error', reject);
        // An idle pool must not keep the process alive.
        worker.unref();
        resolve({ terminate: () => void worker.terminate() });
      });
    });
  },

  defaultThreads: () => availableParallelism(),
};
