/**
 * The idempotent producer's clauses (protocol-rules E.1): history checks over what one producer
 * was told (each send's acknowledgement) and the final committed log of each partition, with
 * the producer fields of every record's batch.
 *
 * Kafka's guarantee has two documented windows, and the checks report them as allowed
 * anomalies rather than violations:
 * - an epoch bump (KIP-360) renumbers batches whose fate is unknown: if the old-epoch copy had
 *   been written, the new-epoch copy is written again (a duplicate across epochs, and batches of
 *   the new epoch may land after later sends of the old one);
 * - a broker with no state for a producer id accepts its batch at any sequence (KIP-360; also
 *   after the state expires or is cut away by retention): if the producer's first request was
 *   lost and a later one arrived, the later records come first.
 * Without idempotence nothing is allowed: the same checks count the duplicates and reorders that
 * retries and several requests in flight cause.
 */
import type { Clause, HistoryResult } from '../clause.js';

export const NoDuplicateAcknowledgedRecord: Clause = {
  id: 'PROD-IDEM-1',
  title: 'An acknowledged record is in the log once',
  statement: 'Every record a producer was told is written appears at most once in its partition\'s committed log, across retries, lost answers and leader failover. Allowed: copies in two producer epochs of a record whose batch an epoch bump renumbered while its fate was unknown (KIP-360).',
  source: 'protocol-rules A.3, E.1 PROD-IDEM-1; ProducerStateManager (5 retained batches per producer); TransactionManager.startSequencesAtBeginning',
  kind: 'history',
  anomaly: 'duplicate',
};

export const AcknowledgedRecordsInSendOrder: Clause = {
  id: 'PROD-IDEM-2',
  title: "One producer's acknowledged records are in send order",
  statement: 'For one producer and one partition, acknowledged records appear in the committed log in the order they were sent. Allowed: a later record written first by a broker that had no state for the producer (accepted at any sequence, KIP-360), and records of a renumbered batch behind the old epoch\'s later records.',
  source: 'protocol-rules A.2, A.3, E.1 PROD-IDEM-2; ProducerAppendInfo.checkSequence; RecordAccumulator.shouldStopDrainBatchesForPartition',
  kind: 'history',
  anomaly: 'reorder',
};

export const producerClauses: readonly Clause[] = [NoDuplicateAcknowledgedRecord, AcknowledgedRecordsInSendOrder];

/** A send as the producer's callback saw it: acknowledged (error null) or not. */
export interface ProducerSend {
  readonly sendId: number;
  readonly value: string;
  readonly partition: string;
  readonly acknowledged: boolean;
  /** The record's batch was renumbered by an epoch bump at some point. */
  readonly sequenceReset: boolean;
}

/** A record in a committed log, with the producer fields of its batch. */
export interface LoggedRecord {
  readonly offset: number;
  readonly value: string | null;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
}

export interface IdempotenceFinding {
  readonly clauseId: string;
  readonly partition: string;
  readonly detail: string;
  readonly allowed: boolean;
}

/**
 * PROD-IDEM-1 and PROD-IDEM-2 for one producer: `logs` maps a partition to its committed records
 * in offset order (the final leader's log below its high watermark).
 */
export function checkIdempotence(sends: readonly ProducerSend[], logs: ReadonlyMap<string, readonly LoggedRecord[]>): { duplicates: HistoryResult; order: HistoryResult; findings: IdempotenceFinding[] } {
  const findings: IdempotenceFinding[] = [];
  const byPartition = new Map<string, ProducerSend[]>();
  for (const s of sends) if (s.acknowledged) byPartition.set(s.partition, [...(byPartition.get(s.partition) ?? []), s]);
  for (const [partition, acked] of byPartition) {
    const log = logs.get(partition) ?? [];
    const copies = new Map<string, LoggedRecord[]>();
    for (const r of log) if (r.value !== null) copies.set(r.value, [...(copies.get(r.value) ?? []), r]);
    // The producer's first batch in this log was accepted without state if it does not start at sequence 0.
    const statelessFirst = new Set<number>();
    const seenProducers = new Set<number>();
    for (const r of log) {
      if (r.producerId < 0 || seenProducers.has(r.producerId)) continue;
      seenProducers.add(r.producerId);
      if (r.baseSequence !== 0) for (const s of log) if (s.producerId === r.producerId && s.producerEpoch === r.producerEpoch && s.baseSequence === r.baseSequence) statelessFirst.add(s.offset);
    }
    for (const send of acked) {
      const found = copies.get(send.value) ?? [];
      if (found.length <= 1) continue;
      const epochs = new Set(found.map((r) => `${r.producerId}/${r.producerEpoch}`));
      const allowed = send.sequenceReset && epochs.size === found.length;
      findings.push({ clauseId: NoDuplicateAcknowledgedRecord.id, partition, allowed, detail: `${send.value} at offsets ${found.map((r) => `${r.offset} (epoch ${r.producerEpoch}, seq ${r.baseSequence})`).join(', ')}${allowed ? ': its batch was renumbered by an epoch bump' : ''}` });
    }
    const placed = acked.flatMap((s) => {
      const first = copies.get(s.value)?.[0];
      return first === undefined ? [] : [{ send: s, record: first }];
    }).sort((a, b) => a.send.sendId - b.send.sendId);
    // Each acknowledged record written ahead of records sent before it, once.
    let latestOffset = -1;
    for (const cur of placed) {
      if (cur.record.offset < latestOffset) {
        const behind = placed.filter((earlier) => earlier.send.sendId < cur.send.sendId && earlier.record.offset > cur.record.offset);
        const stateless = statelessFirst.has(cur.record.offset);
        const renumbered = behind.every((earlier) => earlier.send.sequenceReset && earlier.record.producerEpoch !== cur.record.producerEpoch);
        const allowed = stateless || renumbered;
        const why = stateless ? ': it was accepted without producer state' : renumbered ? ': those were renumbered into a new epoch' : '';
        findings.push({ clauseId: AcknowledgedRecordsInSendOrder.id, partition, allowed, detail: `${cur.send.value} at offset ${cur.record.offset}, ahead of ${behind.length} record(s) sent before it (${behind.slice(0, 3).map((e) => `${e.send.value} at ${e.record.offset}`).join(', ')})${why}` });
      }
      latestOffset = Math.max(latestOffset, cur.record.offset);
    }
  }
  const result = (clauseId: string): HistoryResult => {
    const bad = findings.filter((f) => f.clauseId === clauseId && !f.allowed);
    return { clauseId, verdict: bad.length > 0 ? 'invalid' : 'valid', anomalies: bad.map((f) => `${f.partition}: ${f.detail}`) };
  };
  return { duplicates: result(NoDuplicateAcknowledgedRecord.id), order: result(AcknowledgedRecordsInSendOrder.id), findings };
}
