/** Builds a zoo model and loads a checkpoint into it, for eval, predict and export; several make an ensemble. */
import type { Module } from '../../nn/module.js';
import { createModel, listModels } from '../../models/zoo.js';
import { locateCheckpoint } from '../../train/checkpoint.js';
import { weightsFromSafetensors } from '../../train/checkpoint-weights.js';
import { readSafetensorsFileSync } from '../../io/safetensors.js';
import { MnistLabError } from '../../util/errors.js';

export interface LoadedModel {
  model: Module;
  modelName: string;
  weights: string;
}

export function loadModelFromCheckpoint(path: string, modelFlag: string | undefined): LoadedModel {
  const located = locateCheckpoint(path, 'best');
  const file = readSafetensorsFileSync(located.weights);
  // A lone weights file (a Train-page download, say) still names its zoo model in its own metadata.
  const modelName = modelFlag ?? located.meta?.model.name ?? zooModelIn(file.metadata);
  if (!modelName) {
    throw new MnistLabError(`${located.weights} has no mnist-lab metadata beside it (a PyTorch-saved file?); pass --model to say which architecture it holds`);
  }
  const model = createModel(modelName, located.meta?.model.config ?? {});
  try {
    model.loadStateDict(weightsFromSafetensors(file));
  } catch (err) {
    if (err instanceof MnistLabError) throw new MnistLabError(`${located.weights} does not fit ${modelName}: ${err.message.replace(/^loadStateDict: /, '')}`);
    throw err;
  }
  return { model: model.eval(), modelName, weights: located.weights };
}

/** One model per checkpoint, in the order given (`--model`, when given, names the architecture of every one). */
export function loadModelsFromCheckpoints(paths: readonly string[], modelFlag: string | undefined): LoadedModel[] {
  if (paths.length === 0) throw new MnistLabError('give at least one checkpoint');
  return paths.map((p) => loadModelFromCheckpoint(p, modelFlag));
}

/** The zoo model that mnist-lab's weights files name in their metadata (`model`), when it is one. */
function zooModelIn(metadata: Record<string, string> | null): string | undefined {
  const name = metadata?.['model'];
  return name !== undefined && listModels().some((m) => m.name === name) ? name : undefined;
}
