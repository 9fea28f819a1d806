/**
 * The produce watch records what the client could read: an answer that arrives after the
 * connection it was asked on closed (a broken connection, or NetworkClient closing it at
 * request.timeout.ms) is never read, so the attempt stays unanswered for PROD-IDEM-1's allowance.
 */
import { describe, expect, it } from 'vitest';
import { ProduceWatch } from '../../src/sim/cluster/produce-watch.js';
import type { ProduceRequest, ProduceResponse } from '../../src/protocol/replication/messages.js';

const request = (correlationId: number): ProduceRequest => ({
  type: 'Produce', topic: 't', topicId: 'id', partition: 0, correlationId, acks: -1, timeoutMs: 1_000,
  records: [{ key: null, value: `v${correlationId}` }], producerId: 7, producerEpoch: 0, baseSequence: correlationId,
});
const answer = (correlationId: number, errorCode = 0): ProduceResponse => ({
  type: 'ProduceResponse', topic: 't', topicId: 'id', partition: 0, correlationId, errorCode, baseOffset: errorCode === 0 ? correlationId : -1, logStartOffset: 0,
});
const answers = (watch: ProduceWatch): (number | null)[] => watch.attempts.map((a) => a.answerErrorCode);

describe('ProduceWatch: an answer counts only if the client could read it', () => {
  it('reads an answer that arrives within request.timeout.ms on an open connection', () => {
    const watch = new ProduceWatch(1_500);
    watch.requestSent(1, request(1), 0);
    watch.answerReceived(1, answer(1), 1_499);
    expect(answers(watch)).toEqual([0]);
  });

  it('drops an answer that arrives after its connection broke', () => {
    const watch = new ProduceWatch(1_500);
    watch.requestSent(1, request(1), 0);
    watch.connectionClosed(1);
    watch.answerReceived(1, answer(1), 10);
    expect(answers(watch)).toEqual([null]);
  });

  it('a request timing out closes the connection for every request sent on it before, not for later ones', () => {
    const watch = new ProduceWatch(1_500);
    watch.requestSent(1, request(1), 0);
    watch.requestSent(1, request(2), 1_000);
    // At 1 500 the first request times out: the connection, and request 2 with it, are gone.
    watch.requestSent(1, request(3), 1_600);
    watch.answerReceived(1, answer(2), 1_700);
    watch.answerReceived(1, answer(3), 1_700);
    watch.answerReceived(1, answer(1), 1_800);
    expect(answers(watch)).toEqual([null, null, 0]);
  });

  it('a broken connection to one broker leaves requests to another alone', () => {
    const watch = new ProduceWatch(1_500);
    watch.requestSent(1, request(1), 0);
    watch.requestSent(2, request(2), 0);
    watch.connectionClosed(1);
    watch.answerReceived(2, answer(2, 7), 5);
    expect(answers(watch)).toEqual([null, 7]);
  });
});
