/**
 * Classic group rules the conformance suite judges on the wire and no invariant states: a member
 * that stops heartbeating is removed once its session times out, and the group rebalances without
 * it; offsets committed before a rebalance are what the partition's next owner resumes from.
 * Pure history checkers over the operations the group checks record (see history.ts).
 */
import type { Clause } from '../clause.js';
import { type Anomaly, type Judgement, judgement } from './checkers.js';
import { type History, type Op, oks, pairs } from './history.js';

export const SessionExpiry: Clause = {
  id: 'CG-SESSION-1',
  title: 'A member that stops heartbeating is removed after session.timeout.ms, and the group rebalances without it',
  statement: 'A classic group member whose coordinator hears nothing from it (JoinGroup, SyncGroup, Heartbeat) for its session.timeout.ms is removed: the group prepares a rebalance (the other members\' heartbeats are answered REBALANCE_IN_PROGRESS), the next generation does not list it, and its later heartbeats and commits are answered UNKNOWN_MEMBER_ID. It is not removed before its session timeout has passed.',
  source: 'GroupMetadataManager.scheduleClassicGroupMemberHeartbeat / classicGroupMemberHeartbeatExpiration → removeMemberAndUpdateClassicGroup (Stable → PreparingRebalance); ClassicGroup.validateMember; KIP-62',
  kind: 'history',
  anomaly: 'member-not-expired',
};

export const groupConformanceClauses: readonly Clause[] = [SessionExpiry];

/** Granularity of the clocks that time the history (Node timers may fire up to a millisecond early). */
export const CLOCK_TOLERANCE_MS = 100;

/**
 * CG-SESSION-1 over one expiry: `silent` stopped at its last successful group call; `survivor`
 * kept heartbeating. The survivor's heartbeat answers must turn REBALANCE_IN_PROGRESS no sooner
 * than `sessionTimeoutMs` after the silent member's last call was sent, and no later than
 * `sessionTimeoutMs + graceMs` after its answer; the survivor's next join must not list the silent
 * member. Unknown when the survivor stopped heartbeating before the deadline.
 */
export function checkSessionExpiry(history: History, given: { silent: string; survivor: string; sessionTimeoutMs: number; graceMs: number }, clauseId: string): Judgement {
  const anomalies: Anomaly[] = [];
  const unknowns: string[] = [];
  const memberOf = (op: Op) => (op.value as { memberId?: string } | null)?.memberId;
  const calls = pairs(history).filter(({ invoke }) => ['join-group', 'sync-group', 'heartbeat'].includes(invoke.f));
  const lastSilent = calls.filter(({ invoke, completion }) => memberOf(invoke) === given.silent && completion?.type === 'ok').at(-1);
  if (lastSilent === undefined) return judgement([], [`member ${given.silent} never reached the group`]);
  const earliestMs = lastSilent.invoke.timeMs + given.sessionTimeoutMs - CLOCK_TOLERANCE_MS;
  const latestMs = lastSilent.completion!.timeMs + given.sessionTimeoutMs + given.graceMs;
  const survivorBeats = calls.filter(({ invoke }) => invoke.f === 'heartbeat' && memberOf(invoke) === given.survivor && invoke.index > lastSilent.invoke.index);
  const rebalance = survivorBeats.find(({ completion }) => completion?.type === 'fail' && completion.error === 'REBALANCE_IN_PROGRESS');
  if (rebalance === undefined) {
    const lastBeat = survivorBeats.at(-1);
    if (lastBeat?.completion !== undefined && lastBeat.completion.timeMs > latestMs) {
      anomalies.push({ name: 'member-not-expired', clauseId, detail: `member ${given.silent} sent nothing after ${lastSilent.completion!.timeMs} ms, yet the group was still not rebalancing at ${lastBeat.completion.timeMs} ms (session.timeout.ms ${given.sessionTimeoutMs})`, ops: [lastSilent.invoke.index, lastBeat.completion.index] });
    } else unknowns.push(`the survivor stopped heartbeating before ${latestMs} ms`);
    return judgement(anomalies, unknowns);
  }
  const seenMs = rebalance.completion!.timeMs;
  if (seenMs < earliestMs) anomalies.push({ name: 'early-expiry', clauseId, detail: `the group rebalanced at ${seenMs} ms, before ${given.silent}'s session (last call sent at ${lastSilent.invoke.timeMs} ms, session.timeout.ms ${given.sessionTimeoutMs}) could expire`, ops: [lastSilent.invoke.index, rebalance.completion!.index] });
  if (seenMs > latestMs) anomalies.push({ name: 'member-not-expired', clauseId, detail: `the group rebalanced only at ${seenMs} ms, ${seenMs - lastSilent.completion!.timeMs} ms after ${given.silent}'s last call (session.timeout.ms ${given.sessionTimeoutMs})`, ops: [lastSilent.invoke.index, rebalance.completion!.index] });
  const rejoin = oks(history, 'join-group').find(({ invoke }) => invoke.index > rebalance.invoke.index && memberOf(invoke) === given.survivor);
  if (rejoin === undefined) unknowns.push(`${given.survivor} did not rejoin after the rebalance`);
  else {
    const members = (rejoin.ok.value as { members: readonly string[]; leader: string }).members;
    if (members.includes(given.silent)) anomalies.push({ name: 'expired-member-kept', clauseId, detail: `the generation after the expiry still lists ${given.silent}`, ops: [rejoin.ok.index] });
  }
  return judgement(anomalies, unknowns);
}

/**
 * CG-RESUME-1 on the wire, for one group whose partitions each have one committer at a time:
 * every OffsetFetch answers, per partition, the offset of the last commit acknowledged before it
 * was sent (lost-commit when lower or another value), and a resumed read (`f: 'resume-read'`)
 * starts at the committed offset it resumed from (resumed-elsewhere).
 * offset-commit invoke values carry { partition, offset }; offset-fetch ok values { partition, offset }.
 */
export function checkResume(history: History, clauseId: string): Judgement {
  const anomalies: Anomaly[] = [];
  const committed = new Map<string, { offset: number; op: number }>();
  for (const { invoke, completion } of pairs(history)) {
    if (completion === undefined) continue;
    if (invoke.f === 'offset-commit' && completion.type === 'ok') {
      const { partition, offset } = invoke.value as { partition: string; offset: number };
      committed.set(partition, { offset, op: completion.index });
    }
    if (invoke.f === 'offset-fetch' && completion.type === 'ok') {
      const { partition, offset } = completion.value as { partition?: string; offset: number };
      const last = committed.get(partition ?? (invoke.value as { partition: string }).partition);
      if (last !== undefined && last.offset !== offset) anomalies.push({ name: 'lost-commit', clauseId, detail: `${partition}: OffsetFetch answered ${offset}, the last acknowledged commit was ${last.offset}`, ops: [last.op, completion.index] });
    }
    if (invoke.f === 'resume-read' && completion.type === 'ok') {
      const { partition, fetchOffset, records } = completion.value as { partition: string; fetchOffset: number; records: readonly (readonly [number, unknown])[] };
      const last = committed.get(partition);
      const first = records[0]?.[0];
      if (last !== undefined && fetchOffset !== last.offset) anomalies.push({ name: 'resumed-elsewhere', clauseId, detail: `${partition}: the new owner resumed at ${fetchOffset}, the last commit was ${last.offset}`, ops: [last.op, completion.index] });
      else if (first !== undefined && first !== fetchOffset) anomalies.push({ name: 'resumed-elsewhere', clauseId, detail: `${partition}: resuming at ${fetchOffset}, the first record read is at ${first}`, ops: [completion.index] });
    }
  }
  return judgement(anomalies);
}
