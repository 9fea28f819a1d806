/**
 * The socket transport (src/runtime/node-transport.ts): a controller and three brokers, each with
 * its own world, payload store and log directory, reach each other only through Kafka's protocol
 * on TCP. The brokers register and are unfenced, a topic created through one broker is replicated
 * to all three (replica Fetch on the wire), and kafkajs reads back what it wrote with acks=all.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startSocketCluster, socketClusterLog, type SocketCluster } from './socket-cluster.js';
import type { BrokerNode } from '../../src/cluster/broker-node.js';

let cluster: SocketCluster | undefined;
afterAll(async () => {
  await cluster?.close();
});

describe('a cluster over the socket transport', () => {
  it('registers its brokers, replicates a topic to every replica and serves what kafkajs wrote', async () => {
    cluster = await startSocketCluster(1, 3);
    await cluster.ready(20_000);
    const kafka = new Kafka({ clientId: 'kspec-sockets', brokers: cluster.bootstrap, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'wired', numPartitions: 2, replicationFactor: 3 }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const values = Array.from({ length: 50 }, (_, i) => `v${i}`);
    for (let i = 0; i < values.length; i += 10) {
      await producer.send({ topic: 'wired', acks: -1, messages: values.slice(i, i + 10).map((value, j) => ({ key: `k${(i + j) % 2}`, value })) });
    }
    await producer.disconnect();
    // Every replica's log holds every record: the followers fetched them over the inter-broker listener.
    const logEnds = [1, 2, 3].map((id) => {
      const node = cluster!.nodes.get(id)!.node as BrokerNode;
      return [0, 1].map((p) => node.logOf(`wired-${p}`)?.logEndOffset ?? -1).reduce((a, b) => a + b, 0);
    });
    expect(logEnds).toEqual([50, 50, 50]);
    const metadata = await admin.fetchTopicMetadata({ topics: ['wired'] });
    for (const p of metadata.topics[0]!.partitions) expect([...p.isr].sort()).toEqual([1, 2, 3]);
    await admin.disconnect();
    const consumer = kafka.consumer({ groupId: 'wired-reader', sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'wired', fromBeginning: true });
    const consumed: string[] = [];
    void consumer.run({ eachMessage: async ({ message }) => void consumed.push(message.value!.toString()) });
    const deadline = Date.now() + 20_000;
    while (consumed.length < values.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await consumer.disconnect();
    expect([...consumed].sort()).toEqual([...values].sort());
    expect(socketClusterLog.filter((l) => l.includes('kspec bug'))).toEqual([]);
  }, 60_000);
});
