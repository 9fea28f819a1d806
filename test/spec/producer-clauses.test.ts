/**
 * The producer clauses judge logs, answers and histories built by hand: each fires on its anomaly
 * and stays quiet on its allowed neighbour. The KIP-360 allowance is read from what the wire
 * showed (which requests went unanswered), never from the client's account of its retries.
 */
import { describe, expect, it } from 'vitest';
import { checkIdempotence, checkSequences, judgeRetryAnswer, retriedBatch, type LoggedRecord, type ProduceAttempt, type ProducerBatch, type ProducerStateLoss } from '../../spec/producer/clauses.js';

const P = 't-0';
const batch = (baseOffset: number, baseSequence: number, recordCount = 1, producerEpoch = 0): ProducerBatch => ({ baseOffset, producerId: 7, producerEpoch, baseSequence, recordCount });

describe('PROD-SEQ-1: batches of one producer id and epoch append in sequence', () => {
  it('holds for consecutive sequences and across an epoch bump that restarts at 0', () => {
    expect(checkSequences(new Map([[P, [batch(0, 0, 2), batch(2, 2), batch(3, 0, 1, 1), batch(4, 1, 1, 1)]]])).verdict).toBe('valid');
  });
  it('fails on a batch appended again and on a gap', () => {
    expect(checkSequences(new Map([[P, [batch(0, 0), batch(1, 1), batch(2, 1)]]])).anomalies[0]).toContain('appended again');
    expect(checkSequences(new Map([[P, [batch(0, 0), batch(1, 2)]]])).anomalies[0]).toContain('gap');
  });
  it('wraps after 2^31-1', () => {
    expect(checkSequences(new Map([[P, [batch(0, 2_147_483_646, 2), batch(2, 0)]]])).verdict).toBe('valid');
  });
});

describe('PROD-SEQ-1: a leader that came back from a power loss with an empty log may take a producer\'s first batch at any sequence', () => {
  // Seed 426's shape: retention left broker 3 only offsets 179.., which it had not flushed; it lost
  // power, came back with an empty log at 179, was elected in leader epoch 3 and took sequence 184
  // (ProducerAppendInfo.checkSequence: no entry for the producer). The followers kept 176..178.
  const inEpoch = (leaderEpoch: number, b: ProducerBatch): ProducerBatch => ({ ...b, leaderEpoch });
  const log = [inEpoch(1, batch(176, 176, 3)), inEpoch(3, batch(179, 184, 2)), inEpoch(3, batch(181, 186))];
  const loss: ProducerStateLoss = { partition: P, broker: 3, atMs: 10_000, offset: 179, leaderEpochs: [3] };

  it('allowed, and reported: the gap is at the first batch of the producer at or above the empty log\'s offset, in an epoch that broker led after the loss', () => {
    const result = checkSequences(new Map([[P, log]]), [loss]);
    expect(result.verdict).toBe('valid');
    expect(result.allowed.map((a) => a.detail)).toEqual([expect.stringMatching(/sequence 184 after 176\.\.178 .*a sequence gap, taken by broker 3 in leader epoch 3 .* empty log at offset 179/)]);
  });
  it('without the power loss the same log is a violation', () => {
    const result = checkSequences(new Map([[P, log]]), []);
    expect(result.verdict).toBe('invalid');
    expect(result.anomalies[0]).toContain('sequence 184 after 176..178 at offset 176: a sequence gap');
    expect(result.allowed).toEqual([]);
  });
  it('not allowed: a gap after the leader\'s first batch of the producer (it had state by then)', () => {
    const later = [inEpoch(1, batch(176, 176, 3)), inEpoch(3, batch(179, 179, 2)), inEpoch(3, batch(181, 190))];
    expect(checkSequences(new Map([[P, later]]), [loss]).anomalies[0]).toContain('sequence 190 after 179..180');
  });
  it('not allowed: appended in an epoch the broker did not lead after the loss, on another partition, or with the batch before it above the empty log', () => {
    expect(checkSequences(new Map([[P, log]]), [{ ...loss, leaderEpochs: [2] }]).verdict).toBe('invalid');
    expect(checkSequences(new Map([[P, log]]), [{ ...loss, partition: 't-1' }]).verdict).toBe('invalid');
    expect(checkSequences(new Map([[P, log]]), [{ ...loss, offset: 176 }]).verdict).toBe('invalid');
    expect(checkSequences(new Map([[P, [inEpoch(1, batch(176, 176, 3)), batch(179, 184, 2)]]]), [loss]).verdict).toBe('invalid');
  });
  it('not allowed: a batch appended again is never excused by a lost state', () => {
    const again = [inEpoch(1, batch(176, 176, 3)), inEpoch(3, batch(179, 177, 2))];
    expect(checkSequences(new Map([[P, again]]), [loss]).anomalies[0]).toContain('appended again');
  });
});

describe('PROD-DEDUP-1: a retry of one of the last five batches gets the original offset', () => {
  const log = [batch(0, 0), batch(1, 1), batch(2, 2), batch(3, 3), batch(4, 4), batch(5, 5)];
  it('recognises a retry within the last five of its epoch only', () => {
    expect(retriedBatch(log, { producerId: 7, producerEpoch: 0, baseSequence: 1, recordCount: 1 })?.baseOffset).toBe(1);
    expect(retriedBatch(log, { producerId: 7, producerEpoch: 0, baseSequence: 0, recordCount: 1 })).toBeNull();
    expect(retriedBatch(log, { producerId: 7, producerEpoch: 1, baseSequence: 5, recordCount: 1 })).toBeNull();
    expect(retriedBatch(log, { producerId: 7, producerEpoch: 0, baseSequence: 5, recordCount: 2 })).toBeNull();
  });
  it('fails an OUT_OF_ORDER_SEQUENCE_NUMBER answer or a new offset; holds for the original offset or a retriable error', () => {
    const original = batch(3, 3);
    expect(judgeRetryAnswer(original, { errorCode: 45, baseOffset: -1 })).toContain('error 45');
    expect(judgeRetryAnswer(original, { errorCode: 0, baseOffset: 9 })).toContain('written again');
    expect(judgeRetryAnswer(original, { errorCode: 0, baseOffset: 3 })).toBeNull();
    expect(judgeRetryAnswer(original, { errorCode: 7, baseOffset: -1 })).toBeNull();
  });
});

describe('PROD-IDEM-1: a duplicate across epochs is allowed only where the history shows the first copy\'s fate was unknown', () => {
  const logs = new Map<string, LoggedRecord[]>([[P, [
    { offset: 0, value: 'a', producerId: 7, producerEpoch: 0, baseSequence: 0 },
    { offset: 1, value: 'a', producerId: 7, producerEpoch: 1, baseSequence: 0 },
  ]]]);
  const sends = [{ sendId: 1, value: 'a', partition: P, acknowledged: true }];
  const attempt = (producerEpoch: number, answerErrorCode: number | null): ProduceAttempt => ({ partition: P, producerId: 7, producerEpoch, baseSequence: 0, values: ['a'], answerErrorCode });
  it('allowed: the epoch-0 request went unanswered (a broken connection), then the bumped epoch wrote it again', () => {
    const r = checkIdempotence(sends, logs, [attempt(0, null), attempt(1, 0)]);
    expect(r.duplicates.verdict).toBe('valid');
    expect(r.findings.filter((f) => f.allowed)).toHaveLength(1);
  });
  it('allowed (seed 27): epoch-0 attempts timed out at the leader, and a deposed leader answered the retry OUT_OF_ORDER_SEQUENCE_NUMBER, which makes the client bump', () => {
    // REQUEST_TIMED_OUT comes after the append (DelayedProduce): the copy may commit. The deposed
    // leader never saw the batch, so its rejection says nothing of the copy at the real leader.
    const r = checkIdempotence(sends, logs, [attempt(0, 7), attempt(0, 7), attempt(0, 45), attempt(1, 0)]);
    expect(r.duplicates.verdict).toBe('valid');
    expect(r.findings.filter((f) => f.allowed)).toHaveLength(1);
  });
  it('allowed: NOT_ENOUGH_REPLICAS_AFTER_APPEND leaves the fate open too', () => {
    expect(checkIdempotence(sends, logs, [attempt(0, 20), attempt(1, 0)]).duplicates.verdict).toBe('valid');
  });
  it('not allowed: an epoch-0 attempt was answered with success, so the client knew the copy was written', () => {
    expect(checkIdempotence(sends, logs, [attempt(0, null), attempt(0, 0), attempt(1, 0)]).duplicates.verdict).toBe('invalid');
  });
  it('not allowed: nothing in the history says the client could not know (every attempt definitely rejected)', () => {
    expect(checkIdempotence(sends, logs, [attempt(0, 6), attempt(1, 0)]).duplicates.verdict).toBe('invalid');
    expect(checkIdempotence(sends, logs, [attempt(0, 45), attempt(1, 0)]).duplicates.verdict).toBe('invalid');
  });
});
