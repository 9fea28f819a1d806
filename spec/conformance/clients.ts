/**
 * Client conformance: what a real Kafka client must do, judged from two records of one run:
 * what the broker saw the client send (`broker:*` operations: each request with Kafka's answer,
 * or `info` when the answer was lost on its way back) and what the client reported to its
 * application (`client:*` operations: acknowledgements, consumed records, rebalance callbacks).
 * Pure checkers over a conformance history; they know nothing of the broker that served it.
 *
 * Shapes (invoke value → completion value):
 * - broker:init-producer-id  {} → { producerId, producerEpoch }
 * - broker:produce           { partition, producerId, producerEpoch, baseSequence, values } → { baseOffset }
 * - broker:join-group        { groupId, memberId } → { memberId, generationId }
 * - broker:sync-group        { groupId, memberId, generationId } → { partitions }
 * - broker:offset-commit     { groupId, memberId, generationId, offsets: [partition, offset][] } → { errors: [partition, error][] }
 * - broker:offset-fetch      { groupId } → { offsets: [partition, offset][] }
 * - client:ack               { partition, offset, value }
 * - client:consumed          { consumer, partition, offset, value }
 * - client:assigned / client:revoked  { consumer, partitions }
 * - log                      { partition, records: [offset, value][] }  (the topic read back after the run)
 */
import type { Clause } from '../clause.js';
import { type Anomaly, type Judgement, judgement } from './checkers.js';
import { type History, oks, pairs } from './history.js';

const clause = (id: string, title: string, statement: string, source: string, anomaly: string): Clause => ({ id, title, statement, source, kind: 'history', anomaly });

export const ClientSequences = clause(
  'CLIENT-SEQ-1',
  'An idempotent producer numbers its batches without gaps or reuse, and restarts at 0 only with a new epoch',
  'Per producer id and partition, each new batch carries the sequence after the previous batch\'s last record; a retry resends the same records with the same epoch and sequence; a sequence is never reused for other records; the epoch never goes back, and a batch of a new epoch (KIP-360 bump, or a new InitProducerId) starts at sequence 0. The producer id and epoch are ones the broker handed out.',
  'KIP-98; KIP-360; Sender / TransactionManager (sequence numbers, bumpIdempotentEpochAndResetIdIfNeeded); ProducerStateManager (what the broker checks)',
  'reused-sequence',
);

export const ClientAcknowledgedWrites = clause(
  'CLIENT-ACK-1',
  'Every write the client acknowledged is in the log once, at the acknowledged offset, in send order',
  'Each record the client reported as acknowledged (acks=all) is in the partition exactly once, at the offset it reported; no record is in the log twice; and one producer\'s acknowledged records of a partition are in the log in the order it sent them.',
  'KIP-98 (idempotence: exactly once per partition, in order); ProducerConfig max.in.flight.requests.per.connection; RecordAccumulator',
  'duplicate',
);

export const ClientCommitsOwned = clause(
  'CLIENT-COMMIT-1',
  'A group member commits only partitions it owns, in its current generation',
  'Every OffsetCommit a classic group member sends carries the generation the coordinator last gave that member, and only partitions its SyncGroup answer of that generation assigned to it.',
  'ConsumerCoordinator.sendOffsetCommitRequest (generation and member id of the current generation); SubscriptionState (commits of assigned partitions); ClassicGroup.validateOffsetCommit',
  'unowned-commit',
);

export const ClientResumes = clause(
  'CLIENT-RESUME-1',
  'A consumer resumes an assigned partition at its committed offset and then reads it without gaps',
  'The first record a consumer hands its application from a newly assigned partition is at the offset the coordinator answered to its last OffsetFetch for that partition (or at the log start, with auto.offset.reset=earliest, when none was committed); after that, within one assignment, offsets are consecutive.',
  'ConsumerCoordinator.refreshCommittedOffsetsIfNeeded; SubscriptionState.seekUnvalidated; Fetcher; protocol-rules E.4 CONS-1',
  'resumed-elsewhere',
);

export const ClientRebalanceCallbacks = clause(
  'CLIENT-REBALANCE-1',
  'Rebalance callbacks come in order: assigned, then revoked exactly what was assigned, and assigned what the leader gave',
  'With an eager protocol each consumer\'s callbacks alternate: onPartitionsAssigned, then onPartitionsRevoked with exactly the partitions last assigned, and so on; each assigned set is the one the coordinator\'s SyncGroup answer gave the consumer.',
  'ConsumerRebalanceListener; ConsumerCoordinator.onJoinPrepare (revoke before rejoining) / onJoinComplete (assign)',
  'callback-out-of-order',
);

export const clientClauses: readonly Clause[] = [ClientSequences, ClientAcknowledgedWrites, ClientCommitsOwned, ClientResumes, ClientRebalanceCallbacks];

interface ProduceInvoke { readonly partition: string; readonly producerId: number; readonly producerEpoch: number; readonly baseSequence: number; readonly values: readonly string[] }

/** CLIENT-SEQ-1 over the batches the broker saw, in arrival order. */
export function checkClientSequences(history: History, clauseId = ClientSequences.id): Judgement {
  const anomalies: Anomaly[] = [];
  const handedOut = new Set(oks(history, 'broker:init-producer-id').map(({ ok }) => { const v = ok.value as { producerId: number; producerEpoch: number }; return `${v.producerId}/${v.producerEpoch}`; }));
  const state = new Map<string, { epoch: number; next: number; op: number }>();
  const used = new Map<string, { first: string; op: number }>();
  let idempotent = 0;
  for (const { invoke } of pairs(history)) {
    if (invoke.f !== 'broker:produce') continue;
    const batch = invoke.value as unknown as ProduceInvoke;
    if (batch.producerId < 0) continue;
    idempotent++;
    const flag = (name: string, detail: string, ops: number[]) => anomalies.push({ name, clauseId, detail: `${batch.partition} producer ${batch.producerId}: ${detail}`, ops });
    if (!handedOut.has(`${batch.producerId}/${batch.producerEpoch}`)) flag('unknown-producer-id', `epoch ${batch.producerEpoch} was never handed out by InitProducerId`, [invoke.index]);
    const slot = `${batch.producerId}/${batch.partition}/${batch.producerEpoch}/${batch.baseSequence}`;
    const seen = used.get(slot);
    if (seen !== undefined) {
      if (seen.first !== batch.values[0]) flag('reused-sequence', `epoch ${batch.producerEpoch} sequence ${batch.baseSequence} carries ${batch.values[0]}, earlier ${seen.first}`, [seen.op, invoke.index]);
      continue;
    }
    used.set(slot, { first: batch.values[0] ?? '', op: invoke.index });
    const key = `${batch.producerId}/${batch.partition}`;
    const last = state.get(key);
    if (last !== undefined && batch.producerEpoch < last.epoch) flag('stale-epoch', `epoch ${batch.producerEpoch} after ${last.epoch}`, [last.op, invoke.index]);
    else if ((last === undefined || batch.producerEpoch > last.epoch) && batch.baseSequence !== 0) flag('epoch-not-at-zero', `the first batch of epoch ${batch.producerEpoch} starts at sequence ${batch.baseSequence}`, [invoke.index]);
    else if (last !== undefined && batch.producerEpoch === last.epoch && batch.baseSequence !== last.next) flag(batch.baseSequence > last.next ? 'sequence-gap' : 'reused-sequence', `sequence ${batch.baseSequence}, the next is ${last.next}`, [last.op, invoke.index]);
    state.set(key, { epoch: Math.max(batch.producerEpoch, last?.epoch ?? -1), next: Math.max(batch.baseSequence + batch.values.length, last !== undefined && last.epoch === batch.producerEpoch ? last.next : 0), op: invoke.index });
  }
  return judgement(anomalies, idempotent === 0 ? ['the client sent no idempotent batch'] : []);
}

/** CLIENT-ACK-1: the client's acknowledgements against the topic read back after the run. */
export function checkClientAcknowledgedWrites(history: History, clauseId = ClientAcknowledgedWrites.id): Judgement {
  const anomalies: Anomaly[] = [];
  const logs = oks(history, 'log');
  if (logs.length === 0) return judgement([], ['the topic was not read back']);
  const where = new Map<string, { partition: string; offsets: number[]; op: number }>();
  const order = new Map<string, [number, string][]>();
  for (const { ok } of logs) {
    const { partition, records } = ok.value as { partition: string; records: readonly [number, string | null][] };
    for (const [offset, value] of records) {
      if (value === null) continue;
      const entry = where.get(value) ?? { partition, offsets: [], op: ok.index };
      entry.offsets.push(offset);
      where.set(value, entry);
      order.set(partition, [...(order.get(partition) ?? []), [offset, value]]);
    }
  }
  for (const [value, entry] of where) {
    if (entry.offsets.length > 1) anomalies.push({ name: 'duplicate', clauseId, detail: `${entry.partition}: ${value} at offsets ${entry.offsets.join(', ')}`, ops: [entry.op] });
  }
  const acked = new Set<string>();
  for (const { invoke } of oks(history, 'client:ack')) {
    const { partition, offset, value } = invoke.value as { partition: string; offset: number; value: string };
    acked.add(value);
    const found = where.get(value);
    if (found === undefined) anomalies.push({ name: 'lost-write', clauseId, detail: `${partition}: ${value} acknowledged at offset ${offset}, not in the log`, ops: [invoke.index] });
    else if (found.partition !== partition || !found.offsets.includes(offset)) anomalies.push({ name: 'wrong-offset', clauseId, detail: `${value} acknowledged at ${partition}@${offset}, in the log at ${found.partition}@${found.offsets.join(', ')}`, ops: [invoke.index, found.op] });
  }
  // The workloads send values 0, 1, 2, ... in order: one partition's acknowledged values must rise with their offsets.
  for (const [partition, records] of order) {
    let previous: [number, string] | undefined;
    for (const record of records.filter(([, v]) => acked.has(v)).sort((a, b) => a[0] - b[0])) {
      if (previous !== undefined && Number(record[1]) < Number(previous[1])) anomalies.push({ name: 'reorder', clauseId, detail: `${partition}: ${record[1]} (sent later) at offset ${record[0]}, after ${previous[1]} at ${previous[0]}`, ops: [] });
      previous = record;
    }
  }
  return judgement(anomalies, acked.size === 0 ? ['the client acknowledged nothing'] : []);
}

/** CLIENT-COMMIT-1 over the commits and group answers the broker saw. */
export function checkClientCommits(history: History, clauseId = ClientCommitsOwned.id): Judgement {
  const anomalies: Anomaly[] = [];
  const generation = new Map<string, number>();
  const owned = new Map<string, readonly string[]>();
  let commits = 0;
  for (const { invoke, completion } of pairs(history)) {
    if (completion?.type !== 'ok' && invoke.f !== 'broker:offset-commit') continue;
    const v = invoke.value as { groupId: string; memberId: string; generationId: number };
    if (invoke.f === 'broker:join-group' && completion?.type === 'ok') {
      const answer = completion.value as { memberId: string; generationId: number };
      generation.set(`${v.groupId}/${answer.memberId}`, answer.generationId);
    }
    if (invoke.f === 'broker:sync-group' && completion?.type === 'ok') owned.set(`${v.groupId}/${v.memberId}/${v.generationId}`, (completion.value as { partitions: string[] }).partitions);
    if (invoke.f !== 'broker:offset-commit' || v.generationId < 0) continue;
    commits++;
    const member = `${v.groupId}/${v.memberId}`;
    const current = generation.get(member);
    if (current !== undefined && current !== v.generationId) anomalies.push({ name: 'stale-generation-commit', clauseId, detail: `member ${v.memberId} committed at generation ${v.generationId}, its generation is ${current}`, ops: [invoke.index] });
    const mine = owned.get(`${member}/${v.generationId}`);
    const offsets = (invoke.value as { offsets: [string, number][] }).offsets;
    if (mine === undefined) anomalies.push({ name: 'unowned-commit', clauseId, detail: `member ${v.memberId} committed ${offsets.map(([p]) => p).join(', ')} at generation ${v.generationId}, where it was assigned nothing`, ops: [invoke.index] });
    else for (const [partition] of offsets) if (!mine.includes(partition)) anomalies.push({ name: 'unowned-commit', clauseId, detail: `member ${v.memberId} committed ${partition} at generation ${v.generationId}; it owned ${mine.join(', ') || 'nothing'}`, ops: [invoke.index] });
  }
  return judgement(anomalies, commits === 0 ? ['the client committed nothing as a group member'] : []);
}

/**
 * CLIENT-RESUME-1: each consumer's first record of a partition against the broker's last OffsetFetch
 * answer; then no gaps. A consumer whose partition was assigned again (a rebalance: the client asks
 * OffsetFetch again) may also resume there, re-reading what it had not committed: Kafka's consumer
 * is at-least-once across a rebalance (ConsumerCoordinator.onJoinComplete → refreshCommittedOffsets
 * sets the position of each assigned partition from its committed offset). A client that reports no
 * assignment callbacks (kafkajs) shows its rebalance only in its OffsetFetch.
 */
export function checkClientResumes(history: History, clauseId = ClientResumes.id, logStartOffset = 0): Judgement {
  const anomalies: Anomaly[] = [];
  const fetched = new Map<string, { offset: number; op: number }>();
  const position = new Map<string, { next: number; op: number }>();
  let consumed = 0;
  const committedStart = (partition: string) => {
    const committed = fetched.get(partition)?.offset;
    return committed === undefined || committed < 0 ? logStartOffset : committed;
  };
  for (const { invoke, completion } of pairs(history)) {
    if (invoke.f === 'broker:offset-fetch' && completion?.type === 'ok') {
      for (const [partition, offset] of (completion.value as { offsets: [string, number][] }).offsets) fetched.set(partition, { offset, op: invoke.index });
    }
    if (invoke.f === 'client:assigned' || invoke.f === 'client:revoked') {
      const { consumer, partitions } = invoke.value as { consumer: number; partitions: string[] };
      for (const partition of partitions) position.delete(`${consumer}/${partition}`);
    }
    if (invoke.f !== 'client:consumed') continue;
    consumed++;
    const { consumer, partition, offset } = invoke.value as { consumer: number; partition: string; offset: number };
    const key = `${consumer}/${partition}`;
    const at = position.get(key);
    const expected = committedStart(partition);
    const refetched = at !== undefined && (fetched.get(partition)?.op ?? -1) > at.op;
    if (at === undefined) {
      const committed = fetched.get(partition)?.offset;
      if (offset !== expected) anomalies.push({ name: 'resumed-elsewhere', clauseId, detail: `consumer ${consumer} began ${partition} at ${offset}; ${committed === undefined || committed < 0 ? 'nothing was committed, the log starts at' : 'the coordinator answered the committed offset'} ${expected}`, ops: [invoke.index] });
    } else if (offset !== at.next && !(refetched && offset === expected)) {
      anomalies.push({ name: offset > at.next ? 'skipped-offset' : 'nonmonotonic-offset', clauseId, detail: `consumer ${consumer} read ${partition}@${offset} after ${at.next - 1}${refetched ? ` (the committed offset it could resume at: ${expected})` : ''}`, ops: [invoke.index] });
    }
    position.set(key, { next: offset + 1, op: invoke.index });
  }
  return judgement(anomalies, consumed === 0 ? ['the client consumed nothing'] : []);
}

/** CLIENT-REBALANCE-1: each consumer's callbacks alternate, revoke what was assigned, and assign what SyncGroup gave. */
export function checkClientRebalanceCallbacks(history: History, clauseId = ClientRebalanceCallbacks.id): Judgement {
  const anomalies: Anomaly[] = [];
  const lastAssigned = new Map<number, { partitions: string[]; op: number } | null>();
  const handed: string[][] = [];
  let callbacks = 0;
  const same = (a: readonly string[], b: readonly string[]) => [...a].sort().join() === [...b].sort().join();
  for (const { invoke, completion } of pairs(history)) {
    if (invoke.f === 'broker:sync-group' && completion?.type === 'ok') handed.push((completion.value as { partitions: string[] }).partitions);
    if (invoke.f !== 'client:assigned' && invoke.f !== 'client:revoked') continue;
    callbacks++;
    const { consumer, partitions } = invoke.value as { consumer: number; partitions: string[] };
    const last = lastAssigned.get(consumer) ?? null;
    if (invoke.f === 'client:assigned') {
      if (last !== null) anomalies.push({ name: 'callback-out-of-order', clauseId, detail: `consumer ${consumer}: assigned [${partitions.join(', ')}] while [${last.partitions.join(', ')}] was never revoked`, ops: [last.op, invoke.index] });
      if (!handed.some((h) => same(h, partitions))) anomalies.push({ name: 'callback-wrong-partitions', clauseId, detail: `consumer ${consumer}: assigned [${partitions.join(', ')}], which no SyncGroup answer gave`, ops: [invoke.index] });
      lastAssigned.set(consumer, { partitions, op: invoke.index });
    } else {
      // An eager client revokes its whole assignment when it prepares each join, the first one too, so an empty revoke with nothing assigned is Kafka's behaviour (ConsumerCoordinator.onJoinPrepare, EAGER).
      if (last === null && partitions.length > 0) anomalies.push({ name: 'callback-out-of-order', clauseId, detail: `consumer ${consumer}: revoked [${partitions.join(', ')}] with nothing assigned`, ops: [invoke.index] });
      else if (last !== null && !same(last.partitions, partitions)) anomalies.push({ name: 'callback-wrong-partitions', clauseId, detail: `consumer ${consumer}: revoked [${partitions.join(', ')}], assigned were [${last.partitions.join(', ')}]`, ops: [last.op, invoke.index] });
      lastAssigned.set(consumer, null);
    }
  }
  return judgement(anomalies, callbacks === 0 ? ['the client reported no rebalance callbacks'] : []);
}
