/**
 * The Tensor: float32, contiguous, row-major (NCHW for images), with reverse-mode autograd in the
 * style of micrograd. Each op that records the graph attaches a GradFn naming its inputs and a
 * closure that maps the output gradient to input gradients; `backward()` walks the graph in reverse
 * topological order and accumulates into the leaves' `.grad`.
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

  backward(gradient?: Tensor): void {
    if (!this.requiresGrad) throw new Error('backward(): this tensor does not require grad (no input requires it, or it was made under noGrad)');
    if (gradient === undefined && this.size !== 1) {
      throw new Error(`backward(): a gradient is needed for a non-scalar output of shape ${formatShape(this.shape)}`);
    }
    const order = topologicalOrder(this);
    const grads = new Map<Tensor, Float32Array>();
    const seed = allocFloat32(this.size);
    if (gradient) seed.set(gradient.data);
    else seed[0] = 1;
    grads.set(this, seed);
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const g = grads.get(t);
      if (!g) continue;
      const fn = t.gradFn;
      if (fn === null) {
        t.accumulateGrad(g);
        continue;
      }
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
      // Like PyTorch, the graph is freed once used, releasing what the closures saved.
      t.gradFn = null;
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
