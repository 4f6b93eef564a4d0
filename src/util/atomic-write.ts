/**
 * Atomic file replacement: a reader (or a crash) sees either the old file or the complete new one,
 * never a half-written checkpoint. The data goes to a temp file in the same directory (a rename is
 * only atomic within one file system), is fsynced, and is then renamed over the target.
 *
 * Errors are Node's own system errors (with `code`); the caller decides how to word them for the user.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';

/** The temp name used for `path`: same directory, so the final rename never crosses file systems. */
export function atomicTempPath(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
}

function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/** Write `data` to `path` atomically (temp file, fsync, rename). Removes the temp file if anything fails. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const bytes = toBytes(data);
  const temp = atomicTempPath(path);
  try {
    // 'wx' refuses to reuse an existing file, so two writers can never share a temp file.
    const handle = await open(temp, 'wx');
    try {
      let written = 0;
      while (written < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
        written += bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncDirectory(path);
}

/** Synchronous twin of {@link writeFileAtomic}. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const bytes = toBytes(data);
  const temp = atomicTempPath(path);
  try {
    const fd = openSync(temp, 'wx');
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // The temp file may never have been created; the original error is the one that matters.
    }
    throw err;
  }
  syncDirectorySync(path);
}

// The rename itself lives in the directory entry; without this fsync a power loss can undo it.
// Some platforms (Windows) cannot open or fsync a directory, and the data is already safe, so
// failures here are ignored.
async function syncDirectory(path: string): Promise<void> {
  try {
    const dir = await open(dirname(path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // see above
  }
}

function syncDirectorySync(path: string): void {
  try {
    const fd = openSync(dirname(path), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // see above
  }
}
