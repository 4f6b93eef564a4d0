/**
 * Starts the compute backend a run asks for and makes it the current one: the wasm kernels on a
 * pool of worker threads, or the plain TypeScript reference. The handle stops the workers again.
 */
import { availableParallelism } from 'node:os';
import { setBackend, getBackend } from './current.js';
import { createReferenceBackend } from './reference/index.js';
import { createWasmBackend, type ConvAlgorithm } from './wasm/index.js';
import { MnistLabError } from '../util/errors.js';

export type BackendName = 'wasm' | 'reference';

export interface EngineHandle {
  name: BackendName;
  threads: number;
  /** Stops worker threads so the process can exit. */
  close(): void;
}

/** One worker thread per core: what a run gets when its spec says threads: null. */
export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * EXPERIMENTAL: MNIST_LAB_CONV_ALGORITHM=winograd runs the dense 3×3 convolutions of every wasm
 * backend this process starts on Winograd F(2×2, 3×3) (WasmBackendOptions.convAlgorithm). It
 * changes the bits of seeded runs, so it is not in RunSpec and the default stays 'gemm' until the
 * recorded experiments are re-run with it; it exists to A/B whole runs.
 */
function convAlgorithmFromEnvironment(): ConvAlgorithm {
  const value = process.env['MNIST_LAB_CONV_ALGORITHM'];
  if (value === undefined || value === '' || value === 'gemm') return 'gemm';
  if (value === 'winograd') return 'winograd';
  throw new MnistLabError(`MNIST_LAB_CONV_ALGORITHM is '${value}'; set it to 'gemm' or 'winograd', or unset it`);
}

export async function startBackend(name: BackendName, threads: number): Promise<EngineHandle> {
  if (name === 'reference') {
    setBackend(createReferenceBackend());
    return { name, threads: 1, close: () => {} };
  }
  const backend = await createWasmBackend({ threads, convAlgorithm: convAlgorithmFromEnvironment() });
  setBackend(backend);
  return {
    name,
    threads: backend.threads,
    close: () => {
      backend.dispose?.();
      if (getBackend() === backend) setBackend(createReferenceBackend());
    },
  };
}
