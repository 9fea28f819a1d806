/**
 * The idempotent producer's clauses (protocol-rules E.1): history checks over what one producer
 * was told (each send's acknowledgement) and the final committed log of each partition, with
 * the producer fields of every record's batch.
 *
 * Kafka's guarantee has two documented windows, and the checks report them as allowed
 * anomalies rather than violations, judged from the history alone (what the producer sent and
 * which requests were answered), never from the client's own account of its retries:
 * - an epoch bump (KIP-360) renumbers batches whose fate is unknown: if the old-epoch copy had
 *   been written, the new-epoch copy is written again (a duplicate across epochs, and batches of
 *   the new epoch may land after later sends of the old one);
 * - a broker with no state for a producer id accepts its batch at any sequence (KIP-360; also
 *   after the state expires or is cut away by retention): if the producer's first request was
 *   lost and a later one arrived, the later records come first.
 * The same rule opens one window for PROD-SEQ-1, judged from the fault history: a broker that came
 * back from a power loss with an empty log has no state for any producer, so as leader the first
 * batch it takes from a producer may skip sequences (see ProducerStateLoss).
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

export const SequencesAppendInOrder: Clause = {
  id: 'PROD-SEQ-1',
  title: 'Within one producer id and epoch, batches are appended once each and without sequence gaps',
  statement: 'In a partition\'s committed log, the batches of one producer id and epoch follow each other in sequence order: each starts at the sequence after the previous one\'s last (wrapping after 2^31-1), so none is appended twice and none is skipped. Judged on the log and the fault history; no client is needed. Allowed: a gap at the first batch of a producer id at or above the offset where a broker came back from a power loss with an empty log (it had flushed nothing above its log start offset: retention had deleted the segments below), appended in a leader epoch that broker was elected to after the loss: it rebuilt no state for the producer and accepts any sequence.',
  source: 'protocol-rules A.3, A.4; ProducerAppendInfo.checkSequence (a producer with no entry is accepted at any sequence); ProducerStateEntry.NUM_BATCHES_TO_RETAIN; LogLoader.load, UnifiedLog.rebuildProducerState, ProducerStateManager.truncateAndReload (snapshots at or below the log start offset are dropped)',
  kind: 'history',
  anomaly: 'duplicate',
};

export const RetriedBatchDeduplicated: Clause = {
  id: 'PROD-DEDUP-1',
  title: 'A retry of one of the last five batches is answered with its original offset, never appended again',
  statement: 'When a leader receives a batch whose producer id, epoch, first and last sequence match one of the last five batches of that producer id and epoch in its log, it appends nothing and answers with success and the original batch\'s base offset (or, for acks=all, a retriable error while it waits), never OUT_OF_ORDER_SEQUENCE_NUMBER or INVALID_PRODUCER_EPOCH. Judged on the broker\'s log and answers alone; no client is needed.',
  source: 'protocol-rules A.3 (dedupe is checked before any validation); UnifiedLog.analyzeAndValidateProducerState, ProducerStateEntry.findDuplicateBatch, NUM_BATCHES_TO_RETAIN = 5',
  kind: 'invariant',
  anomaly: 'duplicate',
};

export const producerClauses: readonly Clause[] = [NoDuplicateAcknowledgedRecord, AcknowledgedRecordsInSendOrder, SequencesAppendInOrder, RetriedBatchDeduplicated];

/** ProducerStateEntry.NUM_BATCHES_TO_RETAIN: how many of a producer's batches a broker must recognise. */
export const DEDUPLICATION_WINDOW_BATCHES = 5;
const MAX_SEQUENCE = 2_147_483_647;
const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
const INVALID_PRODUCER_EPOCH = 47;

/** An idempotent batch as a log holds it (offset order). */
export interface ProducerBatch {
  readonly baseOffset: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordCount: number;
  /** The leader epoch the batch was appended in (its partitionLeaderEpoch); PROD-SEQ-1's power-loss window needs it. */
  readonly leaderEpoch?: number;
}

/**
 * A broker that, the fault history shows, came back with an empty log of a partition and so with
 * no producer state for it: it lost power having flushed nothing above its log start offset
 * (retention had deleted the segments below). Kafka rebuilds producer state on recovery from the
 * newest snapshot inside the log and the batches after it (LogLoader.load,
 * UnifiedLog.rebuildProducerState), and ProducerStateManager.truncateAndReload deletes every
 * snapshot at or below the log start offset: an empty log leaves no entry for any producer, and
 * ProducerAppendInfo.checkSequence accepts a producer with no entry at any sequence. Taken from
 * the faults injected, the node's disk at the loss and the committed metadata, never from the
 * broker's account.
 */
export interface ProducerStateLoss {
  readonly partition: string;
  readonly broker: number;
  /** When it lost power. */
  readonly atMs: number;
  /** Its log start and end offset when it came back: every batch below went from its log. */
  readonly offset: number;
  /** The leader epochs the committed metadata elected it to after the loss (until it next lost power). */
  readonly leaderEpochs: readonly number[];
}

const lastSequence = (b: { baseSequence: number; recordCount: number }): number => {
  const last = b.baseSequence + b.recordCount - 1;
  return last > MAX_SEQUENCE ? last - MAX_SEQUENCE - 1 : last;
};
const follows = (previousLast: number, base: number): boolean => base === (previousLast === MAX_SEQUENCE ? 0 : previousLast + 1);

/** A gap PROD-SEQ-1 allows, with the broker-side reason. */
export interface AllowedSequenceGap {
  readonly partition: string;
  readonly detail: string;
}

/**
 * PROD-SEQ-1 over committed logs: `logs` maps a partition to its idempotent batches in offset
 * order; `losses` are the brokers the fault history shows without producer state. A gap is allowed
 * only at `batch`, the first batch of its producer id at or above a loss's offset, with the batch
 * before it below that offset, appended in a leader epoch the broker that lost its state led:
 * that leader had no entry for the producer and took the batch at any sequence; every later batch
 * it checked against the entry that batch made.
 */
export function checkSequences(logs: ReadonlyMap<string, readonly ProducerBatch[]>, losses: readonly ProducerStateLoss[] = []): HistoryResult & { readonly allowed: readonly AllowedSequenceGap[] } {
  const anomalies: string[] = [];
  const allowed: AllowedSequenceGap[] = [];
  for (const [partition, batches] of logs) {
    const last = new Map<string, ProducerBatch>();
    for (const b of batches) {
      if (b.producerId < 0) continue;
      const key = `${b.producerId}/${b.producerEpoch}`;
      const previous = last.get(key);
      last.set(key, b);
      if (previous === undefined || follows(lastSequence(previous), b.baseSequence)) continue;
      const gap = b.baseSequence > lastSequence(previous);
      const what = gap ? 'a sequence gap' : 'a sequence appended again or out of order';
      const detail = `producer ${b.producerId} epoch ${b.producerEpoch} batch at offset ${b.baseOffset} has sequence ${b.baseSequence} after ${previous.baseSequence}..${lastSequence(previous)} at offset ${previous.baseOffset}: ${what}`;
      const loss = gap ? losses.find((l) => acceptedWithoutState(l, partition, batches, previous, b)) : undefined;
      if (loss === undefined) anomalies.push(`${partition}: ${detail}`);
      else allowed.push({ partition, detail: `${detail}, taken by broker ${loss.broker} in leader epoch ${b.leaderEpoch} with no state for the producer: it lost power at ${loss.atMs}ms and came back with an empty log at offset ${loss.offset}` });
    }
  }
  return { clauseId: SequencesAppendInOrder.id, verdict: anomalies.length > 0 ? 'invalid' : 'valid', anomalies, allowed };
}

/** `batch`, following `previous` with a gap, was the first batch of its producer id that the stateless leader of `loss` took. */
function acceptedWithoutState(loss: ProducerStateLoss, partition: string, log: readonly ProducerBatch[], previous: ProducerBatch, batch: ProducerBatch): boolean {
  if (loss.partition !== partition || batch.leaderEpoch === undefined || !loss.leaderEpochs.includes(batch.leaderEpoch)) return false;
  if (previous.baseOffset >= loss.offset || batch.baseOffset < loss.offset) return false;
  const first = log.find((other) => other.producerId === batch.producerId && other.baseOffset >= loss.offset);
  return first === batch;
}

/**
 * PROD-DEDUP-1, the request half: the batch of `log` (the leader's, in offset order) a produce
 * request retries, if it is one of the last five of its producer id and epoch; null otherwise.
 */
export function retriedBatch(log: readonly ProducerBatch[], request: { producerId: number; producerEpoch: number; baseSequence: number; recordCount: number }): ProducerBatch | null {
  if (request.producerId < 0) return null;
  const own = log.filter((b) => b.producerId === request.producerId && b.producerEpoch === request.producerEpoch).slice(-DEDUPLICATION_WINDOW_BATCHES);
  return own.find((b) => b.baseSequence === request.baseSequence && lastSequence(b) === lastSequence(request)) ?? null;
}

/** PROD-DEDUP-1, the answer half: what is wrong with the answer to a retry of `original`, or null. */
export function judgeRetryAnswer(original: ProducerBatch, answer: { errorCode: number; baseOffset: number }): string | null {
  if (answer.errorCode === OUT_OF_ORDER_SEQUENCE_NUMBER || answer.errorCode === INVALID_PRODUCER_EPOCH) return `answered error ${answer.errorCode} to a retry of the batch at offset ${original.baseOffset} (sequence ${original.baseSequence})`;
  if (answer.errorCode === 0 && answer.baseOffset !== original.baseOffset) return `answered offset ${answer.baseOffset} to a retry of the batch at offset ${original.baseOffset} (sequence ${original.baseSequence}): it was written again`;
  return null;
}

/** A send as the producer's callback saw it: acknowledged (error null) or not. */
export interface ProducerSend {
  readonly sendId: number;
  readonly value: string;
  readonly partition: string;
  readonly acknowledged: boolean;
}

/** One Produce request the producer sent, as the wire saw it: the batch's producer fields and values, and the answer if one came back. */
export interface ProduceAttempt {
  readonly partition: string;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly values: readonly string[];
  /** null: no answer the client read (none came, or it came after the connection closed). */
  readonly answerErrorCode: number | null;
}

/** Some attempt of `value` in this producer epoch was answered with success. */
function acknowledgedInEpoch(attempts: readonly ProduceAttempt[], partition: string, value: string, producerId: number, producerEpoch: number): boolean {
  return attempts.some((a) => a.partition === partition && a.producerId === producerId && a.producerEpoch === producerEpoch && a.values.includes(value) && a.answerErrorCode === 0);
}

/**
 * Produce answers that leave the write's fate open (Kafka's indefinite errors): the leader may have
 * appended the batch and still commit it (REQUEST_TIMED_OUT and NOT_ENOUGH_REPLICAS_AFTER_APPEND
 * come after the append, DelayedProduce; NETWORK_EXCEPTION and UNKNOWN_SERVER_ERROR say nothing).
 * Every other error is a definite rejection of that one request by the broker that answered.
 */
const ANSWERS_OF_UNKNOWN_FATE: ReadonlySet<number> = new Set([-1, 7, 13, 20]);

/** The client could not tell from this attempt whether its batch was written: no answer it read, or an indefinite one. */
const fateUnknown = (a: ProduceAttempt): boolean => a.answerErrorCode === null || ANSWERS_OF_UNKNOWN_FATE.has(a.answerErrorCode);

/**
 * Kafka's KIP-360 window, from the history alone: a copy of `value` written in one producer epoch
 * may be written again in a later one only if the client could not know the first copy's fate:
 * some attempt of it in that epoch went unanswered or got an indefinite answer, and none was
 * answered with success. A definite rejection of another attempt (NOT_LEADER_OR_FOLLOWER, or
 * OUT_OF_ORDER_SEQUENCE_NUMBER from a deposed leader that never saw the batch) tells the client
 * nothing about the copy the first attempt left at the real leader, and OUT_OF_ORDER_SEQUENCE_NUMBER
 * is what makes the idempotent producer bump its epoch (TransactionManager.canRetry). A broker that
 * holds the copy and still answers a retry with that error breaks PROD-DEDUP-1, judged on its own.
 */
export function outcomeUnknownInEpoch(attempts: readonly ProduceAttempt[], partition: string, value: string, producerId: number, producerEpoch: number): boolean {
  const own = attempts.filter((a) => a.partition === partition && a.producerId === producerId && a.producerEpoch === producerEpoch && a.values.includes(value));
  return own.some(fateUnknown) && !own.some((a) => a.answerErrorCode === 0);
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
export function checkIdempotence(sends: readonly ProducerSend[], logs: ReadonlyMap<string, readonly LoggedRecord[]>, attempts: readonly ProduceAttempt[]): { duplicates: HistoryResult; order: HistoryResult; findings: IdempotenceFinding[] } {
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
      // Every copy but the last was written in an epoch where the client could not know its fate.
      const allowed = epochs.size === found.length && found.slice(0, -1).every((r) => outcomeUnknownInEpoch(attempts, partition, send.value, r.producerId, r.producerEpoch));
      findings.push({ clauseId: NoDuplicateAcknowledgedRecord.id, partition, allowed, detail: `${send.value} at offsets ${found.map((r) => `${r.offset} (epoch ${r.producerEpoch}, seq ${r.baseSequence})`).join(', ')}${allowed ? ': the earlier copy\'s fate was unknown to the client (no answer it read, or an indefinite one), then an epoch bump renumbered it (KIP-360)' : ''}` });
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
        // Records behind it sit in a later epoch, and their earlier-epoch attempts went unanswered: an epoch bump renumbered them.
        const renumbered = behind.every((earlier) => earlier.record.producerEpoch > cur.record.producerEpoch && earlier.record.producerId === cur.record.producerId && !acknowledgedInEpoch(attempts, partition, earlier.send.value, cur.record.producerId, cur.record.producerEpoch));
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
