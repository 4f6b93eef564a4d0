/**
 * The optimizer base, after torch.optim.Optimizer (1.13): parameters live in param groups, each
 * group carries its own hyperparameters (defaults filled in from the constructor's options), and
 * per-parameter state is created lazily on the first step that sees a gradient.
 *
 * Option names are camelCase here and snake_case in stateDict() (see state-dict.ts):
 *   lr, momentum, dampening, nesterov, maximize, betas, eps, amsgrad  (same in both)
 *   weightDecay -> weight_decay, initialLr -> initial_lr, maxLr -> max_lr, minLr -> min_lr,
 *   maxMomentum -> max_momentum, baseMomentum -> base_momentum
 */
import type { Tensor } from '../tensor/tensor.js';
import { allocPersistent } from '../tensor/memory-scope.js';
import { MnistLabError } from '../util/errors.js';
import {
  type HyperparameterValue,
  type OptimizerStateDict,
  type OptimizerStateValue,
  type SavedParamGroup,
  toCamelCase,
  toSnakeCase,
} from './state-dict.js';

/** What every param group holds. Schedulers add their bookkeeping to the group, as PyTorch's do. */
export interface ParamGroup {
  params: Tensor[];
  lr: number;
  /** The lr a scheduler started from (set when a scheduler is created). */
  initialLr?: number;
  /** OneCycleLR's per-group bounds. */
  maxLr?: number;
  minLr?: number;
  maxMomentum?: number;
  baseMomentum?: number;
}

export type Hyperparameters<G extends ParamGroup> = Omit<G, 'params'>;

/** A group as the user passes it: its params plus any hyperparameters that differ from the defaults. */
export type ParamGroupInput<G extends ParamGroup> = { params: readonly Tensor[] } & Partial<Hyperparameters<G>>;

export type ParamsInput<G extends ParamGroup> = readonly Tensor[] | readonly ParamGroupInput<G>[];

/** One parameter's state, keyed by PyTorch's names so that stateDict() is a straight copy. */
export type ParamState = { [key: string]: number | Float32Array | null | undefined };

/** A saved state entry being loaded: tensors may come back as Float32Array or number[]. */
export type LoadedParamState = { readonly [key: string]: OptimizerStateValue };

export abstract class Optimizer<G extends ParamGroup = ParamGroup, S extends ParamState = ParamState> {
  readonly paramGroups: G[] = [];
  readonly defaults: Readonly<Hyperparameters<G>>;
  protected readonly state = new Map<Tensor, S>();

  protected constructor(params: ParamsInput<G>, defaults: Hyperparameters<G>) {
    this.defaults = defaults;
    const list = [...params];
    if (list.length === 0) throw new MnistLabError(`${this.constructor.name}: got an empty parameter list; pass the model's parameters()`);
    const groups = isGroupInput(list[0]!) ? (list as ParamGroupInput<G>[]) : [{ params: list as Tensor[] } as unknown as ParamGroupInput<G>];
    for (const group of groups) this.addParamGroup(group);
  }

  /** Adds a group (e.g. layers unfrozen mid-training); missing hyperparameters take the defaults. */
  addParamGroup(input: ParamGroupInput<G>): void {
    const params = [...input.params];
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) for (const p of g.params) seen.add(p);
    for (const p of params) {
      if (seen.has(p)) throw new MnistLabError(`${this.constructor.name}: a parameter appears twice (in one group, or in more than one group)`);
      seen.add(p);
    }
    const group = { ...copyArrays(this.defaults), ...copyArrays(withoutParams(input)), params } as unknown as G;
    this.validateGroup(group);
    this.paramGroups.push(group);
  }

  /** Zeroes every gradient in place (PyTorch 1.13's default), or drops them with setToNone. */
  zeroGrad(setToNone = false): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (setToNone) p.grad = null;
        else p.grad.data.fill(0);
      }
    }
  }

  /** One update of every parameter that has a gradient; parameters whose grad is null are skipped. */
  abstract step(): void;

  /** Throws MnistLabError for a hyperparameter out of range. */
  protected abstract validateGroup(group: G): void;

  /** Rebuilds one parameter's state from its saved form; `where` names it in error messages. */
  protected abstract stateFromDict(saved: LoadedParamState, param: Tensor, group: G, where: string): S;

  /**
   * PyTorch's layout; tensors are copies, so the dict stays a snapshot while training goes on.
   * Keys of hyperparameters and state are PyTorch's (weight_decay, exp_avg, ...).
   */
  stateDict(): OptimizerStateDict {
    const indexOf = new Map<Tensor, number>();
    const paramGroups: SavedParamGroup[] = [];
    for (const group of this.paramGroups) {
      const saved: SavedParamGroup = { params: [] };
      for (const [key, value] of Object.entries(withoutParams(group))) {
        if (value !== undefined) saved[toSnakeCase(key)] = Array.isArray(value) ? [...(value as number[])] : (value as HyperparameterValue);
      }
      for (const p of group.params) {
        indexOf.set(p, indexOf.size);
        saved.params.push(indexOf.size - 1);
      }
      paramGroups.push(saved);
    }
    const state: OptimizerStateDict['state'] = {};
    for (const [p, s] of this.state) {
      const index = indexOf.get(p);
      if (index === undefined) continue;
      const entry: { [key: string]: OptimizerStateValue } = {};
      for (const [key, value] of Object.entries(s)) {
        if (value !== undefined) entry[key] = value instanceof Float32Array ? value.slice() : value;
      }
      state[String(index)] = entry;
    }
    return { state, param_groups: paramGroups };
  }

  /**
   * Restores hyperparameters and state saved by stateDict() (or its JSON form) onto this
   * optimizer's own parameters, matched by position. When a scheduler is resumed too, create the
   * scheduler first, then load the optimizer, then the scheduler (creating a scheduler rewrites lr).
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const name = this.constructor.name;
    if (sd === null || typeof sd !== 'object' || !Array.isArray(sd.param_groups) || sd.state === null || typeof sd.state !== 'object') {
      throw new MnistLabError(`${name}.loadStateDict: not an optimizer state dict (needs 'state' and 'param_groups')`);
    }
    if (sd.param_groups.length !== this.paramGroups.length) {
      throw new MnistLabError(
        `${name}.loadStateDict: loaded state dict has a different number of parameter groups (${sd.param_groups.length}, this optimizer has ${this.paramGroups.length})`,
      );
    }
    const paramAt = new Map<number, { param: Tensor; group: G }>();
    const newHyperparameters: Record<string, unknown>[] = [];
    this.paramGroups.forEach((group, gi) => {
      const saved = sd.param_groups[gi]!;
      if (!Array.isArray(saved.params) || saved.params.length !== group.params.length) {
        throw new MnistLabError(
          `${name}.loadStateDict: loaded state dict contains a parameter group that doesn't match the size of optimizer's group (group ${gi}: ${saved.params?.length} saved, ${group.params.length} here)`,
        );
      }
      saved.params.forEach((index, k) => paramAt.set(index, { param: group.params[k]!, group }));
      const hyper: Record<string, unknown> = copyArrays(this.defaults);
      for (const [key, value] of Object.entries(saved)) if (key !== 'params') hyper[toCamelCase(key)] = Array.isArray(value) ? [...value] : value;
      newHyperparameters.push(hyper);
    });
    // Build everything first, so a bad dict leaves the optimizer as it was.
    const newState = new Map<Tensor, S>();
    for (const [key, entry] of Object.entries(sd.state)) {
      const target = paramAt.get(Number(key));
      if (target === undefined) throw new MnistLabError(`${name}.loadStateDict: state for parameter ${key}, which no group lists`);
      newState.set(target.param, this.stateFromDict(entry, target.param, target.group, `${name}.loadStateDict: state of parameter ${key}`));
    }
    this.paramGroups.forEach((group, gi) => {
      const candidate = { ...newHyperparameters[gi], params: group.params } as unknown as G;
      this.validateGroup(candidate);
    });
    this.paramGroups.forEach((group, gi) => {
      const record = group as unknown as Record<string, unknown>;
      for (const key of Object.keys(record)) if (key !== 'params') delete record[key];
      Object.assign(record, newHyperparameters[gi]);
    });
    this.state.clear();
    for (const [p, s] of newState) this.state.set(p, s);
  }
}

/** A fresh persistent buffer holding a saved tensor, checked against the parameter's size. */
export function loadStateTensor(saved: LoadedParamState, key: string, param: Tensor, where: string): Float32Array {
  const value = saved[key];
  if (!(value instanceof Float32Array) && !Array.isArray(value)) {
    throw new MnistLabError(`${where}: '${key}' is missing or not a list of numbers`);
  }
  if (value.length !== param.size) {
    throw new MnistLabError(`${where}: '${key}' has ${value.length} values but the parameter has ${param.size}; the checkpoint is for a different model`);
  }
  const buffer = allocPersistent(param.size);
  buffer.set(value);
  return buffer;
}

export function loadStateNumber(saved: LoadedParamState, key: string, where: string): number {
  const value = saved[key];
  if (typeof value !== 'number') throw new MnistLabError(`${where}: '${key}' is missing or not a number`);
  return value;
}

export function checkRange(owner: string, label: string, value: number, ok: boolean, rule: string): void {
  if (!ok || Number.isNaN(value)) throw new MnistLabError(`${owner}: invalid ${label} ${value} (${rule})`);
}

function isGroupInput<G extends ParamGroup>(x: Tensor | ParamGroupInput<G>): x is ParamGroupInput<G> {
  return Array.isArray((x as { params?: unknown }).params);
}

function withoutParams(group: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // An option given as undefined means "not given": it must not hide the default.
  for (const [key, value] of Object.entries(group)) if (key !== 'params' && value !== undefined) out[key] = value;
  return out;
}

/** Each group gets its own arrays (betas), so a scheduler writing one group's beta1 leaves the others alone. */
function copyArrays(values: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) out[key] = Array.isArray(value) ? [...value] : value;
  return out;
}
