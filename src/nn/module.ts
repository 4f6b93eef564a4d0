/**
 * nn.Module: parameters, buffers and submodules are found from the instance's own properties in the
 * order they were assigned, exactly like PyTorch's __setattr__ registration, which is what makes
 * state_dict keys (`conv1.weight`, `bn1.running_mean`) come out the same.
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

  // ---- discovery ----------------------------------------------------------------------------

  /** Direct members in declaration order; subclasses with generated names (Sequential) override it. */
  protected members(): [string, unknown][] {
    return Object.entries(this);
  }

  namedChildren(): [string, Module][] {
    return this.members().filter((e): e is [string, Module] => e[1] instanceof Module);
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  namedParameters(prefix = ''): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const [name, m] of this.namedModules(prefix)) {
      for (const [k, v] of m.members()) if (v instanceof Parameter) out.push([name ? `${name}.${k}` : k, v]);
    }
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(prefix = ''): [string, Buffer][] {
    const out: [string, Buffer][] = [];
    for (const [name, m] of this.namedModules(prefix)) {
      for (const [k, v] of m.members()) if (v instanceof Buffer) out.push([name ? `${name}.${k}` : k, v]);
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

  /** Parameters then buffers, module by module in registration order: PyTorch's key names and order. */
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
    if (mismatched.length) problems.push(`shape mismatch for ${mismatched.join('; ')}`);
    if (strict && missingKeys.length) problems.push(`missing keys: ${missingKeys.join(', ')}`);
    if (strict && unexpectedKeys.length) problems.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
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

/** PyTorch stores num_batches_tracked as a 0-d tensor; accept [] and [1] for it interchangeably. */
function normalizeScalarShape(shape: readonly number[], target: readonly number[]): readonly number[] {
  const size = shape.reduce((p, d) => p * d, 1);
  const targetSize = target.reduce((p, d) => p * d, 1);
  return size === 1 && targetSize === 1 ? target : shape;
}
