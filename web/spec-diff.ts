/**
 * Which fields of several run specs differ: each spec flattened to dotted paths
 * ("recipe.optimizer.lr"), arrays kept whole, and only the paths whose values are not all the same
 * (a field one spec lacks counts as different).
 */

export type Leaf = string | number | boolean | null | readonly unknown[];

/** The leaves of a JSON value by dotted path, in the value's own key order. */
export function flatten(value: unknown, prefix = '', out = new Map<string, Leaf>()): Map<string, Leaf> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    // An empty object has no leaves: {} against {dropout: 0.1} is the one field dropout, not set against 0.1.
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) flatten(child, prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix) {
    out.set(prefix, value === undefined ? null : (value as Leaf));
  }
  return out;
}

export interface DiffRow {
  path: string;
  /** One per spec; undefined where that spec has no such field. */
  values: (Leaf | undefined)[];
}

/** The differing fields, in the specs' own order. */
export function specDiff(specs: readonly unknown[]): DiffRow[] {
  const flat = specs.map((s) => flatten(s));
  // The union of the paths in spec order: a path only some specs have goes after the path that
  // precedes it in the first spec that has it (recipe.ema.decay after recipe.labelSmoothing).
  const paths: string[] = [];
  for (const f of flat) {
    let previous: string | null = null;
    for (const p of f.keys()) {
      if (!paths.includes(p)) paths.splice(previous === null ? 0 : paths.indexOf(previous) + 1, 0, p);
      previous = p;
    }
  }
  const rows: DiffRow[] = [];
  for (const path of paths) {
    const values = flat.map((f) => (f.has(path) ? f.get(path) : undefined));
    const keys = new Set(values.map((v) => (v === undefined ? '\u0000missing' : JSON.stringify(v))));
    if (keys.size > 1) rows.push({ path, values });
  }
  return rows;
}

/** Fields that never change a run's numbers (results depend only on the seed, not on threads or folders). */
export const NON_RESULT_FIELDS: ReadonlySet<string> = new Set(['threads', 'outDir']);

export function formatLeaf(value: Leaf | undefined): string {
  if (value === undefined) return 'not set';
  if (value === null) return 'null';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
