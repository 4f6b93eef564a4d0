/**
 * The default executor: one worker process per slot (one per core), each training its trial on one
 * thread, so trials run side by side without sharing a thread pool. A process per trial slot, not a
 * worker thread, because the engine's backend and RNG state are per process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MnistLabError } from '../util/errors.js';
import type { PruneDecision } from './asha.js';
import type { TrialExecutor } from './executor.js';
import type { TrialJob, TrialOutcome } from './trial.js';
import type { ToWorker, FromWorker } from './local-worker-messages.js';

const WORKER = fileURLToPath(new URL('./local-worker.js', import.meta.url));

interface Slot {
  child: ChildProcess;
  busy: boolean;
}

export class LocalPool implements TrialExecutor {
  private readonly slotsList: Slot[] = [];
  private readonly waiting: ((slot: Slot) => void)[] = [];

  constructor(readonly slots: number, private readonly log?: (line: string) => void) {
    for (let i = 0; i < slots; i++) this.slotsList.push({ child: this.spawn(), busy: false });
  }

  private spawn(): ChildProcess {
    // Workers print their trials' logs only through messages; stdout is theirs to ignore.
    return fork(WORKER, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  }

  private acquire(): Promise<Slot> {
    const free = this.slotsList.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }

  async run(job: TrialJob, judge: (trialId: number, epoch: number, value: number) => PruneDecision): Promise<TrialOutcome> {
    const slot = await this.acquire();
    try {
      return await new Promise<TrialOutcome>((resolve, reject) => {
        const child = slot.child;
        const onMessage = (m: FromWorker): void => {
          if (m.type === 'report') {
            const reply: ToWorker = { type: 'decision', requestId: m.requestId, decision: judge(m.trialId, m.epoch, m.value) };
            child.send(reply);
          } else if (m.type === 'log') {
            this.log?.(m.line);
          } else {
            cleanup();
            if (m.type === 'done') resolve(m.outcome);
            else reject(new MnistLabError(`trial ${job.trialId} failed: ${m.error}`));
          }
        };
        const onExit = (code: number | null): void => {
          cleanup();
          // The process died (killed, out of memory): its trial resumes from its checkpoint on resume.
          slot.child = this.spawn();
          reject(new MnistLabError(`the worker running trial ${job.trialId} exited (code ${code}); resume the sweep to continue it`));
        };
        const cleanup = (): void => {
          child.off('message', onMessage);
          child.off('exit', onExit);
        };
        child.on('message', onMessage);
        child.on('exit', onExit);
        const msg: ToWorker = { type: 'run', job };
        child.send(msg);
      });
    } finally {
      this.release(slot);
    }
  }

  interrupt(): void {
    for (const s of this.slotsList) if (s.busy) s.child.send({ type: 'stop' } satisfies ToWorker);
  }

  async close(): Promise<void> {
    await Promise.all(this.slotsList.map((s) => new Promise<void>((resolve) => {
      if (s.child.exitCode !== null) return resolve();
      s.child.once('exit', () => resolve());
      s.child.send({ type: 'exit' } satisfies ToWorker);
    })));
  }
}
