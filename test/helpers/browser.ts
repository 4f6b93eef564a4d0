/**
 * A headless Chromium for the browser tests, driven by playwright-core (which downloads no browser
 * of its own): Debian's `chromium` package. Tests that need it skip when it is not installed:
 *
 *   describe('...', { skip: chromiumPath() === null ? 'chromium is not installed' : false }, ...)
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

let cached: string | null | undefined;

/** The Chromium executable, or null when there is none: /usr/bin/chromium, else `which chromium`. */
export function chromiumPath(): string | null {
  if (cached !== undefined) return cached;
  cached = null;
  for (const path of CANDIDATES) {
    if (isExecutable(path)) {
      cached = path;
      return cached;
    }
  }
  try {
    const found = execFileSync('which', ['chromium'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (found && isExecutable(found)) cached = found;
  } catch {
    // `which` found nothing (or there is no `which`): no chromium.
  }
  return cached;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Headless Chromium; --no-sandbox because tests may run as root, where the sandbox refuses to start. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (executablePath === null) throw new Error('chromium is not installed (apt-get install chromium)');
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
}
