/**
 * Run ids: opaque and URL-safe, base64url of `<logdir index>:<path relative to the logdir>`. An id
 * names a place, never grants it: the server still checks that the folder is one its scanner found
 * inside that logdir. Decoding refuses anything but the canonical form, so one run has one id.
 */
import { isPlainRelativePath } from './path-safety.js';

export interface RunLocation {
  logdirIndex: number;
  /** Segments joined by '/', or '.' for the logdir itself. */
  rel: string;
}

/** Ids stay well under this; longer input is refused before it is decoded. */
const MAX_ID_LENGTH = 2048;

export function encodeRunId(location: RunLocation): string {
  return Buffer.from(`${location.logdirIndex}:${location.rel}`, 'utf8').toString('base64url');
}

/** The location an id names, or null for anything that is not an id this server could have made. */
export function decodeRunId(id: string, logdirCount: number): RunLocation | null {
  if (id.length === 0 || id.length > MAX_ID_LENGTH || !/^[A-Za-z0-9_-]+$/.test(id)) return null;
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const m = /^(0|[1-9]\d{0,5}):(.+)$/s.exec(text);
  if (!m) return null;
  const location = { logdirIndex: Number(m[1]), rel: m[2]! };
  if (location.logdirIndex >= logdirCount || !isPlainRelativePath(location.rel)) return null;
  // Non-canonical spellings (padding bits, invalid UTF-8 replaced on decoding) are refused.
  return encodeRunId(location) === id ? location : null;
}
