/**
 * A model's weights as the bytes of a safetensors file, and back: the part of checkpoints that needs
 * no file system, shared by Node's checkpoint files (checkpoint.ts) and the browser, which keeps a
 * trained model's checkpoint in memory and offers it as a download. PyTorch key names and dtypes, so
 * PyTorch's load_state_dict takes the result.
 */
import type { Module } from '../nn/module.js';
import { Buffer } from '../nn/parameter.js';
import {
  parseSafetensors, serializeSafetensors, type SafetensorsFile, type SafetensorsWritableTensor,
} from '../io/safetensors-format.js';

/** Model weights as safetensors entries; int64 buffers (num_batches_tracked) stay int64 as in PyTorch. */
export function stateDictToSafetensors(model: Module): Map<string, SafetensorsWritableTensor> {
  const out = new Map<string, SafetensorsWritableTensor>();
  for (const [name, t] of model.stateDict()) {
    if (t instanceof Buffer && t.dtype === 'int64') {
      out.set(name, { dtype: 'I64', shape: [...t.shape], data: BigInt64Array.from(t.data, (v) => BigInt(Math.round(v))) });
    } else {
      out.set(name, { dtype: 'F32', shape: [...t.shape], data: Float32Array.from(t.data) });
    }
  }
  return out;
}

/**
 * The metadata every mnist-lab weights file carries: `format: pt` (what safetensors.torch expects),
 * who wrote it, and the zoo model, so that `mnist-lab eval` knows the architecture of a lone file.
 */
export function weightsMetadata(modelName: string, producer: string): Record<string, string> {
  return { format: 'pt', producer, model: modelName };
}

/** The bytes of a safetensors file holding the model's weights. */
export function weightsToSafetensorsBytes(model: Module, modelName: string, producer: string): Uint8Array {
  return serializeSafetensors(stateDictToSafetensors(model), weightsMetadata(modelName, producer));
}

/** A parsed weights file as name → {shape, data}, for Module.loadStateDict; integer buffers become floats. */
export function weightsFromSafetensors(file: SafetensorsFile): Map<string, { shape: number[]; data: Float32Array }> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, t] of file.tensors) {
    const data = t.data instanceof Float32Array ? t.data
      : t.data instanceof BigInt64Array || t.data instanceof BigUint64Array ? Float32Array.from(t.data, (v) => Number(v))
      : Float32Array.from(t.data as ArrayLike<number>);
    out.set(name, { shape: t.shape, data });
  }
  return out;
}

/** Parses safetensors bytes into weights for Module.loadStateDict; `name` is for error messages. */
export function weightsFromSafetensorsBytes(bytes: Uint8Array, name: string): Map<string, { shape: number[]; data: Float32Array }> {
  return weightsFromSafetensors(parseSafetensors(bytes, name));
}
