/**
 * A run folder's status.json: whether the run is training, finished, stopped by Ctrl-C, or failed,
 * written by the run itself at its start, after every epoch, and at its end. Readers (the dashboard)
 * take a "running" status whose process is gone as interrupted: a killed process writes nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../util/atomic-write.js';

export type RunState = 'running' | 'finished' | 'interrupted' | 'failed';

export interface RunStatus {
  state: RunState;
  /** The training process, and the machine it ran on (a pid means nothing on another). */
  pid: number;
  host: string;
  startedAt: string;
  updatedAt: string;
  epochsDone: number;
  epochs: number;
  /** With state 'failed': what went wrong, one line. */
  error?: string;
}

export const RUN_STATUS_FILE = 'status.json';

export class RunStatusWriter {
  private readonly startedAt = new Date().toISOString();

  constructor(private readonly outDir: string, private readonly epochs: number) {}

  write(state: RunState, epochsDone: number, error?: string): void {
    const status: RunStatus = {
      state, pid: process.pid, host: hostname(), startedAt: this.startedAt, updatedAt: new Date().toISOString(),
      epochsDone, epochs: this.epochs, ...(error !== undefined && { error: error.split('\n')[0]!.slice(0, 500) }),
    };
    writeFileAtomicSync(join(this.outDir, RUN_STATUS_FILE), `${JSON.stringify(status, null, 1)}\n`);
  }
}

/** The status of a run folder as a reader sees it; null when the folder has none (or it is unreadable). */
export function readRunStatus(dir: string): RunStatus | null {
  const path = join(dir, RUN_STATUS_FILE);
  if (!existsSync(path)) return null;
  try {
    const s = JSON.parse(readFileSync(path, 'utf8')) as RunStatus;
    if (s.state === 'running' && s.host === hostname() && !processAlive(s.pid)) return { ...s, state: 'interrupted' };
    return s;
  } catch {
    return null;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
