/**
 * `kspec up` on disk: a cluster whose nodes keep their data under a data directory serves the same
 * records, the same committed offsets and the same cluster id after it is closed and started
 * again on that directory, with kafkajs as the client. Record bytes reach the segment files as the
 * client sent them (payload handles, never machine context) and come back the same way.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startLiveCluster, nodeDir, type LiveCluster } from '../../src/runtime/cluster.js';
import { liveConfig } from '../../src/runtime/config.js';
import { clusterIdOf } from '../../src/runtime/node-storage.js';
import { StorageFormatError } from '../../src/runtime/storage/index.js';
import { clusterLog, leadersKnown } from './helpers.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspec-disk-test-'));
const open: LiveCluster[] = [];
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function startOnDisk(): Promise<LiveCluster> {
  const cluster = await startLiveCluster({
    brokers: 3, controllers: 1, host: '127.0.0.1', port: 0, variant: 'kraft', dataDir,
    config: liveConfig(['offsets.topic.num.partitions=2', 'group.initial.rebalance.delay.ms=0', 'group.min.session.timeout.ms=1000']),
    log: (line) => void clusterLog.push(line),
  });
  open.push(cluster);
  await cluster.ready(30_000);
  return cluster;
}

/** What kafkajs logged (warnings and errors), shown when a phase does not finish in time. */
const clientLog: string[] = [];
const kafkaOf = (cluster: LiveCluster): Kafka => new Kafka({
  clientId: 'kspec-disk-test', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.WARN,
  logCreator: () => ({ namespace, log }) => void clientLog.push(`${namespace}: ${log.message}${log.error ? ` (${String(log.error)})` : ''}`),
});

/** A phase that does not finish within its time fails with what was seen: the test's last lines, not only vitest's timeout. */
async function phase<T>(name: string, timeoutMs: number, run: Promise<T>, progress: () => string = () => ''): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(
      `${name}: not done within ${timeoutMs} ms ${progress()}\nkafkajs: ${clientLog.slice(-15).join('\n  ')}\ncluster: ${clusterLog.slice(-15).join('\n  ')}`,
    )), timeoutMs);
  });
  try {
    return await Promise.race([run, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every record of the topic from the beginning, as partition -> values in offset order. */
async function readAll(kafka: Kafka, topic: string, count: number, groupId = `reader-${Date.now()}`): Promise<Map<number, string[]>> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const byPartition = new Map<number, [number, string][]>();
  let seen = 0;
  await phase(`group ${groupId} reading ${count} records`, 30_000, new Promise<void>((resolve) => void consumer.run({
    eachMessage: async ({ partition, message }) => {
      byPartition.set(partition, [...(byPartition.get(partition) ?? []), [Number(message.offset), message.value!.toString()]]);
      if (++seen === count) resolve();
    },
  })), () => `(read ${seen}: ${[...byPartition].map(([p, r]) => `p${p}=${r.length}`).join(' ')})`);
  // Commit where each partition was read to (OffsetCommit), so the group's offsets are on disk too.
  await consumer.commitOffsets([...byPartition].map(([partition, records]) => ({ topic, partition, offset: String(Math.max(...records.map((r) => r[0])) + 1) })));
  await consumer.disconnect();
  return new Map([...byPartition].map(([p, records]) => [p, records.sort((a, b) => a[0] - b[0]).map((r) => r[1])]));
}

describe('kspec up --data-dir', () => {
  it('serves the same records, committed offsets and cluster id after a clean close and a restart on the same directory', async () => {
    const first = await startOnDisk();
    const kafka = kafkaOf(first);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'durable', numPartitions: 3, replicationFactor: 3 }], waitForLeaders: false });
    await leadersKnown(admin, 'durable', 3);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const count = 150;
    for (let i = 0; i < count; i += 50) {
      // Binary values too: the bytes must come back as sent, not through a string.
      await producer.send({ topic: 'durable', acks: -1, messages: Array.from({ length: 50 }, (_, j) => ({ key: `k${(i + j) % 5}`, value: String(i + j) })) });
    }
    await producer.disconnect();
    const before = await readAll(kafka, 'durable', count, 'durable-group');
    await admin.disconnect();
    const clusterId = first.clusterId;
    await first.close();
    for (const id of [1, 2, 3, 101]) expect(fs.existsSync(path.join(nodeDir(dataDir, id), '.kafka_cleanshutdown'))).toBe(true);

    const second = await startOnDisk();
    expect(second.clusterId).toBe(clusterId);
    const again = kafkaOf(second);
    expect(await readAll(again, 'durable', count)).toEqual(before);
    expect([...before.values()].flat().map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
    const admin2 = again.admin();
    await admin2.connect();
    const offsets = await admin2.fetchOffsets({ groupId: 'durable-group', topics: ['durable'] });
    await admin2.disconnect();
    const committed = new Map(offsets[0]!.partitions.map((p) => [p.partition, Number(p.offset)]));
    expect(committed).toEqual(new Map([...before].map(([p, values]) => [p, values.length])));
    // A record written after the restart follows on from the recovered log end.
    const producer2 = again.producer({ idempotent: true });
    await producer2.connect();
    const [sent] = await producer2.send({ topic: 'durable', acks: -1, messages: [{ key: 'after', value: 'after-restart' }] });
    await producer2.disconnect();
    expect(Number(sent!.baseOffset)).toBe(before.get(sent!.partition)!.length);
    await second.close();
  }, 90_000);
});

describe('a deleted topic on disk', () => {
  it('leaves no partition directory, and a topic created again with its name starts from an empty log (LogManager.asyncDelete)', async () => {
    const cluster = await startOnDisk();
    const kafka = kafkaOf(cluster);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'again', numPartitions: 1, replicationFactor: 3 }], waitForLeaders: false });
    await leadersKnown(admin, 'again', 1);
    const first = kafka.producer();
    await first.connect();
    await first.send({ topic: 'again', acks: -1, messages: [{ value: 'old-1' }, { value: 'old-2' }] });
    await first.disconnect();
    const partitionDirs = () => [1, 2, 3].filter((id) => fs.existsSync(path.join(nodeDir(dataDir, id), 'again-0')));
    expect(partitionDirs()).toEqual([1, 2, 3]);
    await admin.deleteTopics({ topics: ['again'] });
    await phase('every broker deleting the partition directory', 20_000, (async () => {
      while (partitionDirs().length > 0) await new Promise((r) => setTimeout(r, 100));
    })(), () => `(still there on ${partitionDirs().join(', ')})`);
    await phase('the topic created again', 20_000, (async () => {
      for (;;) {
        try {
          await admin.createTopics({ topics: [{ topic: 'again', numPartitions: 1, replicationFactor: 3 }], waitForLeaders: false });
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    })());
    await leadersKnown(admin, 'again', 1);
    const second = kafka.producer();
    await second.connect();
    const [sent] = await second.send({ topic: 'again', acks: -1, messages: [{ value: 'new' }] });
    await second.disconnect();
    expect(Number(sent!.baseOffset)).toBe(0);
    expect(await readAll(kafka, 'again', 1)).toEqual(new Map([[0, ['new']]]));
    await admin.disconnect();
    await cluster.close();
  }, 90_000);
});

describe('the cluster id of a data directory', () => {
  it('is the one meta.properties carries, and directories of two clusters are refused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspec-cluster-id-'));
    try {
      const fresh = clusterIdOf([path.join(dir, 'a'), path.join(dir, 'b')]);
      expect(fresh).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      fs.mkdirSync(path.join(dir, 'a'));
      fs.mkdirSync(path.join(dir, 'b'));
      fs.writeFileSync(path.join(dir, 'a', 'meta.properties'), 'version=1\nnode.id=1\ncluster.id=AAAAAAAAAAAAAAAAAAAAAA\n');
      expect(clusterIdOf([path.join(dir, 'a'), path.join(dir, 'b')])).toBe('AAAAAAAAAAAAAAAAAAAAAA');
      fs.writeFileSync(path.join(dir, 'b', 'meta.properties'), 'version=1\nnode.id=2\ncluster.id=BBBBBBBBBBBBBBBBBBBBBB\n');
      expect(() => clusterIdOf([path.join(dir, 'a'), path.join(dir, 'b')])).toThrow(StorageFormatError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
