/**
 * The kill -9 tests' load (./idempotent-load.ts) when a batch's send() fails after the leader
 * appended it: its answer is lost and so is the answer to kafkajs's one retry, so send() throws
 * with the batch written. kafkajs then takes the batch's sequence numbers back (sendMessages.js
 * rewinds them when a produce fails), so whatever the load sends next goes out under the failed
 * batch's producer id, epoch and sequence range. Kafka's leader recognises a duplicate by exactly
 * those (ProducerStateEntry.findDuplicateBatch: same epoch, same first and last sequence), and so
 * does kspec's (src/log/producer-state.ts): it answers with the written batch's offset and appends
 * nothing. A load that went on with new values there would see them acknowledged and never
 * written; that is what the multi-process kill -9 test saw when kafkajs gave up on the killed
 * leader (test/multiproc/kill9.test.ts).
 */
import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type ISocketFactory } from 'kafkajs';
import type { LiveCluster } from '../../src/runtime/cluster.js';
import { startTestCluster } from './helpers.js';
import { idempotentLoad, readBack } from './idempotent-load.js';

let cluster: LiveCluster;
beforeAll(async () => {
  cluster = await startTestCluster(['group.initial.rebalance.delay.ms=0', 'group.min.session.timeout.ms=1000']);
}, 60_000);
afterAll(async () => cluster?.close());

const PRODUCE = 0;
/** The next `losing` Produce requests reach the broker, but their answers do not reach kafkajs: the connection breaks instead. */
let losing = 0;
let lost = 0;
const lossySockets: ISocketFactory = ({ host, port, onConnect }) => {
  const socket = net.connect({ host, port }, onConnect);
  const doomed = new Set<number>();
  const write = socket.write.bind(socket) as (data: Buffer, ...rest: unknown[]) => boolean;
  socket.write = ((data: Buffer, ...rest: unknown[]) => {
    // A request frame: size, api key, api version, correlation id.
    if (losing > 0 && Buffer.isBuffer(data) && data.length >= 12 && data.readInt16BE(4) === PRODUCE) {
      losing--;
      doomed.add(data.readInt32BE(8));
    }
    return write(data, ...rest);
  }) as typeof socket.write;
  const on = socket.on.bind(socket);
  let pending = Buffer.alloc(0);
  socket.on = ((event: string, listener: (...args: unknown[]) => void) => {
    if (event !== 'data') return on(event, listener);
    return on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      const frames: Buffer[] = [];
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = pending.subarray(0, 4 + pending.readInt32BE(0));
        pending = pending.subarray(frame.length);
        // A response frame: size, correlation id.
        if (doomed.has(frame.readInt32BE(4))) {
          lost++;
          socket.destroy(new Error('the Produce answer was lost'));
          return;
        }
        frames.push(frame);
      }
      if (frames.length > 0) listener(Buffer.concat(frames));
    });
  }) as typeof socket.on;
  return socket;
};

const until = async (condition: () => boolean, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('the idempotent load after a send() that failed with its batch written', () => {
  it('every value kafkajs acknowledged is read back once', async () => {
    const kafka = new Kafka({ clientId: 'kspec-load', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING, socketFactory: lossySockets });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'lost-answer', numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
    // One retry, so that send() fails once both answers are lost (kafkajs's idempotent default retries for ever).
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 1, initialRetryTime: 50 } });
    await producer.connect();
    const load = idempotentLoad(producer, 'lost-answer');
    await until(() => load.acknowledged.size >= 50, 20_000);
    losing = 2;
    await until(() => load.failures() >= 1, 20_000);
    const atFailure = load.acknowledged.size;
    await until(() => load.acknowledged.size >= atFailure + 50, 20_000);
    await load.stop();
    await producer.disconnect();
    expect(lost).toBe(2);
    const consumed = await readBack(kafka, 'lost-answer', 'lost-answer-reader', load.acknowledged);
    expect([...load.acknowledged].filter((v) => !consumed.includes(v))).toEqual([]);
    expect(consumed.length).toBe(new Set(consumed).size);
    expect(consumed.every((v) => v < load.sent())).toBe(true);
  }, 90_000);
});
