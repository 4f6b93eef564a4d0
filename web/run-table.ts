/**
 * The runs table's model, apart from the DOM: its columns and how each sorts, the text filter and
 * the grouping (by experiment or by model, with mean ± std over each group's seeds).
 */
import type { RunRow, RunRowStatus } from '../src/server/api-types.js';
import { meanStdOf, type MeanStd } from './stats.js';

export type SortKey =
  | 'name' | 'model' | 'parameters' | 'recipe' | 'seed' | 'status' | 'epochs'
  | 'bestTestAccuracy' | 'lastMin' | 'lastMean' | 'valAccuracy' | 'wallSeconds' | 'updatedAt';
export type SortDir = 'asc' | 'desc';
export type GroupBy = 'none' | 'experiment' | 'model';

export const SORT_KEYS: readonly SortKey[] = [
  'name', 'model', 'parameters', 'recipe', 'seed', 'status', 'epochs',
  'bestTestAccuracy', 'lastMin', 'lastMean', 'valAccuracy', 'wallSeconds', 'updatedAt',
];

/** Running first: what a user opens the dashboard to watch; then the ones that need attention. */
const STATUS_ORDER: Record<RunRowStatus, number> = { running: 0, failed: 1, interrupted: 2, unknown: 3, finished: 4 };

/** "sgd 0.01 · onecycle→0.1 · bs 64 · rot 7° · ema 0.999 · ls 0.1": the recipe's key fields, compactly. */
export function recipeText(recipe: RunRow['recipe']): string {
  return recipeParts(recipe).join(' · ');
}

export function recipeParts(recipe: RunRow['recipe']): string[] {
  if (recipe === null) return [];
  const parts = [
    `${recipe.optimizer} ${recipe.lr}`,
    recipe.scheduler === 'none' ? null : recipe.maxLr !== null ? `${recipe.scheduler}→${recipe.maxLr}` : recipe.scheduler,
    `bs ${recipe.batchSize}`,
    recipe.rotation ? `rot ${recipe.rotation}°` : null,
    recipe.ema !== null ? `ema ${recipe.ema}` : null,
    recipe.labelSmoothing ? `ls ${recipe.labelSmoothing}` : null,
  ];
  return parts.filter((p): p is string => p !== null);
}

function sortValue(row: RunRow, key: SortKey): string | number | null {
  switch (key) {
    case 'name': return row.name;
    case 'model': return row.model;
    case 'parameters': return row.parameters;
    case 'recipe': return row.recipe === null ? null : recipeText(row.recipe);
    case 'seed': return row.seed;
    case 'status': return STATUS_ORDER[row.status] ?? 9;
    case 'epochs': return row.epochsDone + (row.epochs === null ? 0 : row.epochsDone / Math.max(1, row.epochs) / 1000);
    case 'bestTestAccuracy': return row.bestTestAccuracy;
    case 'lastMin': return row.lastMin;
    case 'lastMean': return row.lastMean;
    case 'valAccuracy': return row.valAccuracy;
    case 'wallSeconds': return row.wallSeconds;
    case 'updatedAt': {
      const t = Date.parse(row.updatedAt);
      return Number.isFinite(t) ? t : null;
    }
  }
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function compareValues(a: string | number | null, b: string | number | null, dir: SortDir): number {
  // Empty cells go last whichever way the column sorts.
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const c = typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b));
  return dir === 'asc' ? c : -c;
}

/** Sorted by the column, ties by name, so the order is stable as rows update. */
export function sortRuns(rows: readonly RunRow[], key: SortKey, dir: SortDir): RunRow[] {
  return [...rows].sort((a, b) => compareValues(sortValue(a, key), sortValue(b, key), dir) || collator.compare(a.name, b.name));
}

/** Every word of the query must occur in the run's name, model, experiment, status or recipe. */
export function filterRuns(rows: readonly RunRow[], query: string): RunRow[] {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w.length > 0);
  if (words.length === 0) return [...rows];
  return rows.filter((r) => {
    const text = [r.name, r.model ?? '', r.experiment ?? '', r.status, r.logdir, recipeText(r.recipe), r.seed === null ? '' : `seed ${r.seed}`]
      .join(' ')
      .toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

export interface RunGroup {
  /** Stable key; the label shown. */
  key: string;
  label: string;
  /** True for the runs that have no experiment (or no model). */
  ungrouped: boolean;
  rows: RunRow[];
  lastMean: MeanStd | null;
  bestTest: MeanStd | null;
}

/** Groups in the order of their first row in `sorted`, so sorting the table sorts the groups too; the ungrouped last. */
export function groupRuns(sorted: readonly RunRow[], by: Exclude<GroupBy, 'none'>): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const row of sorted) {
    const value = by === 'experiment' ? row.experiment : row.model;
    const key = value ?? '\u0000';
    let g = groups.get(key);
    if (!g) {
      g = {
        key,
        label: value ?? (by === 'experiment' ? 'Runs outside experiments' : 'Runs of an unknown model'),
        ungrouped: value === null,
        rows: [],
        lastMean: null,
        bestTest: null,
      };
      groups.set(key, g);
    }
    g.rows.push(row);
  }
  const out = [...groups.values()];
  for (const g of out) {
    g.lastMean = meanStdOf(g.rows.map((r) => r.lastMean));
    g.bestTest = meanStdOf(g.rows.map((r) => r.bestTestAccuracy));
  }
  return [...out.filter((g) => !g.ungrouped), ...out.filter((g) => g.ungrouped)];
}
