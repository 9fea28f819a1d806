/**
 * The admin APIs as real clients use them: ListGroups and DescribeGroups through kafkajs' admin
 * client, and KIP-848's ConsumerGroupHeartbeat over the wire with kspec's raw client (no client
 * library here speaks it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import type { LiveCluster } from '../../src/runtime/cluster.js';
import { fitRequest, RawClient, startTestCluster } from './helpers.js';

let cluster: LiveCluster;
beforeAll(async () => {
  cluster = await startTestCluster(['group.initial.rebalance.delay.ms=0', 'group.min.session.timeout.ms=1000']);
}, 60_000);
afterAll(async () => cluster?.close());

type Body = Record<string, any>;
const kafkajs = (): Kafka => new Kafka({ clientId: 'kspec-admin-test', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING });

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('ListGroups and DescribeGroups (kafkajs admin)', () => {
  it('lists a joined consumer group and describes it Stable with its member and the partitions assigned to it; an unknown group is Dead', async () => {
    const kafka = kafkajs();
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'described', numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
    const consumer = kafka.consumer({ groupId: 'described-group', sessionTimeout: 10_000, heartbeatInterval: 300 });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => void (joined = true));
    await consumer.connect();
    await consumer.subscribe({ topic: 'described', fromBeginning: true });
    void consumer.run({ eachMessage: async () => {} });
    await until(() => joined);

    const listed = await admin.listGroups();
    expect(listed.groups).toContainEqual({ groupId: 'described-group', protocolType: 'consumer' });

    await until(async () => (await admin.describeGroups(['described-group'])).groups[0]?.state === 'Stable');
    const [group] = (await admin.describeGroups(['described-group'])).groups;
    expect(group).toMatchObject({ groupId: 'described-group', protocolType: 'consumer', errorCode: 0 });
    expect(group!.members).toHaveLength(1);
    const { AssignerProtocol } = await import('kafkajs');
    const assignment = AssignerProtocol.MemberAssignment.decode(group!.members[0]!.memberAssignment);
    expect(assignment?.assignment['described']?.slice().sort()).toEqual([0, 1, 2]);
    const subscription = AssignerProtocol.MemberMetadata.decode(group!.members[0]!.memberMetadata);
    expect(subscription?.topics).toEqual(['described']);

    const [unknown] = (await admin.describeGroups(['no-such-group'])).groups;
    expect(unknown).toMatchObject({ groupId: 'no-such-group', state: 'Dead', members: [] });

    await consumer.disconnect();
    await until(async () => (await admin.describeGroups(['described-group'])).groups[0]?.state === 'Empty');
    await admin.disconnect();
  }, 60_000);
});

describe('ConsumerGroupHeartbeat (KIP-848) over the wire', () => {
  it('a member joins with epoch 0, gets a member id, an epoch and every partition of its topic named by the topic\'s wire id; ListGroups says consumer', async () => {
    const admin = kafkajs().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kip848', numPartitions: 2, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();

    // FindCoordinator, then heartbeat the coordinator until the assignment arrives.
    const bootstrap = await RawClient.open(cluster.brokers[0]!.port);
    let coordinator: Body | null = null;
    await until(async () => {
      coordinator = await bootstrap.request<Body>(10, 4, fitRequest(10, 4, { keyType: 0, coordinatorKeys: ['kip848-group'] }));
      return coordinator?.['coordinators']?.[0]?.['errorCode'] === 0;
    });
    const metadata = await bootstrap.request<Body>(3, 12, fitRequest(3, 12, { topics: [{ name: 'kip848' }], allowAutoTopicCreation: false }));
    const topicId = metadata!['topics'][0]['topicId'] as string;
    bootstrap.close();
    const port = (coordinator as unknown as Body)['coordinators'][0]['port'] as number;
    const client = await RawClient.open(port);
    const heartbeat = (memberId: string, memberEpoch: number, subscribed: string[] | null) => client.request<Body>(68, 0, fitRequest(68, 0, {
      groupId: 'kip848-group', memberId, memberEpoch, rebalanceTimeoutMs: memberEpoch === 0 ? 30_000 : -1, subscribedTopicNames: subscribed, topicPartitions: memberEpoch === 0 ? [] : null,
    }));
    let answer = await heartbeat('', 0, ['kip848']);
    expect(answer?.['errorCode']).toBe(0);
    const memberId = answer!['memberId'] as string;
    expect(memberId).not.toBe('');
    expect(answer!['memberEpoch']).toBeGreaterThan(0);
    await until(async () => {
      if (answer?.['assignment'] !== null && answer?.['assignment'] !== undefined) return true;
      answer = await heartbeat(memberId, answer!['memberEpoch'] as number, null);
      return false;
    });
    const assigned = answer!['assignment']['topicPartitions'] as Body[];
    expect(assigned).toHaveLength(1);
    expect(assigned[0]!['topicId']).toBe(topicId);
    expect(assigned[0]!['partitions'].slice().sort()).toEqual([0, 1]);
    const listed = await client.request<Body>(16, 5, fitRequest(16, 5, { statesFilter: [], typesFilter: ['consumer'] }));
    expect(listed?.['groups']).toContainEqual(expect.objectContaining({ groupId: 'kip848-group', groupType: 'consumer', protocolType: 'consumer' }));
    const describedClassic = await client.request<Body>(15, 5, fitRequest(15, 5, { groups: ['kip848-group'] }));
    expect(describedClassic?.['groups'][0]['errorCode']).toBe(69); // GROUP_ID_NOT_FOUND: not a classic group
    const left = await heartbeat(memberId, -1, null);
    expect(left?.['memberEpoch']).toBe(-1);
    client.close();
  }, 60_000);
});

describe('DeleteTopics', () => {
  it('kafkajs deletes a topic: it leaves Metadata, every broker stops its replicas and drops their logs; created again it starts empty', async () => {
    const kafka = kafkajs();
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'doomed', numPartitions: 2, replicationFactor: 3 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'doomed', acks: -1, messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: String(i) })) });
    await producer.disconnect();
    const hosting = () => cluster.brokers.filter((b) => b.node.logOf('doomed-0') !== undefined || b.node.logOf('doomed-1') !== undefined).length;
    expect(hosting()).toBe(3);

    await admin.deleteTopics({ topics: ['doomed'] });
    await until(() => hosting() === 0);
    for (const b of cluster.brokers) expect([...b.node.replicas()].map(([key]) => key).filter((k) => k.startsWith('doomed-'))).toEqual([]);
    await until(async () => !(await admin.listTopics()).includes('doomed'));

    await admin.createTopics({ topics: [{ topic: 'doomed', numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
    const offsets = await admin.fetchTopicOffsets('doomed');
    expect(offsets).toEqual([expect.objectContaining({ partition: 0, high: '0', low: '0' })]);
    await admin.disconnect();
  }, 60_000);

  it('v6 by topic id; a name or id given twice is INVALID_REQUEST; an unknown id is UNKNOWN_TOPIC_ID', async () => {
    const client = await RawClient.open(cluster.brokers[0]!.port);
    const created = await client.request<Body>(19, 7, fitRequest(19, 7, { topics: [{ name: 'by-id', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 5000 }));
    const topicId = created!['topics'][0]['topicId'] as string;
    const twice = await client.request<Body>(20, 6, fitRequest(20, 6, { topics: [{ name: 'by-id' }, { name: 'by-id' }], timeoutMs: 5000 }));
    expect(twice!['responses'].map((r: Body) => r['errorCode'])).toEqual([42, 42]);
    const unknown = await client.request<Body>(20, 6, fitRequest(20, 6, { topics: [{ name: null, topicId: 'AAAAAAAAAAAAAAAAAAAAAQ' }], timeoutMs: 5000 }));
    expect(unknown!['responses'][0]).toMatchObject({ errorCode: 100, topicId: 'AAAAAAAAAAAAAAAAAAAAAQ' });
    const deleted = await client.request<Body>(20, 6, fitRequest(20, 6, { topics: [{ name: null, topicId }], timeoutMs: 5000 }));
    expect(deleted!['responses'][0]).toMatchObject({ errorCode: 0, name: 'by-id', topicId });
    client.close();
  }, 30_000);
});
