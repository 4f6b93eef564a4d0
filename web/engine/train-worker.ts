/**
 * The Train page's worker: a dedicated module Worker, so that the page stays smooth while the engine
 * computes, and so that the pool's calling thread may block while the kernel workers finish their
 * shares (the page's main thread may not). It starts the engine on every core when the page is
 * cross-origin isolated, downloads MNIST from the local server once, and trains the RunSpec the page
 * sends with the library's own runSpecInMemory (the same Trainer as Node), reporting every step.
 *
 * Stop aborts at the next batch boundary. Continue goes on from the last epoch's checkpoint, kept in
 * memory with the exact bytes a run folder would hold, the way `mnist-lab train --resume` does. The
 * engine runs for one session (start or continue) at a time and is closed after it, as in Node.
 */
import { MemoryRunRecorder } from '../../src/train/memory-recorder.js';
import { validateRunSpec, type RunSpec } from '../../src/train/run-spec.js';
import { runSpecInMemory, type MnistSource } from '../../src/run/memory-run.js';
import { MnistLabError } from '../../src/util/errors.js';
import { downloadMnist } from '../train/mnist-download.js';
import type { CheckpointFiles, FromTrainWorker, ToTrainWorker } from '../train/train-protocol.js';
import { engineThreading } from './browser-host.js';
import { startBrowserEngine, type BrowserEngine } from './start-engine.js';

const worker = globalThis as unknown as {
  onmessage: ((event: MessageEvent<ToTrainWorker>) => void) | null;
  postMessage(message: FromTrainWorker, transfer?: Transferable[]): void;
  location: { href: string };
};

/** The run this worker holds: its spec, its in-memory run folder, and the version to record. */
interface Held {
  spec: RunSpec;
  recorder: MemoryRunRecorder;
  mnistLabVersion: string;
}

let held: Held | null = null;
let running: AbortController | null = null;
let data: { source: MnistSource; withTest: boolean } | null = null;

function post(message: FromTrainWorker): void {
  worker.postMessage(message);
}

/** The full sets, downloaded once per worker (with the test set when any run asked for it). */
async function mnist(withTest: boolean): Promise<MnistSource> {
  if (data && (data.withTest || !withTest)) return data.source;
  post({ type: 'phase', text: 'Downloading MNIST from the local server…' });
  let last = 0;
  const source = await downloadMnist(worker.location.href, withTest, (received, total) => {
    const now = performance.now();
    if (now - last < 100 && received < total) return;
    last = now;
    post({ type: 'phase', text: `Downloading MNIST from the local server… ${Math.round((100 * received) / total)}%` });
  });
  data = { source, withTest };
  return source;
}

function copyOf(files: { weights: Uint8Array; meta: CheckpointFiles['meta'] } | null): CheckpointFiles | null {
  return files ? { weights: files.weights.slice(), meta: files.meta } : null;
}

async function session(h: Held, resume: boolean): Promise<void> {
  const controller = new AbortController();
  running = controller;
  const threading = engineThreading();
  // The spec may name fewer threads (a benchmark's); without isolation there is only one.
  const threads = threading.isolated ? Math.min(h.spec.threads ?? threading.threads, threading.threads) : 1;
  post({ type: 'phase', text: 'Starting the engine…' });
  let engine: BrowserEngine | null = null;
  try {
    engine = await startBrowserEngine(worker.location.href, { threads });
    const description = threading.isolated
      ? `Trains on ${engine.threads} thread${engine.threads === 1 ? '' : 's'}: WebAssembly SIMD kernels in a worker of this tab`
      : 'Trains on 1 thread: this page is not cross-origin isolated, so the kernels cannot share memory between threads (open it from `mnist-lab serve`)';
    post({ type: 'engine', threads: engine.threads, isolated: threading.isolated, description });
    const source = await mnist(h.spec.data.test !== false);
    post({ type: 'phase', text: resume ? 'Continuing from the last checkpoint…' : 'Building the model…' });
    const last = resume ? h.recorder.checkpoint('last') : null;
    if (resume && !last) throw new MnistLabError('there is no checkpoint to continue from');
    const result = await runSpecInMemory({
      spec: h.spec, data: source, threads: engine.threads, recorder: h.recorder, resume: last,
      mnistLabVersion: h.mnistLabVersion, signal: controller.signal,
      log: (line) => post({ type: 'log', line }),
      onStart: (info) => post({ type: 'start', info, epochs: h.spec.recipe.epochs }),
      onBatchEnd: (progress) => post({ type: 'batch', progress }),
      onEpochEnd: (metrics) => post({ type: 'epoch', metrics }),
    });
    const lastFiles = copyOf(h.recorder.checkpoint('last'));
    const bestFiles = copyOf(h.recorder.checkpoint('best'));
    const transfer = [lastFiles?.weights.buffer, bestFiles?.weights.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
    worker.postMessage({ type: 'end', interrupted: result.interrupted, history: result.history, last: lastFiles, best: bestFiles }, transfer);
  } finally {
    engine?.close();
    running = null;
  }
}

function fail(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  post({ type: 'error', message: err instanceof MnistLabError ? message : `unexpected error: ${message}` });
}

worker.onmessage = (event) => {
  const message = event.data;
  switch (message.type) {
    case 'stop':
      running?.abort();
      return;
    case 'train': {
      if (running) return fail(new MnistLabError('a run is already training; stop it first'));
      try {
        const spec = validateRunSpec(message.spec, 'run spec');
        if (spec.backend !== 'wasm') throw new MnistLabError(`backend ${spec.backend}: the tab trains on the wasm engine only`);
        held = { spec, recorder: new MemoryRunRecorder(), mnistLabVersion: message.mnistLabVersion };
      } catch (err) {
        return fail(err);
      }
      void session(held, false).catch(fail);
      return;
    }
    case 'continue':
      if (running) return fail(new MnistLabError('the run is still training'));
      if (!held) return fail(new MnistLabError('there is no stopped run to continue'));
      void session(held, true).catch(fail);
      return;
  }
};
