/** Entry point of a Node worker thread of the wasm backend (see node-host.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import type { WorkerStart } from './host.js';
import { CONTROL_BYTE_OFFSET, CONTROL_SLOTS, taskTable } from './kernel-module.js';
import { runWorkerLoop } from './thread-pool.js';

const start = workerData as WorkerStart;
try {
  const instance = await WebAssembly.instantiate(start.module, { env: { memory: start.memory } });
  const tasks = taskTable(instance.exports);
  const control = new Int32Array(start.memory.buffer, CONTROL_BYTE_OFFSET, CONTROL_SLOTS);
  parentPort!.postMessage('ready');
  runWorkerLoop(control, tasks, start.tid, start.spinMs, () => performance.now());
} catch (error) {
  parentPort!.postMessage(`${(error as Error).message}`);
}
