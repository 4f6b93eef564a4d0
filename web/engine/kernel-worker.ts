/**
 * One thread of the wasm backend's pool in a browser (see browser-host.ts); the counterpart of
 * src/backend/wasm/node-worker.ts. It receives the compiled module and the shared memory once,
 * instantiates the kernels over that memory, and runs the same task loop as a Node worker.
 */
import type { WorkerStart } from '../../src/backend/wasm/host.js';
import { CONTROL_BYTE_OFFSET, CONTROL_SLOTS, taskTable } from '../../src/backend/wasm/kernel-module.js';
import { runWorkerLoop } from '../../src/backend/wasm/thread-pool.js';

const scope = globalThis as unknown as { onmessage: ((event: MessageEvent<WorkerStart>) => void) | null; postMessage(message: unknown): void };

scope.onmessage = (event) => {
  scope.onmessage = null;
  const start = event.data;
  void (async () => {
    try {
      const instance = await WebAssembly.instantiate(start.module, { env: { memory: start.memory } });
      const tasks = taskTable(instance.exports);
      const control = new Int32Array(start.memory.buffer, CONTROL_BYTE_OFFSET, CONTROL_SLOTS);
      scope.postMessage('ready');
      // Blocks this worker until the pool exits: a worker may wait in Atomics.wait.
      runWorkerLoop(control, tasks, start.tid, start.spinMs, () => performance.now());
    } catch (error) {
      scope.postMessage(error instanceof Error ? error.message : String(error));
    }
  })();
};
