/** Chooses and starts the compute backend for a CLI command. */
import { availableParallelism } from 'node:os';
import { setBackend, getBackend } from '../backend/current.js';
import { createReferenceBackend } from '../backend/reference/index.js';
import { createWasmBackend } from '../backend/wasm/index.js';

export type BackendName = 'wasm' | 'reference';

export interface EngineHandle {
  name: BackendName;
  threads: number;
  /** Stops worker threads so the process can exit. */
  close(): void;
}

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
