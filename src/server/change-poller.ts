/**
 * The one poller behind every live view: while at least one event stream is open it refreshes the
 * runs table every `intervalMs` (stat of each run's few files) and rescans the folder tree every
 * `rescanMs`. Polling mtimes is used instead of fs.watch, whose behaviour differs by platform and
 * file system (network mounts, atomic renames, editors); one timer serves all clients, however many.
 */
import type { RunsTable } from './runs-table.js';

export interface ChangePollerOptions {
  /** Default 500 ms. */
  intervalMs?: number;
  /** Default: every 4th interval. */
  rescanMs?: number;
  log?: (line: string) => void;
}

export class ChangePoller {
  private timer: NodeJS.Timeout | null = null;
  private active = false;
  private refreshing = false;
  private stopped = false;
  private failures = 0;
  readonly intervalMs: number;
  readonly rescanMs: number;

  constructor(private readonly table: RunsTable, private readonly o: ChangePollerOptions = {}) {
    this.intervalMs = o.intervalMs ?? 500;
    this.rescanMs = o.rescanMs ?? 4 * this.intervalMs;
  }

  get running(): boolean {
    return this.active;
  }

  /** Polls while `active` (while event streams are open). */
  setActive(active: boolean): void {
    this.active = active && !this.stopped;
    if (this.active && this.timer === null && !this.refreshing) this.schedule();
    if (!this.active && this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  stop(): void {
    this.stopped = true;
    this.setActive(false);
  }

  // A timeout chain rather than setInterval: a slow refresh (a slow disk) delays the next one
  // instead of piling refreshes up.
  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refreshing = true;
      this.table.refresh({ rescanAfterMs: this.rescanMs }).then(
        () => {
          this.failures = 0;
        },
        (err: unknown) => {
          // Logged once per run of failures, so a vanished disk does not flood the log.
          if (this.failures++ === 0) this.o.log?.(`mnist-lab serve: refreshing the runs failed: ${(err as Error).message}`);
        },
      ).finally(() => {
        this.refreshing = false;
        if (this.active && this.timer === null) this.schedule();
      });
    }, this.intervalMs);
  }
}
