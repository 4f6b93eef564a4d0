/**
 * Finds the run folders under a logdir: directories holding spec.json, history.json or last.json,
 * searched recursively to a bounded depth. A run folder's own subfolders are not searched (its
 * `analysis/` cache is not a run). Symlinked directories are followed only while their target stays
 * inside the logdir, and each real directory is visited once, so a link loop cannot trap the scan.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { isInside } from './path-safety.js';

/** The files that make a directory a run folder. */
export const RUN_MARKER_FILES = ['spec.json', 'history.json', 'last.json'] as const;

/** runs/experiments/<experiment>/seed-<n> is depth 3; room for a few levels of the user's own grouping. */
export const MAX_SCAN_DEPTH = 6;

/** A bound on the directories one scan reads, so a logdir pointed at a huge tree cannot stall the server. */
export const MAX_SCAN_DIRECTORIES = 20_000;

export interface FoundRunFolder {
  /** Relative to the logdir, '/'-separated; '.' when the logdir itself is a run folder. */
  rel: string;
  /** The folder's realpath (inside the logdir's realpath). */
  dir: string;
}

const SKIPPED_NAMES = new Set(['node_modules', 'analysis']);

/** What a scan does with a directory, judged by the names of the files in it. */
export type FolderVerdict = 'match' | 'skip' | 'descend';

/**
 * Every folder under `root` (a realpath) that `classify` matches, sorted by relative path. A matched
 * or skipped folder's subfolders are not searched; the depth, directory budget and symlink rules
 * above hold for every scan (run folders, sweep folders).
 */
export async function scanFolders(root: string, classify: (fileNames: ReadonlySet<string>) => FolderVerdict): Promise<FoundRunFolder[]> {
  const found: FoundRunFolder[] = [];
  const visited = new Set<string>();
  let budget = MAX_SCAN_DIRECTORIES;

  const visit = async (dir: string, rel: string, depth: number): Promise<void> => {
    if (visited.has(dir) || budget-- <= 0) return;
    visited.add(dir);
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // vanished or unreadable: nothing here this time
    }
    const verdict = classify(new Set(entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name)));
    if (verdict === 'match') found.push({ rel, dir });
    if (verdict !== 'descend' || depth >= MAX_SCAN_DEPTH) return;
    for (const e of entries) {
      if (e.name.startsWith('.') || SKIPPED_NAMES.has(e.name)) continue;
      let child = join(dir, e.name);
      if (e.isSymbolicLink()) {
        try {
          child = await realpath(child);
        } catch {
          continue; // dangling link
        }
        if (!isInside(root, child)) continue; // leads out of the logdir
      } else if (!e.isDirectory()) {
        continue;
      }
      await visit(child, rel === '.' ? e.name : `${rel}/${e.name}`, depth + 1);
    }
  };

  await visit(root, '.', 0);
  // A symlink to a file that is not a directory ends up in readdir's failure branch, harmlessly.
  return found.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** Does this directory hold a run (one of RUN_MARKER_FILES)? */
export function isRunFolder(fileNames: ReadonlySet<string>): boolean {
  return RUN_MARKER_FILES.some((n) => fileNames.has(n));
}

/** Every run folder under `root` (a realpath), sorted by relative path. */
export function scanLogdir(root: string): Promise<FoundRunFolder[]> {
  return scanFolders(root, (names) => (isRunFolder(names) ? 'match' : 'descend'));
}
