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
  CONTROL_BYTE_OFFSET, CONTROL_SLOTS, HEAP_BYTE_OFFSET, JOB_BYTE_OFFSET, WASM_PAGE_BYTES, taskTable, type KernelExports, type ScratchFunction,
} from './kernel-module.js';
import { createJobs, type Job, type Jobs } from './job.js';
import type {
  BatchNormShapeLayout, BatchNormTrainForwardLayout, Conv2dLayout, DropoutLayout, PerThreadScratchLayout, PlanesLayout,
} from './job-layout.js';
import { FMIX_MUL1, FMIX_MUL2, WEYL_STEP, dropoutThreshold } from '../random-hash.js';
import { SharedArena, type ArenaStats } from './shared-arena.js';
import { ThreadPool } from './thread-pool.js';

export interface WasmBackendOptions {
  /** Threads the kernels run on, the calling thread included (default: os.availableParallelism()). */
  readonly threads?: number;
  /** Where kernels.wasm is (default: build/kernels.wasm in the package). */
  readonly wasmLocation?: string | URL;
  /** How long an idle worker spins before it blocks, in ms (default 2). */
  readonly spinMs?: number;
  /** Upper bound of the shared memory in MiB (default 2048; an unshared memory is allocated at this size, default 1024). */
  readonly maxMemoryMiB?: number;
  /**
   * How dense 3×3 stride-1 convolutions run (default 'winograd', where winogradFits says it pays):
   * F(2×2, 3×3) (assembly/winograd.ts) does 2.25× fewer multiply-adds than the GEMM path and ends
   * with other bits, within the same error as GEMM on real activations (test/backend/wasm-winograd).
   * 'gemm' is the path experiments were recorded with before 2026-12-02 (notes/NOTES.md): it
   * reproduces those results to the bit. Other shapes always take the GEMM path.
   */
  readonly convAlgorithm?: ConvAlgorithm;
  /**
   * Runs depthwise 3×3 convs on the GEMM path instead of assembly/depthwise.ts (same bits, slower):
   * for the tests that prove the two agree bit for bit, and for A/B benchmarks.
   */
  readonly depthwiseViaGemm?: boolean;
}

export type ConvAlgorithm = 'gemm' | 'winograd';

export interface WasmBackend extends Backend {
  /** Stops the worker threads; the backend keeps working on the calling thread alone. */
  dispose(): void;
  memoryStats(): ArenaStats;
}

/** Size of an unshared memory (see createWasmBackendOn): enough to train the zoo's models on a subset in a browser tab. */
const UNSHARED_MEMORY_MIB = 1024;
/** Batch chunks of the conv weight gradient: fixed, so the sum order never depends on the thread count. */
const WEIGHT_GRAD_CHUNKS = 16;
/** Below these sizes a dispatch costs more than it saves. */
const PARALLEL_MACS = 100_000;
const PARALLEL_ELEMENTS = 16_384;

export async function createWasmBackendOn(host: WasmHost, options: WasmBackendOptions = {}): Promise<WasmBackend> {
  // Threads share one memory; without a shared one there is only the calling thread.
  const threads = host.sharedMemory ? Math.max(1, Math.floor(options.threads ?? host.defaultThreads())) : 1;
  const spinMs = options.spinMs ?? 2;
  const maxPages = Math.min(65536, Math.floor(((options.maxMemoryMiB ?? (host.sharedMemory ? 2048 : UNSHARED_MEMORY_MIB)) * 1024 * 1024) / WASM_PAGE_BYTES));
  const module = await host.loadModule(options.wasmLocation);
  // Growing an unshared memory detaches its buffer, and with it every view the arena handed out; so an
  // unshared memory starts at its full size and never grows (untouched pages cost no physical memory).
  const memory = new WebAssembly.Memory({ initial: host.sharedMemory ? 256 : maxPages, maximum: maxPages, shared: host.sharedMemory });
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
  const convAlgorithm = options.convAlgorithm ?? 'winograd';
  if (convAlgorithm !== 'gemm' && convAlgorithm !== 'winograd') throw new Error(`wasm backend: unknown convAlgorithm ${String(convAlgorithm)}`);
  return new WasmKernels(instance.exports as unknown as KernelExports, arena, pool, threads, workers, convAlgorithm === 'winograd', !options.depthwiseViaGemm);
}

class WasmKernels implements WasmBackend {
  readonly name = 'wasm';
  private readonly jobs: Jobs;
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
    private readonly winograd: boolean,
    /** False with WasmBackendOptions.depthwiseViaGemm. */
    private readonly depthwise: boolean,
  ) {
    this.jobs = createJobs(arena.buffer, pool);
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
    const { jobs, kernels } = this;
    if (this.depthwise && depthwiseFits(g)) this.runConv(jobs.depthwise3x3_forward, kernels.depthwise3x3_forward_scratch, x, weight, bias, out, g);
    else if (this.winograd && winogradFits(g)) this.runConv(jobs.conv2d_winograd_forward, kernels.conv2d_winograd_forward_scratch, x, weight, bias, out, g);
    else this.runConv(jobs.conv2d_forward, kernels.conv2d_forward_scratch, x, weight, bias, out, g);
  }

  conv2dBackwardInput(dy: Float32Array, weight: Float32Array, dx: Float32Array, g: Conv2dGeometry): void {
    if (!this.ours(dy, weight, dx)) {
      reference.conv2dBackwardInput(dy, weight, dx, g);
      return;
    }
    const { jobs, kernels } = this;
    if (this.depthwise && depthwiseFits(g)) this.runConv(jobs.depthwise3x3_backward_input, kernels.depthwise3x3_backward_input_scratch, dy, weight, null, dx, g);
    else if (this.winograd && winogradFits(g)) this.runConv(jobs.conv2d_winograd_backward_input, kernels.conv2d_winograd_backward_input_scratch, dy, weight, null, dx, g);
    else this.runConv(jobs.conv2d_backward_input, kernels.conv2d_backward_input_scratch, dy, weight, null, dx, g);
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
    // Winograd's weight gradient only pays on planes at least 7 wide (16→16 at 8×8 measured 1.00-1.08× GEMM's time).
    const { jobs, kernels } = this;
    if (this.winograd && winogradFits(g) && g.outW >= 7) {
      this.runConv(jobs.conv2d_winograd_backward_weight.set('chunks', chunks), kernels.conv2d_winograd_backward_weight_scratch, x, dy, null, partials, g);
    } else {
      this.runConv(jobs.conv2d_backward_weight.set('chunks', chunks), kernels.conv2d_backward_weight_scratch, x, dy, null, partials, g);
    }
    this.jobs.reduce_partials.set('dst', dWeight).set('src', partials).set('count', chunks).set('length', weightSize).run(false);
  }

  // ------------------------------------------------------------------ matmul

  matmul(a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean): void {
    if (!this.ours(a, b, out) || m === 0 || n === 0) {
      referenceMatmul(a, b, out, m, k, n, transA, transB);
      return;
    }
    const job = this.jobs.matmul.set('a', a).set('b', b).set('out', out).set('m', m).set('k', k).set('n', n);
    job.set('transA', transA).set('transB', transB);
    this.setScratch(job, this.kernels.matmul_scratch(JOB_BYTE_OFFSET));
    job.run(m >= 2 && m * k * n >= PARALLEL_MACS);
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
    this.batchNormTrainJob(this.jobs.batch_norm_train_forward, x, gamma, beta, out, mean, variance, invStd, s, eps)
      .run(s.c > 1 && batchNormSize(s) >= PARALLEL_ELEMENTS);
  }

  batchNormEvalForward(
    x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null,
    runningMean: Float32Array, runningVar: Float32Array, out: Float32Array, s: BatchNormShape, eps: number,
  ): void {
    if (!this.ours(x, runningMean, runningVar, out) || !this.oursOrNull(gamma, beta)) {
      referenceBatchNorm.batchNormEvalForward(x, gamma, beta, runningMean, runningVar, out, s, eps);
      return;
    }
    const job = this.jobs.batch_norm_eval_forward.set('x', x).set('gamma', gamma).set('beta', beta);
    job.set('runningMean', runningMean).set('runningVar', runningVar).set('out', out).set('eps', eps);
    setBatchNormShape(job, s).run(s.n > 1 && batchNormSize(s) >= PARALLEL_ELEMENTS);
  }

  batchNormBackward(
    dy: Float32Array, x: Float32Array, gamma: Float32Array | null, mean: Float32Array, invStd: Float32Array,
    dx: Float32Array, dGamma: Float32Array | null, dBeta: Float32Array | null, s: BatchNormShape,
  ): void {
    if (!this.ours(dy, x, mean, invStd, dx) || !this.oursOrNull(gamma, dGamma, dBeta)) {
      referenceBatchNorm.batchNormBackward(dy, x, gamma, mean, invStd, dx, dGamma, dBeta, s);
      return;
    }
    const job = this.jobs.batch_norm_backward.set('dy', dy).set('x', x).set('gamma', gamma).set('mean', mean).set('invStd', invStd);
    job.set('dx', dx).set('dGamma', dGamma).set('dBeta', dBeta);
    setBatchNormShape(job, s).run(s.c > 1 && batchNormSize(s) >= PARALLEL_ELEMENTS);
  }

  batchNormReluDropoutForward(
    x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, out: Float32Array,
    mean: Float32Array, variance: Float32Array, invStd: Float32Array, s: BatchNormShape, eps: number, p: number, seed: number,
  ): void {
    if (!(p >= 0 && p < 1) || !this.ours(x, out, mean, variance, invStd) || !this.oursOrNull(gamma, beta)) {
      referenceBatchNorm.batchNormReluDropoutForward(x, gamma, beta, out, mean, variance, invStd, s, eps, p, seed);
      return;
    }
    const job = this.batchNormTrainJob(this.jobs.batch_norm_relu_dropout_forward, x, gamma, beta, out, mean, variance, invStd, s, eps);
    setDropout(job, p, seed).run(s.c > 1 && batchNormSize(s) >= PARALLEL_ELEMENTS);
  }

  batchNormReluDropoutBackward(
    dy: Float32Array, x: Float32Array, out: Float32Array, gamma: Float32Array | null, mean: Float32Array, invStd: Float32Array,
    dx: Float32Array, dGamma: Float32Array | null, dBeta: Float32Array | null, s: BatchNormShape, p: number,
  ): void {
    if (!this.ours(dy, x, out, mean, invStd, dx) || !this.oursOrNull(gamma, dGamma, dBeta)) {
      referenceBatchNorm.batchNormReluDropoutBackward(dy, x, out, gamma, mean, invStd, dx, dGamma, dBeta, s, p);
      return;
    }
    const job = this.jobs.batch_norm_relu_dropout_backward.set('dy', dy).set('x', x).set('out', out).set('gamma', gamma);
    job.set('mean', mean).set('invStd', invStd).set('dx', dx).set('dGamma', dGamma).set('dBeta', dBeta);
    setBatchNormShape(job, s).set('maskValue', Math.fround(1 / (1 - p))).run(s.c > 1 && batchNormSize(s) >= PARALLEL_ELEMENTS);
  }

  // ------------------------------------------------------------------ pooling

  maxPool2dForward(x: Float32Array, out: Float32Array, indices: Int32Array, g: Pool2dGeometry): void {
    const fast = g.kH === 2 && g.kW === 2 && g.strideH === 2 && g.strideW === 2 && g.padH === 0 && g.padW === 0;
    if (!fast || !this.ours(x, out, indices)) {
      referencePool.maxPool2dForward(x, out, indices, g);
      return;
    }
    const job = this.jobs.max_pool2x2_forward.set('x', x).set('out', out).set('indices', indices).set('planes', g.n * g.c);
    job.set('h', g.h).set('w', g.w).set('outH', g.outH).set('outW', g.outW).run(poolSize(g) >= PARALLEL_ELEMENTS);
  }

  maxPool2dBackward(dy: Float32Array, indices: Int32Array, dx: Float32Array, g: Pool2dGeometry): void {
    if (!this.ours(dy, indices, dx)) {
      referencePool.maxPool2dBackward(dy, indices, dx, g);
      return;
    }
    const job = this.jobs.max_pool_backward.set('dy', dy).set('indices', indices).set('dx', dx).set('planes', g.n * g.c);
    job.set('inPlaneSize', g.h * g.w).set('outPlaneSize', g.outH * g.outW).run(poolSize(g) >= PARALLEL_ELEMENTS);
  }

  avgPool2dForward(x: Float32Array, out: Float32Array, g: Pool2dGeometry, countIncludePad: boolean): void {
    if (!isGlobalPool(g) || !this.ours(x, out)) referencePool.avgPool2dForward(x, out, g, countIncludePad);
    else setPlanes(this.jobs.global_avg_pool_forward.set('x', x).set('out', out), g).run(poolSize(g) >= PARALLEL_ELEMENTS);
  }

  avgPool2dBackward(dy: Float32Array, dx: Float32Array, g: Pool2dGeometry, countIncludePad: boolean): void {
    if (!isGlobalPool(g) || !this.ours(dy, dx)) referencePool.avgPool2dBackward(dy, dx, g, countIncludePad);
    else setPlanes(this.jobs.global_avg_pool_backward.set('dy', dy).set('dx', dx), g).run(poolSize(g) >= PARALLEL_ELEMENTS);
  }

  // ------------------------------------------------------------------ element-wise

  reluForward(x: Float32Array, out: Float32Array): void {
    if (!this.ours(x, out)) referenceElementwise.reluForward(x, out);
    else this.jobs.relu_forward.set('x', x).set('out', out).set('length', x.length).run(x.length >= PARALLEL_ELEMENTS);
  }

  reluBackward(dy: Float32Array, y: Float32Array, dx: Float32Array): void {
    if (!this.ours(dy, y, dx)) referenceElementwise.reluBackward(dy, y, dx);
    else this.jobs.relu_backward.set('dy', dy).set('y', y).set('dx', dx).set('length', dy.length).run(dy.length >= PARALLEL_ELEMENTS);
  }

  multiply(a: Float32Array, b: Float32Array, out: Float32Array): void {
    if (!this.ours(a, b, out)) referenceElementwise.multiply(a, b, out);
    else this.jobs.multiply.set('a', a).set('b', b).set('out', out).set('length', a.length).run(a.length >= PARALLEL_ELEMENTS);
  }

  dropoutForward(x: Float32Array, out: Float32Array, mask: Float32Array, p: number, seed: number, channelSize: number): void {
    const len = x.length;
    const usable = p >= 0 && p < 1 && channelSize >= 1 && Number.isInteger(channelSize) && (channelSize === 1 || len % channelSize === 0);
    if (!usable || !this.ours(x, out, mask)) {
      referenceElementwise.dropoutForward(x, out, mask, p, seed, channelSize);
      return;
    }
    const job = this.jobs.dropout_forward.set('x', x).set('out', out).set('mask', mask).set('length', len);
    job.set('channelSize', channelSize).set('maskValue', 1 / (1 - p));
    setDropout(job, p, seed).run(len >= PARALLEL_ELEMENTS);
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

  private batchNormTrainJob<J extends Job<BatchNormTrainForwardLayout>>(
    job: J, x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, out: Float32Array,
    mean: Float32Array, variance: Float32Array, invStd: Float32Array, s: BatchNormShape, eps: number,
  ): J {
    job.set('x', x).set('gamma', gamma).set('beta', beta).set('out', out).set('mean', mean).set('variance', variance).set('invStd', invStd);
    return setBatchNormShape(job, s).set('eps', eps);
  }

  /** Fills a conv job, sizes the scratch its kernel asks for (the _scratch export reads the filled job) and runs it. */
  private runConv<J extends Job<Conv2dLayout> & Job<PerThreadScratchLayout>>(
    job: J, scratch: ScratchFunction, a: Float32Array, b: Float32Array, bias: Float32Array | null, out: Float32Array | number, g: Conv2dGeometry,
  ): void {
    this.convJob(job, a, b, bias, out, g);
    this.setScratch(job, scratch(JOB_BYTE_OFFSET));
    job.run(convMacs(g) >= PARALLEL_MACS);
  }

  private convJob<J extends Job<Conv2dLayout>>(
    job: J, a: Float32Array, b: Float32Array, bias: Float32Array | null, out: Float32Array | number, g: Conv2dGeometry,
  ): J {
    job.set('a', a).set('b', b).set('bias', bias).set('out', out).set('n', g.n).set('cIn', g.cIn).set('h', g.h).set('w', g.w);
    job.set('cOut', g.cOut).set('kH', g.kH).set('kW', g.kW).set('strideH', g.strideH).set('strideW', g.strideW);
    job.set('padH', g.padH).set('padW', g.padW).set('dilationH', g.dilationH).set('dilationW', g.dilationW);
    return job.set('groups', g.groups).set('outH', g.outH).set('outW', g.outW);
  }

  /** Makes sure every thread has `perThread` scratch bytes and gives the job their base and stride. */
  private setScratch(job: Job<PerThreadScratchLayout>, perThread: number): void {
    const stride = Math.ceil(perThread / 64) * 64;
    const total = stride * this.threads;
    if (total > this.scratchBytes) {
      if (this.scratchBytes > 0) this.arena.freeBlock(this.scratchOffset);
      this.scratchOffset = this.arena.allocBytes(total);
      this.scratchBytes = total;
    }
    job.set('scratch', this.scratchOffset).set('scratchStride', stride);
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

/**
 * The convolutions that take assembly/winograd.ts when it is on: dense 3×3, stride 1, undilated,
 * the same padding (at most 2) on both axes, and at least 4 channels each way. Measured at 1 thread
 * (bench/ab.ts, batch 64): with 1 input channel (a stem's first conv) each pass's GEMM has K = 1 and
 * Winograd ran 1.3-2.7× slower; at 10-16 channels it took 0.62-0.93× the GEMM path's time. The weight
 * gradient of an output under 7 wide (fewer than 4 tiles a row, padded to 4) was 1.00-1.08× slower,
 * so that pass keeps the GEMM path there.
 */
function winogradFits(g: Conv2dGeometry): boolean {
  return g.groups === 1 && g.kH === 3 && g.kW === 3 && g.strideH === 1 && g.strideW === 1 && g.dilationH === 1 &&
    g.dilationW === 1 && g.padH === g.padW && g.padH <= 2 && g.cIn >= 4 && g.cOut >= 4;
}

/**
 * The convolutions of assembly/depthwise.ts: depthwise 3×3 (one filter per channel), stride 1,
 * undilated, the same padding (at most 2) on both axes. Its forward and backward-input sums are the
 * GEMM path's, bit for bit, so it needs no option (the weight gradient stays on the GEMM path).
 */
function depthwiseFits(g: Conv2dGeometry): boolean {
  return g.groups === g.cIn && g.cOut === g.cIn && g.kH === 3 && g.kW === 3 && g.strideH === 1 && g.strideW === 1 &&
    g.dilationH === 1 && g.dilationW === 1 && g.padH === g.padW && g.padH <= 2;
}

function batchNormSize(s: BatchNormShape): number {
  return s.n * s.c * s.spatial;
}

function poolSize(g: Pool2dGeometry): number {
  return g.n * g.c * g.h * g.w;
}

function setPlanes<J extends Job<PlanesLayout>>(job: J, g: Pool2dGeometry): J {
  return job.set('planes', g.n * g.c).set('planeSize', g.h * g.w);
}

function setBatchNormShape<J extends Job<BatchNormShapeLayout>>(job: J, s: BatchNormShape): J {
  return job.set('n', s.n).set('c', s.c).set('spatial', s.spatial);
}

/** The arguments of a dropout draw: the same keep rule and scaling as the reference dropoutForward, exactly. */
function setDropout<J extends Job<DropoutLayout>>(job: J, p: number, seed: number): J {
  const scale = 1 / (1 - p);
  job.set('threshold', dropoutThreshold(p)).set('seed', seed).set('exactF32', Math.fround(scale) === scale).set('scale', scale);
  return job.set('weylStep', WEYL_STEP).set('fmixMul1', FMIX_MUL1).set('fmixMul2', FMIX_MUL2);
}

function isGlobalPool(g: Pool2dGeometry): boolean {
  return g.kH === g.h && g.kW === g.w && g.padH === 0 && g.padW === 0 && g.outH === 1 && g.outW === 1;
}
