/**
 * The drawable-models part of the dashboard's API (the rest is api-types.ts): which checkpoints the
 * Draw page can load, and the shipped champion's weights.
 *
 *   GET /api/models                          -> DrawableModelsResponse
 *   GET /api/models/pretrained/:name/weights -> the shipped checkpoint's best.safetensors
 * A run's checkpoint is fetched with the runs API: GET /api/runs/:id/download/best.safetensors.
 */
import type { ModelConfig } from '../train/run-spec.js';
import type { RunRowStatus } from './api-types.js';

export type DrawableModelSource = 'pretrained' | 'run';

export interface DrawableModel {
  /** "pretrained:<folder>" or "run:<run id>": what the Draw page's ?model= names. */
  key: string;
  source: DrawableModelSource;
  /** The shipped folder's name, or the run folder's path in its logdir. */
  name: string;
  /** The zoo model and its config, which the page builds before loading the weights. */
  model: { name: string; config: ModelConfig };
  parameters: number | null;
  /** The checkpoint's test accuracy (%) as recorded with it: the run's best epoch, or the shipped one's. */
  testAccuracy: number | null;
  /** Where the page fetches the weights (safetensors). */
  weightsUrl: string;
  /** For a run: its id (for links to its page) and status. */
  runId: string | null;
  status: RunRowStatus | null;
  /** ISO time the checkpoint was written (the run's last update for runs). */
  updatedAt: string | null;
}

export interface DrawableModelsResponse {
  /** The key the page opens when the URL names none: the shipped champion, else the first run. */
  defaultKey: string | null;
  models: DrawableModel[];
}
