/**
 * The server's API (src/server/api-types.ts) from the browser: JSON requests whose failures become
 * one readable message, and the server-sent event streams.
 */
import type { ApiError } from '../src/server/api-types.js';

export class ApiRequestError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

export function runPath(id: string, rest = ''): string {
  return `/api/runs/${encodeURIComponent(id)}${rest}`;
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { signal, headers: { accept: 'application/json' } });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiRequestError(`Cannot reach the dashboard server (${path}). Is \`mnist-lab serve\` still running?`, 0);
  }
  const text = await res.text();
  if (!res.ok) {
    let message: string | null = null;
    try {
      const body = JSON.parse(text) as Partial<ApiError>;
      if (typeof body.error === 'string') message = body.error;
    } catch {
      // Not an ApiError body (a proxy's page, say): the status line says enough.
    }
    throw new ApiRequestError(message ?? `${path}: ${res.status} ${res.statusText}`, res.status);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiRequestError(`${path}: the server's answer is not JSON`, res.status);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

export type StreamState = 'connecting' | 'live' | 'reconnecting';

/**
 * Subscribes to a server-sent event stream. EventSource reconnects by itself after a dropped
 * connection, but gives up for good on an error answer; then this opens a new one a few seconds
 * later. `onState` tells the page whether it is live.
 */
export function subscribe(
  path: string,
  handlers: Record<string, (data: unknown) => void>,
  onState?: (state: StreamState) => void,
): () => void {
  let source: EventSource | null = null;
  let retry: number | undefined;
  let closed = false;
  const open = (): void => {
    const s = new EventSource(path);
    source = s;
    s.onopen = () => onState?.('live');
    s.onerror = () => {
      onState?.('reconnecting');
      if (s.readyState === EventSource.CLOSED && !closed) retry = window.setTimeout(open, 3000);
    };
    for (const [event, handler] of Object.entries(handlers)) {
      s.addEventListener(event, (e) => {
        let data: unknown;
        try {
          data = JSON.parse((e as MessageEvent<string>).data);
        } catch {
          return;
        }
        handler(data);
      });
    }
  };
  onState?.('connecting');
  open();
  return () => {
    closed = true;
    window.clearTimeout(retry);
    source?.close();
  };
}
