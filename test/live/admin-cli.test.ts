/**
 * `kspec topics` and `kspec groups` against a kspec cluster in this process and against
 * librdkafka's mock cluster (tools/mockcluster; skipped, saying why, when it cannot be built):
 * the lines kafka-topics.sh and kafka-consumer-groups.sh print, exit 1 for a refusal, exit 2 with
 * one line for bad arguments or an unreachable server.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import type { LiveCluster } from '../../src/runtime/cluster.js';
import { topicsCommand } from '../../src/cli/commands/topics.js';
import { groupsCommand } from '../../src/cli/commands/groups.js';
import { UsageError } from '../../src/cli/args.js';
import { mockUnavailableReason, startMock, type MockCluster } from '../../src/conformance/mockcluster.js';
import { startTestCluster } from './helpers.js';

let cluster: LiveCluster;
beforeAll(async () => {
  cluster = await startTestCluster(['group.initial.rebalance.delay.ms=0', 'group.min.session.timeout.ms=1000']);
}, 60_000);
afterAll(async () => cluster?.close());

/** Run a command, capturing what it prints. */
async function captured(run: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await run(), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/**
 * As with kafka-topics.sh against Kafka: CreateTopics and DeleteTopics are answered once the
 * controller commits, and the broker asked next may not have the new metadata yet, so a look right
 * after is retried for a few seconds.
 */
async function eventually<T>(look: () => Promise<T>, holds: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const value = await look();
    if (holds(value) || attempt === 50) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const topics = (options: Record<string, unknown>, bootstrap = cluster.bootstrapServers) => captured(() => topicsCommand({ bootstrapServer: bootstrap, config: [], ...options }));
const groups = (options: Record<string, unknown>, bootstrap = cluster.bootstrapServers) => captured(() => groupsCommand({ bootstrapServer: bootstrap, ...options }));

describe('kspec topics against kspec up', () => {
  it('creates, lists, describes (kafka-topics.sh lines) and deletes a topic; a second create and a delete of a missing topic exit 1', async () => {
    expect(await topics({ create: true, topic: 'cli-t', partitions: 3, replicationFactor: 2, config: ['retention.ms=60000', 'cleanup.policy=delete'] })).toMatchObject({ code: 0, out: 'Created topic cli-t.' });
    const again = await topics({ create: true, topic: 'cli-t', partitions: 3, replicationFactor: 2 });
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^Error while executing topic command : Topic 'cli-t' already exists\.$/);
    expect((await eventually(() => topics({ list: true }), (r) => r.out.split('\n').includes('cli-t'))).out.split('\n')).toContain('cli-t');

    const described = await eventually(() => topics({ describe: true, topic: 'cli-t' }), (r) => r.out.split('\n').length === 4);
    const lines = described.out.split('\n');
    expect(lines[0]).toMatch(/^Topic: cli-t\tTopicId: \S{22}\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: cleanup\.policy=delete,retention\.ms=60000$/);
    expect(lines.slice(1)).toHaveLength(3);
    lines.slice(1).forEach((line, partition) => {
      const m = /^\tTopic: cli-t\tPartition: (\d+)\tLeader: (\d+)\tReplicas: (\d+),(\d+)\tIsr: ([\d,]+)$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(Number(m![1])).toBe(partition);
      // The leader is one of the replicas, and so is every ISR member.
      expect([m![3], m![4]]).toContain(m![2]);
      for (const r of m![5]!.split(',')) expect([m![3], m![4]]).toContain(r);
    });

    expect(await topics({ delete: true, topic: 'cli-t' })).toMatchObject({ code: 0 });
    const missing = await eventually(() => topics({ delete: true, topic: 'cli-t' }), (r) => /does not exist/.test(r.err));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/Topic 'cli-t' does not exist as expected/);
  }, 60_000);

  it('bad arguments and an unreachable server are usage errors (exit 2, one line)', async () => {
    await expect(topicsCommand({ bootstrapServer: cluster.bootstrapServers, config: [], list: true, describe: true })).rejects.toThrow(UsageError);
    await expect(topicsCommand({ bootstrapServer: cluster.bootstrapServers, config: [], create: true })).rejects.toThrow(/--create needs --topic/);
    await expect(topicsCommand({ bootstrapServer: 'nohostport', config: [], list: true })).rejects.toThrow(/not host:port/);
    await expect(topicsCommand({ config: [], list: true })).rejects.toThrow(/--bootstrap-server is required/);
    await expect(topicsCommand({ bootstrapServer: '127.0.0.1:1', config: [], list: true })).rejects.toThrow(/cannot reach 127\.0\.0\.1:1/);
    await expect(groupsCommand({ bootstrapServer: '127.0.0.1:1', list: true })).rejects.toThrow(UsageError);
    await expect(groupsCommand({ bootstrapServer: cluster.bootstrapServers, describe: true })).rejects.toThrow(/--describe needs --group/);
  });
});

describe('kspec groups against kspec up', () => {
  it('lists a group and describes it with kafka-consumer-groups.sh\'s columns: committed offsets, log end offsets, lag, members', async () => {
    const kafka = new Kafka({ clientId: 'cli-consumer', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'lagging', numPartitions: 2, replicationFactor: 3 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'lagging', acks: -1, messages: [{ partition: 0, value: 'a' }, { partition: 0, value: 'b' }, { partition: 0, value: 'c' }, { partition: 1, value: 'd' }] });
    await producer.disconnect();
    // Commit offset 1 on partition 0 and nothing on partition 1, then a member joins.
    await admin.setOffsets({ groupId: 'cli-group', topic: 'lagging', partitions: [{ partition: 0, offset: '1' }] });
    await admin.disconnect();

    const empty = await groups({ describe: true, group: 'cli-group' });
    expect(empty.code).toBe(0);
    expect(empty.out).toMatch(/Consumer group 'cli-group' has no active members\./);
    const header = empty.out.split('\n').find((l) => l.startsWith('GROUP'))!;
    expect(header.split(/\s+/)).toEqual(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']);
    const row = empty.out.split('\n').find((l) => l.startsWith('cli-group'))!;
    expect(row.split(/\s+/)).toEqual(['cli-group', 'lagging', '0', '1', '3', '2', '-', '-', '-']);

    const consumer = kafka.consumer({ groupId: 'cli-group', sessionTimeout: 10_000, heartbeatInterval: 300 });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => void (joined = true));
    await consumer.connect();
    await consumer.subscribe({ topic: 'lagging' });
    void consumer.run({ autoCommit: false, eachMessage: async () => {} });
    const deadline = Date.now() + 30_000;
    let described = await groups({ describe: true, group: 'cli-group' });
    while ((!joined || !/lagging\s+1\s/.test(described.out)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      described = await groups({ describe: true, group: 'cli-group' });
    }
    const rows = described.out.split('\n').filter((l) => l.startsWith('cli-group')).map((l) => l.split(/\s+/));
    expect(rows.map((r) => r.slice(0, 6))).toEqual([['cli-group', 'lagging', '0', '1', '3', '2'], ['cli-group', 'lagging', '1', '-', '1', '-']]);
    // One member holds both partitions.
    expect(new Set(rows.map((r) => r[6])).size).toBe(1);
    expect(rows[0]![6]).not.toBe('-');

    expect((await groups({ list: true })).out.split('\n')).toContain('cli-group');
    await consumer.disconnect();
    const unknown = await groups({ describe: true, group: 'no-such-group' });
    expect(unknown).toMatchObject({ code: 1, err: "Error: Consumer group 'no-such-group' does not exist." });
  }, 90_000);
});

const mockReason = mockUnavailableReason();
describe.skipIf(mockReason !== null)(`kspec topics and groups against librdkafka's mock cluster${mockReason === null ? '' : ` (skipped: ${mockReason})`}`, () => {
  let mock: MockCluster;
  beforeAll(async () => {
    mock = await startMock({ brokers: 3, topics: ['premade:2:3'] });
  }, 120_000);
  afterAll(async () => mock?.stop());

  it('lists and describes the mock\'s topics; CreateTopics and ListGroups, which the mock does not serve, are one line and exit 2', async () => {
    const bootstrap = mock.target.replace('kafka://', '');
    const listed = await topics({ list: true }, bootstrap);
    expect(listed.out.split('\n')).toContain('premade');
    const described = await topics({ describe: true, topic: 'premade' }, bootstrap);
    expect(described.out.split('\n')[0]).toMatch(/^Topic: premade\t(TopicId: \S+\t)?PartitionCount: 2\tReplicationFactor: 3\tConfigs: /);
    expect(described.out.split('\n').slice(1).map((l) => /Partition: (\d+)/.exec(l)?.[1])).toEqual(['0', '1']);
    await expect(topicsCommand({ bootstrapServer: bootstrap, config: [], create: true, topic: 'made-by-cli' })).rejects.toThrow(new UsageError(`${bootstrap}: the target offers no version of CreateTopics that kspec speaks`));
    await expect(groupsCommand({ bootstrapServer: bootstrap, list: true })).rejects.toThrow(/no version of ListGroups/);
  }, 60_000);
});
