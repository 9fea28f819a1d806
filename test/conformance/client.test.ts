/**
 * kspec's wire client (src/client/) against small servers of the test's own: a timeout and a lost
 * connection are indefinite outcomes; an ApiVersions answer is negotiated down as KIP-511 says;
 * target URLs are parsed strictly; request bodies take Kafka's defaults.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerConnection, DisconnectedError, KafkaClient, RequestTimeoutError, requestBody } from '../../src/client/index.js';
import { parseTarget } from '../../src/conformance/target.js';
import { decodeRequestHeader, encodeResponse } from '../../src/protocol/wire/index.js';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A server that hands each request frame (size prefix removed) to `answer`. */
async function serve(answer: (frame: Buffer, socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
        const size = buffered.readInt32BE(0);
        answer(buffered.subarray(4, 4 + size), socket);
        buffered = buffered.subarray(4 + size);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

function send(socket: Socket, frame: Uint8Array): void {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(frame.length);
  socket.write(Buffer.concat([prefix, frame]));
}

describe('BrokerConnection', () => {
  it('a request with no answer within its timeout is a RequestTimeoutError (indefinite)', async () => {
    const port = await serve(() => undefined);
    const connection = await BrokerConnection.open('127.0.0.1', port, 1000);
    await expect(connection.request(18, 0, requestBody(18, 0, {}), 100)).rejects.toBeInstanceOf(RequestTimeoutError);
    connection.close();
  });

  it('a connection closed with the request in flight is a DisconnectedError (indefinite)', async () => {
    const port = await serve((_, socket) => socket.destroy());
    const connection = await BrokerConnection.open('127.0.0.1', port, 1000);
    await expect(connection.request(18, 0, requestBody(18, 0, {}), 1000)).rejects.toBeInstanceOf(DisconnectedError);
  });
});

describe('KafkaClient ApiVersions negotiation', () => {
  it('asks at its latest version, and after a KIP-511 answer at the highest version the broker names', async () => {
    const asked: number[] = [];
    const BROKER_MAX = 2;
    const port = await serve((frame, socket) => {
      const { header } = decodeRequestHeader(frame);
      asked.push(header.requestApiVersion);
      const known = header.requestApiVersion <= BROKER_MAX;
      const body = { errorCode: known ? 0 : 35, apiKeys: known ? [{ apiKey: 18, minVersion: 0, maxVersion: BROKER_MAX }, { apiKey: 3, minVersion: 0, maxVersion: 9 }] : [{ apiKey: 18, minVersion: 0, maxVersion: BROKER_MAX }], throttleTimeMs: 0, supportedFeatures: [], finalizedFeaturesEpoch: -1n, finalizedFeatures: [], zkMigrationReady: false };
      send(socket, encodeResponse(18, known ? header.requestApiVersion : 0, { correlationId: header.correlationId }, body));
    });
    const client = await KafkaClient.connect([{ host: '127.0.0.1', port }]);
    expect(asked).toEqual([4, BROKER_MAX]);
    expect(client.apiVersionsVersion).toBe(BROKER_MAX);
    expect(client.versionFor(3)).toBe(9);
    expect(client.versionFor(0)).toBeUndefined();
    client.close();
  });
});

describe('targets', () => {
  it('kafka://host:port lists, and one clear error for anything else', () => {
    expect(parseTarget('kafka://a:1,127.0.0.1:9092')).toEqual([{ host: 'a', port: 1 }, { host: '127.0.0.1', port: 9092 }]);
    expect(parseTarget('kafka://[::1]:9092')).toEqual([{ host: '::1', port: 9092 }]);
    for (const bad of ['a:1', 'kafka://a', 'kafka://a:0', 'kafka://a:70000', 'http://a:1', 'kafka://']) expect(() => parseTarget(bad)).toThrow(/kafka:\/\/|bad address/);
  });
});

describe('requestBody', () => {
  it('fills the schema defaults and drops what the version cannot carry', () => {
    const body = requestBody(3, 2, { topics: [{ name: 't' }], allowAutoTopicCreation: false }) as { topics: { name: string; topicId: string }[]; allowAutoTopicCreation: boolean };
    expect(body.topics[0]!.name).toBe('t');
    expect(body.allowAutoTopicCreation).toBe(true); // not in v2: the default, so the encoder accepts it
    expect((requestBody(3, 4, { allowAutoTopicCreation: false }) as { allowAutoTopicCreation: boolean }).allowAutoTopicCreation).toBe(false);
  });
});
