/**
 * The fast backend: WebAssembly SIMD128 kernels (assembly/) on a pool of threads that share one
 * WebAssembly.Memory. Every buffer it hands out is a view into that memory, so a kernel gets its
 * operands as pointers (byteOffset) and never copies them.
 *
 * Shapes without a fast path, and operands that do not live in this backend's memory, go to the
 * reference kernels on the same views (they are ordinary typed arrays), so every call is answered.
 * Results never depend on the thread count: work is split by image, plane, channel or row, each of
 * which is computed the same way whoever computes it, and the conv weight gradient sums a fixed
 * number of batch chunks in chunk order.
 */
import type { Backend, BatchNormShape } from '../backend.js';
import type { Conv2dGeometry, Pool2dGeometry } from '../geometry.js';
import * as reference from '../reference/conv2d.js';
import { matmul as referenceMatmul } from '../reference/matmul.js';
import * as referenceBatchNorm from '../reference/batch-norm.js';
import * as referencePool from '../reference/pool2d.js';
import * as referenceElementwise from '../reference/elementwise.js';
import type { WasmHost, WorkerHandle } from './host.js';
import {
  CONTROL_BYTE_OFFSET, CONTROL_SLOTS, HEAP_BYTE_OFFSET, JOB_BYTE_OFFSET, JOB_SLOTS, TASK, WASM_PAGE_BYTES,
  taskTable, type KernelExports,
} from './kernel-module.js';
import { SharedArena, type ArenaStats } from './shared-arena.js';
import { ThreadPool } from './thread-pool.js';

export interface WasmBackendOptions {
  /** Threads the kernels run on, the calling thread included (default: os.availableParallelism()). */
  readonly threads?: number;
  /** Where kernels.wasm is (default: build/kernels.wasm in the package). */
  readonly wasmLocation?: string | URL;
  /** How long an idle worker spins before it blocks, in ms (default 2). */
  readonly spinMs?: number;
  /** Upper bound of the shared memory in MiB (default 2048). */
  readonly maxMemoryMiB?: number;
}

export interface WasmBackend extends Backend {
  /** Stops the worker threads; the backend keeps working on the calling thread alone. */
  dispose(): void;
  memoryStats(): ArenaStats;
}

/** Batch chunks of the conv weight gradient: fixed, so the sum order never depends on the thread count. */
const WEIGHT_GRAD_CHUNKS = 16;
/** Below these sizes a dispatch costs more than it saves. */
const PARALLEL_MACS = 100_000;
const PARALLEL_ELEMENTS = 16_384;

export async function createWasmBackendOn(host: WasmHost, options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const threads = Math.max(1, Math.floor(options.threads ?? host.defaultThreads()));
  const spinMs = options.spinMs ?? 2;
  const maxPages = Math.min(65536, Math.floor(((options.maxMemoryMiB ?? 2048) * 1024 * 1024) / WASM_PAGE_BYTES));
  const module = await host.loadModule(options.wasmLocation);
  const memory = new WebAssembly.Memory({ initial: 256, maximum: maxPages, shared: true });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const workers: WorkerHandle[] = [];
  try {
    for (let tid = 1; tid < threads; tid++) workers.push(await host.startWorker({ module, memory, tid, spinMs }));
  } catch (error) {
    for (const w of workers) w.terminate();
    throw error;
  }
  const control = new Int32Array(memory.buffer, CONTROL_BYTE_OFFSET, CONTROL_SLOTS);
  const pool = new ThreadPool(control, taskTable(instance.exports), threads - 1, host.callerCanBlock);
  const zeroBytes = instance.exports['zero_bytes'] as (ptr: number, bytes: number) => void;
  const arena = new SharedArena(memory, HEAP_BYTE_OFFSET, maxPages * WASM_PAGE_BYTES, zeroBytes);
  return new WasmKernels(instance.exports as unknown as KernelExports, arena, pool, threads, workers);
}

class WasmKernels implements WasmBackend {
  readonly name = 'wasm';
  private readonly jobI32: Int32Array;
  private readonly jobF32: Float32Array;
  private readonly jobF64: Float64Array;
  /** Per-thread scratch (one block, `threads` equal slices) and the weight-gradient partial sums. */
  private scratchOffset = 0;
  private scratchBytes = 0;
  private partialsOffset = 0;
  private partialsBytes = 0;
  /** Set by nextAllocOverwritten(): the next alloc may skip zeroing a reused block. */
  private overwriteNext = false;

  constructor(
    private readonly kernels: KernelExports,
    private readonly arena: SharedArena,
    private readonly pool: ThreadPool,
    readonly threads: number,
    private readonly workers: WorkerHandle[],
  ) {
    this.jobI32 = new Int32Array(arena.buffer, JOB_BYTE_OFFSET, JOB_SLOTS);
    this.jobF32 = new Float32Array(arena.buffer, JOB_BYTE_OFFSET, JOB_SLOTS);
    this.jobF64 = new Float64Array(arena.buffer, JOB_BYTE_OFFSET, JOB_SLOTS / 2);
  }

  alloc(size: number): Float32Array {
    const zero = !this.overwriteNext;
    this.overwriteNext = false;
    return this.arena.allocFloat32(size, zero);
  }

  allocInt32(size: number): Int32Array {
    const zero = !this.overwriteNext;
    this.overwriteNext = false;
    return this.arena.allocInt32(size, zero);
  }

  nextAllocOverwritten(): void {
    this.overwriteNext = true;
  }

  release(buffer: Float32Array | Int32Array): void {
    this.arena.release(buffer);
  }

  memoryStats(): ArenaStats {
    return this.arena.stats();
  }

  dispose(): void {
    this.pool.dispose();
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }

  // ------------------------------------------------------------------ convolution

  conv2dForward(x: Float32Array, weight: Float32Array, bias: Float32Array | null, out: Float32Array, g: Conv2dGeometry): void {
    // A model's input is often a user's plain array: stage it rather than leave the layer to the reference kernel.
    if (!this.arena.owns(x) && this.ours(weight, out)) {
      this.withInputInArena(x, (staged) => this.conv2dForward(staged, weight, bias, out, g));
      return;
    }
    if (!this.ours(x, weight, out) || (bias !== null && !this.ours(bias))) {
      reference.conv2dForward(x, weight, bias, out, g);
      return;
    }
    this.convJob(x, weight, bias, out, g);
    this.setScratch(20, this.kernels.conv2d_forward_scratch(JOB_BYTE_OFFSET));
    this.pool.run(TASK.conv2d_forward, convMacs(g) >= PARALLEL_MACS);
  }

  conv2dBackwardInput(dy: Float32Array, weight: Float32Array, dx: Float32Array, g: Conv2dGeometry): void {
    if (!this.ours(dy, weight, dx)) {
      reference.conv2dBackwardInput(dy, weight, dx, g);
      return;
    }
    this.convJob(dy, weight, null, dx, g);
    this.setScratch(20, this.kernels.conv2d_backward_input_scratch(JOB_BYTE_OFFSET));
    this.pool.run(TASK.conv2d_backward_input, convMacs(g) >= PARALLEL_MACS);
  }

  conv2dBackwardWeight(x: Float32Array, dy: Float32Array, dWeight: Float32Array, g: Conv2dGeometry): void {
    if (!this.arena.owns(x) && this.ours(dy, dWeight)) {
      this.withInputInArena(x, (staged) => this.conv2dBackwardWeight(staged, dy, dWeight, g));
      return;
    }
    if (!this.ours(x, dy, dWeight)) {
      reference.conv2dBackwardWeight(x, dy, dWeight, g);
      return;
    }
    const weightSize = g.cOut * (g.cIn / g.groups) * g.kH * g.kW;
    const chunks = Math.min(g.n, WEIGHT_GRAD_CHUNKS);
    const partials = this.partials(chunks * weightSize * 4);
    this.convJob(x, dy, null, null, g);
    this.jobI32[3] = partials;
    this.jobI32[22] = chunks;
    this.setScratch(20, this.kernels.conv2d_backward_weight_scratch(JOB_BYTE_OFFSET));
    this.pool.run(TASK.conv2d_backward_weight, convMacs(g) >= PARALLEL_MACS);
    const j = this.jobI32;
    j[0] = dWeight.byteOffset;
    j[1] = partials;
    j[2] = chunks;
    j[3] = weightSize;
    this.pool.run(TASK.reduce_partials, false);
  }

  // ------------------------------------------------------------------ matmul

  matmul(a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean): void {
    if (!this.ours(a, b, out) || m === 0 || n === 0) {
      referenceMatmul(a, b, out, m, k, n, transA, transB);
      return;
    }
    const j = this.jobI32;
    j[0] = a.byteOffset;
    j[1] = b.byteOffset;
    j[2] = out.byteOffset;
    j[3] = m;
    j[4] = k;
    j[5] = n;
    j[6] = transA ? 1 : 0;
    j[7] = transB ? 1 : 0;
    this.setScratch(8, this.kernels.matmul_scratch(JOB_BYTE_OFFSET));
    this.pool.run(TASK.matmul, m >= 2 && m * k * n >= PARALLEL_MACS);
  }

  // ------------------------------------------------------------------ batch norm

  batchNormTrainForward(
    x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, out: Float32Array,
    mean: Float32Array, variance: Float32Array, invStd: Float32Array, s: BatchNormShape, eps: number,
  ): void {
    if (!this.ours(x, out, mean, variance, invStd) || !this.oursOrNull(gamma, beta)) {
      referenceBatchNorm.batchNormTrainForward(x, gamma, beta, out, mean, variance, invStd, s, eps);
      return;
    }
    const j = this.jobI32;
    j[0] = x.byteOffset;
    j[1] = gamma?.byteOffset ?? 0;
    j[2] = beta?.byteOffset ?? 0;
    j[3] = out.byteOffset;
    j[4] = mean.byteOffset;
    j[5] = variance.byteOffset;
    j[6] = invStd.byteOffset;
    j[7] = s.n;
    j[8] = s.c;
    j[9] = s.spatial;
    this.jobF64[5] = eps;
    this.pool.run(TASK.batch_norm_train_forward, s.c > 1 && s.n * s.c * s.spatial >= PARALLEL_ELEMENTS);
  }

  batchNormEvalForward(
    x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null,
    runningMean: Float32Array, runningVar: Float32Array, out: Float32Array, s: BatchNormShape, eps: number,
  ): void {
    if (!this.ours(x, runningMean, runningVar, out) || !this.oursOrNull(gamma, beta)) {
      referenceBatchNorm.batchNormEvalForward(x, gamma, beta, runningMean, runningVar, out, s, eps);
      return;
    }
    const j = this.jobI32;
    j[0] = x.byteOffset;
    j[1] = gamma?.byteOffset ?? 0;
    j[2] = beta?.byteOffset ?? 0;
    j[3] = runningMean.byteOffset;
    j[4] = runningVar.byteOffset;
    j[5] = out.byteOffset;
    j[6] = s.n;
    j[7] = s.c;
    j[8] = s.spatial;
    this.jobF64[5] = eps;
    this.pool.run(TASK.batch_norm_eval_forward, s.n > 1 && s.n * s.c * s.spatial >= PARALLEL_ELEMENTS);
  }

  batchNormBackward(
    dy: Float32Array, x: Float32Array, gamma: Float32Array | null, mean: Float32Array, invStd: Float32Array,
    dx: Float32Array, dGamma: Float32Array | null, dBeta: Float32Array | null, s: BatchNormShape,
  ): void {
    if (!this.ours(dy, x, mean, invStd, dx) || !this.oursOrNull(gamma, dGamma, dBeta)) {
      referenceBatchNorm.batchNormBackward(dy, x, gamma, mean, invStd, dx, dGamma, dBeta, s);
      return;
    }
    const j = this.jobI32;
    j[0] = dy.byteOffset;
    j[1] = x.byteOffset;
    j[2] = gamma?.byteOffset ?? 0;
    j[3] = mean.byteOffset;
    j[4] = invStd.byteOffset;
    j[5] = dx.byteOffset;
    j[6] = dGamma?.byteOffset ?? 0;
    j[7] = dBeta?.byteOffset ?? 0;
    j[8] = s.n;
    j[9] = s.c;
    j[10] = s.spatial;
    this.pool.run(TASK.batch_norm_backward, s.c > 1 && s.n * s.c * s.spatial >= PARALLEL_ELEMENTS);
  }

  batchNormReluDropoutForward(
    x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, out: Float32Array,
    mean: Float32Array, variance: Float32Array, invStd: Float32Array, s: BatchNormShape, eps: number, p: number, seed: number,
  ): void {
    if (!(p >= 0 && p < 1) || !this.ours(x, out, mean, variance, invStd) || !this.oursOrNull(gamma, beta)) {
      referenceBatchNorm.batchNormReluDropoutForward(x, gamma, beta, out, mean, variance, invStd, s, eps, p, seed);
      return;
    }
    const scale = 1 / (1 - p);
    const j = this.jobI32;
    j[0] = x.byteOffset;
    j[1] = gamma?.byteOffset ?? 0;
    j[2] = beta?.byteOffset ?? 0;
    j[3] = out.byteOffset;
    j[4] = mean.byteOffset;
    j[5] = variance.byteOffset;
    j[6] = invStd.byteOffset;
    j[7] = s.n;
    j[8] = s.c;
    j[9] = s.spatial;
    this.jobF64[5] = eps;
    // Same exact threshold test as dropoutForward: (h >>> 8) >= ceil(p · 2^24); 0 keeps everything.
    j[12] = Math.ceil(p * 16777216);
    j[13] = seed | 0;
    j[14] = Math.fround(scale) === scale ? 1 : 0;
    this.jobF64[8] = scale;
    j[18] = 0x9e3779b1 | 0;
    j[19] = 0x85ebca6b | 0;
    j[20] = 0xc2b2ae35 | 0;
    this.pool.run(TASK.batch_norm_relu_dropout_forward, s.c > 1 && s.n * s.c * s.spatial >= PARALLEL_ELEMENTS);
  }

  batchNormReluDropoutBackward(
    dy: Float32Array, x: Float32Array, out: Float32Array, gamma: Float32Array | null, mean: Float32Array, invStd: Float32Array,
    dx: Float32Array, dGamma: Float32Array | null, dBeta: Float32Array | null, s: BatchNormShape, p: number,
  ): void {
    if (!this.ours(dy, x, out, mean, invStd, dx) || !this.oursOrNull(gamma, dGamma, dBeta)) {
      referenceBatchNorm.batchNormReluDropoutBackward(dy, x, out, gamma, mean, invStd, dx, dGamma, dBeta, s, p);
      return;
    }
    const j = this.jobI32;
    j[0] = dy.byteOffset;
    j[1] = x.byteOffset;
    j[2] = out.byteOffset;
    j[3] = gamma?.byteOffset ?? 0;
    j[4] = mean.byteOffset;
    j[5] = invStd.byteOffset;
    j[6] = dx.byteOffset;
    j[7] = dGamma?.byteOffset ?? 0;
    j[8] = dBeta?.byteOffset ?? 0;
    j[9] = s.n;
    j[10] = s.c;
    j[11] = s.spatial;
    this.jobF32[12] = Math.fround(1 / (1 - p));
    this.pool.run(TASK.batch_norm_relu_dropout_backward, s.c > 1 && s.n * s.c * s.spatial >= PARALLEL_ELEMENTS);
  }

  // ------------------------------------------------------------------ pooling

  maxPool2dForward(x: Float32Array, out: Float32Array, indices: Int32Array, g: Pool2dGeometry): void {
    const fast = g.kH === 2 && g.kW === 2 && g.strideH === 2 && g.strideW === 2 && g.padH === 0 && g.padW === 0;
    if (!fast || !this.ours(x, out, indices)) {
      referencePool.maxPool2dForward(x, out, indices, g);
      return;
    }
    const j = this.jobI32;
    j[0] = x.byteOffset;
    j[1] = out.byteOffset;
    j[2] = indices.byteOffset;
    j[3] = g.n * g.c;
    j[4] = g.h;
    j[5] = g.w;
    j[6] = g.outH;
    j[7] = g.outW;
    this.pool.run(TASK.max_pool2x2_forward, g.n * g.c * g.h * g.w >= PARALLEL_ELEMENTS);
  }

  /**
   * Writes a task's job slots (addresses and sizes, in the order its AssemblyScript export reads
   * them) and runs it, on every thread when it touches enough elements to be worth splitting.
   */
  private dispatch(task: number, slots: readonly number[], elements: number): void {
    const j = this.jobI32;
    for (let i = 0; i < slots.length; i++) j[i] = slots[i]!;
    this.pool.run(task, elements >= PARALLEL_ELEMENTS);
  }

  maxPool2dBackward(dy: Float32Array, indices: Int32Array, dx: Float32Array, g: Pool2dGeometry): void {
    if (!this.ours(dy, indices, dx)) {
      referencePool.maxPool2dBackward(dy, indices, dx, g);
      return;
    }
    this.dispatch(TASK.max_pool_backward, [dy.byteOffset, indices.byteOffset, dx.byteOffset, g.n * g.c, g.h * g.w, g.outH * g.outW], g.n * g.c * g.h * g.w);
  }

  avgPool2dForward(x: Float32Array, out: Float32Array, g: Pool2dGeometry, countIncludePad: boolean): void {
    if (!isGlobalPool(g) || !this.ours(x, out)) {
      referencePool.avgPool2dForward(x, out, g, countIncludePad);
      return;
    }
    this.dispatch(TASK.global_avg_pool_forward, [x.byteOffset, out.byteOffset, g.n * g.c, g.h * g.w], g.n * g.c * g.h * g.w);
  }

  avgPool2dBackward(dy: Float32Array, dx: Float32Array, g: Pool2dGeometry, countIncludePad: boolean): void {
    if (!isGlobalPool(g) || !this.ours(dy, dx)) {
      referencePool.avgPool2dBackward(dy, dx, g, countIncludePad);
      return;
    }
    this.dispatch(TASK.global_avg_pool_backward, [dy.byteOffset, dx.byteOffset, g.n * g.c, g.h * g.w], g.n * g.c * g.h * g.w);
  }

  // ------------------------------------------------------------------ element-wise

  reluForward(x: Float32Array, out: Float32Array): void {
    if (this.ours(x, out)) this.dispatch(TASK.relu_forward, [x.byteOffset, out.byteOffset, x.length], x.length);
    else referenceElementwise.reluForward(x, out);
  }

  reluBackward(dy: Float32Array, y: Float32Array, dx: Float32Array): void {
    if (this.ours(dy, y, dx)) this.dispatch(TASK.relu_backward, [dy.byteOffset, y.byteOffset, dx.byteOffset, dy.length], dy.length);
    else referenceElementwise.reluBackward(dy, y, dx);
  }

  multiply(a: Float32Array, b: Float32Array, out: Float32Array): void {
    if (this.ours(a, b, out)) this.dispatch(TASK.multiply, [a.byteOffset, b.byteOffset, out.byteOffset, a.length], a.length);
    else referenceElementwise.multiply(a, b, out);
  }

  dropoutForward(x: Float32Array, out: Float32Array, mask: Float32Array, p: number, seed: number, channelSize: number): void {
    const len = x.length;
    const usable = p >= 0 && p < 1 && channelSize >= 1 && Number.isInteger(channelSize) && (channelSize === 1 || len % channelSize === 0);
    if (!usable || !this.ours(x, out, mask)) {
      referenceElementwise.dropoutForward(x, out, mask, p, seed, channelSize);
      return;
    }
    const scale = 1 / (1 - p);
    const j = this.jobI32;
    j[0] = x.byteOffset;
    j[1] = out.byteOffset;
    j[2] = mask.byteOffset;
    j[3] = len;
    // dropoutUniform(seed, i) >= p  ⇔  (h >>> 8) / 2^24 >= p  ⇔  (h >>> 8) >= ceil(p · 2^24): exact, no rounding.
    j[4] = Math.ceil(p * 16777216);
    j[5] = seed | 0;
    j[6] = channelSize;
    this.jobF32[7] = scale;
    this.jobF64[4] = scale;
    j[10] = 0x9e3779b1 | 0;
    j[11] = 0x85ebca6b | 0;
    j[12] = 0xc2b2ae35 | 0;
    j[13] = Math.fround(scale) === scale ? 1 : 0;
    this.pool.run(TASK.dropout_forward, len >= PARALLEL_ELEMENTS);
  }

  // ------------------------------------------------------------------ plumbing

  /**
   * Runs `fn` on a copy of a read-only operand from outside the arena, in a temporary block, so
   * that the SIMD kernels (and their summation order) apply to it as to any other tensor.
   */
  private withInputInArena(view: Float32Array, fn: (staged: Float32Array) => void): void {
    const staged = this.arena.allocFloat32(view.length, false);
    try {
      staged.set(view);
      fn(staged);
    } finally {
      this.arena.release(staged);
    }
  }

  private ours(...views: ArrayBufferView[]): boolean {
    for (const v of views) if (!this.arena.owns(v)) return false;
    return true;
  }

  private oursOrNull(...views: (ArrayBufferView | null)[]): boolean {
    for (const v of views) if (v !== null && !this.arena.owns(v)) return false;
    return true;
  }

  private convJob(a: Float32Array, b: Float32Array, bias: Float32Array | null, out: Float32Array | null, g: Conv2dGeometry): void {
    const j = this.jobI32;
    j[0] = a.byteOffset;
    j[1] = b.byteOffset;
    j[2] = bias?.byteOffset ?? 0;
    j[3] = out?.byteOffset ?? 0;
    j[4] = g.n;
    j[5] = g.cIn;
    j[6] = g.h;
    j[7] = g.w;
    j[8] = g.cOut;
    j[9] = g.kH;
    j[10] = g.kW;
    j[11] = g.strideH;
    j[12] = g.strideW;
    j[13] = g.padH;
    j[14] = g.padW;
    j[15] = g.dilationH;
    j[16] = g.dilationW;
    j[17] = g.groups;
    j[18] = g.outH;
    j[19] = g.outW;
  }

  /** Makes sure every thread has `perThread` scratch bytes and writes (base, stride) to the job at `slot`. */
  private setScratch(slot: number, perThread: number): void {
    const stride = Math.ceil(perThread / 64) * 64;
    const total = stride * this.threads;
    if (total > this.scratchBytes) {
      if (this.scratchBytes > 0) this.arena.freeBlock(this.scratchOffset);
      this.scratchOffset = this.arena.allocBytes(total);
      this.scratchBytes = total;
    }
    this.jobI32[slot] = this.scratchOffset;
    this.jobI32[slot + 1] = stride;
  }

  private partials(bytes: number): number {
    if (bytes > this.partialsBytes) {
      if (this.partialsBytes > 0) this.arena.freeBlock(this.partialsOffset);
      this.partialsOffset = this.arena.allocBytes(bytes);
      this.partialsBytes = bytes;
    }
    return this.partialsOffset;
  }
}

function convMacs(g: Conv2dGeometry): number {
  return g.n * g.cOut * g.outH * g.outW * (g.cIn / g.groups) * g.kH * g.kW;
}

function isGlobalPool(g: Pool2dGeometry): boolean {
  return g.kH === g.h && g.kW === g.w && g.padH === 0 && g.padW === 0 && g.outH === 1 && g.outW === 1;
}
