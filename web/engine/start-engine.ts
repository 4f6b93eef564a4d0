/**
 * Starts mnist-lab's engine in a page or a worker: the wasm backend on the browser host, made the
 * current backend, as src/backend/engine.ts does in Node. Everything above the backend (tensors,
 * autograd, nn, the zoo, the trainer) is the same code as in Node.
 */
import { getBackend, setBackend } from '../../src/backend/current.js';
import { createReferenceBackend } from '../../src/backend/reference/index.js';
import { createWasmBackendOn } from '../../src/backend/wasm/wasm-backend.js';
import { browserHost, engineThreading, type EngineThreading } from './browser-host.js';

export interface BrowserEngine {
  /** Threads the kernels run on (1 when the page is not cross-origin isolated). */
  readonly threads: number;
  readonly threading: EngineThreading;
  /** Stops the kernel workers; the engine falls back to the reference kernels. */
  close(): void;
}

/**
 * `base`: the folder of the bundled scripts and kernels (pass `import.meta.url` from a bundle in
 * dist/web/). `threads` defaults to every core when the page is isolated, else 1.
 */
export async function startBrowserEngine(base: string | URL, options: { threads?: number } = {}): Promise<BrowserEngine> {
  const threading = engineThreading();
  const backend = await createWasmBackendOn(browserHost(base), { threads: options.threads ?? threading.threads });
  setBackend(backend);
  return {
    threads: backend.threads,
    threading,
    close: () => {
      backend.dispose();
      if (getBackend() === backend) setBackend(createReferenceBackend());
    },
  };
}
