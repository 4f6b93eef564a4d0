/**
 * Where the Train page leaves the model it trained, for the Draw page to pick up: one entry in the
 * origin's localStorage under TRAINED_MODEL_KEY, so it survives a reload and is shared by the tabs of
 * this server. It holds the weights as the bytes of a .safetensors file (base64), the zoo model and
 * its config, and what the picker shows. Only the newest model trained in a tab is kept; a model of
 * this project's size is tens of kilobytes, far below the storage's few megabytes.
 */
import type { ModelConfig } from '../../src/train/run-spec.js';

export const TRAINED_MODEL_KEY = 'mnist-lab:trained-in-tab';
/** What the Draw page's ?model= names for this model (the Train page's "Draw with it" links there). */
export const TAB_MODEL_KEY = 'tab:trained';
const FORMAT = 'mnist-lab-trained-in-tab-v1';

export interface TrainedModel {
  /** The zoo name and config, for createModel. */
  modelName: string;
  config: ModelConfig;
  /** The bytes of the checkpoint's .safetensors (the evaluated weights: the average with an EMA recipe). */
  weights: Uint8Array;
  /** For the picker: e.g. "sepnet-8k, trained in this tab (seed 1, 3 epochs)". */
  label: string;
  /** The last epoch's test accuracy (%), or null when the run did not read the test set. */
  testAccuracy: number | null;
  epochs: number;
  /** ISO time the training ended. */
  savedAt: string;
}

interface Stored extends Omit<TrainedModel, 'weights'> {
  format: typeof FORMAT;
  weightsBase64: string;
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(text: string): Uint8Array {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/** Stores the model; false when the storage refused it (full, or disabled), which the page says. */
export function saveTrainedModel(model: TrainedModel): boolean {
  const { weights, ...rest } = model;
  const stored: Stored = { format: FORMAT, ...rest, weightsBase64: toBase64(weights) };
  try {
    localStorage.setItem(TRAINED_MODEL_KEY, JSON.stringify(stored));
    return true;
  } catch {
    return false;
  }
}

/** The model trained last in a tab of this server, or null when there is none (or it is unreadable). */
export function loadTrainedModel(): TrainedModel | null {
  let text: string | null;
  try {
    text = localStorage.getItem(TRAINED_MODEL_KEY);
  } catch {
    return null;
  }
  if (text === null) return null;
  try {
    const stored = JSON.parse(text) as Partial<Stored>;
    if (stored.format !== FORMAT || typeof stored.modelName !== 'string' || typeof stored.weightsBase64 !== 'string') return null;
    return {
      modelName: stored.modelName, config: stored.config ?? {}, weights: fromBase64(stored.weightsBase64),
      label: stored.label ?? stored.modelName, testAccuracy: stored.testAccuracy ?? null, epochs: stored.epochs ?? 0, savedAt: stored.savedAt ?? '',
    };
  } catch {
    return null;
  }
}
