/**
 * The tab's training session, outside any page: it owns the training worker and everything the Train
 * page shows, so that training goes on while the user looks at another page (the Draw page, to try
 * the model), and the Train page shows the same state when it is opened again.
 */
import type { CheckpointMeta } from '../../src/train/checkpoint.js';
import type { EpochMetrics } from '../../src/train/metrics.js';
import type { RunSpec } from '../../src/train/run-spec.js';
import type { BatchProgress } from '../../src/train/trainer.js';
import type { MemoryRunStart } from '../../src/run/memory-run.js';
import type { MnistFilesResponse } from '../../src/server/mnist-api.js';
import { MNIST_API_PATH } from '../../src/server/mnist-api.js';
import { getJson } from '../api.js';
import { saveTrainedModel } from './trained-model-store.js';
import type { CheckpointFiles, FromTrainWorker, ToTrainWorker } from './train-protocol.js';

export type TrainPhase = 'idle' | 'preparing' | 'training' | 'stopping' | 'stopped' | 'finished' | 'failed';

/** One training step, for the live curves: x is in epochs (2.5: half-way through epoch 3). */
export interface StepPoint {
  x: number;
  loss: number;
  /** This step's accuracy on its batch (%). */
  accuracy: number;
}

export interface TrainState {
  phase: TrainPhase;
  /** What is happening before training (downloading…), or the error. */
  message: string | null;
  engine: { threads: number; isolated: boolean; description: string } | null;
  spec: RunSpec | null;
  info: MemoryRunStart | null;
  progress: BatchProgress | null;
  steps: StepPoint[];
  history: EpochMetrics[];
  log: string[];
  /** The checkpoint the download and the Draw page use: the end of the last finished epoch. */
  last: CheckpointFiles | null;
  /** Whether the model was handed to the Draw page (false: the browser's storage refused it). */
  storedForDraw: boolean | null;
}

type Listener = (state: TrainState, change: 'batch' | 'other') => void;

function initialState(): TrainState {
  return { phase: 'idle', message: null, engine: null, spec: null, info: null, progress: null, steps: [], history: [], log: [], last: null, storedForDraw: null };
}

class TrainController {
  state: TrainState = initialState();
  private worker: Worker | null = null;
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: 'batch' | 'other' = 'other'): void {
    for (const l of this.listeners) l(this.state, change);
  }

  private send(message: ToTrainWorker): void {
    if (!this.worker) {
      this.worker = new Worker(new URL('train-worker.js', import.meta.url), { type: 'module', name: 'mnist-lab-trainer' });
      this.worker.onmessage = (event: MessageEvent<FromTrainWorker>) => this.receive(event.data);
      this.worker.onerror = (event) => {
        event.preventDefault();
        this.fail(`the training worker failed: ${event.message || 'script error'}`);
        this.worker?.terminate();
        this.worker = null;
      };
    }
    this.worker.postMessage(message);
  }

  get busy(): boolean {
    return this.state.phase === 'preparing' || this.state.phase === 'training' || this.state.phase === 'stopping';
  }

  async train(spec: RunSpec): Promise<void> {
    if (this.busy) return;
    this.state = { ...initialState(), phase: 'preparing', spec, message: 'Asking the server for MNIST…', engine: this.state.engine };
    this.emit();
    let version = 'unknown';
    try {
      version = (await getJson<MnistFilesResponse>(MNIST_API_PATH)).mnistLabVersion;
    } catch (err) {
      this.fail(`the server offers no MNIST files: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    // Stopped while the server was asked: nothing was started.
    if (this.state.phase === 'stopping') {
      this.state = { ...this.state, phase: 'idle', message: null };
      this.emit();
      return;
    }
    this.send({ type: 'train', spec, mnistLabVersion: version });
  }

  stop(): void {
    if (this.state.phase !== 'training' && this.state.phase !== 'preparing') return;
    this.state = { ...this.state, phase: 'stopping' };
    this.send({ type: 'stop' });
    this.emit();
  }

  continueRun(): void {
    if (this.state.phase !== 'stopped') return;
    // The steps of the epoch that was cut short are trained again, from the last checkpoint.
    const done = this.state.history.length;
    this.state = { ...this.state, phase: 'preparing', message: 'Continuing…', progress: null, steps: this.state.steps.filter((s) => s.x <= done) };
    this.send({ type: 'continue' });
    this.emit();
  }

  private fail(message: string): void {
    this.state = { ...this.state, phase: 'failed', message };
    this.emit();
  }

  private receive(m: FromTrainWorker): void {
    const s = this.state;
    switch (m.type) {
      case 'engine':
        this.state = { ...s, engine: { threads: m.threads, isolated: m.isolated, description: m.description } };
        break;
      case 'phase':
        this.state = { ...s, message: m.text, phase: s.phase === 'stopping' ? 'stopping' : 'preparing' };
        break;
      case 'start':
        this.state = { ...s, info: m.info, message: null, phase: s.phase === 'stopping' ? 'stopping' : 'training' };
        break;
      case 'batch': {
        const p = m.progress;
        s.steps.push({ x: p.epoch - 1 + p.batch / p.batches, loss: p.loss, accuracy: (100 * p.correct) / p.size });
        this.state = { ...s, progress: p };
        this.emit('batch');
        return;
      }
      case 'epoch':
        this.state = { ...s, history: [...s.history, m.metrics] };
        break;
      case 'log':
        s.log.push(m.line);
        return;
      case 'end': {
        const last = m.last;
        const storedForDraw = last && last.meta.epoch > 0 ? this.storeForDraw(last.weights, last.meta) : s.storedForDraw;
        this.state = { ...s, phase: m.interrupted ? 'stopped' : 'finished', history: m.history, last, storedForDraw, message: null };
        break;
      }
      case 'error':
        this.fail(m.message);
        return;
    }
    this.emit();
  }

  private storeForDraw(weights: Uint8Array, meta: CheckpointMeta): boolean {
    const m = meta.metrics;
    return saveTrainedModel({
      modelName: meta.model.name, config: meta.model.config, weights,
      label: `${meta.model.name}, trained in this tab (seed ${meta.spec.seed}, ${meta.epoch} epoch${meta.epoch === 1 ? '' : 's'})`,
      testAccuracy: m?.testAccuracy ?? null, epochs: meta.epoch, savedAt: meta.savedAt,
    });
  }
}

/** The one session of this tab. */
export const trainController = new TrainController();
