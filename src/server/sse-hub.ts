/**
 * Server-sent event streams, many clients at once with bounded memory: an event is serialised once
 * into one Buffer and that same Buffer is written to every client on its channel; a client that
 * stops reading (its socket's buffer passes a limit) is disconnected rather than buffered without
 * end; clients are capped; a comment every 15 s keeps proxies from timing streams out and finds
 * dead sockets. A client that goes away is removed at once (the response's 'close').
 */
import type { ServerResponse } from 'node:http';
import { ISOLATION_HEADERS } from './http-policy.js';

export interface SseClient {
  readonly channel: string;
  send(payload: Buffer): void;
  close(): void;
}

export interface SseHubOptions {
  maxClients?: number;
  /** Bytes a slow client may have queued before it is disconnected. */
  maxQueuedBytes?: number;
  heartbeatMs?: number;
}

/** One event in the wire format: `event: <name>` and the JSON on one `data:` line. */
export function encodeSseEvent(event: string, data: unknown): Buffer {
  // JSON.stringify escapes newlines inside strings, so the data is always a single line.
  return Buffer.from(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`, 'utf8');
}

const HEARTBEAT = Buffer.from(': keep-alive\n\n', 'utf8');

export class SseHub {
  private readonly channels = new Map<string, Set<SseClient>>();
  private count = 0;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly listeners = new Set<(clients: number) => void>();
  readonly maxClients: number;
  private readonly maxQueuedBytes: number;

  constructor(o: SseHubOptions = {}) {
    this.maxClients = o.maxClients ?? 1000;
    this.maxQueuedBytes = o.maxQueuedBytes ?? 4 << 20;
    this.heartbeat = setInterval(() => this.forEach((c) => c.send(HEARTBEAT)), o.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  get clientCount(): number {
    return this.count;
  }

  /** Told the number of clients whenever it changes (the poller runs only while there are some). */
  onClientCount(listener: (clients: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  isFull(): boolean {
    return this.count >= this.maxClients;
  }

  /**
   * Turns a raw response into an event stream on `channel`. The caller has taken the response over
   * from the framework (reply.hijack()).
   */
  open(res: ServerResponse, channel: string): SseClient {
    res.writeHead(200, {
      ...ISOLATION_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    let open = true;
    const close = (): void => {
      if (!open) return;
      open = false;
      this.remove(client);
      res.end();
    };
    const client: SseClient = {
      channel,
      send: (payload) => {
        if (!open) return;
        // Writes pile up in the socket's buffer once the client stops reading.
        if (res.writableLength + (res.socket?.writableLength ?? 0) > this.maxQueuedBytes) {
          // Too far behind: a fresh connection will get the current state again.
          close();
          res.destroy();
          return;
        }
        res.write(payload);
      },
      close,
    };
    res.on('close', close);
    res.on('error', close);
    let set = this.channels.get(channel);
    if (!set) this.channels.set(channel, (set = new Set()));
    set.add(client);
    this.count++;
    this.notify();
    // The client may have gone while the request was being prepared: its 'close' has already fired.
    if (res.destroyed || !res.socket || res.socket.destroyed) close();
    return client;
  }

  /** Writes the payload to every client on the channel. */
  broadcast(channel: string, payload: Buffer): void {
    const set = this.channels.get(channel);
    if (!set) return;
    for (const c of [...set]) c.send(payload);
  }

  hasClients(channel: string): boolean {
    return (this.channels.get(channel)?.size ?? 0) > 0;
  }

  /** Ends every stream (server shutdown). */
  closeAll(): void {
    clearInterval(this.heartbeat);
    this.forEach((c) => c.close());
  }

  private forEach(fn: (c: SseClient) => void): void {
    for (const set of [...this.channels.values()]) for (const c of [...set]) fn(c);
  }

  private remove(client: SseClient): void {
    const set = this.channels.get(client.channel);
    if (!set?.delete(client)) return;
    if (set.size === 0) this.channels.delete(client.channel);
    this.count--;
    this.notify();
  }

  private notify(): void {
    for (const l of this.listeners) l(this.count);
  }
}
