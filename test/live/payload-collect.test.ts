/**
 * The live cluster's store of client batch bytes (src/cluster/payloads.ts) gives back what no log
 * holds any more: a batch the logs of every replica dropped (here: its topic deleted) is collected
 * on the second collection pass after it, never while a log still holds it. Before, the store kept
 * every batch for the life of the process.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import type { LiveCluster } from '../../src/runtime/cluster.js';
import { startTestCluster } from './helpers.js';

let cluster: LiveCluster | undefined;
afterAll(async () => cluster?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the payload store of the live cluster', () => {
  it('collects the bytes of a deleted topic\'s batches once no replica holds them, and keeps a live topic\'s', async () => {
    cluster = await startTestCluster();
    const kafka = new Kafka({ clientId: 'kspec-payloads', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'doomed', numPartitions: 2, replicationFactor: 3 }, { topic: 'kept', numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    for (let i = 0; i < 10; i++) await producer.send({ topic: 'doomed', acks: -1, messages: [{ value: `d${i}` }, { value: `e${i}` }] });
    await producer.send({ topic: 'kept', acks: -1, messages: [{ value: 'k' }] });
    await producer.disconnect();
    const held = cluster.payloads.size;
    expect(held).toBeGreaterThanOrEqual(11);

    await admin.deleteTopics({ topics: ['doomed'] });
    // Every broker stops the deleted topic's replicas and deletes their logs once its metadata has the removal.
    const deadline = Date.now() + 20_000;
    while (cluster.brokers.some((b) => b.node.logOf('doomed-0') !== undefined || b.node.logOf('doomed-1') !== undefined) && Date.now() < deadline) await sleep(100);
    expect(cluster.brokers.map((b) => b.node.logOf('doomed-0') ?? b.node.logOf('doomed-1'))).toEqual([undefined, undefined, undefined]);
    await admin.disconnect();
    // The first pass only marks what no log holds (an in-process answer may still carry it); the second frees it.
    cluster.payloads.collect();
    expect(cluster.payloads.size).toBe(held);
    cluster.payloads.collect();
    expect(cluster.payloads.size).toBe(1);
  }, 60_000);
});
