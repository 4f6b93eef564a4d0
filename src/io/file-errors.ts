/**
 * Turns Node's file-system errors into one-line user errors ("cannot read X: no such file"), so a
 * mistyped path never shows a stack trace. Anything that is not a file-system error is a bug and is
 * returned unchanged.
 */
import { MnistLabError } from '../util/errors.js';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a parent of this path is not a directory',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the path is too long',
};

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = (err as { code: unknown }).code;
  return typeof code === 'string' && code.startsWith('E') ? code : undefined;
}

/** `action` is 'read' or 'write'; the result is what the caller should throw. */
export function fileErrorToUserError(err: unknown, action: 'read' | 'write', path: string): unknown {
  const code = errorCode(err);
  if (code === undefined) return err;
  const reason = REASONS[code] ?? (err instanceof Error ? err.message : code);
  return new MnistLabError(`cannot ${action} ${path}: ${reason}`);
}
