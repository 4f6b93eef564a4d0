/**
 * A RunRecorder that keeps everything in memory: where a browser tab, which has no run folder, keeps
 * its run. The checkpoints are the exact bytes a run folder would hold (safetensors weights and the
 * metadata), so a tab can continue a stopped run from `last` exactly as `--resume` continues from
 * last.safetensors/last.json, and can offer either checkpoint as a download.
 */
import type { Module } from '../nn/module.js';
import type { CheckpointMeta } from './checkpoint.js';
import { weightsToSafetensorsBytes } from './checkpoint-weights.js';
import type { EpochMetrics } from './metrics.js';
import type { CheckpointName, RunRecorder } from './run-recorder.js';

export interface MemoryCheckpoint {
  /** The bytes of `<name>.safetensors`. */
  readonly weights: Uint8Array;
  /** The content of `<name>.json`. */
  readonly meta: CheckpointMeta;
}

export class MemoryRunRecorder implements RunRecorder {
  readonly log: string[] = [];
  history: EpochMetrics[] = [];
  private readonly checkpoints = new Map<CheckpointName, MemoryCheckpoint>();

  appendLog(line: string): void {
    this.log.push(line);
  }

  writeHistory(history: readonly EpochMetrics[]): void {
    this.history = [...history];
  }

  saveCheckpoint(name: CheckpointName, model: Module, meta: CheckpointMeta): void {
    const weights = weightsToSafetensorsBytes(model, meta.model.name, `mnist-lab ${meta.mnistLabVersion}`);
    // A deep copy: the caller's history and optimizer state keep changing after this call.
    this.checkpoints.set(name, { weights, meta: structuredClone(meta) });
  }

  checkpoint(name: CheckpointName): MemoryCheckpoint | null {
    return this.checkpoints.get(name) ?? null;
  }
}
