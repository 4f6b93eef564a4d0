/** kernels.wasm instantiated over a small shared memory, its tasks run on the calling thread: for tests that drive one task directly. */
import { nodeHost } from '../../src/backend/wasm/node-host.js';
import { CONTROL_BYTE_OFFSET, CONTROL_SLOTS, HEAP_BYTE_OFFSET, WASM_PAGE_BYTES, taskTable } from '../../src/backend/wasm/kernel-module.js';
import { ThreadPool } from '../../src/backend/wasm/thread-pool.js';
import { createJobs, type Jobs } from '../../src/backend/wasm/job.js';

export interface KernelInstance {
  readonly jobs: Jobs;
  /** `length` floats of the memory's heap, at its start. */
  heapFloat32(length: number): Float32Array;
}

export async function instantiateKernels(heapBytes: number): Promise<KernelInstance> {
  const pages = Math.ceil((HEAP_BYTE_OFFSET + heapBytes) / WASM_PAGE_BYTES);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const instance = await WebAssembly.instantiate(await nodeHost.loadModule(), { env: { memory } });
  const pool = new ThreadPool(new Int32Array(memory.buffer, CONTROL_BYTE_OFFSET, CONTROL_SLOTS), taskTable(instance.exports), 0, true);
  return {
    jobs: createJobs(memory.buffer, pool),
    heapFloat32: (length) => new Float32Array(memory.buffer, HEAP_BYTE_OFFSET, length),
  };
}
