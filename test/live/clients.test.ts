/**
 * Real, unmodified Kafka clients against a kspec cluster started in this process: kafkajs,
 * kcat (librdkafka), kafka-python and confluent-kafka-python (Debian's packages, run by
 * /usr/bin/python3). Each creates a topic, produces (acks=all; idempotent where the client has
 * it), and consumes from the beginning; every record must arrive once, and in order within its
 * partition. A client that is not installed is skipped, saying so.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { LiveCluster } from '../../src/runtime/cluster.js';
import { installed, startTestCluster } from './helpers.js';

let cluster: LiveCluster;
beforeAll(async () => {
  cluster = await startTestCluster(['group.initial.rebalance.delay.ms=0', 'group.min.session.timeout.ms=1000']);
}, 60_000);
afterAll(async () => cluster?.close());

type Consumed = [partition: number, offset: number, value: string];

/** Every value 0..count-1 exactly once; within each partition, offsets and values both increase. */
function expectOnceInOrder(consumed: readonly Consumed[], count: number): void {
  expect(consumed.map((c) => Number(c[2])).sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
  const byPartition = new Map<number, Consumed[]>();
  for (const c of consumed) byPartition.set(c[0], [...(byPartition.get(c[0]) ?? []), c]);
  for (const records of byPartition.values()) {
    for (let i = 1; i < records.length; i++) {
      expect(records[i]![1]).toBeGreaterThan(records[i - 1]![1]);
      expect(Number(records[i]![2])).toBeGreaterThan(Number(records[i - 1]![2]));
    }
  }
}

function run(command: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { timeout: 90_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => (error ? reject(new Error(`${command}: ${error.message}\n${stderr}`)) : resolve(stdout)));
    if (input !== undefined) child.stdin?.end(input);
  });
}

const kafkajs = (): Kafka => new Kafka({ clientId: 'kspec-test', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING });

describe('kafkajs', () => {
  it('creates a topic, produces acks=all idempotently, and a group consumer reads every record once, in order', async () => {
    const kafka = kafkajs();
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kafkajs', numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const count = 300;
    for (let i = 0; i < count; i += 50) {
      await producer.send({ topic: 'kafkajs', acks: -1, messages: Array.from({ length: 50 }, (_, j) => ({ key: `k${(i + j) % 7}`, value: String(i + j) })) });
    }
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'kafkajs-group', sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'kafkajs', fromBeginning: true });
    const consumed: Consumed[] = [];
    await new Promise<void>((resolve) => void consumer.run({
      eachMessage: async ({ partition, message }) => {
        consumed.push([partition, Number(message.offset), message.value!.toString()]);
        if (consumed.length === count) resolve();
      },
    }));
    await consumer.disconnect();
    expectOnceInOrder(consumed, count);
  }, 90_000);

  it('a group of two: both get partitions; when one leaves, the other takes them all and resumes from the committed offsets', async () => {
    const kafka = kafkajs();
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'pair', numPartitions: 4, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const send = (from: number, n: number) => producer.send({ topic: 'pair', acks: -1, messages: Array.from({ length: n }, (_, j) => ({ key: `k${(from + j) % 11}`, value: String(from + j) })) });
    await send(0, 100);
    const consumed: Consumed[] = [];
    const assignments = new Map<string, number[]>();
    const start = async (name: string): Promise<Consumer> => {
      const consumer = kafka.consumer({ groupId: 'pair-group', sessionTimeout: 10_000, heartbeatInterval: 300, rebalanceTimeout: 10_000 });
      consumer.on(consumer.events.GROUP_JOIN, (e) => assignments.set(name, e.payload.memberAssignment['pair'] ?? []));
      await consumer.connect();
      await consumer.subscribe({ topic: 'pair', fromBeginning: true });
      void consumer.run({ autoCommitInterval: 100, eachMessage: async ({ partition, message }) => void consumed.push([partition, Number(message.offset), message.value!.toString()]) });
      return consumer;
    };
    const a = await start('a');
    const b = await start('b');
    await until(() => (assignments.get('a')?.length ?? 0) > 0 && (assignments.get('b')?.length ?? 0) > 0 && (assignments.get('a')!.length + assignments.get('b')!.length === 4));
    await until(() => consumed.length >= 100);
    await a.disconnect();
    await until(() => assignments.get('b')?.length === 4);
    await send(100, 100);
    await until(() => consumed.length >= 200);
    await b.disconnect();
    await producer.disconnect();
    expectOnceInOrder(consumed, 200);
  }, 120_000);
});

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!installed('kcat'))('kcat (librdkafka)', () => {
  it('produces keyed lines (idempotent, acks=all) to an auto-created topic and consumes them from the beginning, once and in order', async () => {
    const broker = cluster.bootstrapServers.split(',')[0]!;
    const count = 200;
    const lines = Array.from({ length: count }, (_, i) => `k${i % 7}:${i}`).join('\n');
    await run('kcat', ['-P', '-b', broker, '-t', 'kcat', '-K:', '-X', 'enable.idempotence=true', '-X', 'acks=all'], `${lines}\n`);
    const out = await run('kcat', ['-C', '-b', broker, '-t', 'kcat', '-o', 'beginning', '-e', '-q', '-f', '%p %o %s\\n']);
    const consumed = out.trim().split('\n').map((l) => l.split(' ')).map(([p, o, v]) => [Number(p), Number(o), v] as Consumed);
    expectOnceInOrder(consumed, count);
  }, 90_000);
});

const python = '/usr/bin/python3';
const script = (name: string): string => fileURLToPath(new URL(`./clients/${name}`, import.meta.url));

describe.skipIf(!installed(python, ['-c', 'import kafka']))('kafka-python (/usr/bin/python3; Debian python3-kafka)', () => {
  it('creates a topic, produces acks=all, and a group consumer reads every record once, in order', async () => {
    const out = await run(python, [script('kafka_python.py'), cluster.bootstrapServers, 'kafka-python', '120']);
    expectOnceInOrder(JSON.parse(out.trim().split('\n').pop()!) as Consumed[], 120);
  }, 90_000);
});

describe.skipIf(!installed(python, ['-c', 'import confluent_kafka']))('confluent-kafka-python (/usr/bin/python3; Debian python3-confluent-kafka)', () => {
  it('creates a topic, produces idempotently, and a group consumer reads every record once, in order', async () => {
    const out = await run(python, [script('confluent_kafka_client.py'), cluster.bootstrapServers, 'confluent-kafka', '120']);
    expectOnceInOrder(JSON.parse(out.trim().split('\n').pop()!) as Consumed[], 120);
  }, 90_000);
});
