/**
 * Safetensors files on disk: the format itself (safetensors-format.ts, re-exported here), reading
 * with one-line errors for missing or unreadable files, and atomic writing, so that a crash in the
 * middle of a save never leaves a half-written checkpoint behind.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic, writeFileAtomicSync } from '../util/atomic-write.js';
import { fileErrorToUserError } from './file-errors.js';
import {
  parseSafetensors,
  serializeSafetensors,
  type SafetensorsFile,
  type SafetensorsWritableTensor,
  type TensorEntries,
} from './safetensors-format.js';

export * from './safetensors-format.js';

/** Reads and validates a safetensors file; every problem is a one-line MnistLabError naming `path`. */
export async function readSafetensorsFile(path: string): Promise<SafetensorsFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw fileErrorToUserError(err, 'read', path);
  }
  return parseSafetensors(bytes, path);
}

/** Synchronous twin of {@link readSafetensorsFile}. */
export function readSafetensorsFileSync(path: string): SafetensorsFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw fileErrorToUserError(err, 'read', path);
  }
  return parseSafetensors(bytes, path);
}

/** Writes a safetensors file atomically (temp file in the same directory, fsync, rename). */
export async function writeSafetensorsFile(
  path: string,
  tensors: TensorEntries<SafetensorsWritableTensor>,
  metadata?: Readonly<Record<string, string>>,
): Promise<void> {
  const bytes = serializeSafetensors(tensors, metadata);
  try {
    await writeFileAtomic(path, bytes);
  } catch (err) {
    throw fileErrorToUserError(err, 'write', path);
  }
}

/** Synchronous twin of {@link writeSafetensorsFile}. */
export function writeSafetensorsFileSync(
  path: string,
  tensors: TensorEntries<SafetensorsWritableTensor>,
  metadata?: Readonly<Record<string, string>>,
): void {
  const bytes = serializeSafetensors(tensors, metadata);
  try {
    writeFileAtomicSync(path, bytes);
  } catch (err) {
    throw fileErrorToUserError(err, 'write', path);
  }
}
