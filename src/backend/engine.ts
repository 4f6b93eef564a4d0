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
 * MNIST_LAB_CONV_ALGORITHM=gemm runs the dense 3×3 convolutions of every wasm backend this process
 * starts on the GEMM path instead of the default Winograd (WasmBackendOptions.convAlgorithm): the
 * path the experiments recorded before 2026-12-02 ran on, which reproduces their bits. Not a RunSpec
 * field: it changes how a result is computed, not what is computed.
 */
function convAlgorithmFromEnvironment(): ConvAlgorithm | undefined {
  const value = process.env['MNIST_LAB_CONV_ALGORITHM'];
  if (value === undefined || value === '') return undefined;
  if (value === 'gemm' || value === 'winograd') return value;
  throw new MnistLabError(`MNIST_LAB_CONV_ALGORITHM is '${value}'; set it to 'gemm' or 'winograd', or unset it`);
}

export async function startBackend(name: BackendName, threads: number): Promise<EngineHandle> {
  if (name === 'reference') {
    setBackend(createReferenceBackend());
    return { name, threads: 1, close: () => {} };
  }
  const convAlgorithm = convAlgorithmFromEnvironment();
  const backend = await createWasmBackend({ threads, ...(convAlgorithm && { convAlgorithm }) });
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
