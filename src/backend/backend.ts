/**
 * The kernel interface. Autograd and nn call only these entry points for their hot loops, so a
 * faster backend can replace the reference one without touching anything above this layer.
 *
 * Conventions every backend honours:
 * - Layouts are PyTorch's: activations NCHW, conv weights OIHW, all contiguous row-major.
 * - Buffers come from `alloc`/`allocInt32` of the same backend. A fast backend hands out views into
 *   its own (shared) memory, so its kernels read operands in place; the reference kernels work on
 *   any Float32Array, which is why a fast backend may fall back to them for rare shapes.
 * - "out" buffers are overwritten, never accumulated into; callers accumulate gradients themselves.
 * - Results must not depend on thread timing: a backend that splits work across threads fixes the
 *   split and the reduction order for a given thread count.
 */
import type { Conv2dGeometry, Pool2dGeometry } from './geometry.js';

export interface BatchNormShape {
  readonly n: number;
  readonly c: number;
  /** Elements per channel per sample (H·W, or 1 for BatchNorm1d on N×C). */
  readonly spatial: number;
}

export interface Backend {
  readonly name: string;

  /** A zero-filled float32 buffer of `size` elements. */
  alloc(size: number): Float32Array;
  allocInt32(size: number): Int32Array;
  /** Hands a buffer back for reuse. Only call it when nothing references the buffer any more. */
  release(buffer: Float32Array | Int32Array): void;
  /**
   * Optional hint: the buffer the next `alloc`/`allocInt32` call returns will be completely
   * overwritten by a kernel before anything reads it, so a pooling backend may hand out a reused
   * block without zeroing it (zeroing every step's activations and gradients cost a quarter of a
   * training step). Only that one call is affected.
   */
  nextAllocOverwritten?(): void;

  /** Worker threads used by the kernels (1 = the calling thread only). */
  readonly threads: number;
  /** Stops any worker threads the backend started; it keeps working on the calling thread. Optional. */
  dispose?(): void;

  conv2dForward(x: Float32Array, weight: Float32Array, bias: Float32Array | null, out: Float32Array, g: Conv2dGeometry): void;
  /** dx = conv_transpose(dy, weight): the gradient with respect to the input. */
  conv2dBackwardInput(dy: Float32Array, weight: Float32Array, dx: Float32Array, g: Conv2dGeometry): void;
  /** dWeight = correlation of x with dy, summed over the batch. */
  conv2dBackwardWeight(x: Float32Array, dy: Float32Array, dWeight: Float32Array, g: Conv2dGeometry): void;

  /** out[m×n] = op(a) · op(b), where op transposes when asked; a is m×k (or k×m), b is k×n (or n×k). */
  matmul(a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean): void;

  /**
   * Training-mode batch norm: normalizes with the batch statistics and returns them.
   * `mean` and `invStd` receive one value per channel (invStd = 1/sqrt(biased var + eps)); `variance`
   * receives the biased batch variance, from which the caller derives the unbiased running update.
   */
  batchNormTrainForward(
    x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, out: Float32Array,
    mean: Float32Array, variance: Float32Array, invStd: Float32Array, s: BatchNormShape, eps: number,
  ): void;
  batchNormEvalForward(
    x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null,
    runningMean: Float32Array, runningVar: Float32Array, out: Float32Array, s: BatchNormShape, eps: number,
  ): void;
  /** Gradients of training-mode batch norm. dGamma/dBeta may be null when the layer is not affine. */
  batchNormBackward(
    dy: Float32Array, x: Float32Array, gamma: Float32Array | null, mean: Float32Array, invStd: Float32Array,
    dx: Float32Array, dGamma: Float32Array | null, dBeta: Float32Array | null, s: BatchNormShape,
  ): void;

  /**
   * Training-mode batch norm, then ReLU, then inverted dropout, in one pass (the model's
   * conv → BN → ReLU → Dropout block): equal to batchNormTrainForward, reluForward and
   * dropoutForward(channelSize 1) in a row, p = 0 meaning no dropout. The mask is not stored:
   * out > 0 exactly where both ReLU and dropout pass the gradient, which is all the backward needs.
   */
  batchNormReluDropoutForward(
    x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, out: Float32Array,
    mean: Float32Array, variance: Float32Array, invStd: Float32Array, s: BatchNormShape, eps: number, p: number, seed: number,
  ): void;
  /**
   * Gradients of batchNormReluDropoutForward, given its input x and output `out`: equal to
   * multiply by the dropout mask (1/(1-p) as float32, or 0), reluBackward, then batchNormBackward.
   */
  batchNormReluDropoutBackward(
    dy: Float32Array, x: Float32Array, out: Float32Array, gamma: Float32Array | null, mean: Float32Array, invStd: Float32Array,
    dx: Float32Array, dGamma: Float32Array | null, dBeta: Float32Array | null, s: BatchNormShape, p: number,
  ): void;

  /** Max pooling; `indices` records the flat h*w position of each winner within its plane. */
  maxPool2dForward(x: Float32Array, out: Float32Array, indices: Int32Array, g: Pool2dGeometry): void;
  maxPool2dBackward(dy: Float32Array, indices: Int32Array, dx: Float32Array, g: Pool2dGeometry): void;
  avgPool2dForward(x: Float32Array, out: Float32Array, g: Pool2dGeometry, countIncludePad: boolean): void;
  avgPool2dBackward(dy: Float32Array, dx: Float32Array, g: Pool2dGeometry, countIncludePad: boolean): void;

  reluForward(x: Float32Array, out: Float32Array): void;
  /** dx = dy where y > 0, else 0. */
  reluBackward(dy: Float32Array, y: Float32Array, dx: Float32Array): void;

  /** out = a * b elementwise (dropout's backward applies its saved mask with it). */
  multiply(a: Float32Array, b: Float32Array, out: Float32Array): void;

  /**
   * Inverted dropout with a counter-based RNG: element i is kept when dropoutUniform(seed, i) >= p.
   * `mask` receives 0 or 1/(1-p) per element (`channelSize` > 1 draws one value per channel plane,
   * as Dropout2d does: element i uses counter floor(i / channelSize)).
   */
  dropoutForward(x: Float32Array, out: Float32Array, mask: Float32Array, p: number, seed: number, channelSize: number): void;
}
