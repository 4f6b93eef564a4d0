/**
 * A search space: which fields of a RunSpec a sweep varies, and over what. Each parameter is named
 * by its dotted path in the spec (`recipe.scheduler.maxLr`, `recipe.ema.decay`, `model.config.dropout`),
 * so any field can be searched without code for it. A sampler proposes values in the parameter's own
 * units; `internal` maps them to the line the samplers model (log scale for log parameters, the index
 * for a choice), so that TPE's kernels and the importance measure see distances that mean something.
 */
import { z } from 'zod';

export type ParameterDef =
  | { type: 'uniform'; low: number; high: number }
  | { type: 'loguniform'; low: number; high: number }
  | { type: 'int'; low: number; high: number; step?: number; log?: boolean }
  | { type: 'choice'; values: (number | string | boolean | null)[] };

export type ParamValue = number | string | boolean | null;
export type SearchSpace = Record<string, ParameterDef>;
export type Params = Record<string, ParamValue>;

const finite = z.number().finite();
export const parameterSchema: z.ZodType<ParameterDef> = z.union([
  z.object({ type: z.literal('uniform'), low: finite, high: finite }).strict(),
  z.object({ type: z.literal('loguniform'), low: finite.gt(0, 'must be > 0 on a log scale'), high: finite }).strict(),
  z.object({ type: z.literal('int'), low: z.number().int(), high: z.number().int(), step: z.number().int().gte(1).optional(), log: z.boolean().optional() }).strict(),
  z.object({ type: z.literal('choice'), values: z.array(z.union([finite, z.string().max(200), z.boolean(), z.null()])).min(1).max(1000) }).strict(),
]);

export const searchSpaceSchema = z.record(z.string().regex(/^[A-Za-z]\w*(\.[A-Za-z]\w*)+$/, 'must be a dotted path into the spec, e.g. recipe.optimizer.lr'), parameterSchema)
  .refine((s) => Object.keys(s).length > 0, 'must name at least one parameter')
  .superRefine((space, ctx) => {
    for (const [name, p] of Object.entries(space)) {
      if (p.type !== 'choice' && !(p.low < p.high)) ctx.addIssue({ code: 'custom', path: [name], message: `needs low < high, got ${p.low} and ${p.high}` });
      if (p.type === 'int' && p.step && (p.high - p.low) % p.step !== 0) ctx.addIssue({ code: 'custom', path: [name], message: 'needs high - low to be a multiple of step' });
    }
  });

/** The parameter's value on the line samplers model: log for log scales, the index of a choice. */
export function toInternal(p: ParameterDef, v: ParamValue): number {
  switch (p.type) {
    case 'uniform':
      return v as number;
    case 'loguniform':
      return Math.log(v as number);
    case 'int':
      return p.log ? Math.log(v as number) : (v as number);
    case 'choice':
      return p.values.findIndex((c) => c === v);
  }
}

/** The internal range [low, high] of a numeric parameter. */
export function internalRange(p: Exclude<ParameterDef, { type: 'choice' }>): [number, number] {
  return p.type === 'loguniform' || (p.type === 'int' && p.log) ? [Math.log(p.low), Math.log(p.high)] : [p.low, p.high];
}

/** Back from the internal line to a legal value: clipped, rounded to an int parameter's step. */
export function fromInternal(p: Exclude<ParameterDef, { type: 'choice' }>, x: number): number {
  const [lo, hi] = internalRange(p);
  const clipped = Math.min(hi, Math.max(lo, x));
  const v = p.type === 'loguniform' || (p.type === 'int' && p.log) ? Math.exp(clipped) : clipped;
  if (p.type !== 'int') return Math.min(p.high, Math.max(p.low, v));
  const step = p.step ?? 1;
  return Math.min(p.high, Math.max(p.low, p.low + Math.round((v - p.low) / step) * step));
}

/** A copy of `base` with each parameter written at its path; missing blocks on the way are created. */
export function applyParams<T extends object>(base: T, params: Params): T {
  const out = structuredClone(base) as Record<string, unknown>;
  for (const [path, value] of Object.entries(params)) {
    const keys = path.split('.');
    let node = out;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys.at(-1)!] = value;
  }
  return out as T;
}
