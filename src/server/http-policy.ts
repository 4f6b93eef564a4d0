/**
 * What every response of the dashboard carries, and how every failure is answered:
 * - cross-origin isolation (COOP same-origin + COEP require-corp), which the browser engine needs for
 *   SharedArrayBuffer, plus CORP same-origin and nosniff;
 * - `Cache-Control: no-store` on the API, whose answers change as runs train;
 * - any URL spelling a parent directory, in any encoding, is a 404 before routing;
 * - errors are JSON `{ error }`: 4xx with the reason for a bad request, 500 with a generic line (the
 *   detail goes to the server's log), and never a crash.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import type { ApiError } from './api-types.js';
import { urlHasTraversal } from './path-safety.js';

export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
};

export const API_PREFIX = '/api/';

export function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith(API_PREFIX) || url.startsWith('/api?');
}

export function apiError(message: string): ApiError {
  return { error: message };
}

export function installHttpPolicy(app: FastifyInstance, o: { webRoot: string; hasIndex: () => boolean; log: (line: string) => void }): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(ISOLATION_HEADERS);
    if (isApiPath(request.url)) reply.header('Cache-Control', 'no-store');
    if (urlHasTraversal(request.url)) {
      return reply.code(404).send(apiError('not found'));
    }
    return undefined;
  });

  app.setNotFoundHandler((request, reply) => {
    if (!isApiPath(request.url) && (request.url === '/' || request.url.startsWith('/index.html')) && !o.hasIndex()) {
      return reply.code(404).send(apiError(`the dashboard's pages are not built (no index.html in ${o.webRoot}); run \`npm run build\`. The API is at /api/runs`));
    }
    return reply.code(404).send(apiError(request.method === 'GET' || request.method === 'HEAD' ? 'not found' : `${request.method} is not supported; the dashboard is read-only`));
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) {
      o.log(`mnist-lab serve: ${request.method} ${request.url.slice(0, 200)} failed: ${error.stack ?? error.message}`);
      return reply.code(status).send(apiError('internal server error; see the server log'));
    }
    return reply.code(status).send(apiError(error.message.split('\n')[0]!.slice(0, 500)));
  });
}
