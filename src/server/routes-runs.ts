/**
 * The runs API: the table, one run's detail, its analysis and misclassified grid, and downloads of
 * its files. Runs are found only through the runs table, so an id can only ever name a folder the
 * scanner found inside a logdir; files are opened through their realpath, checked again.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RunAnalysis, RunDetail, RunsResponse } from './api-types.js';
import { MnistLabError } from '../util/errors.js';
import { AnalysisUnavailable, type AnalysisCache } from './analysis-cache.js';
import { apiError } from './http-policy.js';
import { realpathInsideSync } from './path-safety.js';
import { readRunFile } from './run-folder.js';
import { displayPath, shellWord } from './run-row.js';
import type { RunEntry, RunsTable } from './runs-table.js';

/** The files a run offers for download, and their content types. */
export const DOWNLOADS: Readonly<Record<string, string>> = {
  'best.safetensors': 'application/octet-stream',
  'last.safetensors': 'application/octet-stream',
  'history.csv': 'text/csv; charset=utf-8',
  'spec.json': 'application/json; charset=utf-8',
};

/** Requests that may see a table this old (ms) rather than wait for a refresh. */
const FRESH_MS = 250;

interface IdParams {
  id: string;
}

export function registerRunRoutes(app: FastifyInstance, o: { table: RunsTable; analyses: AnalysisCache }): void {
  const { table, analyses } = o;

  const findRun = async (id: string, reply: FastifyReply): Promise<RunEntry | null> => {
    const entry = await table.lookup(id);
    if (!entry) {
      await reply.code(404).send(apiError('no such run'));
      return null;
    }
    return entry;
  };

  app.get('/api/runs', async (): Promise<RunsResponse> => {
    await table.refresh({ maxAgeMs: FRESH_MS });
    return { logdirs: [...table.logdirs], runs: table.rows() };
  });

  app.get<{ Params: IdParams }>('/api/runs/:id', async (request, reply): Promise<RunDetail | undefined> => {
    await table.refresh({ maxAgeMs: FRESH_MS });
    const entry = await findRun(request.params.id, reply);
    if (!entry) return undefined;
    const summary = readRunFile(entry.root, entry.dir, 'summary.txt', 1 << 20);
    const folder = displayPath(table.logdirs[entry.logdirIndex]!, entry.rel);
    const downloads = Object.keys(DOWNLOADS).flatMap((name) => {
      const real = realpathInsideSync(entry.root, join(entry.dir, name));
      if (real === null) return [];
      try {
        const st = statSync(real);
        return st.isFile() ? [{ name, bytes: st.size }] : [];
      } catch {
        return [];
      }
    });
    return {
      row: entry.row,
      spec: entry.spec,
      history: entry.history,
      summaryText: summary.kind === 'text' ? summary.text.replace(/\n$/, '') : null,
      reproduceCommand: existsSync(join(entry.dir, 'spec.json'))
        ? `mnist-lab train --spec ${shellWord(join(folder, 'spec.json'))} --out ${shellWord(`${folder}-again`)}`
        : null,
      downloads,
    };
  });

  const analysisFailure = async (err: unknown, reply: FastifyReply): Promise<boolean> => {
    if (err instanceof AnalysisUnavailable) {
      await reply.code(err.httpStatus).send(apiError(err.message));
      return true;
    }
    if (err instanceof MnistLabError) {
      // The run's files or data cannot be analysed (damaged weights, a model that does not fit, a data folder gone).
      await reply.code(422).send(apiError(err.message.split('\n')[0]!));
      return true;
    }
    return false;
  };

  app.get<{ Params: IdParams }>('/api/runs/:id/analysis', async (request, reply): Promise<RunAnalysis | undefined> => {
    const entry = await findRun(request.params.id, reply);
    if (!entry) return undefined;
    try {
      const r = await analyses.get(entry);
      reply.header('X-Analysis-Cache', r.cached ? 'hit' : 'miss');
      return r.analysis;
    } catch (err) {
      if (await analysisFailure(err, reply)) return undefined;
      throw err;
    }
  });

  app.get<{ Params: IdParams }>('/api/runs/:id/misclassified.png', async (request, reply) => {
    const entry = await findRun(request.params.id, reply);
    if (!entry) return undefined;
    try {
      const r = await analyses.get(entry, { withPng: true });
      if (!r.png) return await reply.code(404).send(apiError('the model classified every test image correctly: there is no grid'));
      reply.header('X-Analysis-Cache', r.cached ? 'hit' : 'miss');
      return await reply.type('image/png').send(r.png);
    } catch (err) {
      if (await analysisFailure(err, reply)) return undefined;
      throw err;
    }
  });

  app.get<{ Params: IdParams & { file: string } }>('/api/runs/:id/download/:file', async (request, reply) => {
    const { file } = request.params;
    if (!Object.hasOwn(DOWNLOADS, file)) return reply.code(404).send(apiError(`no such download; a run offers ${Object.keys(DOWNLOADS).join(', ')}`));
    const entry = await findRun(request.params.id, reply);
    if (!entry) return undefined;
    const real = realpathInsideSync(entry.root, join(entry.dir, file));
    if (real === null) return reply.code(404).send(apiError(`this run has no ${file}`));
    const st = statSync(real);
    if (!st.isFile()) return reply.code(404).send(apiError(`this run has no ${file}`));
    const folderName = basename(entry.rel === '.' ? entry.dir : entry.rel).replace(/[^\w.-]+/g, '_');
    return reply
      .type(DOWNLOADS[file]!)
      .header('Content-Length', String(st.size))
      .header('Content-Disposition', `attachment; filename="${folderName}-${file}"`)
      .send(createReadStream(real));
  });
}
