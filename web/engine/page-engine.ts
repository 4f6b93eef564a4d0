/**
 * The page's one engine. Pages come and go with the hash router, but the engine (its kernel workers
 * and its memory) is started once, by whichever page needs it first, and kept for the tab's life:
 * restarting it per visit would re-spawn the workers, and two engines would fight over the current
 * backend.
 */
import { startBrowserEngine, type BrowserEngine } from './start-engine.js';

let started: Promise<BrowserEngine> | null = null;

/** The engine for this tab, started on the first call; the bundled kernels lie next to app.js. */
export function pageEngine(): Promise<BrowserEngine> {
  if (started === null) {
    started = startBrowserEngine(new URL('./', import.meta.url));
    // A failed start (a missing kernels file) may be retried by the next page that asks.
    started.catch(() => {
      started = null;
    });
  }
  return started;
}
