/**
 * What the host and the compiled kernels (assembly/, build/kernels.wasm) agree on: the task names
 * (with their job layouts, in job-layout.ts), their export signatures, and the fixed layout of the
 * bottom page of the shared memory.
 * Platform-neutral: the Node loader and a future browser loader both use it.
 */
import { JOB_LAYOUTS, type TaskName } from './job-layout.js';

/** Every task export: (job pointer, thread index, thread count). */
export type TaskFunction = (job: number, tid: number, nt: number) => void;
/** Every "_scratch" export: per-thread scratch bytes for the job at `job`. */
export type ScratchFunction = (job: number) => number;

/** Every task, in the order of their ids; job-layout.ts declares them with their arguments. */
export const TASK_NAMES = Object.keys(JOB_LAYOUTS) as readonly TaskName[];

export const TASK: { readonly [K in TaskName]: number } = Object.fromEntries(TASK_NAMES.map((name, i) => [name, i])) as {
  readonly [K in TaskName]: number;
};

export interface KernelExports {
  conv2d_forward_scratch: ScratchFunction;
  conv2d_backward_input_scratch: ScratchFunction;
  conv2d_backward_weight_scratch: ScratchFunction;
  matmul_scratch: ScratchFunction;
  conv2d_winograd_forward_scratch: ScratchFunction;
  conv2d_winograd_backward_input_scratch: ScratchFunction;
  conv2d_winograd_backward_weight_scratch: ScratchFunction;
  depthwise3x3_forward_scratch: ScratchFunction;
  depthwise3x3_backward_input_scratch: ScratchFunction;
}

/** The task functions of an instance, indexed by task id. */
export function taskTable(exports: WebAssembly.Exports): TaskFunction[] {
  return TASK_NAMES.map((name) => {
    const fn = exports[name];
    if (typeof fn !== 'function') throw new Error(`kernels.wasm does not export ${name}; rebuild it with npm run build:wasm`);
    return fn as TaskFunction;
  });
}

// Shared-memory layout. The first 64 KiB page belongs to the host: the module has no data segments.
/** Int32 slots the threads synchronise on (see thread-pool.ts). */
export const CONTROL_BYTE_OFFSET = 4096;
export const CONTROL_SLOTS = 16;
/** The job block: 32-bit argument slots a task reads (8-byte aligned for f64 arguments). */
export const JOB_BYTE_OFFSET = 4352;
export const JOB_SLOTS = 64;
/** First byte the allocator hands out. */
export const HEAP_BYTE_OFFSET = 65536;

export const WASM_PAGE_BYTES = 65536;

