/**
 * Checkpoints: the model's weights as safetensors (PyTorch key names, so PyTorch can load them with
 * safetensors.torch.load_file), plus a JSON file beside them with everything needed to resume
 * exactly: model name and config, recipe, epoch, metrics, optimizer, scheduler and RNG states.
 * Both files are written atomically (temp file, then rename), weights first.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Module } from '../nn/module.js';
import { readSafetensorsFileSync, writeSafetensorsFileSync } from '../io/safetensors.js';
import { stateDictToSafetensors, weightsFromSafetensors, weightsMetadata } from './checkpoint-weights.js';
import { writeFileAtomicSync } from '../util/atomic-write.js';
import { MnistLabError } from '../util/errors.js';
import { jsonErrorReason } from '../util/schema-errors.js';
import { mnistLabVersion } from '../util/version.js';
import type { OptimizerStateDict, SchedulerStateDict } from '../optim/state-dict.js';
import type { EngineRngState } from '../tensor/random.js';
import type { DataLoaderState } from '../data/data-loader.js';
import type { EpochMetrics } from './metrics.js';
import type { ModelConfig, RunSpec } from './run-spec.js';
import { CHECKPOINT_FORMAT, LEGACY_CHECKPOINT_FORMAT, checkpointMetaFromJson } from './checkpoint-meta-schema.js';

export { CHECKPOINT_FORMAT, LEGACY_CHECKPOINT_FORMAT, stateDictToSafetensors };

export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  mnistLabVersion: string;
  /** The model's zoo name and config (also in the spec), and its parameter count, for readers of the weights. */
  model: { name: string; config: ModelConfig; parameters: number };
  /** The run this checkpoint belongs to: `--resume` continues it from here. */
  spec: RunSpec;
  /** Epochs completed when this was written (0: before training). */
  epoch: number;
  metrics: EpochMetrics | null;
  history: EpochMetrics[];
  /** Which metric chose the best checkpoint, and its best value so far. */
  best: { metric: string; value: number | null; epoch: number | null };
  optimizer: OptimizerStateDict;
  scheduler: SchedulerStateDict | null;
  rng: { engine: EngineRngState; trainLoader: DataLoaderState };
  /** The worker threads that ran (the spec may say null: one per core). */
  threads: number;
  savedAt: string;
  /**
   * Only with an EMA recipe: the weights files then hold the average, and these are the raw
   * training weights (and the average's step count) that resuming needs.
   */
  ema?: { decay: number; nAveraged: number; trainingWeights: Record<string, number[]> };
}

export function saveWeights(path: string, model: Module, modelName: string): void {
  writeSafetensorsFileSync(path, stateDictToSafetensors(model), weightsMetadata(modelName, `mnist-lab ${mnistLabVersion()}`));
}

/** Reads weights (from mnist-lab or PyTorch) into name → {shape, data}, for Module.loadStateDict. */
export function readWeights(path: string): Map<string, { shape: number[]; data: Float32Array }> {
  if (!existsSync(path)) throw new MnistLabError(`${path}: no such checkpoint file`);
  return weightsFromSafetensors(readSafetensorsFileSync(path));
}

export function saveCheckpoint(dir: string, base: string, model: Module, meta: CheckpointMeta): void {
  saveWeights(join(dir, `${base}.safetensors`), model, meta.model.name);
  writeFileAtomicSync(join(dir, `${base}.json`), `${JSON.stringify(meta, null, 1)}\n`);
}

export interface LocatedCheckpoint {
  weights: string;
  /** The metadata file beside the weights, when there is one (PyTorch-saved files have none). */
  meta: CheckpointMeta | null;
  metaPath: string | null;
}

/**
 * Finds a checkpoint from what a user typed: a run directory (its `prefer` checkpoint, else the
 * other one), a `.safetensors` file, or a `.json` metadata file.
 */
export function locateCheckpoint(path: string, prefer: 'best' | 'last'): LocatedCheckpoint {
  if (!existsSync(path)) throw new MnistLabError(`${path}: no such file or directory; pass a run directory, a .safetensors or a checkpoint .json`);
  let weights: string;
  if (statSync(path).isDirectory()) {
    const order = prefer === 'best' ? ['best', 'last'] : ['last', 'best'];
    const found = order.map((b) => join(path, `${b}.safetensors`)).find((p) => existsSync(p));
    if (!found) throw new MnistLabError(`${path}: no best.safetensors or last.safetensors here; is this a mnist-lab run directory?`);
    weights = found;
  } else if (path.endsWith('.json')) {
    weights = path.replace(/\.json$/, '.safetensors');
    if (!existsSync(weights)) throw new MnistLabError(`${path}: its weights file ${basename(weights)} is missing`);
  } else if (path.endsWith('.safetensors')) {
    weights = path;
  } else {
    throw new MnistLabError(`${path}: not a checkpoint; expected a run directory, a .safetensors or a .json file`);
  }
  const metaPath = join(dirname(weights), basename(weights).replace(/\.safetensors$/, '.json'));
  if (!existsSync(metaPath)) return { weights, meta: null, metaPath: null };
  // A .json the user named must be a checkpoint; one that merely sits beside the weights may be
  // anything (PyTorch exports often carry their own), so it is ignored unless it is ours.
  if (!path.endsWith('.json') && !isCheckpointMetaFile(metaPath)) return { weights, meta: null, metaPath: null };
  return { weights, meta: readCheckpointMeta(metaPath), metaPath };
}

function isCheckpointMetaFile(path: string): boolean {
  try {
    const format = (JSON.parse(readFileSync(path, 'utf8')) as { format?: unknown }).format;
    return format === CHECKPOINT_FORMAT || format === LEGACY_CHECKPOINT_FORMAT;
  } catch {
    return false;
  }
}

/** Checkpoint metadata holds the weights' history and optimizer state: megabytes, never gigabytes. */
const MAX_META_BYTES = 256 << 20;

export function readCheckpointMeta(path: string): CheckpointMeta {
  const size = statSync(path).size;
  if (size > MAX_META_BYTES) throw new MnistLabError(`${path}: ${size} bytes is too large for checkpoint metadata; the file is not a mnist-lab checkpoint`);
  return parseCheckpointMeta(readFileSync(path, 'utf8'), path);
}

/** Checks the text of a checkpoint .json (either format) and returns it as the current format. */
export function parseCheckpointMeta(text: string, where: string): CheckpointMeta {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new MnistLabError(`${where}: not valid JSON (${jsonErrorReason(err)}); the checkpoint metadata is damaged`);
  }
  return checkpointMetaFromJson(parsed, where);
}
