/**
 * Analyses, computed once per checkpoint: the result is kept in the run folder as
 * `analysis/analysis.json` (with the key it was computed for) and `analysis/misclassified.png`,
 * keyed on the checkpoint's name, mtime and size and the test images it used, so a second request
 * reads the file and a new best checkpoint invalidates it. The cache is the only thing the server
 * ever writes, each file atomically (temp file, then rename); if the folder is read-only the
 * analysis is still answered, just not kept. Requests for the same analysis while it is being
 * computed share that one computation; different runs wait their turn on the engine queue.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunAnalysis } from './api-types.js';
import { parseCheckpointMeta, type CheckpointMeta } from '../train/checkpoint.js';
import { parseRunSpec, type RunSpec } from '../train/run-spec.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { MnistLabError } from '../util/errors.js';
import type { EngineQueue } from './engine-queue.js';
import type { AnalysisJob, ComputedAnalysis } from './run-analysis.js';
import { readRunFile } from './run-folder.js';
import { isInside, realpathInsideSync } from './path-safety.js';

export const ANALYSIS_DIR = 'analysis';
export const ANALYSIS_FILE = 'analysis.json';
export const MISCLASSIFIED_FILE = 'misclassified.png';
/** Bumped when the analysis changes meaning, so older cache files are recomputed. */
const ANALYSIS_FORMAT = 'mnist-lab-analysis-v1';

/**
 * What an analysis depends on, cheap to find: the weights file's stat (its .json is written with it)
 * and spec.json's (the test images). The model and data they name are read only on a miss.
 */
interface CacheKey {
  format: string;
  checkpoint: string;
  mtimeMs: number;
  size: number;
  spec: string;
}

interface CacheFile {
  key: CacheKey;
  analysis: RunAnalysis;
  png: boolean;
}

export interface RunFolderRef {
  /** The run folder's realpath and its logdir's. */
  dir: string;
  root: string;
}

export interface AnalysisResult {
  analysis: RunAnalysis;
  /** Whether it came from the cache file rather than the engine. */
  cached: boolean;
  /** The grid; only loaded when asked for. null: nothing was misclassified. */
  png?: Buffer | null;
}

/** The run cannot have an analysis: no checkpoint (404), or it must not read the test set (409). */
export class AnalysisUnavailable extends MnistLabError {
  constructor(message: string, readonly httpStatus: 404 | 409) {
    super(message);
  }
}

/**
 * Loaded on the first analysis: the engine, the zoo and the report's chart code (vega) take about a
 * second to import, which a server that only lists runs should not pay at startup.
 */
async function compute(job: AnalysisJob): Promise<ComputedAnalysis> {
  const { computeAnalysis } = await import('./run-analysis.js');
  return computeAnalysis(job);
}

const sameKey = (a: CacheKey, b: CacheKey): boolean => JSON.stringify(a) === JSON.stringify(b);

export class AnalysisCache {
  private readonly inFlight = new Map<string, Promise<AnalysisResult & { png: Buffer | null }>>();

  constructor(private readonly queue: EngineQueue, private readonly log: (line: string) => void) {}

  async get(run: RunFolderRef, o: { withPng?: boolean } = {}): Promise<AnalysisResult> {
    const located = this.locate(run);
    const { key } = located;
    const cached = this.readCache(run, key);
    if (cached) {
      const png = o.withPng && cached.png ? this.readPng(run) : null;
      // A cache file whose PNG vanished is recomputed rather than answered half.
      if (!o.withPng || !cached.png || png) return { analysis: cached.analysis, cached: true, ...(o.withPng && { png }) };
    }
    const flightKey = `${run.dir}\n${JSON.stringify(key)}`;
    let flight = this.inFlight.get(flightKey);
    if (!flight) {
      const job = this.jobFor(run, located);
      flight = this.queue.run(() => compute(job))
        .then(async (computed) => {
          await this.writeCache(run, { key, analysis: computed.analysis, png: computed.png !== null }, computed.png);
          return { analysis: computed.analysis, cached: false, png: computed.png };
        })
        .finally(() => this.inFlight.delete(flightKey));
      this.inFlight.set(flightKey, flight);
    }
    const r = await flight;
    return o.withPng ? r : { analysis: r.analysis, cached: r.cached };
  }

  /** The checkpoint an analysis uses (best, else last) and the cache key. */
  private locate(run: RunFolderRef): { base: string; weightsPath: string; key: CacheKey } {
    const base = ['best', 'last'].find((b) => existsSync(join(run.dir, `${b}.safetensors`)));
    if (!base) throw new AnalysisUnavailable('this run has no checkpoint yet (best.safetensors or last.safetensors)', 404);
    const weightsPath = realpathInsideSync(run.root, join(run.dir, `${base}.safetensors`));
    if (weightsPath === null) throw new AnalysisUnavailable(`${base}.safetensors leads outside the logdir; not read`, 404);
    const st = statSync(weightsPath);
    let spec = '-';
    try {
      const s = statSync(join(run.dir, 'spec.json'));
      spec = `${s.mtimeMs}:${s.size}`;
    } catch {
      // no spec.json: the checkpoint's own spec, which changes with the weights
    }
    return { base, weightsPath, key: { format: ANALYSIS_FORMAT, checkpoint: `${base}.safetensors`, mtimeMs: st.mtimeMs, size: st.size, spec } };
  }

  /** The model and test images the analysis uses, from the checkpoint's .json and spec.json. */
  private jobFor(run: RunFolderRef, { base, weightsPath }: { base: string; weightsPath: string }): AnalysisJob {
    let meta: CheckpointMeta | null = null;
    const metaFile = readRunFile(run.root, run.dir, `${base}.json`, 64 << 20);
    if (metaFile.kind === 'text') {
      try {
        meta = parseCheckpointMeta(metaFile.text, `${base}.json`);
      } catch {
        meta = null; // the weights and spec.json still say enough
      }
    }
    let spec: RunSpec | null = null;
    const specFile = readRunFile(run.root, run.dir, 'spec.json', 1 << 20);
    if (specFile.kind === 'text') {
      try {
        spec = parseRunSpec(specFile.text, 'spec.json');
      } catch {
        spec = null;
      }
    }
    const model = meta ? { name: meta.model.name, config: meta.model.config } : spec?.model;
    if (!model) throw new AnalysisUnavailable(`neither ${base}.json nor spec.json says which model the weights are for`, 404);
    const data = spec?.data ?? meta?.spec.data ?? null;
    if (data?.test === false) {
      // A sweep trial keeps away from the test set so that choosing among trials cannot use it; its analysis would not.
      throw new AnalysisUnavailable('this run does not read the test set (data.test is false, as in sweep trials); evaluate its checkpoint with `mnist-lab eval` once it is chosen', 409);
    }
    return { weightsPath, checkpointName: `${base}.safetensors`, model, data: { dir: data?.dir ?? null, limitTest: data?.limitTest ?? null } };
  }

  private readCache(run: RunFolderRef, key: CacheKey): CacheFile | null {
    const file = readRunFile(run.root, join(run.dir, ANALYSIS_DIR), ANALYSIS_FILE, 16 << 20);
    if (file.kind !== 'text') return null;
    try {
      const value = JSON.parse(file.text) as CacheFile;
      return value && typeof value === 'object' && value.key && sameKey(value.key, key) && value.analysis ? value : null;
    } catch {
      return null; // damaged: computed again and overwritten
    }
  }

  private readPng(run: RunFolderRef): Buffer | null {
    try {
      const real = realpathInsideSync(run.root, join(run.dir, ANALYSIS_DIR, MISCLASSIFIED_FILE));
      return real === null ? null : readFileSync(real);
    } catch {
      return null;
    }
  }

  /** PNG first, then the JSON that vouches for it, so a valid JSON always has its PNG beside it. */
  private async writeCache(run: RunFolderRef, cache: CacheFile, png: Buffer | null): Promise<void> {
    const dir = join(run.dir, ANALYSIS_DIR);
    try {
      if (existsSync(dir)) {
        // Never written through a link: the cache must stay in the run folder.
        const st = lstatSync(dir);
        if (!st.isDirectory() || st.isSymbolicLink()) throw new Error(`${ANALYSIS_DIR}/ is not a plain folder`);
      } else {
        mkdirSync(dir);
      }
      if (!isInside(run.root, dir)) throw new Error('outside the logdir');
      if (png) await writeFileAtomic(join(dir, MISCLASSIFIED_FILE), png);
      await writeFileAtomic(join(dir, ANALYSIS_FILE), `${JSON.stringify(cache)}\n`);
    } catch (err) {
      this.log(`mnist-lab serve: could not cache the analysis in ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); it will be computed again next time`);
    }
  }
}
