/**
 * The trained checkpoints that ship with the package, in <package root>/pretrained/<name>/: each a
 * last.safetensors with the last.json that `mnist-lab train` wrote beside it (the final epoch's weights:
 * choosing a "best" epoch would look at the test set), and a PROVENANCE.md saying how it was made. They let the Draw page read digits on a fresh install, before any training.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCheckpointMeta } from '../train/checkpoint.js';
import type { ModelConfig } from '../train/run-spec.js';
import { MnistLabError } from '../util/errors.js';

export const PRETRAINED_FOLDER = 'pretrained';
/** The shipped model the Draw page opens by default. */
export const CHAMPION = 'sepnet-8k';

export interface PretrainedCheckpoint {
  /** The folder's name, e.g. "sepnet-8k". */
  name: string;
  weights: string;
  meta: string;
  model: { name: string; config: ModelConfig; parameters: number };
  /** Test accuracy (%) of the epoch whose weights these are, as training recorded it. */
  testAccuracy: number | null;
  epoch: number;
  savedAt: string;
}

/** <package root>/pretrained, found by walking up from this file to mnist-lab's package.json. */
export function pretrainedRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && isMnistLabPackage(pkg)) return join(dir, PRETRAINED_FOLDER);
    dir = dirname(dir);
  }
  // dist/src/models/pretrained.js -> <root>/pretrained
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', PRETRAINED_FOLDER);
}

function isMnistLabPackage(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }).name === 'mnist-lab';
  } catch {
    return false;
  }
}

/** A shipped folder name: letters, digits, dot, dash, underscore (it appears in URLs). */
export function isPretrainedName(name: string): boolean {
  return /^[A-Za-z0-9][\w.-]{0,99}$/.test(name);
}

/** One shipped checkpoint by its folder's name; a MnistLabError says why when it is missing or damaged. */
export function readPretrained(name: string, root = pretrainedRoot()): PretrainedCheckpoint {
  if (!isPretrainedName(name)) throw new MnistLabError(`'${name}' is not a shipped model's name`);
  const folder = join(root, name);
  const weights = join(folder, 'last.safetensors');
  const metaPath = join(folder, 'last.json');
  if (!existsSync(weights) || !existsSync(metaPath)) throw new MnistLabError(`${folder}: no shipped checkpoint here (last.safetensors and last.json)`);
  const meta = readCheckpointMeta(metaPath);
  return {
    name,
    weights,
    meta: metaPath,
    model: meta.model,
    testAccuracy: meta.metrics?.testAccuracy ?? null,
    epoch: meta.epoch,
    savedAt: meta.savedAt,
  };
}

/**
 * Every shipped checkpoint, champion first; folders that cannot be read are left out and named in
 * `problems` (one line each), so one damaged folder does not hide the others.
 */
export function listPretrained(root = pretrainedRoot()): { checkpoints: PretrainedCheckpoint[]; problems: string[] } {
  const checkpoints: PretrainedCheckpoint[] = [];
  const problems: string[] = [];
  let names: string[] = [];
  try {
    names = existsSync(root) && statSync(root).isDirectory() ? readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : [];
  } catch (err) {
    problems.push(`${root}: ${err instanceof Error ? err.message : String(err)}`);
  }
  for (const name of names) {
    if (!isPretrainedName(name)) continue;
    try {
      checkpoints.push(readPretrained(name, root));
    } catch (err) {
      problems.push(err instanceof Error ? err.message.split('\n')[0]! : String(err));
    }
  }
  checkpoints.sort((a, b) => Number(b.name === CHAMPION) - Number(a.name === CHAMPION) || (a.name < b.name ? -1 : 1));
  return { checkpoints, problems };
}
