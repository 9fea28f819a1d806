/**
 * Partition replication's clauses: the invariants of the TLA+ specifications of Kafka replication
 * (hachikuji/kafka-specification: LeaderInIsr, WeakIsr, StrongIsr; Vanlightly/kafka-tlaplus:
 * no loss of acknowledged writes, replica logs agree below the high watermark), and history checks
 * over what producers were told and consumers saw.
 *
 * Where an unclean leader election happened (the topic allowed it), data loss is Kafka's
 * documented behaviour: the checks that speak of committed data skip that partition, and the
 * lost-write history check reports the losses as allowed anomalies. Whether an election was
 * unclean is decided from the committed history (a leader outside the ISR just before it) and
 * the topic's configuration, never from the implementation's own label: REPL-UNCLEAN-1 fails an
 * unclean election the topic does not allow.
 */
import type { Clause, HistoryResult, InvariantCheck, Moment } from '../clause.js';
import type { ConsumeEvent, LeaderElection, ProduceOperation, ReplicationView } from './view.js';

export const LeaderInIsr: Clause = {
  id: 'REPL-ISR-1',
  title: 'The leader is in the ISR',
  statement: 'In the committed metadata, every partition with a leader has that leader in its ISR.',
  source: 'hachikuji/kafka-specification LeaderInIsr; PartitionChangeBuilder; ReplicationControlManager',
  kind: 'invariant',
  anomaly: 'leader-outside-isr',
};

export const IsrWithinReplicas: Clause = {
  id: 'REPL-ISR-2',
  title: 'The ISR is a non-empty subset of the replicas',
  statement: 'In the committed metadata, every partition\'s ISR is non-empty and holds only replicas of the partition, each once.',
  source: 'ReplicationControlManager.validateAlterPartitionData; PartitionRegistration',
  kind: 'invariant',
  anomaly: 'invalid-isr',
};

export const OneLeaderPerPartitionEpoch: Clause = {
  id: 'REPL-LEADER-1',
  title: 'At most one leader per partition leader epoch',
  statement: 'Over the whole run, for every partition and leader epoch, at most one broker acts as leader in that epoch.',
  source: 'KIP-101 leader epochs; PartitionChangeRecord bumps the leader epoch on every leader change',
  kind: 'invariant',
  anomaly: 'split-brain',
};

export const HighWatermarkWithinIsr: Clause = {
  id: 'REPL-HW-1',
  title: "A leader's high watermark is at most the log end offset of every ISR member",
  statement: 'For every replica that acts as leader, every member of the partition\'s committed ISR has a log end offset at least that leader\'s high watermark: whatever consumers may read is on every replica that could be elected (StrongIsr, the end-offset half). Except an ISR member that lost power since it last held the high watermark: with Kafka\'s default flush policy (flush.messages left to the OS) it restarts with only what it had flushed, and stays listed in the ISR until the controller removes it or it catches up. Kafka allows that window (KIP-966\'s eligible leader replicas and unclean-shutdown handling close it); the loss of acknowledged writes it can cause is judged by REPL-ACK-1.',
  source: 'hachikuji/kafka-specification StrongIsr; KIP-320; Partition.maybeIncrementLeaderHW, Partition.isFollowerInSync',
  kind: 'invariant',
  anomaly: 'lost-write',
};

export const LogsAgreeBelowHighWatermark: Clause = {
  id: 'REPL-LOG-1',
  title: "Replicas' logs agree below the high watermark",
  statement: 'For every partition and offset, every replica whose high watermark is above the offset holds the same record there (same value, same leader epoch): committed data never diverges (StrongIsr, the agreement half). Except where the fault history shows every ISR member losing power at one moment, or the ISR shrinking to members that all lost power and have not refilled their logs since (the members that kept their data were fenced out of it): with Kafka\'s default flush policy each restarts with only its flushed prefix, any of them may lead, and the offsets from the shortest of their logs to the highest of their log ends before the loss may be written anew (KIP-966 closes that window).',
  source: 'hachikuji/kafka-specification StrongIsr and WeakIsr; Vanlightly/kafka-tlaplus kraft replication; KIP-101, KIP-279, KIP-320',
  kind: 'invariant',
  anomaly: 'log-divergence',
};

export const ConsumerHighWatermarkMonotonic: Clause = {
  id: 'REPL-HW-2',
  title: 'The high watermark a consumer sees never goes backwards within a leader epoch',
  statement: 'Per partition, the high watermarks in fetch responses a consumer receives from the leader of one leader epoch never decrease. (A newly elected leader may report a lower high watermark than its predecessor until it catches up, as Kafka does; REPL-READ-1 guarantees no record a consumer read goes away.)',
  source: 'Partition.maybeIncrementLeaderHW (never backwards); protocol-rules LOG-1',
  kind: 'history',
  anomaly: 'nonmonotonic-high-watermark',
};

export const AcknowledgedWritesDurable: Clause = {
  id: 'REPL-ACK-1',
  title: 'No write acknowledged with acks=all is lost',
  statement: 'Every produce answered NONE with acks=all is in the final log at the offset it was given, with its value, while unclean leader election is off and some ISR member keeps its data. With unclean election on, the losses it causes are reported as allowed lost-write anomalies.',
  source: 'protocol-rules A.6 (PROD-ACK-2); Vanlightly/kafka-tlaplus NoLossOfAckedWrites; DelayedProduce',
  kind: 'history',
  anomaly: 'lost-write',
};

export const ReadRecordsStay: Clause = {
  id: 'REPL-READ-1',
  title: 'A record a consumer read stays at its offset',
  statement: 'Every record a consumer received (always below the high watermark) is in the final log at the same offset with the same value, unless every ISR member lost power at one moment after it was read with the offset above the lowest of their recovery points (the window REPL-LOG-1 allows).',
  source: 'protocol-rules D.1 (consumers read below the high watermark); FETCH-1',
  kind: 'history',
  anomaly: 'lost-write',
};

export const OffsetsInOrder: Clause = {
  id: 'REPL-ORDER-1',
  title: 'A consumer sees offsets in increasing order without gaps',
  statement: 'Per partition, the offsets a consumer receives strictly increase and follow each other with no gap, except across a recorded reset of its position (OFFSET_OUT_OF_RANGE below the log start offset).',
  source: 'protocol-rules CONS-1; Fetch returns whole batches from the fetch offset',
  kind: 'history',
  anomaly: 'skipped-offset',
};

export const ReplicationConverges: Clause = {
  id: 'REPL-LIVE-1',
  title: 'After healing, every partition has a leader and a full, caught-up ISR',
  statement: 'Within the liveness bound of healing every fault: every broker not lost for good is registered and unfenced; every partition with an ISR member that is not lost has a leader, its ISR is all its replicas that are not lost, and each of those replicas\' log end offset equals the leader\'s high watermark. A partition whose every ISR member is lost may stay leaderless (unclean election off).',
  source: 'Vanlightly/kafka-tlaplus liveness (the high watermark eventually advances); broker heartbeats, ISR expansion; ReplicationControlManager.handleBrokerFenced (a fenced broker leaves the ISR, the last member stays)',
  kind: 'liveness',
};

export const WritesAcknowledgedAfterHealing: Clause = {
  id: 'REPL-LIVE-2',
  title: 'After healing, every partition with a live ISR member acknowledges acks=all writes',
  statement: 'With every fault healed except brokers lost for good, each partition that still has an ISR member that is not lost acknowledges an acks=all write sent to it after the cluster converged (REPL-LIVE-1), within the liveness bound; a write sent between healing and convergence may be refused NOT_ENOUGH_REPLICAS while the ISR is still below min.insync.replicas (Partition.appendRecordsToLeader). Once converged, min.insync.replicas is met by the live replicas, so the high watermark must advance without waiting on a replica outside the ISR. Judged from the client\'s history and the final metadata.',
  source: 'Partition.maybeIncrementLeaderHW (only ISR members and caught-up candidates hold the high watermark); DelayedProduce; issue 18 item 6',
  kind: 'history',
};

export const UncleanOnlyWhereAllowed: Clause = {
  id: 'REPL-UNCLEAN-1',
  title: 'A leader outside the previous ISR appears only where the topic allows unclean election',
  statement: 'Every leader the metadata log commits for a partition was in the partition\'s ISR just before the change, unless the topic has unclean.leader.election.enable=true. (The check reads the committed history, not the election\'s own recovery-state label.)',
  source: 'KIP-704; PartitionChangeBuilder.electLeader (isAcceptableLeader, unclean only when the topic config allows it); ReplicationControlManager',
  kind: 'invariant',
  anomaly: 'unclean-election',
};

export const LogStartWithinHighWatermark: Clause = {
  id: 'REPL-RET-1',
  title: 'The log start offset never passes the high watermark',
  statement: 'On every live replica the log start offset is at most the replica\'s high watermark: neither retention, nor a DeleteRecords, nor a leader\'s log start offset taken by a follower removes a record consumers have not been allowed to read.',
  source: 'UnifiedLog.maybeIncrementLogStartOffset (OffsetOutOfRangeException above the high watermark); KIP-107; protocol-rules D (retention)',
  kind: 'invariant',
  anomaly: 'lost-write',
};

export const RetentionBelowHighWatermark: Clause = {
  id: 'REPL-RET-2',
  title: 'Retention never deletes at or above the high watermark',
  statement: 'No replica\'s log start offset ever exceeds the highest high watermark a leader of the partition has reached: retention (retention.ms, retention.bytes) deletes only whole segments below the high watermark, so uncommitted records are never deleted.',
  source: 'UnifiedLog.deleteOldSegments / deletableSegments (upper bound: the high watermark); LocalLog segment deletion',
  kind: 'invariant',
  anomaly: 'lost-write',
};

export const replicationClauses: readonly Clause[] = [
  LeaderInIsr, IsrWithinReplicas, OneLeaderPerPartitionEpoch, HighWatermarkWithinIsr, LogsAgreeBelowHighWatermark,
  ConsumerHighWatermarkMonotonic, AcknowledgedWritesDurable, ReadRecordsStay, OffsetsInOrder, ReplicationConverges, WritesAcknowledgedAfterHealing,
  UncleanOnlyWhereAllowed, LogStartWithinHighWatermark, RetentionBelowHighWatermark,
];

/** An election is unclean when the new leader was not in the ISR just before it (the history says so, not the election's label). */
export function isUncleanElection(election: LeaderElection): boolean {
  return election.leader >= 0 && !election.previousIsr.includes(election.leader);
}

function uncleanElectionCheck(): InvariantCheck<ReplicationView> {
  return {
    clause: UncleanOnlyWhereAllowed,
    observe(view) {
      return view.elections
        .filter((e) => isUncleanElection(e) && !view.uncleanElectionEnabled(e.key))
        .map((e) => `${e.key}: broker ${e.leader} elected in leader epoch ${e.leaderEpoch}, outside the ISR [${e.previousIsr.join(',')}] before it (leader was ${e.previousLeader}), with unclean.leader.election.enable=false`);
    },
  };
}

function logStartCheck(): InvariantCheck<ReplicationView> {
  return {
    clause: LogStartWithinHighWatermark,
    observe(view, moment: Moment) {
      const out: string[] = [];
      for (const r of view.replicas) {
        if (!moment.changedNodes.includes(r.broker) || view.uncleanPartitions.has(r.key)) continue;
        if (r.logStartOffset > r.highWatermark) out.push(`${r.key}: broker ${r.broker} (${r.role}, leader epoch ${r.leaderEpoch}) has log start offset ${r.logStartOffset} above its high watermark ${r.highWatermark}`);
      }
      return out;
    },
  };
}

function retentionCheck(): InvariantCheck<ReplicationView> {
  const highest = new Map<string, number>();
  return {
    clause: RetentionBelowHighWatermark,
    observe(view, moment: Moment) {
      const out: string[] = [];
      // The bound is the highest high watermark leaders reached BEFORE this moment. A log whose start
      // moves past the high watermark drags the high watermark up with it (UnifiedLog keeps
      // logStartOffset <= highWatermark by raising the latter), so a bound that took this moment's
      // high watermarks in would let every deletion past it vouch for itself.
      for (const r of view.replicas) {
        if (!moment.changedNodes.includes(r.broker) || view.uncleanPartitions.has(r.key)) continue;
        const bound = highest.get(r.key) ?? 0;
        if (r.logStartOffset > bound) out.push(`${r.key}: broker ${r.broker} deleted up to ${r.logStartOffset}, above the highest high watermark ${bound} any leader had reached`);
      }
      for (const r of view.replicas) if (r.role === 'Leader' && r.highWatermark > (highest.get(r.key) ?? 0)) highest.set(r.key, r.highWatermark);
      return out;
    },
  };
}

function committedStateCheck(): InvariantCheck<ReplicationView> {
  return {
    clause: LeaderInIsr,
    observe(view) {
      const out: string[] = [];
      for (const p of view.partitions.values()) if (p.leader >= 0 && !p.isr.includes(p.leader)) out.push(`${p.key}: leader ${p.leader} not in ISR [${p.isr.join(',')}] (leader epoch ${p.leaderEpoch})`);
      return out;
    },
  };
}

function isrShapeCheck(): InvariantCheck<ReplicationView> {
  return {
    clause: IsrWithinReplicas,
    observe(view) {
      const out: string[] = [];
      for (const p of view.partitions.values()) {
        if (p.isr.length === 0 || new Set(p.isr).size !== p.isr.length || p.isr.some((r) => !p.replicas.includes(r))) out.push(`${p.key}: ISR [${p.isr.join(',')}] with replicas [${p.replicas.join(',')}]`);
      }
      return out;
    },
  };
}

function oneLeaderCheck(): InvariantCheck<ReplicationView> {
  const leaders = new Map<string, number>();
  return {
    clause: OneLeaderPerPartitionEpoch,
    observe(view) {
      const out: string[] = [];
      for (const r of view.replicas) {
        if (r.role !== 'Leader') continue;
        const key = `${r.key}@${r.leaderEpoch}`;
        const seen = leaders.get(key);
        if (seen === undefined) leaders.set(key, r.broker);
        else if (seen !== r.broker) out.push(`${r.key} leader epoch ${r.leaderEpoch}: brokers ${seen} and ${r.broker} both lead`);
      }
      return out;
    },
  };
}

function highWatermarkCheck(): InvariantCheck<ReplicationView> {
  /** Per ISR member and partition: how many power losses the member had had when it last held the leader's high watermark. */
  const heldAfterLosses = new Map<string, number>();
  return {
    clause: HighWatermarkWithinIsr,
    observe(view) {
      const out: string[] = [];
      for (const r of view.replicas) {
        if (r.role !== 'Leader' || view.uncleanPartitions.has(r.key)) continue;
        const committed = view.partitions.get(r.key);
        if (committed === undefined) continue;
        for (const member of committed.isr) {
          const end = view.logEndOffsetOf(member, r.key);
          const losses = view.powerLossesOf?.(member) ?? 0;
          const id = `${member}/${r.key}`;
          if (end >= r.highWatermark) heldAfterLosses.set(id, losses);
          else if (losses > (heldAfterLosses.get(id) ?? 0)) continue;
          else out.push(`${r.key}: broker ${r.broker} (leader epoch ${r.leaderEpoch}) has high watermark ${r.highWatermark} but ISR member ${member} ends at ${end}`);
        }
      }
      return out;
    },
  };
}

/** Checks each offset once per replica as its high watermark passes it, against the first replica that passed it. */
function agreementCheck(): InvariantCheck<ReplicationView> {
  const agreed = new Map<string, Map<number, { epoch: number; value: string | null; broker: number }>>();
  const checkedTo = new Map<string, number>();
  let lossesSeen = 0;
  return {
    clause: LogsAgreeBelowHighWatermark,
    observe(view, moment: Moment) {
      const out: string[] = [];
      // Every ISR member lost power at once: what none of them had flushed may be written anew, so what was agreed there is forgotten.
      const losses = view.isrPowerLosses ?? [];
      for (; lossesSeen < losses.length; lossesSeen++) {
        const loss = losses[lossesSeen]!;
        const byOffset = agreed.get(loss.key);
        for (const offset of byOffset?.keys() ?? []) if (offset >= loss.fromOffset) byOffset!.delete(offset);
        for (const [id, to] of checkedTo) if (id.endsWith(`/${loss.key}`)) checkedTo.set(id, Math.min(to, loss.fromOffset));
      }
      for (const r of view.replicas) {
        if (!moment.changedNodes.includes(r.broker)) continue;
        if (view.uncleanPartitions.has(r.key)) {
          agreed.delete(r.key);
          continue;
        }
        const id = `${r.broker}/${r.key}`;
        const from = Math.max(checkedTo.get(id) ?? 0, r.logStartOffset);
        const to = Math.min(r.highWatermark, r.logEndOffset);
        checkedTo.set(id, to);
        let byOffset = agreed.get(r.key);
        if (byOffset === undefined) agreed.set(r.key, (byOffset = new Map()));
        for (let offset = from; offset < to; offset++) {
          const record = view.recordAt(r.broker, r.key, offset);
          if (record === undefined) continue;
          const first = byOffset.get(offset);
          if (first === undefined) byOffset.set(offset, { ...record, broker: r.broker });
          else if (first.epoch !== record.epoch || first.value !== record.value) {
            // A replica not yet truncated to the new leader still holds what the power loss took from the ISR: the newer record wins.
            if (losses.some((l) => l.key === r.key && offset >= l.fromOffset && offset < l.toOffset)) {
              byOffset.set(offset, { ...record, broker: r.broker });
              continue;
            }
            out.push(`${r.key} offset ${offset}: broker ${r.broker} has ${record.value}@e${record.epoch} below its high watermark ${r.highWatermark}, broker ${first.broker} had ${first.value}@e${first.epoch}`);
          }
        }
      }
      return out;
    },
  };
}

export function replicationInvariantChecks(): InvariantCheck<ReplicationView>[] {
  return [committedStateCheck(), isrShapeCheck(), oneLeaderCheck(), highWatermarkCheck(), agreementCheck(), uncleanElectionCheck(), logStartCheck(), retentionCheck()];
}

/** REPL-LIVE-1's condition: null when converged, else what is missing. */
/** The partitions that keep an ISR member not lost for good: those REPL-LIVE-1/2 expect to lead and take writes. */
export function partitionsWithLiveIsr(view: ReplicationView, lostBrokers: readonly number[]): string[] {
  return [...view.partitions.values()].filter((p) => p.isr.some((b) => !lostBrokers.includes(b))).map((p) => p.key);
}

export function replicationNotConverged(view: ReplicationView, expectedBrokers: readonly number[], expectedPartitions: number, lostBrokers: readonly number[] = []): string | null {
  const missing = expectedBrokers.filter((b) => !lostBrokers.includes(b) && (!view.registeredBrokers.includes(b) || view.fencedBrokers.includes(b)));
  if (missing.length > 0) return `brokers not registered and unfenced: ${missing.join(', ')}`;
  if (view.partitions.size < expectedPartitions) return `${view.partitions.size} of ${expectedPartitions} partitions exist`;
  const live = new Set(partitionsWithLiveIsr(view, lostBrokers));
  for (const p of view.partitions.values()) {
    if (!live.has(p.key)) continue;
    const replicas = p.replicas.filter((b) => !lostBrokers.includes(b));
    if (p.leader < 0) return `${p.key} has no leader`;
    if (p.isr.length !== replicas.length || !replicas.every((b) => p.isr.includes(b))) return `${p.key} ISR [${p.isr.join(',')}] of live replicas [${replicas.join(',')}]`;
    const leader = view.replicas.find((r) => r.broker === p.leader && r.key === p.key);
    if (leader === undefined || leader.role !== 'Leader' || leader.leaderEpoch !== p.leaderEpoch) return `${p.key}: broker ${p.leader} does not yet act as leader of epoch ${p.leaderEpoch}`;
    for (const replica of replicas) {
      const end = view.logEndOffsetOf(replica, p.key);
      if (end !== leader.highWatermark || leader.highWatermark !== leader.logEndOffset) return `${p.key}: replica ${replica} ends at ${end}, leader high watermark ${leader.highWatermark}, log end ${leader.logEndOffset}`;
    }
  }
  return null;
}

/**
 * REPL-LIVE-2 over the client's history: every partition of `livePartitions` that was sent an
 * acks=all write after `healedAtMs` acknowledged at least one of them. A write sent at the moment
 * of healing may still meet a stale leader (a definite NOT_LEADER_OR_FOLLOWER), so one
 * acknowledgement per partition is what the clause asks, not every write.
 */
export function checkWritesAfterHealing(history: readonly ProduceOperation[], healedAtMs: number, livePartitions: readonly string[], endMs?: number): HistoryResult {
  // With `endMs` (the run's end), a write still unanswered when the run ended proves nothing: its
  // answer may simply not have come yet. Without it (while the run goes on), every write counts.
  const inFlightAtEnd = new Set<string>();
  if (endMs !== undefined) for (const op of history) if (op.type === 'info' && op.time >= endMs) inFlightAtEnd.add(op.value);
  const sent = new Map<string, number>();
  const sentValues = new Set<string>();
  const acknowledged = new Set<string>();
  for (const op of history) {
    if (op.acks !== -1) continue;
    if (op.type === 'invoke' && op.time >= healedAtMs && !inFlightAtEnd.has(op.value)) {
      sent.set(op.partition, (sent.get(op.partition) ?? 0) + 1);
      sentValues.add(op.value);
    }
    if (op.type === 'ok' && sentValues.has(op.value)) acknowledged.add(op.partition);
  }
  const anomalies = livePartitions.filter((p) => (sent.get(p) ?? 0) > 0 && !acknowledged.has(p)).map((p) => `${p}: none of ${sent.get(p)} acks=all write(s) sent after healing was acknowledged`);
  return { clauseId: WritesAcknowledgedAfterHealing.id, verdict: anomalies.length > 0 ? 'invalid' : 'valid', anomalies };
}

export interface LostWrite {
  readonly partition: string;
  readonly offset: number;
  readonly value: string;
  readonly found: string;
  readonly allowed: boolean;
  /** Why Kafka allows the loss, when it does. */
  readonly reason?: string;
}

/**
 * The report lines for the losses Kafka allows: how many, each reason with its count (a run may
 * hold losses to an unclean election the topic allows beside losses of a whole ISR's unflushed
 * data), then the first few losses, each with its own reason.
 */
export function describeAllowedLosses(lost: readonly LostWrite[], shown = 5): string[] {
  const allowed = lost.filter((l) => l.allowed);
  if (allowed.length === 0) return [];
  const byReason = new Map<string, number>();
  for (const l of allowed) {
    const reason = reasonKind(l.reason ?? 'no reason given');
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  }
  return [
    `lost-write anomalies Kafka allows: ${allowed.length} (${[...byReason].map(([reason, n]) => `${n} ${reason}`).join('; ')})`,
    ...allowed.slice(0, shown).map((l) => `  ${l.partition} offset ${l.offset}: acknowledged ${l.value}, final log has ${l.found}: ${l.reason ?? 'no reason given'}`),
  ];
}

/** A reason without its partition-specific detail (the ISR, the moment), to count losses by kind. */
const reasonKind = (reason: string): string => reason.replace(/\[[^\]]*\]/g, '[..]').replace(/\b\d+ms\b/g, '..ms').split(/:| \(/)[0]!.trim();

/** A loss Kafka allows for a reason outside the logs (every ISR member lost power before flushing): the reason, or null. */
export type LossAllowance = (partition: string, offset: number, ackedAtMs: number, sentAtMs: number) => string | null;
/** Why a record read at `readAtMs` may since have been rewritten (every ISR member lost power after it), or null. */
export type ReadAllowance = (partition: string, offset: number, readAtMs: number) => string | null;

/** REPL-ACK-1 and REPL-READ-1: acknowledged (acks=all) and consumed records against the final logs. */
export function checkDurability(history: readonly ProduceOperation[], consumed: readonly ConsumeEvent[], finalView: ReplicationView, allowance: LossAllowance = () => null, readAllowance: ReadAllowance = () => null): { acked: HistoryResult; read: HistoryResult; lost: LostWrite[]; readAllowed: string[] } {
  const readAllowed: string[] = [];
  const lost: LostWrite[] = [];
  const sentAt = new Map<string, number>();
  for (const op of history) if (op.type === 'invoke') sentAt.set(`${op.partition}/${op.value}`, op.time);
  const readLost: string[] = [];
  const finalRecord = (key: string, offset: number) => {
    const p = finalView.partitions.get(key);
    if (p === undefined) return undefined;
    const holder = p.leader >= 0 ? p.leader : p.isr[0];
    return holder === undefined ? undefined : finalView.recordAt(holder, key, offset);
  };
  // Retention deletes acknowledged records on purpose; REPL-RET-1/2 judge where it may delete.
  const deletedByRetention = (key: string, offset: number): boolean => {
    const p = finalView.partitions.get(key);
    const holder = p === undefined ? undefined : finalView.replicas.find((r) => r.broker === p.leader && r.key === key);
    return holder !== undefined && offset < holder.logStartOffset;
  };
  for (const op of history) {
    if (op.type !== 'ok' || op.acks !== -1 || op.offset === undefined || deletedByRetention(op.partition, op.offset)) continue;
    const record = finalRecord(op.partition, op.offset);
    if (record?.value !== op.value) {
      const unclean = finalView.uncleanPartitions.has(op.partition);
      const reason = unclean ? 'lost to an unclean leader election the topic allows' : allowance(op.partition, op.offset, op.time, sentAt.get(`${op.partition}/${op.value}`) ?? op.time);
      lost.push({ partition: op.partition, offset: op.offset, value: op.value, found: record === undefined ? 'nothing' : `${record.value}`, allowed: reason !== null, ...(reason !== null ? { reason } : {}) });
    }
  }
  for (const event of consumed) {
    if (event.type !== 'record' || finalView.uncleanPartitions.has(event.partition) || deletedByRetention(event.partition, event.offset)) continue;
    const record = finalRecord(event.partition, event.offset);
    const rewritten = record?.value === event.value ? null : readAllowance(event.partition, event.offset, event.time);
    if (rewritten !== null) {
      readAllowed.push(`${event.partition} offset ${event.offset}: read ${event.value}, final log has ${record === undefined ? 'nothing' : record.value}: ${rewritten}`);
      continue;
    }
    if (record !== undefined && record.value !== event.value) readLost.push(`${event.partition} offset ${event.offset}: read ${event.value}, final log has ${record.value}`);
    if (record === undefined) {
      const p = finalView.partitions.get(event.partition);
      const start = p === undefined ? 0 : finalView.logEndOffsetOf(p.leader >= 0 ? p.leader : (p.isr[0] ?? -1), event.partition);
      if (event.offset >= start) readLost.push(`${event.partition} offset ${event.offset}: read ${event.value}, the final log ends at ${start}`);
    }
  }
  const unexplained = lost.filter((l) => !l.allowed);
  return {
    acked: { clauseId: AcknowledgedWritesDurable.id, verdict: unexplained.length > 0 ? 'invalid' : 'valid', anomalies: unexplained.map((l) => `${l.partition} offset ${l.offset}: acknowledged ${l.value}, final log has ${l.found}`) },
    read: { clauseId: ReadRecordsStay.id, verdict: readLost.length > 0 ? 'invalid' : 'valid', anomalies: readLost },
    lost,
    readAllowed,
  };
}

/** REPL-ORDER-1 and REPL-HW-2 over a consumer's events. */
export function checkConsumption(consumed: readonly ConsumeEvent[], uncleanPartitions: ReadonlySet<string>): { order: HistoryResult; highWatermark: HistoryResult } {
  const next = new Map<string, number>();
  const hw = new Map<string, { epoch: number; hw: number }>();
  const order: string[] = [];
  const hws: string[] = [];
  for (const event of consumed) {
    if (uncleanPartitions.has(event.partition)) continue;
    switch (event.type) {
      case 'reset':
        next.set(event.partition, event.to);
        break;
      case 'record': {
        const expected = next.get(event.partition);
        if (expected !== undefined && event.offset !== expected) {
          order.push(`${event.partition}: offset ${event.offset} after ${expected - 1} (${event.offset < expected ? 'nonmonotonic-offset' : 'skipped-offset'})`);
        }
        next.set(event.partition, event.offset + 1);
        break;
      }
      case 'highWatermark': {
        const last = hw.get(event.partition);
        if (last !== undefined && last.epoch === event.leaderEpoch && event.highWatermark < last.hw) {
          hws.push(`${event.partition} leader epoch ${event.leaderEpoch}: high watermark ${event.highWatermark} after ${last.hw}`);
        }
        if (last === undefined || last.epoch !== event.leaderEpoch || event.highWatermark > last.hw) hw.set(event.partition, { epoch: event.leaderEpoch, hw: event.highWatermark });
        break;
      }
    }
  }
  return {
    order: { clauseId: OffsetsInOrder.id, verdict: order.length > 0 ? 'invalid' : 'valid', anomalies: order },
    highWatermark: { clauseId: ConsumerHighWatermarkMonotonic.id, verdict: hws.length > 0 ? 'invalid' : 'valid', anomalies: hws },
  };
}
