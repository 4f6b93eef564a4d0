/**
 * The messages between the Train page and its training worker (web/engine/train-worker.ts). The page
 * sends a RunSpec; the worker trains it with the library's Trainer and reports every step and epoch.
 */
import type { RunSpec } from '../../src/train/run-spec.js';
import type { CheckpointMeta } from '../../src/train/checkpoint.js';
import type { EpochMetrics } from '../../src/train/metrics.js';
import type { BatchProgress } from '../../src/train/trainer.js';
import type { MemoryRunStart } from '../../src/run/memory-run.js';

export type ToTrainWorker =
  /** Train this spec from scratch. `mnistLabVersion` is recorded in its checkpoints. */
  | { type: 'train'; spec: RunSpec; mnistLabVersion: string }
  /** Stop at the next batch boundary; the last epoch's checkpoint continues the run exactly. */
  | { type: 'stop' }
  /** Continue the stopped run from its last checkpoint, as `mnist-lab train --resume` would. */
  | { type: 'continue' };

/** A checkpoint as a run folder holds it: the bytes of the .safetensors and the .json's content. */
export interface CheckpointFiles {
  weights: Uint8Array;
  meta: CheckpointMeta;
}

export type FromTrainWorker =
  /** What the engine runs on. */
  | { type: 'engine'; threads: number; isolated: boolean; description: string }
  /** A step before training: downloading or preparing the data. */
  | { type: 'phase'; text: string }
  | { type: 'start'; info: MemoryRunStart; epochs: number }
  | { type: 'batch'; progress: BatchProgress }
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'log'; line: string }
  /** The session ended: finished, or stopped (interrupted). `last` is the checkpoint a download or a continue uses. */
  | { type: 'end'; interrupted: boolean; history: EpochMetrics[]; last: CheckpointFiles | null; best: CheckpointFiles | null }
  | { type: 'error'; message: string };
