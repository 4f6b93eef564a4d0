/**
 * `mnist-lab serve`'s server: a local dashboard of the runs under some logdirs. Fastify serves the
 * built browser pages (webRoot, through @fastify/static) and the JSON / server-sent-event API of
 * api-types.ts. It is read-only: the only file it writes is a run's analysis cache, inside that
 * run's folder. Every response is cross-origin isolated (COOP/COEP), which the in-browser engine
 * needs for SharedArrayBuffer.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fastify, type FastifyInstance, type FastifyReply } from 'fastify';
import { fastifyStatic } from '@fastify/static';
import { acquireEngineQueue } from './engine-queue.js';
import { AnalysisCache } from './analysis-cache.js';
import { dashboardUrl } from './bind-host.js';
import { ChangePoller } from './change-poller.js';
import { ExperimentsView } from './experiments-view.js';
import { apiError, installHttpPolicy, ISOLATION_HEADERS } from './http-policy.js';
import { registerEventRoutes } from './routes-events.js';
import { registerModelRoutes } from './routes-models.js';
import { registerMnistRoutes } from './routes-mnist.js';
import { registerRunRoutes } from './routes-runs.js';
import { RunsTable } from './runs-table.js';
import { SseHub } from './sse-hub.js';
import { registerSweepRoutes } from './sweeps-view.js';
import type { ExperimentsResponse } from './api-types.js';

export interface DashboardOptions {
  /** Folders searched for run folders; they need not exist yet. */
  logdirs: string[];
  /** Where `experiments run` records results (reports/results). */
  resultsDir: string;
  host: string;
  /** 0: any free port (the URL says which). */
  port: number;
  /** The built browser pages (dist/web). */
  webRoot: string;
  /** Server-side problems, one line each; default stderr. */
  log?: (line: string) => void;
  /** How often open event streams poll the run folders (ms; default 500); the folder tree is rescanned every 4th time. */
  pollIntervalMs?: number;
  /** Open event streams allowed at once; default 1000. */
  maxEventStreams?: number;
}

export interface Dashboard {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
  /** For tests and the load benchmark: open event streams, and whether the poller is running. */
  stats(): { eventStreams: number; polling: boolean };
}

export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  const log = o.log ?? ((line: string): void => void process.stderr.write(`${line}\n`));
  const webRoot = resolve(o.webRoot);
  const app = fastify({
    logger: false,
    // Run ids of deeply nested folders are long; find-my-way's default (100) would answer 414.
    routerOptions: { maxParamLength: 2048 },
    // Event streams never end on their own; closing the server must not wait for them.
    forceCloseConnections: true,
    return503OnClosing: true,
    bodyLimit: 16 * 1024,
    // Errors found before routing (a URL that is not valid percent-encoding) skip the hooks, so they
    // get the same headers and body shape here.
    frameworkErrors: (error, _request, rawReply) => {
      const reply = rawReply as unknown as FastifyReply;
      void reply.headers(ISOLATION_HEADERS).header('Cache-Control', 'no-store').code(400).send(apiError(`bad request: ${error.message}`));
    },
  });
  installHttpPolicy(app, { webRoot, hasIndex: () => existsSync(join(webRoot, 'index.html')), log });

  const table = new RunsTable(o.logdirs);
  const hub = new SseHub({ maxClients: o.maxEventStreams });
  const poller = new ChangePoller(table, { intervalMs: o.pollIntervalMs, log });
  const queue = acquireEngineQueue();
  const analyses = new AnalysisCache(queue, log);
  const experiments = new ExperimentsView(o.resultsDir, log);

  registerRunRoutes(app, { table, analyses });
  const stopEvents = registerEventRoutes(app, { table, hub, poller });
  registerSweepRoutes(app, { table, log });
  registerMnistRoutes(app);
  registerModelRoutes(app, { table, log });
  app.get('/api/experiments', async (): Promise<ExperimentsResponse> => {
    await table.refresh({ maxAgeMs: 1000 });
    return experiments.response(table.rows());
  });
  // wildcard: files are looked up per request, so pages built after the server started are served.
  await app.register(fastifyStatic, { root: webRoot, prefix: '/', index: ['index.html'], wildcard: true, dotfiles: 'ignore' });

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    stopEvents();
    poller.stop();
    hub.closeAll();
    await app.close();
    await queue.release();
  };

  try {
    await table.refresh();
    await app.listen({ host: o.host, port: o.port });
  } catch (err) {
    await close();
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  return { url: dashboardUrl(o.host, address.port), app, close, stats: () => ({ eventStreams: hub.clientCount, polling: poller.running }) };
}
