/**
 * A forced rebalance under the client (`kspec conform --client`): once the client's consumer owns
 * partitions, a second member joins its group through kspec's own client, as another consumer
 * process would. The group coordinator's machine decides the rest by Kafka's rules: the group goes
 * to PreparingRebalance, the client's heartbeat is answered REBALANCE_IN_PROGRESS
 * (GroupMetadataManager.classicGroupHeartbeat), it must revoke and rejoin, and its new assignment
 * leaves the intruder a share. The intruder holds its share a moment (heartbeating, rejoining when
 * the group rebalances again) and leaves (LeaveGroup): a second rebalance hands the share back.
 * The intruder never commits and never reads; its requests pass the tap like any client's.
 */
import type { Op } from '../../../spec/conformance/history.js';
import { Random } from '../../core/prng.js';
import type { KafkaClient } from '../../client/index.js';
import { errorCode } from '../../protocol/errors.js';
import { type CheckContext, Recorder } from '../check.js';
import { Member, coordinatorConnections } from '../checks/groups.js';

/** How long the intruder keeps its share before it leaves. */
const HOLD_MS = 1500;
const HEARTBEAT_MS = 300;
const WAIT_FOR_OWNER_MS = 30_000;
const INTRUDER_SESSION_TIMEOUT_MS = 6000;
const REBALANCE_IN_PROGRESS = errorCode('REBALANCE_IN_PROGRESS');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RebalanceReport {
  /** Join phases the intruder took part in (its joins that completed). */
  readonly joins: number;
  readonly left: boolean;
  /** Why nothing was forced, when nothing was. */
  readonly skipped?: string;
}

/** The first client SyncGroup answered with partitions: the group, and the protocols the client offered. */
function ownedGroup(history: readonly Op[]): { groupId: string; protocols: string[] } | undefined {
  const joins = new Map<string, string[]>();
  for (const op of history) {
    if (op.type === 'invoke' && op.f === 'broker:join-group') {
      const value = op.value as { groupId: string; protocols?: string[] };
      if (value.protocols !== undefined && value.protocols.length > 0) joins.set(value.groupId, value.protocols);
    }
    if (op.type === 'ok' && op.f === 'broker:sync-group' && ((op.value as { partitions?: string[] }).partitions?.length ?? 0) > 0) {
      const invoke = history[op.index - 1]!;
      const groupId = (invoke.value as { groupId: string }).groupId;
      const protocols = joins.get(groupId);
      if (protocols !== undefined) return { groupId, protocols };
    }
  }
  return undefined;
}

function contextOf(client: KafkaClient, seed: number): CheckContext {
  const unused = () => Promise.reject(new Error('not used by the intruder'));
  return { client, seed, random: Random.stream(seed, 'intruder'), recorder: new Recorder(), name: (s) => s, metadata: unused, topic: unused, brokerIds: unused };
}

/** Joins the client's group once it owns partitions, holds a share for HOLD_MS, leaves. */
export async function forceRebalance(client: KafkaClient, history: () => readonly Op[], topic: string, partitions: number, seed: number, done: () => boolean): Promise<RebalanceReport> {
  const deadline = Date.now() + WAIT_FOR_OWNER_MS;
  let group = ownedGroup(history());
  while (group === undefined && !done() && Date.now() < deadline) {
    await sleep(50);
    group = ownedGroup(history());
  }
  if (group === undefined) return { joins: 0, left: false, skipped: 'the client\'s consumer owned no partitions in time' };
  const context = contextOf(client, seed);
  const [connection] = await coordinatorConnections(context, group.groupId, 1);
  const intruder = new Member(context, 1, connection!, group.groupId, topic, group.protocols, null, INTRUDER_SESSION_TIMEOUT_MS);
  let joins = 0;
  try {
    const joinAndSync = async (): Promise<boolean> => {
      const first = intruder.memberId === '' ? await intruder.join() : undefined;
      const joined = first?.errorCode === 0 ? first : await intruder.join();
      if (joined?.errorCode !== 0) return false;
      joins++;
      return (await intruder.sync(partitions))?.errorCode === 0;
    };
    if (!(await joinAndSync())) return { joins, left: false, skipped: `the intruder could not join: ${JSON.stringify(context.recorder.history.at(-1)?.error ?? null)}` };
    const holdUntil = Date.now() + HOLD_MS;
    while (Date.now() < holdUntil && !done()) {
      await sleep(HEARTBEAT_MS);
      const beat = await intruder.heartbeat();
      if (beat?.errorCode === REBALANCE_IN_PROGRESS) await joinAndSync();
    }
    const left = (await intruder.leave())?.errorCode === 0;
    return { joins, left };
  } finally {
    connection!.close();
  }
}

/** The history's heartbeats answered REBALANCE_IN_PROGRESS, per process: proof the group rebalanced under a member. */
export function rebalanceNotices(history: readonly Op[]): number {
  return history.filter((op) => op.type === 'fail' && op.f === 'broker:heartbeat' && op.error === 'REBALANCE_IN_PROGRESS').length;
}

