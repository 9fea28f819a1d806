/**
 * `kspec up --check`: the per-step group clauses judged live. A cluster serving the
 * no-generation-bump variant (a classic join phase completes without a new generation) is caught
 * by CG-GEN-1 as soon as a real consumer group forms, with the input that caused it; the
 * reference protocol under the same workload violates nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startLiveCluster, type LiveCluster } from '../../src/runtime/cluster.js';
import { liveConfig } from '../../src/runtime/config.js';
import { checkLive, type LiveViolation } from '../../src/runtime/live-check.js';

let cluster: LiveCluster | undefined;
afterEach(async () => cluster?.close());

/** A cluster of one broker under --check, and a kafkajs consumer group of one that joins and consumes a record. */
async function groupFormsOn(variant: string): Promise<LiveViolation[]> {
  cluster = await startLiveCluster({
    brokers: 1, controllers: 1, host: '127.0.0.1', port: 0, variant,
    config: liveConfig(['offsets.topic.num.partitions=1', 'offsets.topic.replication.factor=1', 'group.initial.rebalance.delay.ms=0', 'group.min.session.timeout.ms=1000']),
  });
  await cluster.ready(30_000);
  const violations: LiveViolation[] = [];
  checkLive(cluster, (v) => void violations.push(v));
  const kafka = new Kafka({ clientId: 'check', brokers: [cluster.bootstrapServers], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'checked', messages: [{ value: 'x' }] });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: 'checked-group', sessionTimeout: 6_000, heartbeatInterval: 300 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'checked', fromBeginning: true });
  await new Promise<void>((resolve) => void consumer.run({ eachMessage: async () => resolve() }));
  await consumer.disconnect();
  return violations;
}

describe('kspec up --check', () => {
  it('reports CG-GEN-1 against no-generation-bump, naming the input that caused it', async () => {
    const violations = await groupFormsOn('no-generation-bump');
    const generation = violations.find((v) => v.clauseId === 'CG-GEN-1');
    expect(generation, JSON.stringify(violations)).toBeDefined();
    expect(generation!.cause).toMatch(/^(JoinGroup|SyncGroup|timer) .*(to node 1|on node 1)$/);
  }, 60_000);

  it('reports nothing against the reference protocol under the same workload', async () => {
    expect(await groupFormsOn('kraft')).toEqual([]);
  }, 60_000);
});
