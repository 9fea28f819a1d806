/**
 * A broker's group coordinator (GroupCoordinatorService over CoordinatorRuntime): a host that only
 * dispatches. It hosts one shard machine per partition of __consumer_offsets this broker leads
 * (../group/coordinator-shard-machine.ts: CoordinatorRuntime.CoordinatorContext with its
 * CoordinatorState) and steps it with XState's pure `transition()` (coordinator-shard-host.ts).
 * The shell tells it when the local replica of such a partition becomes leader (LoadShard, with
 * the partition's records: a new shard replays them) or stops leading (UnloadShard), every advance
 * of the partition's high watermark, and the answers to the shards' local appends; each goes to
 * the shard of its partition. A group request goes to the shard of partitionFor(groupId)
 * (GroupCoordinatorService.partitionFor), or is answered NOT_COORDINATOR when this broker hosts no
 * shard for it.
 *
 * What the coordinator keeps itself is what the shards share: the metadata image's topics (each
 * shard's rules read them), the counters that name loads and writes, and the seed each new shard's
 * member ids are drawn from. The shards' timers (load completion, write timeouts, group timers)
 * are the shard machines' delayed raises, scheduled here under ids namespaced by partition
 * (`shard-<partition>/<key>`) and handed back to that partition's shard when they fire; the shard
 * ignores one of an earlier load.
 *
 * The group rules themselves are in ../group (coordinator-shard.ts dispatches to them).
 */
import { setup } from 'xstate';
import { errorCode } from '../../protocol/errors.js';
import type { GroupRequest } from '../../protocol/groups/messages.js';
import type { ProduceResponse } from '../../protocol/replication/messages.js';
import { Step as GenericStep, stepAction } from '../step.js';
import { errorResponseFor } from '../group/error-responses.js';
import { OFFSETS_TOPIC, partitionFor } from '../../common/partition-for.js';
import type { CoordinatorShardEffect, CoordinatorShardEventBody, CoordinatorShardTimerEvent } from '../group/coordinator-shard-machine.js';
import { loadCoordinatorShard, stepCoordinatorShard, type HostedShard, type ShardStep } from '../group/coordinator-shard-host.js';
import type { GroupCoordinatorConfig, ShardEnv, TopicImage } from '../group/shard.js';

export interface CoordinatorInput {
  readonly brokerId: number;
  readonly config: GroupCoordinatorConfig;
  readonly randomSeed: number;
}

export interface CoordinatorContext {
  readonly brokerId: number;
  readonly config: GroupCoordinatorConfig;
  readonly randomSeed: number;
  /** By topic name. */
  readonly topics: Readonly<Record<string, TopicImage>>;
  /** The hosted shard machines, by partition of __consumer_offsets. */
  readonly shards: Readonly<Record<string, HostedShard>>;
  readonly nextLoadId: number;
  /** Names each write of every shard (its append's correlation id and its timeout). */
  readonly nextWriteId: number;
}

export type CoordinatorEffect = CoordinatorShardEffect;

export type CoordinatorLocalEvent =
  | { readonly type: 'Topics'; readonly topics: readonly TopicImage[] }
  | { readonly type: 'LoadShard'; readonly partition: number; readonly leaderEpoch: number; readonly records: readonly { key: string | null; value: string | null }[]; readonly logEndOffset: number; readonly highWatermark: number }
  | { readonly type: 'UnloadShard'; readonly partition: number }
  | { readonly type: 'HighWatermark'; readonly partition: number; readonly highWatermark: number }
  /** A timer of the partition's shard machine (load completion, write timeout, group timer). */
  | { readonly type: 'ShardTimerFired'; readonly partition: number; readonly event: CoordinatorShardTimerEvent };

export type CoordinatorEvent = (GroupRequest | ProduceResponse | CoordinatorLocalEvent) & { readonly from: number; readonly nowMs: number };
type With<T> = T & { readonly from: number; readonly nowMs: number };
type Of<T extends CoordinatorLocalEvent['type']> = With<Extract<CoordinatorLocalEvent, { type: T }>>;

class Step extends GenericStep<CoordinatorContext, CoordinatorEffect> {}

function offsetsPartitionCount(c: CoordinatorContext): number {
  return c.topics[OFFSETS_TOPIC]?.numPartitions ?? c.config.offsetsTopicNumPartitions;
}

function envOf(c: CoordinatorContext, partition: number, nowMs: number): ShardEnv {
  return { nowMs, config: c.config, topics: c.topics, partition };
}

const timerId = (partition: number, key: string): string => `shard-${partition}/${key}`;

/** Keep a shard's step (or drop the shard it closed) and carry out its outputs, timer ids namespaced by partition. */
function host(step: Step, partition: number, stepped: ShardStep): void {
  const shards = { ...step.c.shards };
  if (stepped.shard === null) delete shards[partition];
  else shards[partition] = stepped.shard;
  step.patch({ shards, nextWriteId: stepped.nextWriteId });
  for (const output of stepped.outputs) {
    if (output.kind === 'effect') step.effect(output.effect);
    else if (output.kind === 'cancel') step.cancel(timerId(partition, output.key));
    else step.timer({ type: 'ShardTimerFired', partition, event: output.event, from: -1 }, output.delayMs, timerId(partition, output.key));
  }
}

/** Hand an event to the partition's shard; false when this broker hosts none for it. */
function dispatch(step: Step, partition: number, nowMs: number, event: CoordinatorShardEventBody): boolean {
  const shard = step.c.shards[partition];
  if (shard === undefined) return false;
  host(step, partition, stepCoordinatorShard(shard, step.c.nextWriteId, { ...event, env: envOf(step.c, partition, nowMs) }));
  return true;
}

/** GroupCoordinatorService: the request goes to the shard of partitionFor(groupId). */
function routeRequest(step: Step, request: With<GroupRequest>): void {
  const groupId = request.type === 'FindCoordinator' ? request.key : request.groupId;
  const partition = partitionFor(groupId, offsetsPartitionCount(step.c));
  // A partition this broker does not lead (or no longer leads).
  if (!dispatch(step, partition, request.nowMs, { type: 'Request', request })) step.effect({ type: 'send', to: request.from, message: errorResponseFor(request, errorCode('NOT_COORDINATOR')) });
}

/** onElection: a shard already hosted for the partition closes, and a new one loads. */
function load(step: Step, event: Of<'LoadShard'>): void {
  dispatch(step, event.partition, event.nowMs, { type: 'Unload' });
  const loadId = step.c.nextLoadId;
  step.patch({ nextLoadId: loadId + 1 });
  const seed = (step.c.randomSeed ^ Math.imul(event.partition + 1, 0x27d4eb2d) ^ Math.imul(loadId + 1, 0x165667b1)) >>> 0;
  const env = envOf(step.c, event.partition, event.nowMs);
  const loaded = loadCoordinatorShard(
    { partition: event.partition, loadId, seed, nextWriteId: step.c.nextWriteId },
    { type: 'Load', leaderEpoch: event.leaderEpoch, records: event.records, logEndOffset: event.logEndOffset, highWatermark: event.highWatermark, env },
  );
  host(step, event.partition, loaded);
}

function run<E>(body: (step: Step, event: E) => void): never {
  return stepAction<CoordinatorContext, CoordinatorEffect, CoordinatorEvent>(body as never);
}

export function createCoordinatorMachine() {
  return setup({
    types: { context: {} as CoordinatorContext, events: {} as CoordinatorEvent, input: {} as CoordinatorInput, emitted: {} as CoordinatorEffect },
    actions: {
      adoptTopics: run((step, event: Of<'Topics'>) => {
        step.patch({ topics: Object.fromEntries(event.topics.map((t) => [t.name, t])) });
      }),
      loadShard: run(load),
      unloadShard: run((step, event: Of<'UnloadShard'>) => dispatch(step, event.partition, event.nowMs, { type: 'Unload' })),
      forwardHighWatermark: run((step, event: Of<'HighWatermark'>) => dispatch(step, event.partition, event.nowMs, { type: 'HighWatermark', highWatermark: event.highWatermark })),
      forwardAppendAnswer: run((step, response: With<ProduceResponse>) => {
        dispatch(step, response.partition, response.nowMs, { type: 'AppendCompleted', correlationId: response.correlationId, errorCode: response.errorCode, baseOffset: response.baseOffset });
      }),
      forwardShardTimer: run((step, event: Of<'ShardTimerFired'>) => dispatch(step, event.partition, event.nowMs, event.event)),
      routeRequest: run(routeRequest),
    },
  }).createMachine({
    id: 'groupCoordinator',
    context: ({ input }) => ({ brokerId: input.brokerId, config: input.config, randomSeed: input.randomSeed, topics: {}, shards: {}, nextLoadId: 0, nextWriteId: 1 }),
    initial: 'Running',
    states: {
      Running: {
        description: 'Only dispatches: hosts a shard machine per __consumer_offsets partition this broker leads (its own states: Loading, Active, Closed) and hands each event to the shard of its partition; a group request for a partition with no shard here is answered NOT_COORDINATOR.',
        on: {
          Topics: { actions: 'adoptTopics', description: 'onNewMetadataImage: topic ids and partition counts (for KIP-848 assignments and partitionFor), handed to every shard step.' },
          LoadShard: { actions: 'loadShard', description: 'onElection (CoordinatorRuntime.scheduleLoadOperation): a shard still hosted for the partition is closed, and a new shard machine is created and loads the partition\'s records (Loading).' },
          UnloadShard: { actions: 'unloadShard', description: 'onResignation (CoordinatorRuntime.scheduleUnloadOperation): the partition\'s shard closes (its waiting answers fail with NOT_COORDINATOR) and is dropped.' },
          HighWatermark: { actions: 'forwardHighWatermark', description: 'The partition\'s high watermark moved (the HighWatermarkListener): handed to its shard, which sends the answers now committed.' },
          ProduceResponse: { actions: 'forwardAppendAnswer', description: 'The answer to a shard\'s local append (CoordinatorPartitionWriter): handed to the shard of its partition.' },
          ShardTimerFired: { actions: 'forwardShardTimer', description: 'A shard machine\'s timer (load completion, write timeout, group timer), scheduled under shard-<partition>/<key>: handed back to that partition\'s shard, which ignores one of an earlier load.' },
          JoinGroup: { actions: 'routeRequest', description: 'GroupCoordinatorService.joinGroup: to the shard of partitionFor(groupId), or NOT_COORDINATOR when this broker hosts none; the shard runs the classic group machine\'s join rule.' },
          SyncGroup: { actions: 'routeRequest', description: 'GroupCoordinatorService.syncGroup: to the group\'s shard (NOT_COORDINATOR when none is hosted here).' },
          Heartbeat: { actions: 'routeRequest', description: 'GroupCoordinatorService.heartbeat: to the group\'s shard (NOT_COORDINATOR when none is hosted here).' },
          LeaveGroup: { actions: 'routeRequest', description: 'GroupCoordinatorService.leaveGroup: to the group\'s shard (NOT_COORDINATOR when none is hosted here).' },
          OffsetCommit: { actions: 'routeRequest', description: 'GroupCoordinatorService.commitOffsets: to the group\'s shard (NOT_COORDINATOR when none is hosted here), which validates the commit against the group and writes it.' },
          OffsetFetch: { actions: 'routeRequest', description: 'GroupCoordinatorService.fetchOffsets: to the group\'s shard (NOT_COORDINATOR when none is hosted here).' },
          ConsumerGroupHeartbeat: { actions: 'routeRequest', description: 'GroupCoordinatorService.consumerGroupHeartbeat (KIP-848): to the group\'s shard (NOT_COORDINATOR when none is hosted here), where the KIP-848 group and member machines run it.' },
        },
      },
    },
  });
}
