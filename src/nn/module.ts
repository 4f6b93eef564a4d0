/**
 * nn.Module: parameters, buffers and submodules, each kept in the order it was registered, as in
 * PyTorch's `_parameters`, `_buffers` and `_modules` dicts; that order is what makes state_dict keys
 * (`conv1.weight`, `bn1.running_mean`) and their order come out the same as PyTorch's.
 *
 * A member is registered in one of two ways, as in PyTorch:
 * - by assigning it to a property (`this.conv1 = new Conv2d(...)`, PyTorch's `__setattr__`);
 * - with registerParameter / registerBuffer / registerModule, for names made at run time (PyTorch's
 *   `register_parameter` / `register_buffer` / `add_module`), such as GapNet's conv4, bn4, ...
 *
 * JavaScript cannot observe an assignment, so a member held by a property is registered at the
 * module's next registerX call or next inspection (parameters(), stateDict(), ...), whichever comes
 * first. Members registered together that way follow the order of the properties: the order in which
 * the class declares its fields (ES2022 creates every declared field, empty, before the constructor
 * body runs), then properties the constructor adds without declaring them, in the order it adds them.
 * So, with fields assigned in their declaration order and registerX called where PyTorch's __init__
 * would assign that member, the order is the assignment order, exactly PyTorch's. A property that
 * later holds another member of the same kind keeps its place, as re-assigning an attribute does in
 * PyTorch. ES private fields (`#name`) are not properties: a module can keep typed references there
 * to members it registers under generated names without registering them twice.
 */
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../tensor/grad-mode.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { Buffer, Parameter } from './parameter.js';
import { MnistLabError } from '../util/errors.js';

export type ForwardHook = (module: Module, input: Tensor, output: Tensor) => void;

export type StateDict = Map<string, Tensor>;

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export abstract class Module {
  training = true;
  private readonly forwardHooks: ForwardHook[] = [];

  abstract forward(x: Tensor): Tensor;

  /** Runs forward and the registered hooks (the summary table uses hooks, as torchsummary does). */
  call(x: Tensor): Tensor {
    const y = this.forward(x);
    for (const hook of this.forwardHooks) hook(this, x, y);
    return y;
  }

  /** The class name shown in summaries and errors. */
  get typeName(): string {
    return this.constructor.name;
  }

  registerForwardHook(hook: ForwardHook): () => void {
    this.forwardHooks.push(hook);
    return () => {
      const i = this.forwardHooks.indexOf(hook);
      if (i >= 0) this.forwardHooks.splice(i, 1);
    };
  }

  // ---- registration ---------------------------------------------------------------------

  /** Names of parameters, buffers and submodules in registration order (all kinds in one list). */
  readonly #memberNames: string[] = [];
  /** Members registered by name with registerX rather than held by a property; a null value is an empty slot. */
  readonly #registered = new Map<string, { kind: MemberKind; value: Member | null }>();

  /** PyTorch's `register_parameter`: adds a parameter, or replaces in place the one registered under that name. */
  registerParameter(name: string, parameter: Parameter | null): void {
    this.#register('registerParameter', name, 'Parameter', parameter);
  }

  /**
   * PyTorch's `register_buffer` (persistent): state saved in the state_dict that is not a parameter,
   * such as running statistics. It must be a Buffer, whose memory outlives every scope.
   */
  registerBuffer(name: string, buffer: Buffer | null): void {
    this.#register('registerBuffer', name, 'Buffer', buffer);
  }

  /** PyTorch's `add_module` (`register_module`): adds a child module, or replaces in place the one registered under that name. */
  registerModule(name: string, module: Module | null): void {
    this.#register('registerModule', name, 'Module', module);
  }

  #register(method: string, name: string, kind: MemberKind, value: Member | null): void {
    if (name === '' || name.includes('.')) throw new Error(`${method}: the name '${name}' must be non-empty and contain no '.'`);
    if (value !== null && kindOf(value) !== kind) throw new Error(`${method}: '${name}' must be a ${kind} or null, got ${describe(value)}`);
    if (name in this) throw new Error(`${method}: '${name}' is already a property of ${this.typeName}; pick another name`);
    const previous = this.#registered.get(name);
    if (previous && previous.kind !== kind) throw new Error(`${method}: '${name}' is already registered as a ${previous.kind}`);
    this.#registerPropertyMembers();
    if (!previous) this.#memberNames.push(name);
    this.#registered.set(name, { kind, value });
  }

  /** Registers, in property order, every member that a property holds and that is not registered yet. */
  #registerPropertyMembers(): void {
    const known = new Set(this.#memberNames);
    for (const [name, value] of Object.entries(this)) {
      if (known.has(name) || kindOf(value) === null) continue;
      this.#memberNames.push(name);
      known.add(name);
    }
  }

  // ---- discovery ----------------------------------------------------------------------------

  /** Direct members (parameters, buffers, submodules, and empty slots as null) in registration order. */
  protected members(): [string, unknown][] {
    this.#registerPropertyMembers();
    const properties = this as unknown as Record<string, unknown>;
    return this.#memberNames.map((name) => {
      const registered = this.#registered.get(name);
      return [name, registered ? registered.value : properties[name]];
    });
  }

  namedChildren(): [string, Module][] {
    return this.members().filter((e): e is [string, Module] => e[1] instanceof Module);
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module, then every submodule depth first, each child in registration order. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  /** Module by module as namedModules lists them, each one's own parameters in registration order; `recurse: false` gives only this module's own. */
  namedParameters(prefix = '', recurse = true): [string, Parameter][] {
    return this.namedOfKind(prefix, recurse, Parameter);
  }

  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  /** As namedParameters, for buffers. */
  namedBuffers(prefix = '', recurse = true): [string, Buffer][] {
    return this.namedOfKind(prefix, recurse, Buffer);
  }

  buffers(recurse = true): Buffer[] {
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  private namedOfKind<T extends Tensor>(prefix: string, recurse: boolean, kind: new (...args: never[]) => T): [string, T][] {
    const out: [string, T][] = [];
    const modules: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [name, m] of modules) {
      for (const [k, v] of m.members()) if (v instanceof kind) out.push([name ? `${name}.${k}` : k, v]);
    }
    return out;
  }

  /** Trainable parameter count, as sum(p.numel() for p in model.parameters()). */
  numParameters(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }

  // ---- modes --------------------------------------------------------------------------------

  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  // ---- state_dict ---------------------------------------------------------------------------

  /**
   * PyTorch's state_dict keys and order: this module's own parameters in registration order, then its
   * own buffers in registration order, then each child's state_dict in the children's registration
   * order, its keys prefixed with the child's name and a dot (so, module by module as namedModules
   * lists them). Empty slots (a layer built with bias: false) have no key.
   */
  stateDict(): StateDict {
    const sd: StateDict = new Map();
    for (const [name, m] of this.namedModules()) {
      const members = m.members();
      for (const [k, v] of members) if (v instanceof Parameter) sd.set(name ? `${name}.${k}` : k, v);
      for (const [k, v] of members) if (v instanceof Buffer) sd.set(name ? `${name}.${k}` : k, v);
    }
    return sd;
  }

  /**
   * Copies values in by name. Strict loading refuses missing keys, unexpected keys and shape
   * mismatches, naming each one, before changing anything.
   */
  loadStateDict(source: ReadonlyMap<string, { shape: readonly number[]; data: ArrayLike<number> }>, strict = true): LoadStateDictResult {
    const own = this.stateDict();
    const missingKeys = [...own.keys()].filter((k) => !source.has(k));
    const unexpectedKeys = [...source.keys()].filter((k) => !own.has(k));
    const mismatched: string[] = [];
    for (const [k, t] of own) {
      const s = source.get(k);
      if (s && !shapesEqual(normalizeScalarShape(s.shape, t.shape), t.shape)) {
        mismatched.push(`${k}: checkpoint ${formatShape(s.shape)} vs model ${formatShape(t.shape)}`);
      }
    }
    const problems: string[] = [];
    if (mismatched.length) problems.push(`shape mismatch for ${listSome(mismatched, '; ')}`);
    if (strict && missingKeys.length) problems.push(`missing keys: ${listSome(missingKeys, ', ')}`);
    if (strict && unexpectedKeys.length) problems.push(`unexpected keys: ${listSome(unexpectedKeys, ', ')}`);
    if (problems.length) throw new MnistLabError(`loadStateDict: ${problems.join('. ')}`);
    noGrad(() => {
      for (const [k, t] of own) {
        const s = source.get(k);
        if (s) t.data.set(s.data);
      }
    });
    return { missingKeys, unexpectedKeys };
  }
}

type Member = Module | Parameter | Buffer;
type MemberKind = 'Parameter' | 'Buffer' | 'Module';

function kindOf(value: unknown): MemberKind | null {
  if (value instanceof Parameter) return 'Parameter';
  if (value instanceof Buffer) return 'Buffer';
  if (value instanceof Module) return 'Module';
  return null;
}

function describe(value: unknown): string {
  const kind = kindOf(value);
  if (kind) return `a ${kind}`;
  if (value instanceof Tensor) return 'a plain Tensor (make it with new Parameter(shape) or new Buffer(shape))';
  return value === null || typeof value !== 'object' ? String(value) : `a ${(value as object).constructor?.name ?? 'object'}`;
}

/** The first few items and how many more: a checkpoint for another architecture differs in every key, and the error stays readable. */
function listSome(items: readonly string[], separator: string, shown = 4): string {
  const rest = items.length - shown;
  return rest > 0 ? `${items.slice(0, shown).join(separator)} (and ${rest} more)` : items.join(separator);
}

/** PyTorch stores num_batches_tracked as a 0-d tensor; accept [] and [1] for it interchangeably. */
function normalizeScalarShape(shape: readonly number[], target: readonly number[]): readonly number[] {
  const size = shape.reduce((p, d) => p * d, 1);
  const targetSize = target.reduce((p, d) => p * d, 1);
  return size === 1 && targetSize === 1 ? target : shape;
}
