/** The quorum messages' io-ts codecs: what a trace or scenario may carry, and what it may not. */
import { describe, expect, it } from 'vitest';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { QuorumMessage } from '../../src/protocol/quorum/messages.js';
import { renderMessage } from '../../src/protocol/quorum/render.js';

const fetch = { type: 'FetchRequest', replicaId: 2, currentLeaderEpoch: 3, fetchOffset: 42, lastFetchedEpoch: 2, correlationId: 9 };

describe('quorum message codecs', () => {
  it('accept a well-formed message and keep it as it is', () => {
    const decoded = QuorumMessage.decode(fetch);
    expect(isRight(decoded) && decoded.right).toEqual(fetch);
  });

  it('reject a missing field, a fractional offset, an unsafe int64 and an unknown type', () => {
    const { fetchOffset: _omitted, ...missing } = fetch;
    expect(isLeft(QuorumMessage.decode(missing))).toBe(true);
    expect(isLeft(QuorumMessage.decode({ ...fetch, fetchOffset: 1.5 }))).toBe(true);
    expect(isLeft(QuorumMessage.decode({ ...fetch, fetchOffset: 2 ** 53 }))).toBe(true);
    expect(isLeft(QuorumMessage.decode({ ...fetch, type: 'FetchSnapshotRequest' }))).toBe(true);
  });

  it('render to one line with Kafka\'s names', () => {
    expect(renderMessage(2, 1, fetch as QuorumMessage)).toBe('n2->n1 Fetch offset=42 lastFetchedEpoch=2 epoch=3');
    expect(renderMessage(1, 3, { type: 'VoteResponse', errorCode: 74, leaderId: 2, leaderEpoch: 5, voteGranted: false })).toBe('n1->n3 VoteResponse epoch=5 rejected leader=n2 FENCED_LEADER_EPOCH');
  });
});
