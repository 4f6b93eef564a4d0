/**
 * The saved forms of optimizers and schedulers, laid out as PyTorch lays them out (same top-level
 * keys, same snake_case names inside), so a checkpoint reads like `torch.save(opt.state_dict())`.
 *
 * Optimizer state dict:
 *   {
 *     state: { "<param index>": { step: 3, exp_avg: Float32Array, ... } },   // only params that have state
 *     param_groups: [ { lr: 0.1, weight_decay: 0, betas: [0.9, 0.999], initial_lr: 0.1, ..., params: [0, 1] } ],
 *   }
 * Param indices count through the groups in order, as in PyTorch. Tensors come out as Float32Array
 * copies (ready for safetensors); `optimizerStateDictToJson` turns them into number[] (lossless: a
 * float32 survives the trip through a JSON double). `loadStateDict` accepts either form.
 *
 * Scheduler state dicts are plain JSON values already; non-finite floats (ReduceLROnPlateau's
 * initial `best` = inf) are written as the strings "Infinity" / "-Infinity" / "NaN", because
 * JSON.stringify would silently turn them into null.
 */
import { MnistLabError } from '../util/errors.js';

export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A value in one parameter's optimizer state: a tensor, a counter, or null (SGD's momentum_buffer before momentum is used). */
export type OptimizerStateValue = number | boolean | null | Float32Array | readonly number[];

/** A hyperparameter as saved in `param_groups` (betas is the only array). */
export type HyperparameterValue = number | boolean | string | null | readonly number[];

export interface SavedParamGroup {
  params: number[];
  [hyperparameter: string]: HyperparameterValue;
}

export interface OptimizerStateDict {
  state: { [paramIndex: string]: { [key: string]: OptimizerStateValue } };
  param_groups: SavedParamGroup[];
}

export type SchedulerStateDict = { [key: string]: JsonValue };

/** Replaces every Float32Array by a plain number[], so JSON.stringify writes the values. */
export function optimizerStateDictToJson(sd: OptimizerStateDict): OptimizerStateDict {
  const state: OptimizerStateDict['state'] = {};
  for (const [index, entry] of Object.entries(sd.state)) {
    const out: { [key: string]: OptimizerStateValue } = {};
    for (const [key, value] of Object.entries(entry)) out[key] = value instanceof Float32Array ? Array.from(value) : value;
    state[index] = out;
  }
  return { state, param_groups: sd.param_groups.map((g) => ({ ...g })) };
}

/** `weightDecay` -> `weight_decay`: TypeScript option names to PyTorch's state-dict keys. */
export function toSnakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `weight_decay` -> `weightDecay`. */
export function toCamelCase(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function encodeFloat(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}

/** The inverse of encodeFloat; undefined when the value is neither. */
export function decodeFloat(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'Infinity' || value === '-Infinity' || value === 'NaN') return Number(value);
  return undefined;
}

/** Typed reads from a scheduler state dict, each failing with one clear line. */
export class StateDictReader {
  constructor(private readonly sd: SchedulerStateDict, private readonly owner: string) {}

  number(key: string): number {
    const n = decodeFloat(this.sd[key]);
    if (n === undefined) this.fail(key, 'a number');
    return n;
  }

  integer(key: string): number {
    const n = this.number(key);
    if (!Number.isInteger(n)) this.fail(key, 'an integer');
    return n;
  }

  numbers(key: string): number[] {
    const v = this.sd[key];
    const out = Array.isArray(v) ? v.map(decodeFloat) : [undefined];
    if (out.includes(undefined)) this.fail(key, 'a list of numbers');
    return out as number[];
  }

  string<T extends string>(key: string, allowed: readonly T[]): T {
    const v = this.sd[key];
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) this.fail(key, `one of ${allowed.join(', ')}`);
    return v as T;
  }

  boolean(key: string): boolean {
    const v = this.sd[key];
    if (typeof v !== 'boolean') this.fail(key, 'true or false');
    return v;
  }

  has(key: string): boolean {
    return key in this.sd;
  }

  raw(key: string): JsonValue | undefined {
    return this.sd[key];
  }

  fail(key: string, expected: string): never {
    throw new MnistLabError(
      `${this.owner} state dict: '${key}' should be ${expected}, got ${JSON.stringify(this.sd[key]) ?? 'nothing'}; the checkpoint is damaged or was saved by a different scheduler`,
    );
  }
}
