/**
 * Path safety for the dashboard: every file it reads or writes must lie inside one of its logdirs.
 * Three layers, each enough on its own for the common attacks, together for the odd ones:
 *   1. request URLs that spell a `..` segment in any encoding (plain, %2e%2e%2f, %252e%252e%252f)
 *      are refused before routing;
 *   2. relative paths decoded from run ids must be plain: no `..`, no absolute path, no backslash;
 *   3. every file is resolved with realpath and must still be inside the logdir's own realpath, so
 *      a symlink that leads out of the logdir is refused like any other escape.
 */
import { realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { isAbsolute, sep } from 'node:path';

/** How many rounds of percent-decoding the traversal check undoes (covers double and triple encoding). */
const DECODE_ROUNDS = 4;

const DOT_DOT_SEGMENT = /(^|[/\\])\.\.([/\\]|$)/;

/**
 * True when a raw request URL (path and query) names a parent directory in any encoding, or holds
 * a NUL or backslash after decoding. Such a request is refused whatever route it would reach.
 */
export function urlHasTraversal(rawUrl: string): boolean {
  let s = rawUrl;
  for (let round = 0; round <= DECODE_ROUNDS; round++) {
    if (DOT_DOT_SEGMENT.test(s) || s.includes('\0') || s.includes('\\')) return true;
    if (!s.includes('%')) return false;
    let next: string;
    try {
      next = decodeURIComponent(s);
    } catch {
      // Malformed escapes: decode what can be decoded, byte by byte, and keep looking.
      next = s.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
    if (next === s) return false;
    s = next;
  }
  return true;
}

/**
 * A relative path as the scanner writes it (segments joined by '/'), or '.' for the logdir itself.
 * Refuses anything that could name a place outside: '..', '.', empty segments, absolute paths,
 * backslashes, NUL and other control characters.
 */
export function isPlainRelativePath(rel: string): boolean {
  if (rel === '.') return true;
  if (rel.length === 0 || rel.length > 4096 || isAbsolute(rel)) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f]/.test(rel)) return false;
  return rel.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/** Whether `path` (already a realpath) is `root` or lies below it. */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The realpath of an absolute path when it exists and lies inside `root` (a realpath); else null. */
export function realpathInsideSync(root: string, path: string): string | null {
  try {
    const real = realpathSync(path);
    return isInside(root, real) ? real : null;
  } catch {
    return null;
  }
}

/** The realpath of a logdir, or null while it does not exist. */
export async function logdirRealpath(logdir: string): Promise<string | null> {
  try {
    return await realpath(logdir);
  } catch {
    return null;
  }
}
