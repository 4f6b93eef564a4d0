/**
 * Node's RunRecorder: a run folder. train.log is appended line by line; history.json/.csv and the
 * best/last checkpoints (safetensors + JSON) are written atomically, so a crash never leaves a
 * half-written file that `--resume` would trip on.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Module } from '../nn/module.js';
import { type CheckpointMeta, saveCheckpoint } from './checkpoint.js';
import { type EpochMetrics, writeHistory } from './metrics.js';
import type { CheckpointName, RunRecorder } from './run-recorder.js';

export class FileRunRecorder implements RunRecorder {
  constructor(readonly outDir: string) {
    mkdirSync(outDir, { recursive: true });
  }

  appendLog(line: string): void {
    appendFileSync(join(this.outDir, 'train.log'), `${line}\n`);
  }

  writeHistory(history: readonly EpochMetrics[]): void {
    writeHistory(this.outDir, history);
  }

  saveCheckpoint(name: CheckpointName, model: Module, meta: CheckpointMeta): void {
    saveCheckpoint(this.outDir, name, model, meta);
  }
}

/** The recorder of a spec's outDir, or none when the spec writes nowhere. */
export function fileRecorderFor(outDir: string | null): FileRunRecorder | null {
  return outDir === null ? null : new FileRunRecorder(outDir);
}
