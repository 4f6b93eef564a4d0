/**
 * The compute engine for the dashboard's analyses: the wasm backend on one worker thread, started
 * on the first analysis (a server that only lists runs never starts it), shared by every server in
 * the process (the backend is process-wide), and used by one job at a time, so two analyses never
 * interleave on it. The engine stops when the last server that uses it closes.
 */
import { startBackend, type EngineHandle } from '../backend/engine.js';

let engine: Promise<EngineHandle> | null = null;
let tail: Promise<unknown> = Promise.resolve();
let users = 0;

export interface EngineQueue {
  /** Runs `job` after every job queued before it, with the engine started. */
  run<T>(job: () => Promise<T>): Promise<T>;
  /** This server is done with the engine; the last one out stops it (after the queue drains). */
  release(): Promise<void>;
}

export function acquireEngineQueue(): EngineQueue {
  users++;
  let released = false;
  return {
    run<T>(job: () => Promise<T>): Promise<T> {
      const result = tail.then(async () => {
        engine ??= startBackend('wasm', 1).catch((err: unknown) => {
          engine = null; // the next analysis tries again
          throw err;
        });
        await engine;
        return job();
      });
      tail = result.catch(() => undefined);
      return result;
    },
    async release(): Promise<void> {
      if (released) return;
      released = true;
      users--;
      await tail;
      if (users === 0 && engine) {
        const e = engine;
        engine = null;
        (await e.catch(() => null))?.close();
      }
    },
  };
}
