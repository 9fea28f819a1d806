/**
 * The idempotent producer's bookkeeping per partition (TxnPartitionEntry, and the parts of
 * TransactionManager that decide sequences): the producer id and epoch the partition's
 * sequences belong to, the next sequence to hand out, the last acknowledged sequence and offset,
 * and the batches in flight in sequence order.
 */
import { incrementSequence, NO_SEQUENCE } from '../../log/producer-state.js';

export interface ProducerIdAndEpoch {
  readonly producerId: number;
  readonly producerEpoch: number;
}

export const NO_PRODUCER: ProducerIdAndEpoch = { producerId: -1, producerEpoch: -1 };
/** Short.MAX_VALUE: an epoch that cannot be bumped; the producer asks for a new id instead. */
export const MAX_PRODUCER_EPOCH = 32_767;
export const NO_LAST_ACKED_SEQUENCE = -1;

export interface PartitionSequences extends ProducerIdAndEpoch {
  readonly nextSequence: number;
  readonly lastAckedSequence: number;
  readonly lastAckedOffset: number;
  /** Batches with a sequence that have not completed, by base sequence (inflightBatchesBySequence). */
  readonly inflight: readonly { readonly batchId: number; readonly baseSequence: number; readonly recordCount: number }[];
}

export const freshSequences = (owner: ProducerIdAndEpoch): PartitionSequences => ({
  ...owner, nextSequence: 0, lastAckedSequence: NO_LAST_ACKED_SEQUENCE, lastAckedOffset: -1, inflight: [],
});

export const isStale = (entry: PartitionSequences, current: ProducerIdAndEpoch): boolean =>
  entry.producerId !== current.producerId || entry.producerEpoch !== current.producerEpoch;

/** firstInFlightSequence: NO_SEQUENCE when nothing is in flight. */
export const firstInFlightSequence = (entry: PartitionSequences | undefined): number => entry?.inflight[0]?.baseSequence ?? NO_SEQUENCE;

/** isNextSequence: the sequence directly follows the last acknowledged one (sequence - lastAcked == 1, wrapping). */
export const isNextSequence = (entry: PartitionSequences, sequence: number): boolean => sequence === incrementSequence(entry.lastAckedSequence, 1);

/** A new batch takes the next sequences (RecordAccumulator.drain → TransactionManager.addInFlightBatch). */
export function assignSequence(entry: PartitionSequences, batchId: number, recordCount: number): { entry: PartitionSequences; baseSequence: number } {
  const baseSequence = entry.nextSequence;
  return {
    baseSequence,
    entry: { ...entry, nextSequence: incrementSequence(baseSequence, recordCount), inflight: [...entry.inflight, { batchId, baseSequence, recordCount }].sort((a, b) => a.baseSequence - b.baseSequence) },
  };
}

export const removeInFlight = (entry: PartitionSequences, batchId: number): PartitionSequences => ({ ...entry, inflight: entry.inflight.filter((b) => b.batchId !== batchId) });

/** handleCompletedBatch: the acknowledged sequence and offset only move forward. */
export function acknowledge(entry: PartitionSequences, batchId: number, lastSequence: number, lastOffset: number): PartitionSequences {
  const ahead = entry.lastAckedSequence === NO_LAST_ACKED_SEQUENCE || lastSequence > entry.lastAckedSequence;
  return {
    ...removeInFlight(entry, batchId),
    lastAckedSequence: ahead ? lastSequence : entry.lastAckedSequence,
    lastAckedOffset: lastOffset >= 0 ? Math.max(entry.lastAckedOffset, lastOffset) : entry.lastAckedOffset,
  };
}

/**
 * startSequencesAtBeginning (KIP-360): the partition's unfinished batches are numbered again from
 * 0, in sequence order, under the new epoch. Returns the new entry and each batch's new base sequence.
 */
export function startSequencesAtBeginning(entry: PartitionSequences, owner: ProducerIdAndEpoch): { entry: PartitionSequences; renumbered: { batchId: number; baseSequence: number }[] } {
  let sequence = 0;
  const inflight = entry.inflight.map((b) => {
    const renumbered = { ...b, baseSequence: sequence };
    sequence = incrementSequence(sequence, b.recordCount);
    return renumbered;
  });
  return {
    entry: { ...owner, nextSequence: sequence, lastAckedSequence: NO_LAST_ACKED_SEQUENCE, lastAckedOffset: -1, inflight },
    renumbered: inflight.map((b) => ({ batchId: b.batchId, baseSequence: b.baseSequence })),
  };
}
