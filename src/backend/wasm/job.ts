/**
 * The host's side of a task's job: fills the job block by argument name, at the slots job-layout.ts
 * gives them, and runs the task. Made once per task and backend, so a dispatch allocates nothing.
 */
import { JOB_LAYOUTS, jobSlots, type JobLayout, type SlotKind, type TaskName } from './job-layout.js';
import { JOB_BYTE_OFFSET, JOB_SLOTS, TASK, TASK_NAMES } from './kernel-module.js';
import type { ThreadPool } from './thread-pool.js';

/** What an argument of each kind is given as: a ptr by its view (its byteOffset), a raw byte offset, or null (0). */
export type SlotValue<K extends SlotKind> = K extends 'ptr' ? ArrayBufferView | number | null : K extends 'bool' ? boolean : number;

const KINDS: readonly SlotKind[] = ['ptr', 'bool', 'i32', 'f32', 'f64'];
const PTR = KINDS.indexOf('ptr'), BOOL = KINDS.indexOf('bool'), I32 = KINDS.indexOf('i32'), F32 = KINDS.indexOf('f32');

export class Job<L extends JobLayout> {
  private readonly i32: Int32Array;
  private readonly f32: Float32Array;
  private readonly f64: Float64Array;
  /**
   * Per argument, packed so that a set() looks up one property: its slot (bits 0-5), its kind
   * (bits 6-8, an index into KINDS) and its index (bits 9-13). Bit `index` of isSet records it as
   * set: a task runs only once every argument has been set since its last run.
   */
  private readonly codes: { readonly [N in keyof L]: number };
  private readonly allSet: number;
  private isSet = 0;

  constructor(
    readonly name: string,
    private readonly task: number,
    private readonly layout: L,
    buffer: ArrayBufferLike,
    private readonly pool: ThreadPool,
  ) {
    this.i32 = new Int32Array(buffer, JOB_BYTE_OFFSET, JOB_SLOTS);
    this.f32 = new Float32Array(buffer, JOB_BYTE_OFFSET, JOB_SLOTS);
    this.f64 = new Float64Array(buffer, JOB_BYTE_OFFSET, JOB_SLOTS / 2);
    const slots = jobSlots(layout);
    const names = Object.keys(layout);
    if (names.length > 31) throw new Error(`wasm backend: the job of ${name} has more than 31 arguments`);
    if (names.some((n) => slots[n]! + (layout[n] === 'f64' ? 2 : 1) > JOB_SLOTS)) {
      throw new Error(`wasm backend: the job of ${name} does not fit in ${JOB_SLOTS} slots`);
    }
    this.codes = Object.fromEntries(names.map((n, i) => [n, slots[n]! | (KINDS.indexOf(layout[n]!) << 6) | (i << 9)])) as {
      readonly [N in keyof L]: number;
    };
    this.allSet = (1 << names.length) - 1;
  }

  set<N extends keyof L & string>(name: N, value: SlotValue<L[N]>): this {
    const code = this.codes[name];
    const slot = code & 63;
    switch ((code >> 6) & 7) {
      case PTR:
        this.i32[slot] = value === null ? 0 : typeof value === 'number' ? value : (value as ArrayBufferView).byteOffset;
        break;
      case BOOL:
        this.i32[slot] = value ? 1 : 0;
        break;
      case I32:
        this.i32[slot] = value as number;
        break;
      case F32:
        this.f32[slot] = value as number;
        break;
      default:
        this.f64[slot >> 1] = value as number;
    }
    this.isSet |= 1 << (code >>> 9);
    return this;
  }

  /** Runs the task on every thread when `parallel`, else on the caller alone. */
  run(parallel: boolean): void {
    if (this.isSet !== this.allSet) throw new Error(`wasm backend: ${this.name} dispatched without ${this.unset().join(', ')}`);
    this.isSet = 0;
    this.pool.run(this.task, parallel);
  }

  private unset(): string[] {
    return Object.keys(this.layout).filter((n) => (this.isSet & (1 << (this.codes[n]! >>> 9))) === 0);
  }
}

export type Jobs = { readonly [T in TaskName]: Job<(typeof JOB_LAYOUTS)[T]> };

/** A Job for every task, over the job block of `buffer` (the shared memory). */
export function createJobs(buffer: ArrayBufferLike, pool: ThreadPool): Jobs {
  return Object.fromEntries(TASK_NAMES.map((name) => [name, new Job(name, TASK[name], JOB_LAYOUTS[name], buffer, pool)])) as Jobs;
}
