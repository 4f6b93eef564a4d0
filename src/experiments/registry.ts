/** Finds the experiment files (compiled to dist/experiments/*.js) and loads them by name. */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Experiment } from './experiment.js';
import { MnistLabError } from '../util/errors.js';

export interface NamedExperiment extends Experiment {
  /** The file name without extension, e.g. "03-mnist8k-m3". */
  name: string;
}

/** dist/src/experiments/ -> dist/experiments/ */
export function experimentsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'experiments');
}

export async function loadExperiments(names: readonly string[] = [], dir = experimentsDir()): Promise<NamedExperiment[]> {
  if (!existsSync(dir)) throw new MnistLabError(`no experiments found in ${dir}; run 'npm run build' first`);
  const available = readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)).sort();
  for (const n of names) {
    if (!available.includes(n)) throw new MnistLabError(`unknown experiment '${n}'; run 'mnist-lab experiments list' (${available.join(', ')})`);
  }
  const chosen = names.length ? available.filter((n) => names.includes(n)) : available;
  const out: NamedExperiment[] = [];
  for (const name of chosen) {
    const mod = (await import(pathToFileURL(join(dir, `${name}.js`)).href)) as { default?: Experiment };
    if (!mod.default) throw new MnistLabError(`experiments/${name}: has no default export; wrap it in defineExperiment({...})`);
    out.push({ ...mod.default, name });
  }
  return out;
}
