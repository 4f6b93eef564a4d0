/** Runs a test body on the fast backend (when it can start) and always restores the reference one. */
import { setBackend } from '../../src/backend/current.js';
import { createReferenceBackend } from '../../src/backend/reference/index.js';
import { createWasmBackend } from '../../src/backend/wasm/index.js';

export async function withWasmBackend<T>(threads: number, fn: () => Promise<T> | T): Promise<T> {
  const backend = await createWasmBackend({ threads });
  setBackend(backend);
  try {
    return await fn();
  } finally {
    setBackend(createReferenceBackend());
    backend.dispose?.();
  }
}
