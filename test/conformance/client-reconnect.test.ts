/**
 * Regression (the suite against `kspec up` on a loaded machine): a late answer to a timed-out
 * request closed the bootstrap connection, and every later check of the run failed with
 * "connection closed before the response". The client now opens it again.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DisconnectedError, KafkaClient } from '../../src/client/index.js';
import { decodeRequestHeader, encodeResponse } from '../../src/protocol/wire/index.js';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

function send(socket: Socket, frame: Uint8Array): void {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(frame.length);
  socket.write(Buffer.concat([prefix, frame]));
}

/** Answers ApiVersions v0-3, except that it cuts its first connection at that connection's second request. */
async function cutFirstConnectionOnce(): Promise<number> {
  let connections = 0;
  const server = createServer((socket) => {
    const connection = ++connections;
    let requests = 0;
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
        const frame = buffered.subarray(4, 4 + buffered.readInt32BE(0));
        buffered = buffered.subarray(4 + frame.length);
        if (connection === 1 && ++requests === 2) return void socket.destroy();
        const { header } = decodeRequestHeader(frame);
        const version = Math.min(header.requestApiVersion, 3);
        send(socket, encodeResponse(18, version, { correlationId: header.correlationId }, { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }], throttleTimeMs: 0, supportedFeatures: [], finalizedFeaturesEpoch: -1n, finalizedFeatures: [], zkMigrationReady: false }));
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('KafkaClient after a lost bootstrap connection', () => {
  it('the request in flight is indefinite; the next one goes over a new connection', async () => {
    const client = await KafkaClient.connect([{ host: '127.0.0.1', port: await cutFirstConnectionOnce() }]);
    try {
      await expect(client.request(-1, 18, {})).rejects.toBeInstanceOf(DisconnectedError);
      const { body } = await client.request<{ errorCode: number }>(-1, 18, {});
      expect(body.errorCode).toBe(0);
    } finally {
      client.close();
    }
  });
});
