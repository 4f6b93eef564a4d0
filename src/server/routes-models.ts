/**
 * The Draw page's checkpoints: the ones shipped in the package (pretrained/, served here) and every
 * run's best.safetensors that the runs table knows (served by the runs API's download route). The
 * list is rebuilt per request from the runs table and the shipped folders, which are few and small.
 */
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { CHAMPION, isPretrainedName, listPretrained, pretrainedRoot, readPretrained } from '../models/pretrained.js';
import { MnistLabError } from '../util/errors.js';
import { apiError } from './http-policy.js';
import type { DrawableModel, DrawableModelsResponse } from './models-api-types.js';
import { realpathInsideSync } from './path-safety.js';
import type { RunsTable } from './runs-table.js';

const FRESH_MS = 250;

export function pretrainedWeightsUrl(name: string): string {
  return `/api/models/pretrained/${encodeURIComponent(name)}/weights`;
}

export function registerModelRoutes(app: FastifyInstance, o: { table: RunsTable; pretrainedDir?: string; log?: (line: string) => void }): void {
  const { table } = o;
  const root = o.pretrainedDir ?? pretrainedRoot();
  const reported = new Set<string>();

  app.get('/api/models', async (): Promise<DrawableModelsResponse> => {
    await table.refresh({ maxAgeMs: FRESH_MS });
    const shipped = listPretrained(root);
    for (const problem of shipped.problems) {
      // Said once per server, not on every request.
      if (!reported.has(problem)) o.log?.(`mnist-lab serve: a shipped model cannot be read: ${problem}`);
      reported.add(problem);
    }
    const models: DrawableModel[] = shipped.checkpoints.map((c) => ({
      key: `pretrained:${c.name}`, source: 'pretrained', name: c.name,
      model: { name: c.model.name, config: c.model.config }, parameters: c.model.parameters, testAccuracy: c.testAccuracy,
      weightsUrl: pretrainedWeightsUrl(c.name), runId: null, status: null, updatedAt: c.savedAt,
    }));
    for (const row of table.rows()) {
      const entry = table.entry(row.id);
      const model = entry?.spec?.model ?? (row.model !== null ? { name: row.model, config: {} } : null);
      if (!entry || model === null || !hasFile(entry.root, join(entry.dir, 'best.safetensors'))) continue;
      models.push({
        key: `run:${row.id}`, source: 'run', name: row.name, model: { name: model.name, config: model.config },
        parameters: row.parameters, testAccuracy: row.bestTestAccuracy,
        weightsUrl: `/api/runs/${encodeURIComponent(row.id)}/download/best.safetensors`, runId: row.id, status: row.status, updatedAt: row.updatedAt,
      });
    }
    const champion = models.find((m) => m.key === `pretrained:${CHAMPION}`);
    return { defaultKey: (champion ?? models[0])?.key ?? null, models };
  });

  app.get<{ Params: { name: string } }>('/api/models/pretrained/:name/weights', async (request, reply) => {
    const { name } = request.params;
    if (!isPretrainedName(name)) return reply.code(404).send(apiError(`no shipped model '${name.slice(0, 100)}'; GET /api/models lists them`));
    let weights: string;
    try {
      weights = readPretrained(name, root).weights;
    } catch (err) {
      if (err instanceof MnistLabError) return reply.code(404).send(apiError(`no shipped model '${name}'; GET /api/models lists them`));
      throw err;
    }
    // The shipped folder itself may sit behind a symlink (a linked install); the file must lie inside it.
    const real = realpathInsideSync(realpathSync(root), weights);
    if (real === null) return reply.code(404).send(apiError(`no shipped model '${name}'`));
    const size = statSync(real).size;
    return reply
      .type('application/octet-stream')
      .header('Content-Length', String(size))
      .header('Content-Disposition', `attachment; filename="${name}.safetensors"`)
      .send(createReadStream(real));
  });
}

function hasFile(root: string, path: string): boolean {
  const real = realpathInsideSync(root, path);
  if (real === null) return false;
  try {
    return statSync(real).isFile();
  } catch {
    return false;
  }
}
