/**
 * Every kernel task and its job: the named argument slots it reads from the job block, in order.
 * This is the one place the host and the AssemblyScript kernels agree on where an argument sits:
 * the host fills slots by name through job.ts, and scripts/build-wasm.js writes the same numbers
 * into build/job-layout.ts as one namespace of constants per task (`Conv2dForwardJob.padH`), by
 * which the kernels in assembly/ read their arguments.
 *
 * Why the build generates the AssemblyScript side instead of both compiling one file: the two
 * languages share too little syntax to declare a layout with argument kinds (AssemblyScript has no
 * `as const` objects), and numbers derived by one rule from one list cannot drift apart the way two
 * hand-written copies did. The rule (jobSlots): slots follow the declaration order; an f64 takes two
 * slots from an even one, so it is 8-byte aligned.
 *
 * This file imports nothing, so that build-wasm.js can load it on its own before tsc has run.
 */

/**
 * ptr: a byte offset into the shared memory (a typed array view, a raw offset, or null for 0);
 * bool: 1 or 0; i32, f32: one 32-bit slot; f64: two slots.
 */
export type SlotKind = 'ptr' | 'i32' | 'bool' | 'f32' | 'f64';

export type JobLayout = { readonly [name: string]: SlotKind };

/** Base of `threads` equal scratch slices and the stride between them, in bytes (share s uses slice s). */
const PER_THREAD_SCRATCH = { scratch: 'ptr', scratchStride: 'i32' } as const;

/**
 * The three conv tasks share one layout, so that one geometry loader serves all of them. The four
 * operands by task: forward (x, weight, bias, out), backward-input (dy, weight, null, dx),
 * backward-weight (x, dy, null, partials: `chunks` weight-sized partial sums).
 */
const CONV2D = {
  a: 'ptr', b: 'ptr', bias: 'ptr', out: 'ptr',
  n: 'i32', cIn: 'i32', h: 'i32', w: 'i32', cOut: 'i32', kH: 'i32', kW: 'i32', strideH: 'i32', strideW: 'i32',
  padH: 'i32', padW: 'i32', dilationH: 'i32', dilationW: 'i32', groups: 'i32', outH: 'i32', outW: 'i32',
  ...PER_THREAD_SCRATCH,
} as const;

/** `planes` planes (n·c) of `planeSize` values each. */
const PLANES = { planes: 'i32', planeSize: 'i32' } as const;

/** A batch norm input of n samples, c channels and `spatial` values per plane. */
const BATCH_NORM_SHAPE = { n: 'i32', c: 'i32', spatial: 'i32' } as const;

/** Training batch norm: normalizes with the batch statistics it also writes out (mean, variance, invStd per channel). */
const BATCH_NORM_TRAIN_FORWARD = {
  x: 'ptr', gamma: 'ptr', beta: 'ptr', out: 'ptr', mean: 'ptr', variance: 'ptr', invStd: 'ptr', ...BATCH_NORM_SHAPE, eps: 'f64',
} as const;

/**
 * The multipliers of random-hash.ts's counter hash: they travel in the job rather than as literals
 * in the kernels (assembly/dropout.ts says why).
 */
const HASH_MULTIPLIERS = { weylStep: 'i32', fmixMul1: 'i32', fmixMul2: 'i32' } as const;

/**
 * Inverted dropout on the counter hash: element i is kept when hash(seed, i) >= threshold (0 keeps
 * all); kept values are multiplied by `scale` in f64, or in f32 when `exactF32` says that is the same.
 */
const DROPOUT = { threshold: 'i32', seed: 'i32', exactF32: 'bool', scale: 'f64', ...HASH_MULTIPLIERS } as const;

export const JOB_LAYOUTS = {
  conv2d_forward: CONV2D,
  conv2d_backward_input: CONV2D,
  conv2d_backward_weight: { ...CONV2D, chunks: 'i32' },
  /** dst = the sum of the `count` length-float blocks at src, in block order. */
  reduce_partials: { dst: 'ptr', src: 'ptr', count: 'i32', length: 'i32' },
  matmul: { a: 'ptr', b: 'ptr', out: 'ptr', m: 'i32', k: 'i32', n: 'i32', transA: 'bool', transB: 'bool', ...PER_THREAD_SCRATCH },
  batch_norm_train_forward: BATCH_NORM_TRAIN_FORWARD,
  batch_norm_eval_forward: {
    x: 'ptr', gamma: 'ptr', beta: 'ptr', runningMean: 'ptr', runningVar: 'ptr', out: 'ptr', ...BATCH_NORM_SHAPE, eps: 'f64',
  },
  batch_norm_backward: {
    dy: 'ptr', x: 'ptr', gamma: 'ptr', mean: 'ptr', invStd: 'ptr', dx: 'ptr', dGamma: 'ptr', dBeta: 'ptr', ...BATCH_NORM_SHAPE,
  },
  batch_norm_relu_dropout_forward: { ...BATCH_NORM_TRAIN_FORWARD, ...DROPOUT },
  /** maskValue: the kept elements' dropout mask value, 1/(1-p) as an f32. */
  batch_norm_relu_dropout_backward: {
    dy: 'ptr', x: 'ptr', out: 'ptr', gamma: 'ptr', mean: 'ptr', invStd: 'ptr', dx: 'ptr', dGamma: 'ptr', dBeta: 'ptr',
    ...BATCH_NORM_SHAPE, maskValue: 'f32',
  },
  /** planes: n·c; max_pool2x2_forward is the 2×2, stride 2, unpadded window only. */
  max_pool2x2_forward: { x: 'ptr', out: 'ptr', indices: 'ptr', planes: 'i32', h: 'i32', w: 'i32', outH: 'i32', outW: 'i32' },
  max_pool_backward: { dy: 'ptr', indices: 'ptr', dx: 'ptr', planes: 'i32', inPlaneSize: 'i32', outPlaneSize: 'i32' },
  global_avg_pool_forward: { x: 'ptr', out: 'ptr', ...PLANES },
  global_avg_pool_backward: { dy: 'ptr', dx: 'ptr', ...PLANES },
  relu_forward: { x: 'ptr', out: 'ptr', length: 'i32' },
  relu_backward: { dy: 'ptr', y: 'ptr', dx: 'ptr', length: 'i32' },
  /** channelSize > 1: one draw per plane of that many elements (Dropout2d); maskValue: the mask's kept value, scale as an f32. */
  dropout_forward: { x: 'ptr', out: 'ptr', mask: 'ptr', length: 'i32', channelSize: 'i32', maskValue: 'f32', ...DROPOUT },
  /** out[i] = dropoutUniform(seed, i) as an f32 (exact: 24 bits), for the test that the kernels' hash is random-hash.ts's. */
  dropout_uniform: { out: 'ptr', length: 'i32', seed: 'i32', ...HASH_MULTIPLIERS },
  multiply: { a: 'ptr', b: 'ptr', out: 'ptr', length: 'i32' },
  /**
   * Winograd F(2×2, 3×3) versions of the three conv tasks (assembly/winograd.ts): groups 1, 3×3,
   * stride 1, dilation 1, padH = padW <= 2; same operands as the conv2d tasks.
   */
  conv2d_winograd_forward: CONV2D,
  conv2d_winograd_backward_input: CONV2D,
  conv2d_winograd_backward_weight: { ...CONV2D, chunks: 'i32' },
  /** Depthwise 3×3 (groups = cIn = cOut), stride 1, dilation 1, padH = padW <= 2 (assembly/depthwise.ts); the conv2d operands. */
  depthwise3x3_forward: CONV2D,
  depthwise3x3_backward_input: CONV2D,
} as const satisfies { readonly [task: string]: JobLayout };

export type TaskName = keyof typeof JOB_LAYOUTS;

/** The parts several layouts share, for host code that fills them in any of those jobs. */
export type PerThreadScratchLayout = typeof PER_THREAD_SCRATCH;
export type Conv2dLayout = typeof CONV2D;
export type PlanesLayout = typeof PLANES;
export type BatchNormShapeLayout = typeof BATCH_NORM_SHAPE;
export type BatchNormTrainForwardLayout = typeof BATCH_NORM_TRAIN_FORWARD;
export type DropoutLayout = typeof DROPOUT;

/** The slot of each argument of `layout`: in declaration order, an f64 at the next even slot. */
export function jobSlots<L extends JobLayout>(layout: L): { readonly [N in keyof L]: number } {
  const slots: { [name: string]: number } = {};
  let next = 0;
  for (const [name, kind] of Object.entries(layout)) {
    if (kind === 'f64') next += next & 1;
    slots[name] = next;
    next += kind === 'f64' ? 2 : 1;
  }
  return slots as { readonly [N in keyof L]: number };
}
