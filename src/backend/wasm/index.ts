/** The WebAssembly SIMD backend, loaded the Node way (node:fs for the module, node:worker_threads for the pool). */
import { nodeHost } from './node-host.js';
import { createWasmBackendOn, type WasmBackend, type WasmBackendOptions } from './wasm-backend.js';

export type { ConvAlgorithm, WasmBackend, WasmBackendOptions } from './wasm-backend.js';
export type { ArenaStats } from './shared-arena.js';

export function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  return createWasmBackendOn(nodeHost, options);
}
