/**
 * Finds the experiment files (compiled to dist/experiments/*.js), checks what each exports, and
 * resolves recipes written as a parent's with changes into full recipes.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDerivedRecipe, validateExperiment, type DerivedRecipe, type Experiment } from './experiment.js';
import type { Recipe } from '../train/recipe.js';
import { recipeSchema } from '../train/recipe-schema.js';
import { MnistLabError } from '../util/errors.js';
import { schemaErrorLines } from '../util/schema-errors.js';

export interface NamedExperiment extends Omit<Experiment, 'recipe'> {
  /** The file name without extension, e.g. "03-mnist8k-m3". */
  name: string;
  /** The full recipe, parents resolved. */
  recipe: Recipe;
  /** How the file wrote it, when as a parent's recipe with changes. */
  derivedFrom: DerivedRecipe | null;
}

/** dist/src/experiments/ -> dist/experiments/ */
export function experimentsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'experiments');
}

/** The experiment files in story order (goals.js, the goals' data, is not an experiment). */
export function experimentNames(dir = experimentsDir()): string[] {
  if (!existsSync(dir)) throw new MnistLabError(`no experiments found in ${dir}; run 'npm run build' first`);
  return readdirSync(dir).filter((f) => /^\d.*\.js$/.test(f)).map((f) => f.slice(0, -3)).sort();
}

export async function loadExperiments(names: readonly string[] = [], dir = experimentsDir()): Promise<NamedExperiment[]> {
  const available = experimentNames(dir);
  for (const n of names) {
    if (!available.includes(n)) throw new MnistLabError(`unknown experiment '${n}'; run 'mnist-lab experiments list' (${available.join(', ')})`);
  }
  const raw = new Map<string, Experiment>();
  const read = async (name: string): Promise<Experiment> => {
    const known = raw.get(name);
    if (known) return known;
    if (!available.includes(name)) throw new MnistLabError(`experiments/${name}: no such experiment`);
    const mod = (await import(pathToFileURL(join(dir, `${name}.js`)).href)) as { default?: unknown };
    if (mod.default === undefined) throw new MnistLabError(`experiments/${name}: has no default export; wrap it in defineExperiment({...})`);
    const e = validateExperiment(mod.default, `experiments/${name}`);
    raw.set(name, e);
    return e;
  };
  const resolveRecipe = async (name: string, seen: string[]): Promise<Recipe> => {
    if (seen.includes(name)) throw new MnistLabError(`experiments/${seen[0]}: its recipe's parents loop (${[...seen, name].join(' -> ')})`);
    const e = await read(name);
    const recipe = e.recipe;
    if (!isDerivedRecipe(recipe)) return recipe;
    const parent = await resolveRecipe(recipe.parent, [...seen, name]).catch((err: unknown) => {
      if (err instanceof MnistLabError && /no such experiment/.test(err.message)) {
        throw new MnistLabError(`experiments/${name}: recipe.parent '${recipe.parent}' is not an experiment (${available.join(', ')})`);
      }
      throw err;
    });
    return applyChanges(parent, recipe.changes, `experiments/${name}`);
  };
  const out: NamedExperiment[] = [];
  for (const name of names.length ? available.filter((n) => names.includes(n)) : available) {
    const e = await read(name);
    out.push({ ...e, name, recipe: await resolveRecipe(name, []), derivedFrom: isDerivedRecipe(e.recipe) ? e.recipe : null });
  }
  return out;
}

/** The parent's recipe with the changes merged in, one level into each block (optimizer, scheduler, ...). */
export function applyChanges(parent: Recipe, changes: Record<string, unknown>, where: string): Recipe {
  const merged: Record<string, unknown> = structuredClone(parent) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(changes)) {
    const base = merged[key];
    const isBlock = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
    merged[key] = isBlock(base) && isBlock(value) ? { ...base, ...value } : value;
  }
  const parsed = recipeSchema.safeParse(merged);
  if (!parsed.success) throw new MnistLabError(schemaErrorLines(parsed.error, merged, 'recipe').map((l) => `${where}: ${l}`).join('\n'));
  return parsed.data;
}
