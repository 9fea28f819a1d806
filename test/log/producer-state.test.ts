/**
 * The broker's idempotent-producer checks (protocol-rules A.3): duplicates of the last five
 * batches are answered with their original offsets, a gap is OUT_OF_ORDER_SEQUENCE_NUMBER, an
 * older epoch is INVALID_PRODUCER_EPOCH, a new epoch starts at 0, unknown producers are accepted
 * at any sequence; and a property over random resend schedules: whatever mix of retries reaches
 * the leader, the log holds every sequence once, in order.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { RecordBatch } from '../../src/log/partition-log.js';
import {
  checkClientBatch, emptyProducerState, incrementSequence, NUM_BATCHES_TO_RETAIN, producerStateOf, recordBatch, type ProducerState,
} from '../../src/log/producer-state.js';

const batch = (baseOffset: number, producerEpoch: number, baseSequence: number, count = 1, producerId = 7): RecordBatch => ({
  baseOffset, lastOffsetDelta: count - 1, partitionLeaderEpoch: 0, producerId, producerEpoch, baseSequence, maxTimestamp: baseOffset,
  records: Array.from({ length: count }, (_, i) => ({ offsetDelta: i, timestamp: baseOffset, key: null, value: `s${baseSequence + i}` })),
});

/** The leader's append path: check, then append at the log end and record. */
function leaderAppend(log: RecordBatch[], state: ProducerState, producerEpoch: number, baseSequence: number, count: number) {
  const end = log.length === 0 ? 0 : log[log.length - 1]!.baseOffset + log[log.length - 1]!.lastOffsetDelta + 1;
  const candidate = batch(end, producerEpoch, baseSequence, count);
  const check = checkClientBatch(state, candidate);
  if (check.outcome !== 'append') return { log, state, check };
  return { log: [...log, candidate], state: recordBatch(state, candidate), check };
}

describe('idempotent producer state at the partition leader', () => {
  it('answers a retried batch with its original offset and appends nothing', () => {
    let state = producerStateOf([batch(0, 0, 0, 2), batch(2, 0, 2, 3)]);
    expect(checkClientBatch(state, batch(5, 0, 0, 2))).toEqual({ outcome: 'duplicate', original: { firstSeq: 0, lastSeq: 1, firstOffset: 0, lastOffset: 1, timestamp: 0 } });
    expect(checkClientBatch(state, batch(5, 0, 2, 3))).toMatchObject({ outcome: 'duplicate', original: { firstOffset: 2 } });
    expect(checkClientBatch(state, batch(5, 0, 5, 1))).toEqual({ outcome: 'append' });
    state = recordBatch(state, batch(5, 0, 5));
    expect(state['7']?.batches).toHaveLength(3);
  });

  it('a replicated batch of a lower epoch is folded in as Kafka does: the entry takes its epoch and drops the retained batches (ProducerStateEntry.maybeUpdateProducerEpoch)', () => {
    const state = producerStateOf([batch(0, 1, 0), batch(1, 0, 3)]);
    expect(state['7']).toEqual({ producerEpoch: 0, batches: [{ firstSeq: 3, lastSeq: 3, firstOffset: 1, lastOffset: 1, timestamp: 1 }] });
  });

  it('a gap, an overlap that is not an exact retry, and a batch older than the five retained are OUT_OF_ORDER_SEQUENCE_NUMBER', () => {
    const log = Array.from({ length: 7 }, (_, i) => batch(i, 0, i));
    const state = producerStateOf(log);
    expect(state['7']?.batches).toHaveLength(NUM_BATCHES_TO_RETAIN);
    expect(checkClientBatch(state, batch(7, 0, 8))).toEqual({ outcome: 'reject', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(checkClientBatch(state, batch(7, 0, 5, 2))).toEqual({ outcome: 'reject', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(checkClientBatch(state, batch(7, 0, 1))).toEqual({ outcome: 'reject', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(checkClientBatch(state, batch(7, 0, 2))).toMatchObject({ outcome: 'duplicate' });
  });

  it('an older epoch is fenced with INVALID_PRODUCER_EPOCH; a newer epoch must start at sequence 0 and clears the retained batches', () => {
    let state = producerStateOf([batch(0, 1, 0), batch(1, 1, 1)]);
    expect(checkClientBatch(state, batch(2, 0, 2))).toEqual({ outcome: 'reject', error: 'INVALID_PRODUCER_EPOCH' });
    expect(checkClientBatch(state, batch(2, 2, 2))).toEqual({ outcome: 'reject', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(checkClientBatch(state, batch(2, 2, 0))).toEqual({ outcome: 'append' });
    state = recordBatch(state, batch(2, 2, 0));
    expect(state['7']).toEqual({ producerEpoch: 2, batches: [{ firstSeq: 0, lastSeq: 0, firstOffset: 2, lastOffset: 2, timestamp: 2 }] });
    // The old epoch's retry is no longer a duplicate: it is fenced.
    expect(checkClientBatch(state, batch(3, 1, 1))).toEqual({ outcome: 'reject', error: 'INVALID_PRODUCER_EPOCH' });
  });

  it('accepts a producer it has no state for at any sequence and epoch (KIP-360), and batches without a producer id always', () => {
    expect(checkClientBatch(emptyProducerState, batch(0, 3, 41))).toEqual({ outcome: 'append' });
    expect(checkClientBatch(producerStateOf([batch(0, 0, 0)]), batch(1, 0, 9, 1, 8))).toEqual({ outcome: 'append' });
    expect(checkClientBatch(producerStateOf([batch(0, 0, 0)]), { ...batch(1, -1, -1), producerId: -1 })).toEqual({ outcome: 'append' });
  });

  it('sequences wrap from Int32.MAX to 0', () => {
    const max = 0x7fffffff;
    expect(incrementSequence(max, 1)).toBe(0);
    expect(incrementSequence(max - 1, 3)).toBe(1);
    const state = producerStateOf([batch(0, 0, max - 1, 2)]);
    expect(checkClientBatch(state, batch(2, 0, 0))).toEqual({ outcome: 'append' });
    expect(checkClientBatch(state, batch(2, 0, 1))).toEqual({ outcome: 'reject', error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
  });

  it('property: a producer with up to five batches in flight, some requests lost, resending any of them any number of times, leaves each sequence in the log at most once, in order, without gaps', () => {
    // Each step either sends the next new batch or resends one of the (at most five) unacknowledged ones.
    const schedule = fc.array(fc.record({ resend: fc.boolean(), lost: fc.boolean(), pick: fc.nat(), count: fc.integer({ min: 1, max: 3 }) }), { maxLength: 60 });
    fc.assert(fc.property(schedule, (steps) => {
      let log: RecordBatch[] = [];
      let state = emptyProducerState;
      let nextSequence = 0;
      const inFlight: { baseSequence: number; count: number }[] = [];
      for (const step of steps) {
        const send = step.resend && inFlight.length > 0
          ? inFlight[step.pick % inFlight.length]!
          : inFlight.length < NUM_BATCHES_TO_RETAIN ? { baseSequence: nextSequence, count: step.count } : inFlight[0]!;
        if (send.baseSequence === nextSequence) { nextSequence += send.count; inFlight.push(send); }
        // Until its first batch lands the broker has no state for the producer and would take any
        // sequence (KIP-360); Kafka relies on one ordered connection for that first batch.
        if (step.lost && log.length > 0) continue;
        ({ log, state } = leaderAppend(log, state, 0, send.baseSequence, send.count));
        // The oldest in-flight batch is acknowledged once it is in the log.
        while (inFlight.length > 0 && log.some((b) => b.baseSequence === inFlight[0]!.baseSequence)) inFlight.shift();
      }
      const sequences = log.flatMap((b) => b.records.map((_, i) => b.baseSequence + i));
      expect(sequences).toEqual(sequences.map((_, i) => i));
      return true;
    }), { numRuns: 300 });
  });
});
