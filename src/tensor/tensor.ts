/**
 * The Tensor: float32, contiguous, row-major (NCHW for images), with reverse-mode autograd in the
 * style of micrograd. Each op that records the graph attaches a GradFn naming its inputs and a
 * closure that maps the output gradient to input gradients; `backward()` walks the graph in reverse
 * topological order and accumulates into the leaves' `.grad`. As in PyTorch, a backward frees the
 * graph it walked (unless asked to retain it), and a second one through it is refused.
 */
import { allocFloat32, allocPersistent, registerInScope } from './memory-scope.js';
import { isGradEnabled } from './grad-mode.js';
import { type Shape, formatShape, shapeSize } from './shape.js';
import * as ops from './ops/index.js';
import type { Rng } from '../util/rng.js';

/** How an op's output depends on its inputs, for the backward pass. */
export interface GradFn {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  /** Returns, for each input, the gradient of the loss with respect to it (null where not needed). */
  backward(gradOutput: Float32Array): (Float32Array | null)[];
}

/** PyTorch's keyword arguments of `Tensor.backward`, under their TypeScript names. */
export interface BackwardOptions {
  /**
   * Keep the graph (the values its closures saved) after this backward, so that another backward
   * can run through it, as PyTorch's `retain_graph=True`. Default false: the graph is freed.
   */
  retainGraph?: boolean;
}

/**
 * A backward through part of a graph that an earlier backward already freed: a mistake in the calling
 * code, not in user input (PyTorch raises a RuntimeError). Thrown before any gradient is accumulated.
 */
export class FreedGraphError extends Error {
  constructor(readonly opName: string) {
    super(
      `backward(): trying to backward through the graph a second time (through the output of ${opName}), ` +
        'but the values it saved were freed by the first backward(); pass { retainGraph: true } to the first ' +
        "backward() if you need to backward through the graph again (PyTorch's retain_graph=True)",
    );
    this.name = 'FreedGraphError';
  }
}

/** What a used GradFn becomes: it keeps its op's name for the error and releases everything it saved. */
class FreedGradFn implements GradFn {
  readonly inputs: readonly Tensor[] = [];
  constructor(readonly name: string) {}
  backward(): (Float32Array | null)[] {
    throw new FreedGraphError(this.name);
  }
}

/** One per op name, shared, so that freeing a graph allocates nothing in the training loop. */
const freedGradFns = new Map<string, FreedGradFn>();

function freedGradFn(name: string): FreedGradFn {
  let fn = freedGradFns.get(name);
  if (fn === undefined) freedGradFns.set(name, (fn = new FreedGradFn(name)));
  return fn;
}

const EMPTY = new Float32Array(0);

export class Tensor {
  readonly isTensor = true;
  data: Float32Array;
  readonly shape: Shape;
  requiresGrad: boolean;
  grad: Tensor | null = null;
  gradFn: GradFn | null = null;
  private disposed = false;

  /** `scoped: false` keeps the tensor out of the active memory scope (parameters, gradients). */
  constructor(data: Float32Array, shape: Shape, requiresGrad = false, scoped = true) {
    if (data.length !== shapeSize(shape)) {
      throw new Error(`Tensor: ${data.length} values do not fill shape ${formatShape(shape)}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.requiresGrad = requiresGrad;
    if (scoped) registerInScope(this);
  }

  // ---- creation -------------------------------------------------------------------------

  /** Copies values into a new tensor. */
  static from(values: ArrayLike<number>, shape?: Shape): Tensor {
    const s = shape ?? [values.length];
    const data = allocFloat32(shapeSize(s));
    if (values.length !== data.length) {
      throw new Error(`Tensor.from: ${values.length} values do not fill shape ${formatShape(s)}`);
    }
    data.set(values);
    return new Tensor(data, s);
  }

  static zeros(shape: Shape): Tensor {
    return new Tensor(allocFloat32(shapeSize(shape)), shape);
  }

  static ones(shape: Shape): Tensor {
    return Tensor.full(shape, 1);
  }

  static full(shape: Shape, value: number): Tensor {
    const t = Tensor.zeros(shape);
    t.data.fill(value);
    return t;
  }

  static scalar(value: number): Tensor {
    return Tensor.full([], value);
  }

  static randn(shape: Shape, rng: Rng): Tensor {
    const t = Tensor.zeros(shape);
    for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal();
    return t;
  }

  static rand(shape: Shape, rng: Rng): Tensor {
    const t = Tensor.zeros(shape);
    for (let i = 0; i < t.data.length; i++) t.data[i] = rng.next();
    return t;
  }

  /** A tensor whose memory outlives every scope: parameters and buffers of modules. */
  static persistent(shape: Shape, requiresGrad = false): Tensor {
    return new Tensor(allocPersistent(shapeSize(shape)), shape, requiresGrad, false);
  }

  // ---- properties -----------------------------------------------------------------------

  get size(): number {
    return this.data.length;
  }

  get ndim(): number {
    return this.shape.length;
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  item(): number {
    if (this.size !== 1) throw new Error(`item(): tensor of shape ${formatShape(this.shape)} has ${this.size} elements, not 1`);
    return this.data[0]!;
  }

  toArray(): number[] {
    return Array.from(this.data);
  }

  toString(): string {
    return `Tensor(shape=${formatShape(this.shape)}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }

  // ---- autograd -------------------------------------------------------------------------

  requiresGrad_(flag = true): this {
    if (!this.isLeaf) throw new Error('requiresGrad_: only leaf tensors can change requiresGrad');
    this.requiresGrad = flag;
    return this;
  }

  /** A tensor sharing this one's data, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, false);
  }

  /** Sets the accumulated gradient to zero in place (no allocation). */
  zeroGrad(): void {
    this.grad?.data.fill(0);
  }

  /** Attaches a backward closure to an op's output when any input needs a gradient. */
  static record(output: Tensor, gradFn: GradFn): Tensor {
    if (isGradEnabled() && gradFn.inputs.some((t) => t.requiresGrad)) {
      output.requiresGrad = true;
      output.gradFn = gradFn;
    }
    return output;
  }

  /**
   * Accumulates d(this)/d(leaf) into every leaf's `.grad`, as PyTorch's `backward(gradient, retain_graph)`;
   * `backward({ retainGraph: true })` is the short form for a scalar. The graph is freed afterwards
   * unless retainGraph is set, and a later backward through a freed part throws FreedGraphError.
   */
  backward(options?: BackwardOptions): void;
  backward(gradient: Tensor | undefined, options?: BackwardOptions): void;
  backward(gradientOrOptions?: Tensor | BackwardOptions, maybeOptions: BackwardOptions = {}): void {
    const gradient = gradientOrOptions instanceof Tensor ? gradientOrOptions : undefined;
    const options = gradientOrOptions instanceof Tensor || gradientOrOptions === undefined ? maybeOptions : gradientOrOptions;
    if (!this.requiresGrad) throw new Error('backward(): this tensor does not require grad (no input requires it, or it was made under noGrad)');
    if (gradient === undefined && this.size !== 1) {
      throw new Error(`backward(): a gradient is needed for a non-scalar output of shape ${formatShape(this.shape)}`);
    }
    const order = topologicalOrder(this);
    // Refuse up front, as a whole: no leaf may receive part of a gradient from a failed pass.
    const freed = order.find((t) => t.gradFn instanceof FreedGradFn);
    if (freed) throw new FreedGraphError(freed.gradFn!.name);
    const grads = new Map<Tensor, Float32Array>();
    const seed = allocFloat32(this.size);
    if (gradient) seed.set(gradient.data);
    else seed[0] = 1;
    grads.set(this, seed);
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const g = grads.get(t);
      const fn = t.gradFn;
      if (fn === null) {
        if (g) t.accumulateGrad(g);
        continue;
      }
      if (g) {
        const inputGrads = fn.backward(g);
        for (let k = 0; k < fn.inputs.length; k++) {
          const input = fn.inputs[k]!;
          const ig = inputGrads[k];
          if (!ig || !input.requiresGrad) continue;
          const existing = grads.get(input);
          if (existing) {
            for (let j = 0; j < existing.length; j++) existing[j]! += ig[j]!;
          } else if (ig === g) {
            // A pass-through gradient must not alias an array another node may still add into.
            const copy = allocFloat32(ig.length);
            copy.set(ig);
            grads.set(input, copy);
          } else {
            grads.set(input, ig);
          }
        }
      }
      // Like PyTorch, the graph is freed once used, releasing what the closures saved; the node stays
      // (the tensor is still not a leaf) so that a second backward through it can say what happened.
      if (!options.retainGraph) t.gradFn = freedGradFn(fn.name);
    }
  }

  private accumulateGrad(g: Float32Array): void {
    if (this.grad === null) {
      const data = allocPersistent(this.size);
      data.set(g);
      // Gradients belong to the leaf, not to the scope that happened to run backward.
      this.grad = new Tensor(data, this.shape, false, false);
    } else {
      const d = this.grad.data;
      for (let j = 0; j < d.length; j++) d[j]! += g[j]!;
    }
  }

  /** Releases this tensor's memory; any later use of it fails loudly instead of reading reused memory. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.data = EMPTY;
    this.gradFn = null;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  // ---- ops (thin wrappers over src/tensor/ops) ------------------------------------------

  add(other: Tensor | number): Tensor { return ops.add(this, other); }
  sub(other: Tensor | number): Tensor { return ops.sub(this, other); }
  mul(other: Tensor | number): Tensor { return ops.mul(this, other); }
  div(other: Tensor | number): Tensor { return ops.div(this, other); }
  neg(): Tensor { return ops.mul(this, -1); }
  matmul(other: Tensor): Tensor { return ops.matmul(this, other); }
  reshape(shape: Shape): Tensor { return ops.reshape(this, shape); }
  view(shape: Shape): Tensor { return ops.reshape(this, shape); }
  flatten(startDim = 0, endDim = -1): Tensor { return ops.flatten(this, startDim, endDim); }
  sum(dim?: number | readonly number[], keepdim = false): Tensor { return ops.sum(this, dim, keepdim); }
  mean(dim?: number | readonly number[], keepdim = false): Tensor { return ops.mean(this, dim, keepdim); }
  relu(): Tensor { return ops.relu(this); }
  leakyRelu(negativeSlope = 0.01): Tensor { return ops.leakyRelu(this, negativeSlope); }
  gelu(): Tensor { return ops.gelu(this); }
  sigmoid(): Tensor { return ops.sigmoid(this); }
  tanh(): Tensor { return ops.tanh(this); }
  exp(): Tensor { return ops.exp(this); }
  log(): Tensor { return ops.log(this); }
  softmax(dim: number): Tensor { return ops.softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return ops.logSoftmax(this, dim); }
  /** Index of the largest value along the last dimension, per row (no gradient). */
  argmax(): Int32Array { return ops.argmaxRows(this); }
}

function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // Iterative DFS: deep graphs must not overflow the JS stack.
  const stack: [Tensor, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [t, idx] = top;
    const inputs = t.gradFn?.inputs ?? [];
    if (idx < inputs.length) {
      top[1] = idx + 1;
      const child = inputs[idx]!;
      if (child.requiresGrad && !visited.has(child)) {
        visited.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}
