/**
 * `kspec groups --bootstrap-server H:P --list | --describe --group G`: Kafka's
 * kafka-consumer-groups.sh against any broker, through kspec's own client. --list asks every
 * broker (ListGroups), as the admin client does; --describe finds the group's coordinator and
 * prints ConsumerGroupCommand's offsets table: GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET
 * LAG CONSUMER-ID HOST CLIENT-ID, one row per partition that is assigned or has a committed
 * offset ('-' where there is none). Exit codes: 0 done, 1 the broker refused or the group does
 * not exist, 2 bad arguments or an unreachable server.
 */
import type { Command } from 'commander';
import { UsageError } from '../args.js';
import { ApiKey, type KafkaClient } from '../../client/index.js';
import { errorName } from '../../protocol/errors.js';
import type { DescribeGroupsResponseData, ListGroupsResponseData, ListOffsetsResponseData, OffsetFetchResponseData } from '../../protocol/wire/generated/index.js';
import { decodeAssignment } from '../../cluster/gateway/embedded-protocol.js';
import { table, withAdminClient } from './admin-client.js';

interface GroupsOptions {
  bootstrapServer?: string;
  list?: boolean;
  describe?: boolean;
  group?: string;
}

const DESCRIBE_GROUPS = 15;
const LIST_GROUPS = 16;
/** OffsetFetch before v8 names one group at the top level; the table needs no more. */
const OFFSET_FETCH_VERSION_MAX = 7;

export function registerGroupsCommand(root: Command, setExitCode: (code: number) => void): void {
  root.command('groups')
    .description('list and describe consumer groups on any Kafka broker (kafka-consumer-groups.sh\'s options and columns)')
    .option('--bootstrap-server <host:port>', 'the broker(s) to connect to, comma-separated')
    .option('--list', 'list the groups of every broker')
    .option('--describe', 'describe --group: committed offsets, log end offsets, lag and members')
    .option('--group <id>', 'the group')
    .action(async (options: GroupsOptions) => setExitCode(await groupsCommand(options)));
}

export async function groupsCommand(options: GroupsOptions): Promise<number> {
  if ((options.list === true) === (options.describe === true)) throw new UsageError('give exactly one of --list, --describe');
  if (options.describe === true && options.group === undefined) throw new UsageError('--describe needs --group');
  return withAdminClient(options.bootstrapServer, (client) => (options.list === true ? list(client) : describe(client, options.group!)));
}

async function list(client: KafkaClient): Promise<number> {
  const metadata = await client.metadata([]);
  const groups = new Set<string>();
  for (const nodeId of metadata.brokers.keys()) {
    const { body } = await client.request<ListGroupsResponseData>(nodeId, LIST_GROUPS, { statesFilter: [], typesFilter: [] });
    if (body.errorCode !== 0) return refused(`broker ${nodeId}: ${errorName(body.errorCode)}`);
    for (const g of body.groups) groups.add(g.groupId);
  }
  for (const g of [...groups].sort()) console.log(g);
  return 0;
}

interface Row {
  topic: string;
  partition: number;
  committed: number | null;
  member: { memberId: string; clientHost: string; clientId: string } | null;
}

async function describe(client: KafkaClient, groupId: string): Promise<number> {
  const coordinator = await client.findCoordinator(groupId);
  if (coordinator.errorCode !== 0) return refused(`the coordinator of group '${groupId}' is not available: ${errorName(coordinator.errorCode)}`);
  await client.metadata([]);
  const described = (await client.request<DescribeGroupsResponseData>(coordinator.nodeId, DESCRIBE_GROUPS, { groups: [groupId] })).body.groups[0];
  // GROUP_ID_NOT_FOUND: a KIP-848 group, which DescribeGroups does not describe; its offsets still show.
  if (described === undefined || (described.errorCode !== 0 && errorName(described.errorCode) !== 'GROUP_ID_NOT_FOUND')) {
    return refused(`describing group '${groupId}': ${described === undefined ? 'no answer' : errorName(described.errorCode)}`);
  }
  const version = client.versionFor(ApiKey.OffsetFetch, OFFSET_FETCH_VERSION_MAX);
  const fetched = (await client.request<OffsetFetchResponseData>(coordinator.nodeId, ApiKey.OffsetFetch, { groupId, topics: null }, version)).body;
  if (fetched.errorCode !== 0) return refused(`fetching the offsets of group '${groupId}': ${errorName(fetched.errorCode)}`);
  const rows = new Map<string, Row>();
  const row = (topic: string, partition: number): Row => {
    const key = `${topic}\0${partition}`;
    let r = rows.get(key);
    if (r === undefined) rows.set(key, (r = { topic, partition, committed: null, member: null }));
    return r;
  };
  for (const t of fetched.topics) for (const p of t.partitions) if (p.committedOffset >= 0n) row(t.name, p.partitionIndex).committed = Number(p.committedOffset);
  for (const m of described.members) {
    const assignment = m.memberAssignment.length === 0 ? null : decodeAssignment(m.memberAssignment);
    for (const tp of assignment?.assignedPartitions ?? []) for (const p of tp.partitions) row(tp.topic, p).member = m;
  }
  if (described.groupState === 'Dead' && rows.size === 0) return refused(`Consumer group '${groupId}' does not exist.`);
  const ends = await logEndOffsets(client, [...rows.values()]);
  if (described.members.length === 0) console.log(`\nConsumer group '${groupId}' has no active members.`);
  const sorted = [...rows.values()].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  console.log(`\n${table(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'], sorted.map((r) => {
    const end = ends.get(`${r.topic}\0${r.partition}`);
    const lag = r.committed === null || end === undefined ? '-' : String(Math.max(0, end - r.committed));
    return [groupId, r.topic, String(r.partition), r.committed === null ? '-' : String(r.committed), end === undefined ? '-' : String(end), lag,
      r.member?.memberId ?? '-', r.member === null ? '-' : (r.member.clientHost === '' ? '-' : r.member.clientHost), r.member?.clientId ?? '-'];
  }))}`);
  return 0;
}

/** Each partition's log end offset from its leader (ListOffsets latest, as ConsumerGroupCommand asks). */
async function logEndOffsets(client: KafkaClient, rows: readonly Row[]): Promise<Map<string, number>> {
  const ends = new Map<string, number>();
  const topics = [...new Set(rows.map((r) => r.topic))];
  if (topics.length === 0) return ends;
  const metadata = await client.metadata(topics);
  for (const r of rows) {
    const leader = metadata.topics.get(r.topic)?.partitions.find((p) => p.partition === r.partition)?.leaderId ?? -1;
    if (leader < 0) continue;
    const { body } = await client.request<ListOffsetsResponseData>(leader, ApiKey.ListOffsets, {
      replicaId: -1, topics: [{ name: r.topic, partitions: [{ partitionIndex: r.partition, timestamp: -1n, currentLeaderEpoch: -1 }] }],
    });
    const answer = body.topics[0]?.partitions[0];
    if (answer !== undefined && answer.errorCode === 0) ends.set(`${r.topic}\0${r.partition}`, Number(answer.offset));
  }
  return ends;
}

function refused(message: string): number {
  console.error(`Error: ${message}`);
  return 1;
}
