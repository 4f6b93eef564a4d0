/**
 * Where a Trainer records its run: the log lines, the history after every epoch, and the best/last
 * checkpoints. The Trainer itself is free of platform APIs, so that the same loop trains in Node and
 * in a browser tab; Node writes a run folder (file-recorder.ts), a tab keeps the checkpoints in memory
 * (memory-recorder.ts), and tests or benchmarks record nothing (no recorder).
 */
import type { Module } from '../nn/module.js';
import type { CheckpointMeta } from './checkpoint.js';
import type { EpochMetrics } from './metrics.js';

export type CheckpointName = 'best' | 'last';

export interface RunRecorder {
  /** One line of the run's log (train.log in a run folder). */
  appendLog(line: string): void;
  /** The whole history so far, after each epoch. */
  writeHistory(history: readonly EpochMetrics[]): void;
  /**
   * A checkpoint: `model` holds the weights to save (the average when the recipe keeps one), `meta`
   * everything a resume needs. Called synchronously, so the weights may be read in place.
   */
  saveCheckpoint(name: CheckpointName, model: Module, meta: CheckpointMeta): void;
}
