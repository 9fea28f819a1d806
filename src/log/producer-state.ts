/**
 * The broker's idempotent-producer state for one partition (ProducerStateManager,
 * ProducerStateEntry, ProducerAppendInfo): per producer id, its epoch and the metadata of its last
 * five batches. The partition leader checks every client batch that carries a producer id
 * against it before appending (`checkClientBatch`); leaders and followers alike fold every
 * appended batch into it (`recordBatch`), so the state is a function of the log and a new leader
 * after failover dedupes what was replicated to it. Truncation rebuilds it from the log
 * (`producerStateOf`).
 *
 * Rules, in the order Kafka applies them to a client batch:
 * 1. duplicate: same epoch, and one of the retained batches has exactly this first and last
 *    sequence → answered NONE with the original base offset, nothing appended;
 * 2. epoch fence: an epoch below the recorded one → INVALID_PRODUCER_EPOCH;
 * 3. sequence: a higher epoch must start at sequence 0 (unless the producer has no state); in the
 *    same epoch the batch must follow the last retained sequence (0 follows Int32.MAX) →
 *    otherwise OUT_OF_ORDER_SEQUENCE_NUMBER;
 * 4. a producer with no state is accepted at any sequence (KIP-360: no UNKNOWN_PRODUCER_ID).
 */
import type { RecordBatch } from './partition-log.js';

/** ProducerStateEntry.NUM_BATCHES_TO_RETAIN */
export const NUM_BATCHES_TO_RETAIN = 5;
export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
const MAX_SEQUENCE = 0x7fffffff;

export interface BatchMetadata {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly timestamp: number;
}

export interface ProducerStateEntry {
  readonly producerEpoch: number;
  /** Oldest first, at most NUM_BATCHES_TO_RETAIN, all of `producerEpoch`. */
  readonly batches: readonly BatchMetadata[];
}

/** Producer id → its entry. */
export type ProducerState = Readonly<Record<string, ProducerStateEntry>>;

export const emptyProducerState: ProducerState = {};

/** DefaultRecordBatch.incrementSequence: sequences wrap from Int32.MAX to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  return sequence > MAX_SEQUENCE - increment ? increment - (MAX_SEQUENCE - sequence) - 1 : sequence + increment;
}

export const lastSequenceOf = (batch: Pick<RecordBatch, 'baseSequence' | 'lastOffsetDelta'>): number => incrementSequence(batch.baseSequence, batch.lastOffsetDelta);

export const isIdempotent = (batch: Pick<RecordBatch, 'producerId'>): boolean => batch.producerId !== NO_PRODUCER_ID;

export type ClientBatchCheck =
  | { readonly outcome: 'append' }
  | { readonly outcome: 'duplicate'; readonly original: BatchMetadata }
  | { readonly outcome: 'reject'; readonly error: 'INVALID_PRODUCER_EPOCH' | 'OUT_OF_ORDER_SEQUENCE_NUMBER' };

/** What the leader does with a client batch (UnifiedLog.analyzeAndValidateProducerState, ProducerAppendInfo.append). */
export function checkClientBatch(state: ProducerState, batch: Pick<RecordBatch, 'producerId' | 'producerEpoch' | 'baseSequence' | 'lastOffsetDelta'>, retainedBatches = NUM_BATCHES_TO_RETAIN): ClientBatchCheck {
  if (!isIdempotent(batch)) return { outcome: 'append' };
  const entry = state[String(batch.producerId)];
  const lastSeq = lastSequenceOf(batch);
  if (entry === undefined) return { outcome: 'append' };
  if (batch.producerEpoch === entry.producerEpoch) {
    const original = entry.batches.slice(-retainedBatches).find((m) => m.firstSeq === batch.baseSequence && m.lastSeq === lastSeq);
    if (original !== undefined) return { outcome: 'duplicate', original };
  }
  if (batch.producerEpoch < entry.producerEpoch) return { outcome: 'reject', error: 'INVALID_PRODUCER_EPOCH' };
  if (batch.producerEpoch !== entry.producerEpoch) {
    if (batch.baseSequence !== 0 && entry.producerEpoch !== NO_PRODUCER_EPOCH) return { outcome: 'reject', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' };
    return { outcome: 'append' };
  }
  const last = entry.batches[entry.batches.length - 1]?.lastSeq ?? NO_SEQUENCE;
  const inSequence = batch.baseSequence === last + 1 || (batch.baseSequence === 0 && last === MAX_SEQUENCE);
  if (entry.producerEpoch !== NO_PRODUCER_EPOCH && last !== NO_SEQUENCE && !inSequence) return { outcome: 'reject', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' };
  return { outcome: 'append' };
}

/** Fold an appended batch (leader or follower) into the state: a new epoch clears the retained batches. */
export function recordBatch(state: ProducerState, batch: RecordBatch): ProducerState {
  if (!isIdempotent(batch)) return state;
  const key = String(batch.producerId);
  const entry = state[key];
  const metadata: BatchMetadata = {
    firstSeq: batch.baseSequence, lastSeq: lastSequenceOf(batch),
    firstOffset: batch.baseOffset, lastOffset: batch.baseOffset + batch.lastOffsetDelta, timestamp: batch.maxTimestamp,
  };
  // A replicated batch of a lower epoch is appended as it is (ProducerAppendInfo.checkProducerEpoch
  // only logs it for REPLICATION), and the entry takes its epoch like any other epoch change
  // (ProducerStateEntry.maybeUpdateProducerEpoch: the retained batches are cleared).
  const kept = entry !== undefined && entry.producerEpoch === batch.producerEpoch ? entry.batches : [];
  const batches = [...kept, metadata].slice(-NUM_BATCHES_TO_RETAIN);
  return { ...state, [key]: { producerEpoch: batch.producerEpoch, batches } };
}

/** The state a log implies: every batch folded in order (ProducerStateManager rebuilt from the log). */
export function producerStateOf(batches: Iterable<RecordBatch>): ProducerState {
  let state = emptyProducerState;
  for (const batch of batches) state = recordBatch(state, batch);
  return state;
}
