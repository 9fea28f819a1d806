/**
 * The client clauses' checkers (spec/conformance/clients.ts) on histories written by hand: each
 * holds for a client that follows Kafka's rules and names the anomaly of one that does not.
 */
import { describe, expect, it } from 'vitest';
import type { History, Json, Op } from '../../spec/conformance/history.js';
import { checkClientAcknowledgedWrites, checkClientCommits, checkClientRebalanceCallbacks, checkClientResumes, checkClientSequences } from '../../spec/conformance/clients.js';

/** Operations as [f, value, completion value?, error?]: each an invoke and its completion (ok, or fail with the error). */
function history(...ops: [string, Json, Json?, string?][]): History {
  const out: Op[] = [];
  for (const [f, value, answer, error] of ops) {
    out.push({ index: out.length, process: 1, type: 'invoke', f, value, timeMs: out.length });
    out.push({ index: out.length, process: 1, type: error === undefined ? 'ok' : 'fail', f, value: answer ?? value, ...(error === undefined ? {} : { error }), timeMs: out.length });
  }
  return out;
}

const names = (judged: { anomalies: readonly { name: string }[] }) => judged.anomalies.map((a) => a.name);
const init = (producerId: number, producerEpoch: number): [string, Json, Json] => ['broker:init-producer-id', {}, { producerId, producerEpoch }];
const batch = (producerEpoch: number, baseSequence: number, values: string[], producerId = 7): [string, Json, Json] => ['broker:produce', { partition: 't-0', acks: -1, producerId, producerEpoch, baseSequence, values }, { baseOffset: 0 }];

describe('CLIENT-SEQ-1', () => {
  it('consecutive sequences, a retry of the same batch, and an epoch bump restarting at 0 hold', () => {
    expect(checkClientSequences(history(init(7, 0), batch(0, 0, ['a', 'b']), batch(0, 2, ['c']), batch(0, 2, ['c']), init(7, 1), batch(1, 0, ['d']))).verdict).toBe('valid');
  });
  it('a sequence reused for other records, a gap, a new epoch not at 0, an epoch going back, an id never handed out', () => {
    expect(names(checkClientSequences(history(init(7, 0), batch(0, 0, ['a']), batch(0, 0, ['b']))))).toEqual(['reused-sequence']);
    expect(names(checkClientSequences(history(init(7, 0), batch(0, 0, ['a']), batch(0, 2, ['b']))))).toEqual(['sequence-gap']);
    expect(names(checkClientSequences(history(init(7, 0), init(7, 1), batch(0, 0, ['a']), batch(1, 1, ['b']))))).toEqual(['epoch-not-at-zero']);
    expect(names(checkClientSequences(history(init(7, 0), init(7, 1), batch(1, 0, ['a']), batch(0, 1, ['b']))))).toEqual(['stale-epoch']);
    expect(names(checkClientSequences(history(init(7, 0), batch(0, 0, ['a'], 8))))).toEqual(['unknown-producer-id']);
  });
  it('no idempotent batch at all cannot be judged', () => {
    expect(checkClientSequences(history(batch(0, 0, ['a'], -1))).verdict).toBe('unknown');
  });
});

describe('CLIENT-ACK-1', () => {
  const log = (records: [number, string][]): [string, Json] => ['log', { partition: 't-0', records }];
  const ack = (offset: number, value: string): [string, Json] => ['client:ack', { partition: 't-0', offset, value }];
  it('acknowledged values once, at their offsets, in send order hold', () => {
    expect(checkClientAcknowledgedWrites(history(ack(0, '0'), ack(1, '1'), log([[0, '0'], [1, '1']]))).verdict).toBe('valid');
  });
  it('a duplicate, a lost write, a wrong offset and a reorder are named', () => {
    expect(names(checkClientAcknowledgedWrites(history(ack(0, '0'), log([[0, '0'], [1, '0']]))))).toEqual(['duplicate']);
    expect(names(checkClientAcknowledgedWrites(history(ack(0, '0'), ack(1, '1'), log([[0, '0']]))))).toEqual(['lost-write']);
    expect(names(checkClientAcknowledgedWrites(history(ack(1, '0'), log([[0, '0']]))))).toEqual(['wrong-offset']);
    expect(names(checkClientAcknowledgedWrites(history(ack(1, '0'), ack(0, '1'), log([[0, '1'], [1, '0']]))))).toEqual(['reorder']);
  });
});

describe('CLIENT-COMMIT-1', () => {
  const join = (memberId: string, generationId: number): [string, Json, Json] => ['broker:join-group', { groupId: 'g', memberId }, { memberId, generationId, leader: memberId }];
  const sync = (memberId: string, generationId: number, partitions: string[]): [string, Json, Json] => ['broker:sync-group', { groupId: 'g', memberId, generationId }, { partitions }];
  const commit = (memberId: string, generationId: number, partitions: string[]): [string, Json, Json] => ['broker:offset-commit', { groupId: 'g', memberId, generationId, offsets: partitions.map((p) => [p, 1]) }, { errors: [] }];
  it('commits of owned partitions in the current generation hold', () => {
    expect(checkClientCommits(history(join('m', 1), sync('m', 1, ['t-0', 't-1']), commit('m', 1, ['t-0', 't-1']))).verdict).toBe('valid');
  });
  it('a partition not owned, or an older generation, is named', () => {
    expect(names(checkClientCommits(history(join('m', 1), sync('m', 1, ['t-0']), commit('m', 1, ['t-0', 't-1']))))).toEqual(['unowned-commit']);
    expect(names(checkClientCommits(history(join('m', 1), sync('m', 1, ['t-0']), join('m', 2), sync('m', 2, ['t-0']), commit('m', 1, ['t-0']))))).toEqual(['stale-generation-commit']);
  });
});

describe('CLIENT-RESUME-1', () => {
  const fetched = (offset: number): [string, Json, Json] => ['broker:offset-fetch', { groupId: 'g' }, { offsets: [['t-0', offset]] }];
  const consumed = (consumer: number, offset: number): [string, Json] => ['client:consumed', { consumer, partition: 't-0', offset, value: String(offset) }];
  it('starting at the committed offset (or the log start when none) and reading on without gaps holds', () => {
    expect(checkClientResumes(history(fetched(-1), consumed(1, 0), consumed(1, 1), fetched(2), consumed(2, 2))).verdict).toBe('valid');
  });
  it('starting elsewhere, or skipping, is named', () => {
    expect(names(checkClientResumes(history(fetched(2), consumed(2, 0))))).toEqual(['resumed-elsewhere']);
    expect(names(checkClientResumes(history(fetched(-1), consumed(1, 0), consumed(1, 2))))).toEqual(['skipped-offset']);
  });
  // Regression: kafkajs under a forced rebalance re-read t-0 from 0 (nothing committed yet) after
  // asking OffsetFetch again; the checker called that nonmonotonic-offset.
  it('after a rebalance (OffsetFetch asked again) the consumer may resume at the committed offset, re-reading; nowhere else', () => {
    expect(checkClientResumes(history(fetched(-1), consumed(1, 0), consumed(1, 1), fetched(-1), consumed(1, 0), consumed(1, 1), consumed(1, 2))).verdict).toBe('valid');
    expect(checkClientResumes(history(fetched(-1), consumed(1, 0), consumed(1, 1), fetched(1), consumed(1, 1))).verdict).toBe('valid');
    expect(names(checkClientResumes(history(fetched(-1), consumed(1, 0), consumed(1, 1), consumed(1, 0))))).toEqual(['nonmonotonic-offset']);
    expect(names(checkClientResumes(history(fetched(-1), consumed(1, 0), consumed(1, 1), consumed(1, 2), fetched(1), consumed(1, 0))))).toEqual(['nonmonotonic-offset']);
  });
});

describe('CLIENT-REBALANCE-1', () => {
  const sync = (partitions: string[]): [string, Json, Json] => ['broker:sync-group', { groupId: 'g', memberId: 'm', generationId: 1 }, { partitions }];
  const callback = (kind: 'assigned' | 'revoked', partitions: string[]): [string, Json] => [`client:${kind}`, { consumer: 1, partitions }];
  it('assigned what SyncGroup gave, then revoked the same, holds; so does the empty revoke of an eager client\'s first join (kafka-python, the Java client)', () => {
    expect(checkClientRebalanceCallbacks(history(sync(['t-0']), callback('assigned', ['t-0']), callback('revoked', ['t-0']))).verdict).toBe('valid');
    expect(checkClientRebalanceCallbacks(history(callback('revoked', []), sync(['t-0']), callback('assigned', ['t-0']), callback('revoked', ['t-0']))).verdict).toBe('valid');
    expect(names(checkClientRebalanceCallbacks(history(callback('revoked', ['t-0']))))).toEqual(['callback-out-of-order']);
  });
  it('two assigns without a revoke, revoking other partitions, or assigning what no SyncGroup gave, are named', () => {
    expect(names(checkClientRebalanceCallbacks(history(sync(['t-0']), callback('assigned', ['t-0']), callback('assigned', ['t-0']))))).toEqual(['callback-out-of-order']);
    expect(names(checkClientRebalanceCallbacks(history(sync(['t-0']), callback('assigned', ['t-0']), callback('revoked', ['t-1']))))).toEqual(['callback-wrong-partitions']);
    expect(names(checkClientRebalanceCallbacks(history(sync(['t-0']), callback('assigned', ['t-1']))))).toEqual(['callback-wrong-partitions']);
  });
});
