/**
 * Runs one kernel task on every thread at once over the shared memory, platform-neutral (Atomics
 * only; the Node loader supplies the workers).
 *
 * Dispatch: the caller fills the job block and bumps SEQ; then the caller and the workers claim the
 * task's nt shares from one counter (CLAIM) until none is left, and the caller waits until DONE
 * counts all nt shares. Workers spin on SEQ for a while before blocking in Atomics.wait, because a
 * blocking wait costs 45-70 µs to wake from while the gaps between kernels in a training step are a
 * few µs (design doc, "Measured facts").
 *
 * Claiming instead of assigning shares to threads matters on a shared machine: when a worker is
 * descheduled, the caller simply computes its share too instead of waiting milliseconds for it.
 * Results stay bit-identical, because what share s computes (including which scratch slice it uses)
 * depends only on (s, nt), never on which thread runs it.
 * CLAIM holds generation·256 + next share, so a worker that wakes late cannot claim a share of a
 * newer job with the task id of an older one.
 */
import { JOB_BYTE_OFFSET, type TaskFunction } from './kernel-module.js';

/** Int32 slot indices of the control block. */
export const SLOT = {
  /** Job generation: bumped once per dispatch. */
  SEQ: 0,
  /** Workers that finished the current job. */
  DONE: 1,
  /** Workers blocked in Atomics.wait on SEQ (the caller notifies only when some are). */
  SLEEPERS: 2,
  /** 1 while the caller is blocked waiting on DONE. */
  CALLER_WAITING: 3,
  TASK: 4,
  THREADS: 5,
  /** Set by a worker whose task threw (a wasm trap). */
  ERROR: 6,
  EXIT: 7,
  /** generation·256 + index of the next unclaimed share. */
  CLAIM: 8,
} as const;

const GENERATION_MASK = 0x7fffff;

/** Claims the next share of generation `generation`; -1 when none is left (or the job is newer). */
function claimShare(c: Int32Array, generation: number, nt: number): number {
  for (;;) {
    const claim = Atomics.load(c, SLOT.CLAIM);
    const share = claim & 255;
    if (claim >>> 8 !== generation || share >= nt) return -1;
    if (Atomics.compareExchange(c, SLOT.CLAIM, claim, claim + 1) === claim) return share;
  }
}

/** How long the caller spins on DONE before it blocks (loop iterations of one Atomics.load each). */
const CALLER_SPIN = 200_000;

export class ThreadPool {
  private disposed = false;

  constructor(
    private readonly control: Int32Array,
    private readonly tasks: readonly TaskFunction[],
    /** Worker threads besides the caller. */
    private readonly workerCount: number,
    /** False where the calling thread may not block (a browser's main thread): it then only spins. */
    private readonly callerCanBlock: boolean,
  ) {}

  /** Threads a parallel task is split over (the caller included). */
  get threads(): number {
    return this.disposed ? 1 : this.workerCount + 1;
  }

  /** Runs `task` on all threads (or on the caller alone when `parallel` is false). */
  run(task: number, parallel: boolean): void {
    const fn = this.tasks[task]!;
    if (!parallel || this.disposed || this.workerCount === 0) {
      fn(JOB_BYTE_OFFSET, 0, 1);
      return;
    }
    const c = this.control;
    const nt = this.workerCount + 1;
    const generation = (c[SLOT.SEQ]! + 1) & GENERATION_MASK;
    c[SLOT.TASK] = task;
    c[SLOT.THREADS] = nt;
    Atomics.store(c, SLOT.DONE, 0);
    Atomics.store(c, SLOT.CLAIM, generation * 256);
    Atomics.store(c, SLOT.SEQ, generation);
    if (Atomics.load(c, SLOT.SLEEPERS) > 0) Atomics.notify(c, SLOT.SEQ);
    let failure: unknown = null;
    for (let share = claimShare(c, generation, nt); share >= 0; share = claimShare(c, generation, nt)) {
      try {
        fn(JOB_BYTE_OFFSET, share, nt);
      } catch (error) {
        failure = error;
      }
      Atomics.add(c, SLOT.DONE, 1);
    }
    this.waitForShares(nt);
    if (failure !== null) throw failure;
    if (Atomics.load(c, SLOT.ERROR) !== 0) {
      Atomics.store(c, SLOT.ERROR, 0);
      throw new Error(`wasm backend: task ${task} failed in a worker thread`);
    }
  }

  /** Tells the workers to exit; later tasks run on the caller alone. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    Atomics.store(this.control, SLOT.EXIT, 1);
    Atomics.store(this.control, SLOT.SEQ, (this.control[SLOT.SEQ]! + 1) & GENERATION_MASK);
    Atomics.notify(this.control, SLOT.SEQ);
  }

  private waitForShares(target: number): void {
    const c = this.control;
    let spins = 0;
    while (Atomics.load(c, SLOT.DONE) < target) {
      if (++spins < CALLER_SPIN || !this.callerCanBlock) continue;
      Atomics.store(c, SLOT.CALLER_WAITING, 1);
      const done = Atomics.load(c, SLOT.DONE);
      if (done < target) Atomics.wait(c, SLOT.DONE, done, 10);
      Atomics.store(c, SLOT.CALLER_WAITING, 0);
    }
  }
}

/**
 * The loop a worker thread runs until EXIT: wait for a new SEQ (spinning for `spinMs` first), then
 * claim and run shares of the task until none is left. `tid` only names the thread.
 */
export function runWorkerLoop(control: Int32Array, tasks: readonly TaskFunction[], tid: number, spinMs: number, now: () => number): void {
  const c = control;
  let seen = Atomics.load(c, SLOT.SEQ);
  for (;;) {
    let seq = Atomics.load(c, SLOT.SEQ);
    if (seq === seen) {
      let deadline = now() + spinMs;
      let i = 0;
      while ((seq = Atomics.load(c, SLOT.SEQ)) === seen) {
        if ((++i & 1023) !== 0 || now() < deadline) continue;
        Atomics.add(c, SLOT.SLEEPERS, 1);
        Atomics.wait(c, SLOT.SEQ, seen);
        Atomics.sub(c, SLOT.SLEEPERS, 1);
        deadline = now() + spinMs;
      }
    }
    seen = seq;
    if (Atomics.load(c, SLOT.EXIT) !== 0) return;
    const nt = Atomics.load(c, SLOT.THREADS);
    for (let share = claimShare(c, seq, nt); share >= 0; share = claimShare(c, seq, nt)) {
      // Read after a successful claim: the caller cannot start another job before this share is DONE.
      const task = c[SLOT.TASK]!;
      try {
        tasks[task]!(JOB_BYTE_OFFSET, share, c[SLOT.THREADS]!);
      } catch {
        Atomics.store(c, SLOT.ERROR, 1);
      }
      Atomics.add(c, SLOT.DONE, 1);
      if (Atomics.load(c, SLOT.CALLER_WAITING) !== 0) Atomics.notify(c, SLOT.DONE);
    }
  }
}
