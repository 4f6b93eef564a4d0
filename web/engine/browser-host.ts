/**
 * The browser side of the wasm backend (src/backend/wasm/host.ts), the counterpart of node-host.ts:
 * the module comes from the server with fetch(), and the pool's threads are Web Workers over the one
 * shared WebAssembly.Memory.
 *
 * Shared memory needs a cross-origin-isolated page (`mnist-lab serve` sends COOP/COEP for that). A page
 * that is not isolated gets the unshared build of the same kernels (build/kernels-single.wasm) and runs
 * on its one thread; `engineThreading()` says which, for the page to show.
 *
 * The main thread may not block in Atomics.wait, so there the pool's caller only spins while the workers
 * finish their shares (ThreadPool's callerCanBlock); inside a dedicated worker it may block as in Node.
 */
import type { WasmHost, WorkerHandle, WorkerStart } from '../../src/backend/wasm/host.js';

/** Where the bundled files lie, next to the page's scripts (scripts/build-web.js copies them there). */
const SHARED_KERNELS = 'kernels.wasm';
const UNSHARED_KERNELS = 'kernels-single.wasm';
const KERNEL_WORKER = 'kernel-worker.js';

export interface EngineThreading {
  /** True when SharedArrayBuffer is available, so the kernels can run on every core. */
  readonly isolated: boolean;
  /** Threads the engine uses by default: every core when isolated, else 1. */
  readonly threads: number;
  /** One line for the page: what runs, on how many threads, and why. */
  readonly description: string;
}

function isolated(): boolean {
  return globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
}

function cores(): number {
  return Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1);
}

export function engineThreading(): EngineThreading {
  if (isolated()) {
    const threads = cores();
    return { isolated: true, threads, description: `WebAssembly SIMD kernels on ${threads} thread${threads === 1 ? '' : 's'} in this tab` };
  }
  return {
    isolated: false,
    threads: 1,
    description: 'WebAssembly SIMD kernels on 1 thread: this page is not cross-origin isolated, so it cannot share memory between threads (open it from `mnist-lab serve`)',
  };
}

/** True on a window's main thread, which may not block. */
function onMainThread(): boolean {
  return typeof (globalThis as { document?: unknown }).document !== 'undefined';
}

/**
 * A WasmHost for this page or worker. `base` is the URL the bundled files are resolved against:
 * the scripts' own folder (import.meta.url of a bundle in dist/web/).
 */
export function browserHost(base: string | URL): WasmHost {
  const shared = isolated();
  return {
    callerCanBlock: !onMainThread(),
    sharedMemory: shared,

    async loadModule(location?: string | URL): Promise<WebAssembly.Module> {
      const url = new URL(location ?? (shared ? SHARED_KERNELS : UNSHARED_KERNELS), base);
      const response = await fetch(url);
      if (!response.ok) throw new Error(`cannot load the kernels from ${url.pathname}: HTTP ${response.status}; rebuild with npm run build`);
      return WebAssembly.compile(await response.arrayBuffer());
    },

    startWorker(start: WorkerStart): Promise<WorkerHandle> {
      return new Promise((resolve, reject) => {
        const worker = new Worker(new URL(KERNEL_WORKER, base), { type: 'module', name: `kernels-${start.tid}` });
        worker.onerror = (event) => {
          event.preventDefault();
          reject(new Error(`kernel worker ${start.tid} failed to start: ${event.message || 'script error'}`));
        };
        worker.onmessage = (event: MessageEvent<unknown>) => {
          worker.onmessage = null;
          worker.onerror = null;
          if (event.data !== 'ready') {
            worker.terminate();
            reject(new Error(`kernel worker ${start.tid} failed to start: ${String(event.data)}`));
            return;
          }
          resolve({ terminate: () => worker.terminate() });
        };
        worker.postMessage(start);
      });
    },

    defaultThreads: () => (shared ? cores() : 1),
  };
}
