/**
 * What a classic rule does besides changing groups, collected in the order Kafka does it: the
 * answers (Kafka completes response futures), the records to append, and the timers scheduled or
 * cancelled. The coordinator applies a ShardOutcome's cancels before its timers, so the collector
 * keeps only the last operation per timer key: "schedule, then cancel" leaves a cancel, and
 * "cancel, then schedule" a timer, as they would in Kafka's timer.
 *
 * Timer keys name what they time (Kafka's classicGroupHeartbeatKey, classicGroupJoinKey,
 * classicGroupSyncKey): setting a key again replaces the timer.
 */
import type { GroupResponse, JoinGroupResponse, SyncGroupResponse } from '../../protocol/groups/messages.js';
import type { ClassicGroupMember, ParkedRequest } from './classic-member.js';
import { emptyAssignment } from './classic-member.js';
import type { GroupRecord } from '../../protocol/groups/records.js';
import type { ShardOutcome, ShardResponse, ShardTimer, ShardTimerEvent } from './shard.js';

export const heartbeatKey = (groupId: string, memberId: string): string => `classic/${groupId}/heartbeat/${memberId}`;
export const joinKey = (groupId: string): string => `classic/${groupId}/join`;
export const syncKey = (groupId: string): string => `classic/${groupId}/sync`;

export class ClassicEffects {
  private readonly responses: ShardResponse[] = [];
  private readonly records: GroupRecord[] = [];
  /** Timer key → the timer to set, or null to cancel; insertion order is the order of the last operations. */
  private readonly timerOperations = new Map<string, ShardTimer | null>();

  respond(to: number, message: GroupResponse): void {
    this.responses.push({ to, message });
  }

  /** Complete a parked JoinGroup (Kafka: the member's awaitingJoinFuture). */
  answerJoin(parked: ParkedRequest, fields: JoinGroupResponseFields): void {
    this.respond(parked.from, joinGroupResponse(parked.correlationId, fields));
  }

  /** Complete a parked SyncGroup (Kafka: the member's awaitingSyncFuture). */
  answerSync(parked: ParkedRequest, fields: SyncGroupResponseFields): void {
    this.respond(parked.from, syncGroupResponse(parked.correlationId, fields));
  }

  record(record: GroupRecord): void {
    this.records.push(record);
  }

  schedule(key: string, delayMs: number, event: ShardTimerEvent): void {
    this.timerOperations.delete(key);
    this.timerOperations.set(key, { key, delayMs, event });
  }

  cancel(key: string): void {
    this.timerOperations.delete(key);
    this.timerOperations.set(key, null);
  }

  /** GroupMetadataManager.rescheduleClassicGroupMemberHeartbeat: the member's deadline moves to now + timeout. */
  rescheduleHeartbeat(groupId: string, member: ClassicGroupMember, timeoutMs: number = member.sessionTimeoutMs): void {
    this.schedule(heartbeatKey(groupId, member.memberId), timeoutMs, { kind: 'classic.heartbeat', groupId, memberId: member.memberId });
  }

  outcome<S>(state: S): ShardOutcome<S> {
    const timers: ShardTimer[] = [];
    const cancels: string[] = [];
    for (const [key, timer] of this.timerOperations) {
      if (timer === null) cancels.push(key);
      else timers.push(timer);
    }
    return { state, records: [...this.records], responses: [...this.responses], timers, cancels };
  }
}

export type JoinGroupResponseFields = Partial<Omit<JoinGroupResponse, 'type' | 'correlationId'>> & { readonly memberId: string };
export type SyncGroupResponseFields = Partial<Omit<SyncGroupResponse, 'type' | 'correlationId'>> & { readonly errorCode: number };

/** JoinGroupResponseData's defaults: no generation (-1), no protocol, no leader (''), no members. */
export function joinGroupResponse(correlationId: number, fields: JoinGroupResponseFields): JoinGroupResponse {
  return {
    type: 'JoinGroupResponse',
    correlationId,
    errorCode: 0,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    members: [],
    ...fields,
  };
}

/** SyncGroupResponseData's defaults: no protocol, an empty assignment. */
export function syncGroupResponse(correlationId: number, fields: SyncGroupResponseFields): SyncGroupResponse {
  return { type: 'SyncGroupResponse', correlationId, protocolType: null, protocolName: null, assignment: emptyAssignment, ...fields };
}
