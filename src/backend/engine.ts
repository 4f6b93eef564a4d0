/**
 * Starts the compute backend a run asks for and makes it the current one: the wasm kernels on a
 * pool of worker threads, or the plain TypeScript reference. The handle stops the workers again.
 */
import { availableParallelism } from 'node:os';
import { setBackend, getBackend } from './current.js';
import { createReferenceBackend } from './reference/index.js';
import { createWasmBackend } from './wasm/index.js';

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

export async function startBackend(name: BackendName, threads: number): Promise<EngineHandle> {
  if (name === 'reference') {
    setBackend(createReferenceBackend());
    return { name, threads: 1, close: () => {} };
  }
  const backend = await createWasmBackend({ threads });
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
