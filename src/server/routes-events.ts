/**
 * Live updates as server-sent events. `/api/events` sends `runs` (every RunRow) at connect and
 * whenever any run changes; `/api/runs/:id/events` sends `history` (the run's EpochMetrics[]) and
 * `status` (its RunRow) at connect and whenever they change. The changes come from the one shared
 * poller, which runs only while streams are open; each event is encoded once for all its clients.
 */
import type { FastifyInstance } from 'fastify';
import { apiError } from './http-policy.js';
import type { RunsChange, RunsTable } from './runs-table.js';
import { encodeSseEvent, type SseHub } from './sse-hub.js';
import type { ChangePoller } from './change-poller.js';

const RUNS_CHANNEL = 'runs';
const runChannel = (id: string): string => `run:${id}`;

export function registerEventRoutes(app: FastifyInstance, o: { table: RunsTable; hub: SseHub; poller: ChangePoller }): () => void {
  const { table, hub, poller } = o;

  const stopCounting = hub.onClientCount((n) => poller.setActive(n > 0));
  const stopListening = table.onChange((change: RunsChange) => {
    if (hub.hasClients(RUNS_CHANNEL)) hub.broadcast(RUNS_CHANNEL, encodeSseEvent('runs', table.rows()));
    for (const id of change.history) {
      const entry = table.entry(id);
      if (entry && hub.hasClients(runChannel(id))) hub.broadcast(runChannel(id), encodeSseEvent('history', entry.history));
    }
    for (const id of change.rows) {
      const entry = table.entry(id);
      if (entry && hub.hasClients(runChannel(id))) hub.broadcast(runChannel(id), encodeSseEvent('status', entry.row));
    }
  });

  // No HEAD twins: a HEAD request would hold a stream open that can never carry an event.
  app.get('/api/events', { exposeHeadRoute: false }, async (request, reply) => {
    if (hub.isFull()) return reply.code(503).send(apiError(`too many open event streams (${hub.maxClients}); close some dashboard tabs`));
    await table.refresh({ maxAgeMs: 250 });
    reply.hijack();
    const client = hub.open(reply.raw, RUNS_CHANNEL);
    client.send(encodeSseEvent('runs', table.rows()));
    return undefined;
  });

  app.get<{ Params: { id: string } }>('/api/runs/:id/events', { exposeHeadRoute: false }, async (request, reply) => {
    if (hub.isFull()) return reply.code(503).send(apiError(`too many open event streams (${hub.maxClients}); close some dashboard tabs`));
    await table.refresh({ maxAgeMs: 250 });
    const entry = await table.lookup(request.params.id);
    if (!entry) return reply.code(404).send(apiError('no such run'));
    reply.hijack();
    const client = hub.open(reply.raw, runChannel(entry.id));
    client.send(encodeSseEvent('history', entry.history));
    client.send(encodeSseEvent('status', entry.row));
    return undefined;
  });

  return () => {
    stopCounting();
    stopListening();
  };
}
