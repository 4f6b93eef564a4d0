/**
 * What the wasm backend needs from its platform. The Node implementation is node-host.ts; a browser
 * loader implements the same interface with fetch() and Web Workers.
 */
export interface WorkerStart {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** Thread index of this worker (1..threads-1; the caller is 0). */
  readonly tid: number;
  /** How long an idle worker spins before it blocks, in milliseconds. */
  readonly spinMs: number;
}

export interface WorkerHandle {
  /** Stops the thread without waiting for it. */
  terminate(): void;
}

export interface WasmHost {
  /** Compiles build/kernels.wasm (or the file at `location`). */
  loadModule(location?: string | URL): Promise<WebAssembly.Module>;
  /** Starts a worker that instantiates the module over the memory and runs the task loop; resolves once it is ready. */
  startWorker(start: WorkerStart): Promise<WorkerHandle>;
  defaultThreads(): number;
  /** Whether the calling thread may block in Atomics.wait. */
  readonly callerCanBlock: boolean;
  /**
   * Whether a shared WebAssembly.Memory (a SharedArrayBuffer) is available: always in Node, only in a
   * cross-origin-isolated page in a browser. Without it the backend runs on the calling thread alone,
   * over the unshared build of the kernels that loadModule() then returns.
   */
  readonly sharedMemory: boolean;
}
