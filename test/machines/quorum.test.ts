/**
 * The quorum machine on its own, on the actor host exactly as the nodes run it
 * (src/cluster/actor-host.ts): each test sends events and reads the emitted effects and the resulting state.
 */
import { describe, expect, it } from 'vitest';
import type { HostEvent } from '../../src/cluster/actor-host.js';
import { HostedMachine } from '../support/hosted-machine.js';
import { createQuorumMachine, defaultQuorumConfig, quorumView, type QuorumDurable, type QuorumSnapshot, type QuorumVariant } from '../../src/machines/quorum/index.js';
import type { QuorumEffect } from '../../src/machines/quorum/effects.js';
import { divergence, endOffsetForEpoch, majorityEndOffset, truncationOffset } from '../../src/machines/quorum/logic.js';

function harness(options: { nodeId?: number; voters?: number[]; durable?: QuorumDurable; variant?: QuorumVariant } = {}) {
  const host = new HostedMachine<ReturnType<typeof createQuorumMachine>, QuorumEffect>(createQuorumMachine(options.variant ?? {}), {
    nodeId: options.nodeId ?? 1, voters: options.voters ?? [1, 2, 3], config: defaultQuorumConfig, randomSeed: 42,
    ...(options.durable === undefined ? {} : { durable: options.durable }),
  });
  return {
    get snapshot(): QuorumSnapshot { return host.snapshot as QuorumSnapshot; },
    view: () => quorumView(host.snapshot as QuorumSnapshot),
    effects: () => host.effects(),
    sent: () => host.effects().filter((e) => e.type === 'send').map((e) => (e as { message: { type: string } }).message),
    timers: () => host.timers(),
    send(event: Record<string, unknown>) {
      host.send(event as HostEvent);
      return this;
    },
    fire(idPart: string) {
      const timer = host.timer(idPart);
      if (timer === undefined) throw new Error(`no timer ${idPart} among ${host.timers().map((t) => t.id).join(', ')}`);
      return this.send(timer.event);
    },
  };
}

const durable = (patch: Partial<QuorumDurable>): QuorumDurable => ({ currentEpoch: 0, votedFor: null, leaderId: null, logEndOffset: 0, epochCache: [], ...patch });
const vote = (from: number, epoch: number, lastOffsetEpoch: number, lastOffset: number) => ({ type: 'VoteRequest', from, candidateEpoch: epoch, candidateId: from, lastOffsetEpoch, lastOffset });

describe('QUORUM-VOTE-1 and the vote log check', () => {
  const withLog = durable({ currentEpoch: 2, logEndOffset: 5, epochCache: [{ epoch: 1, startOffset: 0 }, { epoch: 2, startOffset: 3 }] });

  it('grants a candidate whose log is at least as up to date, and persists the vote', () => {
    const node = harness({ durable: withLog }).send(vote(2, 3, 2, 5));
    expect(node.view()).toMatchObject({ role: 'Voted', epoch: 3, votedFor: 2 });
    expect(node.sent()).toEqual([expect.objectContaining({ type: 'VoteResponse', voteGranted: true, leaderEpoch: 3 })]);
  });

  it('refuses a candidate with a shorter log or an older last epoch, but adopts its epoch', () => {
    for (const [lastEpoch, lastOffset] of [[2, 4], [1, 9]] as const) {
      const node = harness({ durable: withLog }).send(vote(2, 3, lastEpoch, lastOffset));
      expect(node.view()).toMatchObject({ role: 'Unattached', epoch: 3, votedFor: null });
      expect(node.sent()[0]).toMatchObject({ type: 'VoteResponse', voteGranted: false });
    }
  });

  it('votes at most once per epoch', () => {
    const node = harness({ durable: withLog }).send(vote(2, 3, 2, 5)).send(vote(3, 3, 2, 5));
    expect(node.view()).toMatchObject({ epoch: 3, votedFor: 2 });
    expect(node.sent()[0]).toMatchObject({ voteGranted: false });
  });

  it('variant vote-without-log-check grants a stale candidate; variant vote-twice votes again', () => {
    expect(harness({ durable: withLog, variant: { voteWithoutLogCheck: true } }).send(vote(2, 3, 0, 0)).view()).toMatchObject({ role: 'Voted', votedFor: 2 });
    expect(harness({ durable: withLog, variant: { forgetVoteInEpoch: true } }).send(vote(2, 3, 2, 5)).send(vote(3, 3, 2, 5)).view()).toMatchObject({ votedFor: 3 });
  });

  it('refuses a lower epoch with FENCED_LEADER_EPOCH', () => {
    const node = harness({ durable: withLog }).send(vote(2, 1, 2, 5));
    expect(node.sent()[0]).toMatchObject({ voteGranted: false, errorCode: 74, leaderEpoch: 2 });
  });
});

describe('elections', () => {
  it('a voter whose election timeout fires stands in the next epoch and asks every other voter', () => {
    const node = harness().fire('electionTimeout');
    expect(node.view()).toMatchObject({ role: 'Candidate', epoch: 1, votedFor: 1 });
    expect(node.sent().map((m) => m.type)).toEqual(['VoteRequest', 'VoteRequest']);
  });

  it('QUORUM-ELECTION-1: a majority of granted votes makes a leader that appends LeaderChange and announces itself', () => {
    const node = harness().fire('electionTimeout').send({ type: 'VoteResponse', from: 2, errorCode: 0, leaderId: -1, leaderEpoch: 1, voteGranted: true });
    expect(node.view()).toMatchObject({ role: 'Leader', epoch: 1, leaderId: 1, logEndOffset: 1 });
    expect(node.effects()).toContainEqual({ type: 'log.append', records: [{ offset: 0, epoch: 1, value: 'LeaderChange(epoch=1,leader=1)' }] });
    expect(node.sent().filter((m) => m.type === 'BeginQuorumEpochRequest')).toHaveLength(2);
  });

  it('a single voter leads at once and commits its own records', () => {
    const node = harness({ voters: [1] }).fire('electionTimeout');
    expect(node.view()).toMatchObject({ role: 'Leader', highWatermark: 1 });
    node.send({ type: 'Propose', from: -1, value: 'x' });
    expect(node.effects()).toContainEqual(expect.objectContaining({ type: 'client.reply', message: expect.objectContaining({ value: 'x', errorCode: 0, offset: 1 }) }));
  });

  it('a leader steps down when it sees a higher epoch', () => {
    const node = harness().fire('electionTimeout').send({ type: 'VoteResponse', from: 2, errorCode: 0, leaderId: -1, leaderEpoch: 1, voteGranted: true });
    node.send({ type: 'BeginQuorumEpochRequest', from: 3, leaderId: 3, leaderEpoch: 4 });
    expect(node.view()).toMatchObject({ role: 'Follower', epoch: 4, leaderId: 3 });
    expect(node.sent().map((m) => m.type)).toEqual(['BeginQuorumEpochResponse', 'FetchRequest']);
  });

  it('recovers its role from durable state after a restart (a former leader resigns)', () => {
    expect(harness({ durable: durable({ currentEpoch: 3, leaderId: 1 }) }).view().role).toBe('Resigned');
    expect(harness({ durable: durable({ currentEpoch: 3, leaderId: 2 }) }).view().role).toBe('Follower');
    expect(harness({ durable: durable({ currentEpoch: 3, votedFor: 2 }) }).view().role).toBe('Voted');
    expect(harness({ durable: durable({ currentEpoch: 3 }) }).view().role).toBe('Unattached');
  });
});

describe('replication by fetch', () => {
  /** n1 leads epoch 2 over a log of three epoch-1 records; its LeaderChange sits at offset 3. */
  const leader = () =>
    harness({ durable: durable({ currentEpoch: 1, logEndOffset: 3, epochCache: [{ epoch: 1, startOffset: 0 }] }) })
      .fire('electionTimeout')
      .send({ type: 'VoteResponse', from: 2, errorCode: 0, leaderId: -1, leaderEpoch: 2, voteGranted: true });
  const fetch = (from: number, fetchOffset: number, lastFetchedEpoch: number, epoch = 2) => ({ type: 'FetchRequest', from, replicaId: from, currentLeaderEpoch: epoch, fetchOffset, lastFetchedEpoch, correlationId: 7 });

  it('answers a divergent fetch with the diverging epoch and its end offset (KIP-595)', () => {
    const node = leader().send(fetch(2, 5, 1));
    expect(node.sent()[0]).toMatchObject({ type: 'FetchResponse', divergingEpoch: { epoch: 1, endOffset: 3 }, correlationId: 7 });
  });

  it('fences a fetch from a stale epoch and flags one from a future epoch', () => {
    expect(leader().send(fetch(2, 0, 0, 1)).sent()[0]).toMatchObject({ errorCode: 74 });
    expect(leader().send(fetch(2, 0, 0, 3)).sent()[0]).toMatchObject({ errorCode: 75 });
  });

  it('QUORUM-HW-1: the high watermark passes the majority offset only beyond the start of the leader\'s epoch', () => {
    const node = leader().send(fetch(2, 3, 1));
    expect(node.view().highWatermark).toBe(0);
    node.send(fetch(2, 4, 2));
    expect(node.view().highWatermark).toBe(4);
  });


  it('a follower truncates to the diverging epoch\'s end, then fetches from there', () => {
    const follower = harness({ nodeId: 2, durable: durable({ currentEpoch: 2, leaderId: 1, logEndOffset: 5, epochCache: [{ epoch: 1, startOffset: 0 }] }) });
    const request = follower.sent()[0] as unknown as { correlationId: number };
    follower.send({
      type: 'FetchResponse', from: 1, errorCode: 0, correlationId: request.correlationId, highWatermark: 3,
      divergingEpoch: { epoch: 1, endOffset: 3 }, currentLeader: { leaderId: 1, leaderEpoch: 2 }, records: [],
    });
    expect(follower.effects()).toContainEqual({ type: 'log.truncate', toOffset: 3 });
    expect(follower.sent()).toContainEqual(expect.objectContaining({ type: 'FetchRequest', fetchOffset: 3, lastFetchedEpoch: 1 }));
  });

  it('a follower ignores an answer to an older fetch (correlation id)', () => {
    const follower = harness({ nodeId: 2, durable: durable({ currentEpoch: 2, leaderId: 1 }) });
    follower.send({
      type: 'FetchResponse', from: 1, errorCode: 0, correlationId: 999, highWatermark: 0,
      divergingEpoch: { epoch: -1, endOffset: -1 }, currentLeader: { leaderId: 1, leaderEpoch: 2 }, records: [{ offset: 0, epoch: 2, value: 'x' }],
    });
    expect(follower.effects()).toEqual([]);
  });
});

describe('the epoch cache rules (LeaderEpochFileCache, ReplicatedLog)', () => {
  const cache = [{ epoch: 1, startOffset: 0 }, { epoch: 3, startOffset: 4 }, { epoch: 5, startOffset: 9 }];
  it('endOffsetForEpoch', () => {
    expect(endOffsetForEpoch(cache, 12, 5)).toEqual({ epoch: 5, endOffset: 12 });
    expect(endOffsetForEpoch(cache, 12, 3)).toEqual({ epoch: 3, endOffset: 9 });
    expect(endOffsetForEpoch(cache, 12, 4)).toEqual({ epoch: 3, endOffset: 9 });
    expect(endOffsetForEpoch(cache, 12, 0)).toEqual({ epoch: 0, endOffset: 0 });
    expect(endOffsetForEpoch(cache, 12, 6)).toEqual({ epoch: -1, endOffset: -1 });
  });
  it('divergence and truncation', () => {
    expect(divergence(cache, 12, 9, 3)).toBeNull();
    expect(divergence(cache, 12, 10, 4)).toEqual({ epoch: 3, endOffset: 9 });
    expect(truncationOffset([{ epoch: 1, startOffset: 0 }, { epoch: 2, startOffset: 6 }], 8, { epoch: 1, endOffset: 4 })).toBe(4);
  });
  it('majorityEndOffset is the offset a majority holds', () => {
    expect(majorityEndOffset([5, 3, 9])).toBe(5);
    expect(majorityEndOffset([5, 3, 9, 1, 7])).toBe(5);
    expect(majorityEndOffset([2])).toBe(2);
  });
});

describe('QUORUM-OBSERVER-1: observers (brokers following the metadata log)', () => {
  const observer = () => harness({ nodeId: 4, voters: [1, 2, 3] });

  it('asks a random voter for the leader instead of standing for election', () => {
    const node = observer();
    expect(node.sent()).toEqual([expect.objectContaining({ type: 'FetchRequest', replicaId: 4, fetchOffset: 0 })]);
    node.fire('electionTimeout');
    expect(node.view().role).toBe('Unattached');
    expect(node.sent()).toEqual([expect.objectContaining({ type: 'FetchRequest', replicaId: 4 })]);
  });

  it('never grants a vote, even to an up-to-date candidate in a new epoch', () => {
    const node = observer().send(vote(2, 1, 0, 0));
    expect(node.view()).toMatchObject({ role: 'Unattached', votedFor: null, epoch: 1 });
    expect(node.sent()[0]).toMatchObject({ voteGranted: false });
  });

  it('follows the leader an answer names for its epoch', () => {
    const node = harness({ nodeId: 4, voters: [1, 2, 3], durable: durable({ currentEpoch: 2 }) });
    const request = node.sent()[0] as unknown as { correlationId: number };
    node.send({
      type: 'FetchResponse', from: 3, errorCode: 6, correlationId: request.correlationId, highWatermark: 0,
      divergingEpoch: { epoch: -1, endOffset: -1 }, currentLeader: { leaderId: 1, leaderEpoch: 2 }, records: [],
    });
    expect(node.view()).toMatchObject({ role: 'Follower', leaderId: 1, epoch: 2 });
    expect(node.sent()).toEqual([expect.objectContaining({ type: 'FetchRequest', replicaId: 4 })]);
  });

  it('is served by the leader but counts neither for the high watermark nor for check quorum', () => {
    const leader = harness().fire('electionTimeout').send({ type: 'VoteResponse', from: 2, errorCode: 0, leaderId: -1, leaderEpoch: 1, voteGranted: true });
    leader.send({ type: 'FetchRequest', from: 4, replicaId: 4, currentLeaderEpoch: 1, fetchOffset: 1, lastFetchedEpoch: 1, correlationId: 1 });
    expect(leader.sent()[0]).toMatchObject({ type: 'FetchResponse', errorCode: 0 });
    expect(leader.view().highWatermark).toBe(0);
    expect(leader.snapshot.context.fetchedSinceCheck).toEqual([1]);
  });
});

describe('candidacy, resignation and hand-over', () => {
  const granted = (from: number, epoch: number) => ({ type: 'VoteResponse', from, errorCode: 0, leaderId: -1, leaderEpoch: epoch, voteGranted: true });
  const refused = (from: number, epoch: number) => ({ type: 'VoteResponse', from, errorCode: 0, leaderId: -1, leaderEpoch: epoch, voteGranted: false });
  const delayOf = (node: ReturnType<typeof harness>, idPart: string) => node.timers().find((t) => t.id.includes(idPart))?.delayMs;
  /** The event a timer scheduled in the last step will raise, kept for firing after later steps. */
  const timerEvent = (node: ReturnType<typeof harness>, idPart: string) => node.timers().find((t) => t.id.includes(idPart))?.event as Record<string, unknown>;

  it('a candidate refused by a majority backs off (at most electionBackoffMaxMs), then stands in the next epoch (RaftUtil election backoff)', () => {
    const node = harness().fire('electionTimeout').send(refused(2, 1)).send(refused(3, 1));
    expect(node.snapshot.value).toEqual({ Candidate: 'BackingOff' });
    expect(delayOf(node, 'electionTimeout')).toBeLessThanOrEqual(defaultQuorumConfig.electionBackoffMaxMs);
    node.fire('electionTimeout');
    expect(node.view()).toMatchObject({ role: 'Candidate', epoch: 2, votedFor: 1 });
    expect(node.sent().filter((m) => m.type === 'VoteRequest')).toHaveLength(2);
  });

  it('the election timeout is randomized in [electionTimeoutMs, 2 × electionTimeoutMs)', () => {
    const delays = [1, 2, 3, 4, 5].map((seed) => {
      const node = new HostedMachine(createQuorumMachine(), { nodeId: 1, voters: [1, 2, 3], config: defaultQuorumConfig, randomSeed: seed });
      return node.timer('electionTimeout')?.delayMs as number;
    });
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(defaultQuorumConfig.electionTimeoutMs);
      expect(delay).toBeLessThan(2 * defaultQuorumConfig.electionTimeoutMs);
    }
  });

  it('check quorum: a leader that no majority fetched from within the timeout resigns and names its successors, most caught-up first', () => {
    const node = harness({ voters: [1, 2, 3, 4, 5] }).fire('electionTimeout').send(granted(2, 1)).send(granted(3, 1));
    expect(node.view().role).toBe('Leader');
    const checkQuorum = timerEvent(node, 'checkQuorumTimeout');
    node.send({ type: 'FetchRequest', from: 3, replicaId: 3, currentLeaderEpoch: 1, fetchOffset: 1, lastFetchedEpoch: 1, correlationId: 1 });
    node.send(checkQuorum);
    expect(node.view()).toMatchObject({ role: 'Resigned', epoch: 1, leaderId: 1 });
    const ends = node.sent().filter((m) => m.type === 'EndQuorumEpochRequest');
    expect(ends).toHaveLength(4);
    expect(ends[0]).toMatchObject({ leaderId: 1, leaderEpoch: 1, preferredSuccessors: [3, 2, 4, 5] });
  });

  it('a leader that a majority fetched from keeps leading through the check', () => {
    const node = harness().fire('electionTimeout').send(granted(2, 1));
    const checkQuorum = timerEvent(node, 'checkQuorumTimeout');
    node.send({ type: 'FetchRequest', from: 2, replicaId: 2, currentLeaderEpoch: 1, fetchOffset: 0, lastFetchedEpoch: 0, correlationId: 1 });
    node.send(checkQuorum);
    expect(node.view().role).toBe('Leader');
  });

  it('a follower told by its leader that the epoch ended stands soonest when first among the preferred successors', () => {
    const first = harness({ nodeId: 2, durable: durable({ currentEpoch: 3, leaderId: 1 }) })
      .send({ type: 'EndQuorumEpochRequest', from: 1, leaderId: 1, leaderEpoch: 3, preferredSuccessors: [2, 3] });
    const second = harness({ nodeId: 3, durable: durable({ currentEpoch: 3, leaderId: 1 }) })
      .send({ type: 'EndQuorumEpochRequest', from: 1, leaderId: 1, leaderEpoch: 3, preferredSuccessors: [2, 3] });
    expect(delayOf(first, 'electionTimeout')).toBeLessThan(delayOf(second, 'electionTimeout') as number);
    first.fire('electionTimeout');
    expect(first.view()).toMatchObject({ role: 'Candidate', epoch: 4, votedFor: 2 });
  });

  it('a follower whose leader stays silent for the fetch timeout stands for election', () => {
    const node = harness({ nodeId: 2, durable: durable({ currentEpoch: 3, leaderId: 1 }) }).fire('fetchTimeout');
    expect(node.view()).toMatchObject({ role: 'Candidate', epoch: 4 });
  });
});

describe('proposals and the high watermark', () => {
  const granted = { type: 'VoteResponse', from: 2, errorCode: 0, leaderId: -1, leaderEpoch: 1, voteGranted: true };
  const fetch = (from: number, fetchOffset: number) => ({ type: 'FetchRequest', from, replicaId: from, currentLeaderEpoch: 1, fetchOffset, lastFetchedEpoch: 1, correlationId: 3 });
  const replies = (node: ReturnType<typeof harness>) => node.effects().filter((e) => e.type === 'client.reply').map((e) => (e as { message: unknown }).message);

  it('a leader answers a proposal once a majority holds it, and the fetch carries records from the fetch offset', () => {
    const node = harness().fire('electionTimeout').send(granted).send({ type: 'Propose', from: -1, value: 'a' });
    expect(node.effects()).toEqual([{ type: 'log.append', records: [{ offset: 1, epoch: 1, value: 'a' }] }]);
    node.send(fetch(2, 1));
    expect(node.effects()).toContainEqual(expect.objectContaining({ type: 'send', to: 2, attachRecordsFrom: 1 }));
    expect(replies(node)).toEqual([]);
    node.send(fetch(2, 2));
    expect(node.view().highWatermark).toBe(2);
    expect(replies(node)).toEqual([{ type: 'ProposeResponse', value: 'a', errorCode: 0, offset: 1, epoch: 1, leaderId: 1 }]);
  });

  it('the leader\'s high watermark never goes back when a follower acknowledges less', () => {
    const node = harness().fire('electionTimeout').send(granted).send(fetch(2, 1));
    expect(node.view().highWatermark).toBe(1);
    node.send(fetch(2, 0));
    expect(node.view().highWatermark).toBe(1);
  });

  it('a non-leader answers NOT_LEADER_OR_FOLLOWER with the leader it knows', () => {
    const node = harness({ nodeId: 2, durable: durable({ currentEpoch: 3, leaderId: 1 }) }).send({ type: 'Propose', from: -1, value: 'x' });
    expect(replies(node)).toEqual([expect.objectContaining({ errorCode: 6, leaderId: 1, offset: -1 })]);
  });

  it('pending proposals are bounded, and a leader that steps down drops them unanswered', () => {
    let node = harness({ voters: [1, 2, 3] }).fire('electionTimeout').send(granted);
    for (let i = 0; i < defaultQuorumConfig.maxPendingProposals; i++) node = node.send({ type: 'Propose', from: -1, value: `v${i}` });
    node.send({ type: 'Propose', from: -1, value: 'overflow' });
    expect(replies(node)).toEqual([expect.objectContaining({ value: 'overflow', offset: -1 })]);
    node.send({ type: 'BeginQuorumEpochRequest', from: 3, leaderId: 3, leaderEpoch: 2 });
    expect(replies(node)).toEqual([]);
    expect(node.snapshot.context.pendingProposals).toEqual([]);
  });

  it('a follower appends fetched records, grows its epoch cache, and takes the smaller of the leader\'s high watermark and its own end', () => {
    const node = harness({ nodeId: 2, durable: durable({ currentEpoch: 2, leaderId: 1 }) });
    const { correlationId } = node.sent()[0] as unknown as { correlationId: number };
    node.send({
      type: 'FetchResponse', from: 1, errorCode: 0, correlationId, highWatermark: 9,
      divergingEpoch: { epoch: -1, endOffset: -1 }, currentLeader: { leaderId: 1, leaderEpoch: 2 },
      records: [{ offset: 0, epoch: 1, value: 'a' }, { offset: 1, epoch: 2, value: 'b' }],
    });
    expect(node.effects()).toContainEqual({ type: 'log.append', records: [{ offset: 0, epoch: 1, value: 'a' }, { offset: 1, epoch: 2, value: 'b' }] });
    expect(node.view()).toMatchObject({ logEndOffset: 2, highWatermark: 2, epochCache: [{ epoch: 1, startOffset: 0 }, { epoch: 2, startOffset: 1 }] });
    expect(node.sent()).toContainEqual(expect.objectContaining({ type: 'FetchRequest', fetchOffset: 2, lastFetchedEpoch: 2 }));
  });
});
