/**
 * The event-stream hub keeps memory bounded: a client that stops reading is disconnected once its
 * queue passes the limit, while a reading client on the same channel keeps everything.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeSseEvent, SseHub } from '../../src/server/sse-hub.js';

describe('SseHub', () => {
  it('drops a client that stops reading, and only that one', async () => {
    const hub = new SseHub({ maxQueuedBytes: 256 * 1024 });
    const server = createServer((req, res) => hub.open(res, 'runs'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const connect = (): Promise<IncomingMessage> => new Promise((resolve) => request(url, resolve).end());
    try {
      const stalled = await connect();
      stalled.pause();
      let readerBytes = 0;
      const reader = await connect();
      reader.on('data', (d: Buffer) => (readerBytes += d.length));
      assert.equal(hub.clientCount, 2);

      const payload = encodeSseEvent('runs', 'x'.repeat(256 * 1024));
      for (let i = 0; i < 400 && hub.clientCount === 2; i++) {
        hub.broadcast('runs', payload);
        await new Promise((r) => setTimeout(r, 2));
      }
      assert.equal(hub.clientCount, 1, 'the stalled client was dropped');
      assert.ok(readerBytes > 0);
      hub.closeAll();
      assert.equal(hub.clientCount, 0);
      stalled.destroy();
    } finally {
      hub.closeAll();
      server.closeAllConnections();
      server.close();
    }
  });

  it('encodes an event as one data line', () => {
    assert.equal(encodeSseEvent('status', { a: 'line\nbreak' }).toString(), 'event: status\ndata: {"a":"line\\nbreak"}\n\n');
  });
});
