/** The process-wide active backend. The reference backend is the default; the CLI swaps in the fast one. */
import type { Backend } from './backend.js';
import { createReferenceBackend } from './reference/index.js';

let active: Backend = createReferenceBackend();

export function getBackend(): Backend {
  return active;
}

/**
 * Switches backend. Tensors allocated by the previous backend stay valid as plain Float32Arrays,
 * but do not mix them into fast kernels: switch before creating the model.
 */
export function setBackend(backend: Backend): void {
  active = backend;
}
