/**
 * The KRaft controller quorum: Kafka's pull-based Raft (KIP-595), one machine per controller.
 * States and rules follow org.apache.kafka.raft.KafkaRaftClient and QuorumState: Unattached,
 * Voted, Candidate, Leader, Follower, Resigned. Pre-vote (KIP-996's Prospective state) is not
 * modelled: this is the quorum as Kafka 3.x runs it.
 *
 * Nodes that are not voters are observers (Kafka's brokers): they replicate the log by fetching,
 * find the leader by fetching from any voter, and never vote or stand for election.
 *
 * Pure: driven only through XState's transition(); messages, log writes and client answers are
 * emitted as data ({@link QuorumEffect}); timers are `after` delays; randomness is a PRNG state in
 * the context. The durable part of the context (epoch, vote, leader, log shape) is persisted by
 * the shell at the end of every step, before the step's messages leave.
 */
import { and, assign, emit, enqueueActions, setup, stateIn } from 'xstate';
import { errorCode } from '../../protocol/errors.js';
import { nextInt } from '../../core/prng.js';
import type {
  BeginQuorumEpochRequest, Delivered, EndQuorumEpochRequest, FetchRequest, FetchResponse, LogRecord,
  Propose, QuorumEvent, VoteRequest, VoteResponse,
} from '../../protocol/quorum/messages.js';
import type { QuorumEffect } from './effects.js';
import {
  appendToEpochCache, divergence, electionBackoff, endQuorumBackoff, isLogUpToDate, lastEpoch, majority,
  majorityEndOffset, randomElectionTimeout, truncateEpochCache, truncationOffset, type EpochEntry,
} from './logic.js';

export interface QuorumConfig {
  /** controller.quorum.election.timeout.ms */
  readonly electionTimeoutMs: number;
  /** controller.quorum.election.backoff.max.ms */
  readonly electionBackoffMaxMs: number;
  /** controller.quorum.fetch.timeout.ms */
  readonly fetchTimeoutMs: number;
  /** A leader resigns when no majority fetched within this time (1.5 × fetch timeout in Kafka). */
  readonly checkQuorumTimeoutMs: number;
  /** A leader resends BeginQuorumEpoch to voters that have not fetched (fetch timeout / 2). */
  readonly beginQuorumEpochTimeoutMs: number;
  /** controller.quorum.request.timeout.ms: a fetch with no answer is sent again. */
  readonly requestTimeoutMs: number;
  /** The follower's wait after an empty fetch: stands in for the leader's long poll (FETCH_MAX_WAIT_MS). */
  readonly fetchIntervalMs: number;
  /** Proposals awaiting commit, at most (Kafka bounds its append accumulator the same way). */
  readonly maxPendingProposals: number;
}

export const defaultQuorumConfig: QuorumConfig = {
  electionTimeoutMs: 1000,
  electionBackoffMaxMs: 1000,
  fetchTimeoutMs: 2000,
  checkQuorumTimeoutMs: 3000,
  beginQuorumEpochTimeoutMs: 1000,
  requestTimeoutMs: 2000,
  fetchIntervalMs: 50,
  maxPendingProposals: 64,
};

/** What survives a crash (Kafka's quorum-state file plus the log's shape). */
export interface QuorumDurable {
  readonly currentEpoch: number;
  readonly votedFor: number | null;
  readonly leaderId: number | null;
  readonly logEndOffset: number;
  readonly epochCache: readonly EpochEntry[];
}

/** Known protocol bugs, switched on by the named variants (src/variants.ts). */
export interface QuorumVariant {
  /** Grant votes without checking that the candidate's log is at least as up to date. */
  readonly voteWithoutLogCheck?: boolean;
  /** Forget the vote within an epoch: a voter may vote for two candidates. */
  readonly forgetVoteInEpoch?: boolean;
}

export interface QuorumInput {
  readonly nodeId: number;
  readonly voters: number[];
  readonly config: QuorumConfig;
  readonly durable?: QuorumDurable;
  readonly randomSeed: number;
}

export interface QuorumContext {
  readonly nodeId: number;
  readonly voters: readonly number[];
  readonly config: QuorumConfig;
  readonly durable: QuorumDurable;
  // ---- volatile: lost in a crash ----
  readonly highWatermark: number;
  /** PRNG state for election timeouts and backoff. */
  readonly random: number;
  /** The current randomized election timeout, backoff or end-quorum wait. */
  readonly timeoutMs: number;
  /** Candidacies in a row without a leader (drives the backoff). */
  readonly electionRetries: number;
  readonly votesGranted: readonly number[];
  readonly votesRejected: readonly number[];
  /** Leader: each voter's acknowledged end offset (its last fetch offset), by node id. */
  readonly replicaEndOffsets: Readonly<Record<string, number>>;
  /** Leader: voters heard from since the last check-quorum tick (self included). */
  readonly fetchedSinceCheck: readonly number[];
  /** Leader: the offset of its LeaderChange record; the high watermark must pass it. */
  readonly epochStartOffset: number;
  /** Leader: proposals appended but not yet committed. */
  readonly pendingProposals: readonly { readonly value: string; readonly offset: number }[];
  /** Follower: correlation id of the fetch in flight (responses to older fetches are ignored). */
  readonly fetchCorrelationId: number;
  /** Follower: the last fetch came back empty, so wait before the next one. */
  readonly nextFetchWaits: boolean;
}

type Ev = QuorumEvent;
const as = <T>(event: Ev): Delivered<T> => event as unknown as Delivered<T>;
const NO_LEADER = -1;

const freshVolatile = {
  votesGranted: [], votesRejected: [], replicaEndOffsets: {}, fetchedSinceCheck: [], epochStartOffset: 0,
  pendingProposals: [], fetchCorrelationId: 0, electionRetries: 0, nextFetchWaits: false,
} as const;

/** Adopt a newer epoch: no vote and (unless named) no leader in it yet. Persisted with the step. */
function adoptEpoch(context: QuorumContext, epoch: number, leaderId: number | null): Partial<QuorumContext> {
  return { durable: { ...context.durable, currentEpoch: epoch, votedFor: null, leaderId }, votesGranted: [], votesRejected: [] };
}

function replicaEndOffsets(context: QuorumContext): number[] {
  return context.voters.map((v) => (v === context.nodeId ? context.durable.logEndOffset : (context.replicaEndOffsets[String(v)] ?? 0)));
}

export function createQuorumMachine(variant: QuorumVariant = {}) {
  /** The leader's high watermark after an acknowledgement or an append (never lower). */
  const advancedHighWatermark = (context: QuorumContext): number => {
    const candidate = majorityEndOffset(replicaEndOffsets(context));
    return candidate > context.epochStartOffset && candidate > context.highWatermark ? candidate : context.highWatermark;
  };

  /**
   * Any response that names a higher epoch ends this node's part in its own epoch (the shared
   * rule etcd raft applies in Step before any role handler).
   */
  const stepDownOnHigherEpoch = [
    { guard: 'responseFromHigherEpochWithLeader', target: '.Follower', reenter: true, actions: 'adoptEpochFromResponse', description: 'A newer epoch whose leader is named: follow it.' },
    { guard: and(['responseFromHigherEpoch', stateIn('#quorum.Unattached')]), actions: 'adoptEpochFromResponse', description: 'A newer epoch with no known leader: adopted, the election timer keeps running.' },
    { guard: 'responseFromHigherEpoch', target: '.Unattached', actions: 'adoptEpochFromResponse', description: 'A newer epoch with no known leader.' },
  ] as const;

  return setup({
    types: {
      context: {} as QuorumContext,
      events: {} as Ev,
      input: {} as QuorumInput,
      emitted: {} as QuorumEffect,
    },
    delays: {
      electionTimeout: ({ context }) => context.timeoutMs,
      fetchTimeout: ({ context }) => context.config.fetchTimeoutMs,
      checkQuorumTimeout: ({ context }) => context.config.checkQuorumTimeoutMs,
      beginQuorumEpochTimeout: ({ context }) => context.config.beginQuorumEpochTimeoutMs,
      requestTimeout: ({ context }) => context.config.requestTimeoutMs,
      fetchInterval: ({ context }) => context.config.fetchIntervalMs,
    },
    guards: {
      wasLeaderBeforeRestart: ({ context }) => context.durable.leaderId === context.nodeId,
      knowsLeader: ({ context }) => context.durable.leaderId !== null,
      hasVoted: ({ context }) => context.durable.votedFor !== null,
      isOnlyVoter: ({ context }) => context.voters.length === 1,
      isObserver: ({ context }) => !context.voters.includes(context.nodeId),
      canGrantVote: ({ context, event }) => {
        const request = as<VoteRequest>(event);
        if (!context.voters.includes(context.nodeId)) return false;
        const { currentEpoch, votedFor, leaderId } = context.durable;
        if (request.candidateEpoch < currentEpoch || !context.voters.includes(request.candidateId)) return false;
        if (request.candidateEpoch === currentEpoch) {
          if (leaderId !== null) return false;
          if (votedFor !== null && votedFor !== request.candidateId && variant.forgetVoteInEpoch !== true) return false;
        }
        if (variant.voteWithoutLogCheck === true) return true;
        return isLogUpToDate(request, { lastEpoch: lastEpoch(context.durable.epochCache), logEndOffset: context.durable.logEndOffset });
      },
      voteFromHigherEpoch: ({ context, event }) => as<VoteRequest>(event).candidateEpoch > context.durable.currentEpoch,
      voteGrantedInMyEpoch: ({ context, event }) => {
        const response = as<VoteResponse>(event);
        return response.voteGranted && response.leaderEpoch === context.durable.currentEpoch;
      },
      voteRejectedInMyEpoch: ({ context, event }) => {
        const response = as<VoteResponse>(event);
        return !response.voteGranted && response.leaderEpoch === context.durable.currentEpoch;
      },
      hasMajorityOfVotes: ({ context }) => context.votesGranted.length >= majority(context.voters.length),
      majorityRejected: ({ context, event }) => {
        const rejected = new Set([...context.votesRejected, event.from]);
        return rejected.size >= majority(context.voters.length);
      },
      responseFromHigherEpochWithLeader: ({ context, event }) => higherEpochIn(event, context) !== null && leaderIn(event) >= 0,
      responseFromHigherEpoch: ({ context, event }) => higherEpochIn(event, context) !== null,
      acceptsNewLeader: ({ context, event }) => {
        const request = as<BeginQuorumEpochRequest>(event);
        if (request.leaderEpoch > context.durable.currentEpoch) return true;
        return request.leaderEpoch === context.durable.currentEpoch && context.durable.leaderId !== context.nodeId && request.leaderId !== context.nodeId;
      },
      endQuorumFromHigherEpoch: ({ context, event }) => as<EndQuorumEpochRequest>(event).leaderEpoch > context.durable.currentEpoch,
      endQuorumFromMyLeader: ({ context, event }) => {
        const request = as<EndQuorumEpochRequest>(event);
        return request.leaderEpoch === context.durable.currentEpoch && request.leaderId === context.durable.leaderId;
      },
      fetchFromStaleEpoch: ({ context, event }) => as<FetchRequest>(event).currentLeaderEpoch < context.durable.currentEpoch,
      fetchFromFutureEpoch: ({ context, event }) => as<FetchRequest>(event).currentLeaderEpoch > context.durable.currentEpoch,
      fetchFromSelf: ({ context, event }) => as<FetchRequest>(event).replicaId === context.nodeId,
      responseNamesLeaderOfMyEpoch: ({ context, event }) => {
        if (event.type !== 'FetchResponse' || context.durable.leaderId !== null) return false;
        const { leaderId, leaderEpoch } = event.currentLeader;
        return leaderEpoch === context.durable.currentEpoch && leaderId >= 0 && leaderId !== context.nodeId;
      },
      fetchDiverges: ({ context, event }) => {
        const request = as<FetchRequest>(event);
        return divergence(context.durable.epochCache, context.durable.logEndOffset, request.fetchOffset, request.lastFetchedEpoch) !== null;
      },
      majorityFetchedSinceCheck: ({ context }) => context.fetchedSinceCheck.length >= majority(context.voters.length),
      acceptsMoreProposals: ({ context }) => context.pendingProposals.length < context.config.maxPendingProposals,
      isAnswerToMyFetch: ({ context, event }) => {
        const response = as<FetchResponse>(event);
        return response.from === context.durable.leaderId && response.correlationId === context.fetchCorrelationId && response.currentLeader.leaderEpoch === context.durable.currentEpoch;
      },
      nextFetchWaits: ({ context }) => context.nextFetchWaits,
      fetchFailed: ({ event }) => as<FetchResponse>(event).errorCode !== 0,
      leaderReportsDivergence: ({ event }) => as<FetchResponse>(event).divergingEpoch.epoch >= 0,
      fetchBroughtRecords: ({ context, event }) => as<FetchResponse>(event).records[0]?.offset === context.durable.logEndOffset,
    },
    actions: {
      drawElectionTimeout: assign(({ context }) => {
        const drawn = randomElectionTimeout(context.random, context.config.electionTimeoutMs);
        return { timeoutMs: drawn.value, random: drawn.state };
      }),
      drawElectionBackoff: assign(({ context }) => {
        const drawn = electionBackoff(context.random, context.electionRetries, context.config.electionBackoffMaxMs);
        return { timeoutMs: drawn.value, random: drawn.state };
      }),
      startCandidacy: assign(({ context }) => ({
        durable: { ...context.durable, currentEpoch: context.durable.currentEpoch + 1, votedFor: context.nodeId, leaderId: null },
        votesGranted: [context.nodeId],
        votesRejected: [],
        electionRetries: context.electionRetries + 1,
      })),
      sendVoteRequests: enqueueActions(({ context, enqueue }) => {
        for (const voter of context.voters) {
          if (voter === context.nodeId) continue;
          enqueue.emit({
            type: 'send', to: voter,
            message: {
              type: 'VoteRequest', candidateEpoch: context.durable.currentEpoch, candidateId: context.nodeId,
              lastOffsetEpoch: lastEpoch(context.durable.epochCache), lastOffset: context.durable.logEndOffset,
            },
          });
        }
      }),
      countVote: assign(({ context, event }) => ({ votesGranted: [...new Set([...context.votesGranted, event.from])] })),
      countRejection: assign(({ context, event }) => ({ votesRejected: [...new Set([...context.votesRejected, event.from])] })),
      grantVote: assign(({ context, event }) => {
        const request = as<VoteRequest>(event);
        const base = request.candidateEpoch > context.durable.currentEpoch ? adoptEpoch(context, request.candidateEpoch, null) : {};
        const durable = base.durable ?? context.durable;
        return { ...base, durable: { ...durable, votedFor: request.candidateId }, electionRetries: 0 };
      }),
      adoptVoteEpoch: assign(({ context, event }) => adoptEpoch(context, as<VoteRequest>(event).candidateEpoch, null)),
      answerVote: emit(({ context, event }) => {
        const request = as<VoteRequest>(event);
        const granted = context.durable.votedFor === request.candidateId && context.durable.currentEpoch === request.candidateEpoch && context.durable.leaderId === null;
        return {
          type: 'send' as const, to: event.from,
          message: {
            type: 'VoteResponse' as const,
            errorCode: request.candidateEpoch < context.durable.currentEpoch ? errorCode('FENCED_LEADER_EPOCH') : 0,
            leaderId: context.durable.leaderId ?? NO_LEADER, leaderEpoch: context.durable.currentEpoch, voteGranted: granted,
          },
        };
      }),
      adoptEpochFromResponse: assign(({ context, event }) => {
        const epoch = higherEpochIn(event, context) as number;
        const leader = leaderIn(event);
        return { ...adoptEpoch(context, epoch, leader >= 0 ? leader : null), electionRetries: 0 };
      }),
      followNewLeader: assign(({ context, event }) => {
        const request = as<BeginQuorumEpochRequest>(event);
        const base = request.leaderEpoch > context.durable.currentEpoch ? adoptEpoch(context, request.leaderEpoch, request.leaderId) : {};
        return { ...base, durable: { ...(base.durable ?? context.durable), leaderId: request.leaderId }, electionRetries: 0 };
      }),
      answerBeginQuorumEpoch: emit(({ context, event }) => epochAnswer(context, event.from, 'BeginQuorumEpochResponse', as<BeginQuorumEpochRequest>(event).leaderEpoch)),
      adoptEndQuorumEpoch: assign(({ context, event }) => adoptEpoch(context, as<EndQuorumEpochRequest>(event).leaderEpoch, null)),
      answerEndQuorumEpoch: emit(({ context, event }) => epochAnswer(context, event.from, 'EndQuorumEpochResponse', as<EndQuorumEpochRequest>(event).leaderEpoch)),
      waitAsSuccessor: assign(({ context, event }) => {
        const position = as<EndQuorumEpochRequest>(event).preferredSuccessors.indexOf(context.nodeId);
        return { timeoutMs: endQuorumBackoff(position, context.config.electionBackoffMaxMs) };
      }),
      // ---- leader ----
      becomeLeader: enqueueActions(({ context, enqueue }) => {
        const epoch = context.durable.currentEpoch;
        const offset = context.durable.logEndOffset;
        const record: LogRecord = { offset, epoch, value: `LeaderChange(epoch=${epoch},leader=${context.nodeId})` };
        enqueue.emit({ type: 'log.append', records: [record] });
        enqueue.assign({
          durable: { ...context.durable, leaderId: context.nodeId, logEndOffset: offset + 1, epochCache: appendToEpochCache(context.durable.epochCache, epoch, offset) },
          epochStartOffset: offset, replicaEndOffsets: {}, fetchedSinceCheck: [context.nodeId], pendingProposals: [], electionRetries: 0,
        });
        enqueue.assign(({ context: updated }) => ({ highWatermark: advancedHighWatermark(updated) }));
      }),
      sendBeginQuorumEpoch: enqueueActions(({ context, enqueue }) => {
        for (const voter of context.voters) {
          if (voter === context.nodeId || context.fetchedSinceCheck.includes(voter) || context.replicaEndOffsets[String(voter)] !== undefined) continue;
          enqueue.emit({ type: 'send', to: voter, message: { type: 'BeginQuorumEpochRequest', leaderId: context.nodeId, leaderEpoch: context.durable.currentEpoch } });
        }
      }),
      resetFetchedSinceCheck: assign(({ context }) => ({ fetchedSinceCheck: [context.nodeId] })),
      answerFetchWithError: emit(({ context, event }) => {
        const request = as<FetchRequest>(event);
        const error = request.currentLeaderEpoch < context.durable.currentEpoch ? 'FENCED_LEADER_EPOCH'
          : request.currentLeaderEpoch > context.durable.currentEpoch ? 'UNKNOWN_LEADER_EPOCH' : 'NOT_LEADER_OR_FOLLOWER';
        return fetchResponse(context, request, errorCode(error));
      }),
      answerFetchWithDivergence: emit(({ context, event }) => {
        const request = as<FetchRequest>(event);
        const diverging = divergence(context.durable.epochCache, context.durable.logEndOffset, request.fetchOffset, request.lastFetchedEpoch);
        return fetchResponse(context, request, 0, diverging === null ? undefined : { epoch: diverging.epoch, endOffset: diverging.endOffset });
      }),
      acknowledgeFetch: assign(({ context, event }) => {
        const request = as<FetchRequest>(event);
        const updated = {
          ...context,
          replicaEndOffsets: { ...context.replicaEndOffsets, [String(request.replicaId)]: request.fetchOffset },
          // Observers are served but count neither for the high watermark nor for check quorum.
          fetchedSinceCheck: context.voters.includes(request.replicaId) ? [...new Set([...context.fetchedSinceCheck, request.replicaId])] : context.fetchedSinceCheck,
        };
        return { replicaEndOffsets: updated.replicaEndOffsets, fetchedSinceCheck: updated.fetchedSinceCheck, highWatermark: advancedHighWatermark(updated) };
      }),
      answerFetchWithRecords: emit(({ context, event }) => {
        const request = as<FetchRequest>(event);
        return { ...fetchResponse(context, request, 0), attachRecordsFrom: request.fetchOffset };
      }),
      appendProposal: enqueueActions(({ context, event, enqueue }) => {
        const value = as<Propose>(event).value;
        const offset = context.durable.logEndOffset;
        const epoch = context.durable.currentEpoch;
        enqueue.emit({ type: 'log.append', records: [{ offset, epoch, value }] });
        enqueue.assign({
          durable: { ...context.durable, logEndOffset: offset + 1, epochCache: appendToEpochCache(context.durable.epochCache, epoch, offset) },
          pendingProposals: [...context.pendingProposals, { value, offset }],
        });
        enqueue.assign(({ context: updated }) => ({ highWatermark: advancedHighWatermark(updated) }));
      }),
      answerCommittedProposals: enqueueActions(({ context, enqueue }) => {
        const committed = context.pendingProposals.filter((p) => p.offset < context.highWatermark);
        if (committed.length === 0) return;
        for (const p of committed) {
          enqueue.emit({
            type: 'client.reply',
            message: { type: 'ProposeResponse', value: p.value, errorCode: 0, offset: p.offset, epoch: context.durable.currentEpoch, leaderId: context.nodeId },
          });
        }
        enqueue.assign({ pendingProposals: context.pendingProposals.filter((p) => p.offset >= context.highWatermark) });
      }),
      rejectProposal: emit(({ context, event }) => ({
        type: 'client.reply' as const,
        message: {
          type: 'ProposeResponse' as const, value: as<Propose>(event).value,
          // A leader whose accumulator is full (Kafka: BufferAllocationException) appends nothing and answers with a retriable error.
          errorCode: errorCode(context.durable.leaderId === context.nodeId ? 'REQUEST_TIMED_OUT' : 'NOT_LEADER_OR_FOLLOWER'),
          offset: -1, epoch: context.durable.currentEpoch, leaderId: context.durable.leaderId ?? NO_LEADER,
        },
      })),
      /** Proposals not yet committed are dropped unanswered: the client sees a timeout (indefinite). */
      dropPendingProposals: assign({ pendingProposals: [] }),
      sendEndQuorumEpoch: enqueueActions(({ context, enqueue }) => {
        const successors = context.voters
          .filter((v) => v !== context.nodeId)
          .sort((a, b) => (context.replicaEndOffsets[String(b)] ?? -1) - (context.replicaEndOffsets[String(a)] ?? -1) || a - b);
        for (const voter of successors) {
          enqueue.emit({ type: 'send', to: voter, message: { type: 'EndQuorumEpochRequest', leaderId: context.nodeId, leaderEpoch: context.durable.currentEpoch, preferredSuccessors: successors } });
        }
      }),
      // ---- follower ----
      /** An observer without a leader asks a random voter; the answer names the leader (KafkaRaftClient.maybeSendAnyVoterFetch). Voters do nothing here. */
      fetchFromAnyVoterIfObserver: enqueueActions(({ context, enqueue }) => {
        if (context.voters.includes(context.nodeId)) return;
        const drawn = nextInt(context.random, 0, context.voters.length - 1);
        const correlationId = context.fetchCorrelationId + 1;
        enqueue.assign({ random: drawn.state, fetchCorrelationId: correlationId });
        enqueue.emit({
          type: 'send', to: context.voters[drawn.value] as number,
          message: {
            type: 'FetchRequest', replicaId: context.nodeId, currentLeaderEpoch: context.durable.currentEpoch,
            fetchOffset: context.durable.logEndOffset, lastFetchedEpoch: lastEpoch(context.durable.epochCache), correlationId,
          },
        });
      }),
      followLeaderOfMyEpoch: assign(({ context, event }) => ({
        durable: { ...context.durable, leaderId: (event as Delivered<FetchResponse>).currentLeader.leaderId },
      })),
      forgetLeader: assign(({ context }) => ({ durable: { ...context.durable, leaderId: null } })),
      sendFetch: enqueueActions(({ context, enqueue }) => {
        const correlationId = context.fetchCorrelationId + 1;
        enqueue.assign({ fetchCorrelationId: correlationId });
        enqueue.emit({
          type: 'send', to: context.durable.leaderId as number,
          message: {
            type: 'FetchRequest', replicaId: context.nodeId, currentLeaderEpoch: context.durable.currentEpoch,
            fetchOffset: context.durable.logEndOffset, lastFetchedEpoch: lastEpoch(context.durable.epochCache), correlationId,
          },
        });
      }),
      truncateDivergentSuffix: enqueueActions(({ context, event, enqueue }) => {
        const diverging = as<FetchResponse>(event).divergingEpoch;
        const offset = truncationOffset(context.durable.epochCache, context.durable.logEndOffset, diverging);
        enqueue.emit({ type: 'log.truncate', toOffset: offset });
        enqueue.assign({ durable: { ...context.durable, logEndOffset: offset, epochCache: truncateEpochCache(context.durable.epochCache, offset) } });
      }),
      appendFetchedRecords: enqueueActions(({ context, event, enqueue }) => {
        const records = as<FetchResponse>(event).records;
        let cache = context.durable.epochCache;
        for (const record of records) cache = appendToEpochCache(cache, record.epoch, record.offset);
        enqueue.emit({ type: 'log.append', records: [...records] });
        enqueue.assign({ durable: { ...context.durable, logEndOffset: context.durable.logEndOffset + records.length, epochCache: cache } });
      }),
      /** The follower's high watermark: the leader's, capped at its own log end, never lower. */
      updateFollowerHighWatermark: assign(({ context, event }) => ({
        highWatermark: Math.max(context.highWatermark, Math.min(as<FetchResponse>(event).highWatermark, context.durable.logEndOffset)),
      })),
      fetchAgainAtOnce: assign({ nextFetchWaits: false }),
      fetchAgainAfterWait: assign({ nextFetchWaits: true }),
      answerProposalNotLeader: emit(({ context, event }) => ({
        type: 'client.reply' as const,
        message: {
          type: 'ProposeResponse' as const, value: as<Propose>(event).value, errorCode: errorCode('NOT_LEADER_OR_FOLLOWER'),
          offset: -1, epoch: context.durable.currentEpoch, leaderId: context.durable.leaderId ?? NO_LEADER,
        },
      })),
    },
  }).createMachine({
    id: 'quorum',
    context: ({ input }) => ({
      nodeId: input.nodeId,
      voters: input.voters,
      config: input.config,
      durable: input.durable ?? { currentEpoch: 0, votedFor: null, leaderId: null, logEndOffset: 0, epochCache: [] },
      highWatermark: 0,
      random: input.randomSeed >>> 0,
      timeoutMs: input.config.electionTimeoutMs,
      ...freshVolatile,
    }),
    initial: 'Starting',
    on: {
      VoteRequest: [
        { guard: 'canGrantVote', target: '.Voted', actions: ['grantVote', 'answerVote'], description: 'Grant the vote: the candidate\'s epoch is current or newer, this voter has not voted for another in it, and the candidate\'s log is at least as up to date (last epoch, then end offset).' },
        { guard: and(['voteFromHigherEpoch', stateIn('#quorum.Unattached')]), actions: ['adoptVoteEpoch', 'answerVote'], description: 'An Unattached voter adopts the higher epoch but keeps its running election timer (QuorumState.transitionToUnattached keeps the remaining time), so a candidate that cannot win cannot hold back the others forever.' },
        { guard: 'voteFromHigherEpoch', target: '.Unattached', actions: ['adoptVoteEpoch', 'answerVote'], description: 'A higher epoch is adopted even when the vote is refused.' },
        { actions: 'answerVote', description: 'handleVoteRequest: refuse (an older epoch, a vote already cast for another, or a log behind this one) and keep the role.' },
      ],
      VoteResponse: stepDownOnHigherEpoch,
      BeginQuorumEpochRequest: [
        { guard: 'acceptsNewLeader', target: '.Follower', reenter: true, actions: ['followNewLeader', 'answerBeginQuorumEpoch'], description: 'The new leader of this or a newer epoch announces itself: follow it.' },
        { actions: 'answerBeginQuorumEpoch', description: 'handleBeginQuorumEpochRequest from an older epoch: answer FENCED_LEADER_EPOCH with the current epoch and leader.' },
      ],
      BeginQuorumEpochResponse: stepDownOnHigherEpoch,
      EndQuorumEpochRequest: [
        { guard: and(['endQuorumFromHigherEpoch', stateIn('#quorum.Unattached')]), actions: ['adoptEndQuorumEpoch', 'answerEndQuorumEpoch'], description: 'handleEndQuorumEpochRequest of a newer epoch while Unattached: adopt the epoch; the running election timer stays.' },
        { guard: 'endQuorumFromHigherEpoch', target: '.Unattached', actions: ['adoptEndQuorumEpoch', 'answerEndQuorumEpoch'], description: 'handleEndQuorumEpochRequest of a newer epoch: its leader already resigned, so adopt the epoch with no leader (transitionToUnattached).' },
        { actions: 'answerEndQuorumEpoch', description: 'handleEndQuorumEpochRequest of this or an older epoch from a leader this node does not follow: answer and keep the role.' },
      ],
      EndQuorumEpochResponse: stepDownOnHigherEpoch,
      FetchRequest: { actions: 'answerFetchWithError', description: 'Only the leader of the epoch serves fetches: FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH or NOT_LEADER_OR_FOLLOWER.' },
      FetchResponse: [
        ...stepDownOnHigherEpoch,
        { guard: 'responseNamesLeaderOfMyEpoch', target: '.Follower', reenter: true, actions: 'followLeaderOfMyEpoch', description: 'The answer names the leader of this epoch, which this node did not know: follow it.' },
      ],
      Propose: { actions: 'answerProposalNotLeader', description: 'Only the leader appends (KafkaRaftClient.append throws NotLeaderException): the proposal is refused.' },
    },
    states: {
      Starting: {
        description: 'Recover the role from durable state after a (re)start, as QuorumState.initialize does.',
        always: [
          { guard: 'wasLeaderBeforeRestart', target: 'Resigned', description: 'QuorumState.initialize: the stored election names this node leader of its epoch; a restarted leader cannot lead again in that epoch, so it resigns.' },
          { guard: 'knowsLeader', target: 'Follower', description: 'QuorumState.initialize: the stored election names another leader of the epoch: follow it.' },
          { guard: 'hasVoted', target: 'Voted', description: 'QuorumState.initialize: the stored election holds this node\'s vote in the epoch: keep it (a vote is never cast twice in one epoch).' },
          { target: 'Unattached', description: 'QuorumState.initialize: an epoch with no leader and no vote.' },
        ],
      },
      Unattached: {
        description: 'Knows an epoch but no leader in it and has not voted in it. An observer asks voters for the leader.',
        entry: ['drawElectionTimeout', 'fetchFromAnyVoterIfObserver'],
        after: {
          electionTimeout: [
            { guard: 'isObserver', target: 'Unattached', reenter: true, description: 'An observer never stands: it asks another voter.' },
            { target: 'Candidate', description: 'No leader and no vote within the election timeout: stand for election.' },
          ],
        },
      },
      Voted: {
        description: 'Granted its durable vote to a candidate in this epoch; waits for that candidate to announce itself.',
        entry: 'drawElectionTimeout',
        after: { electionTimeout: { target: 'Candidate', description: 'The candidate voted for did not announce itself in time.' } },
      },
      Candidate: {
        description: 'Stands for election: bumped the epoch and voted for itself.',
        entry: ['startCandidacy'],
        initial: 'Campaigning',
        states: {
          Campaigning: {
            description: 'VoteRequests sent; counting the answers.',
            entry: ['drawElectionTimeout', 'sendVoteRequests'],
            always: { guard: 'hasMajorityOfVotes', target: '#quorum.Leader', description: 'A majority of voters (self included) granted the vote.' },
            after: { electionTimeout: { target: 'BackingOff', description: 'No majority within the election timeout.' } },
            on: {
              VoteResponse: [
                { guard: 'voteGrantedInMyEpoch', actions: 'countVote', description: 'handleVoteResponse: a granted vote of this epoch is counted (CandidateState.recordGrantedVote).' },
                { guard: 'majorityRejected', target: 'BackingOff', actions: 'countRejection', description: 'A majority refused: back off before the next candidacy.' },
                { guard: 'voteRejectedInMyEpoch', actions: 'countRejection', description: 'handleVoteResponse: a refusal of this epoch is counted (CandidateState.recordRejectedVote); no majority of refusals yet.' },
              ],
            },
          },
          BackingOff: {
            description: 'Lost or split the vote: a random binary exponential backoff before standing again.',
            entry: 'drawElectionBackoff',
            after: { electionTimeout: { target: '#quorum.Candidate', reenter: true, description: 'Binary exponential backoff elapsed: stand again in the next epoch.' } },
          },
        },
      },
      Leader: {
        description: 'Leads the epoch: appends proposals, serves fetches, advances the high watermark.',
        type: 'parallel',
        entry: ['becomeLeader', 'sendBeginQuorumEpoch'],
        exit: 'dropPendingProposals',
        on: {
          FetchRequest: [
            { guard: 'fetchFromStaleEpoch', actions: 'answerFetchWithError', description: 'handleFetchRequest: an older epoch is answered FENCED_LEADER_EPOCH with this epoch and leader.' },
            { guard: 'fetchFromFutureEpoch', actions: 'answerFetchWithError', description: 'handleFetchRequest: a newer epoch than this leader knows is answered UNKNOWN_LEADER_EPOCH.' },
            { guard: 'fetchFromSelf', actions: 'answerFetchWithError', description: 'handleFetchRequest: a fetch naming this leader itself as the replica is not a follower\'s: NOT_LEADER_OR_FOLLOWER, and it counts for nothing.' },
            { guard: 'fetchDiverges', actions: 'answerFetchWithDivergence', description: 'The follower\'s last fetched epoch ends before its fetch offset here: answer with the diverging epoch and its end offset (KIP-595).' },
            { actions: ['acknowledgeFetch', 'answerCommittedProposals', 'answerFetchWithRecords'], description: 'The fetch offset acknowledges what the follower has; the high watermark becomes the offset a majority has, once past the start of this epoch.' },
          ],
          Propose: [
            { guard: 'acceptsMoreProposals', actions: ['appendProposal', 'answerCommittedProposals'], description: 'KafkaRaftClient.append: the leader appends the proposal to its log in its epoch; it is answered once the high watermark passes it.' },
            { actions: 'rejectProposal', description: 'Too many proposals wait for the high watermark: refuse with a retriable error (Kafka\'s accumulator is full: BufferAllocationException).' },
          ],
        },
        states: {
          CheckQuorum: {
            description: 'Resigns unless a majority fetched within the check-quorum timeout.',
            initial: 'Watching',
            states: {
              Watching: {
                description: 'Counts the voters that fetch within each check-quorum period.',
                after: {
                  checkQuorumTimeout: [
                    { guard: 'majorityFetchedSinceCheck', target: 'Watching', reenter: true, actions: 'resetFetchedSinceCheck', description: 'Check quorum (LeaderState.timeUntilCheckQuorumExpires): a majority fetched within the timeout: start a new period.' },
                    { target: '#quorum.Resigned', description: 'Check quorum: no majority fetched within the timeout, so this leader may be partitioned away. Resign.' },
                  ],
                },
              },
            },
          },
          Announcing: {
            description: 'Resends BeginQuorumEpoch to voters that have not fetched yet.',
            initial: 'Waiting',
            states: {
              Waiting: {
                description: 'Waits beginQuorumEpochTimeout between rounds of BeginQuorumEpoch.',
                after: { beginQuorumEpochTimeout: { target: 'Waiting', reenter: true, actions: 'sendBeginQuorumEpoch', description: 'maybeSendBeginQuorumEpochRequests: voters that have not fetched in this epoch are told again who leads it.' } },
              },
            },
          },
        },
      },
      Follower: {
        description: 'Replicates the leader\'s log by fetching; stands for election if the leader goes quiet.',
        initial: 'Choosing',
        after: {
          fetchTimeout: [
            { guard: 'isObserver', target: 'Unattached', actions: 'forgetLeader', description: 'An observer whose leader went quiet looks for the leader among the voters again.' },
            { target: 'Candidate', description: 'No successful fetch from the leader within the fetch timeout: stand for election.' },
          ],
        },
        on: {
          BeginQuorumEpochRequest: [
            { guard: 'acceptsNewLeader', target: 'Follower', reenter: true, actions: ['followNewLeader', 'answerBeginQuorumEpoch'], description: 'handleBeginQuorumEpochRequest: a leader of a newer epoch announces itself: follow it from a fresh fetch state.' },
            { actions: 'answerBeginQuorumEpoch', description: 'handleBeginQuorumEpochRequest of an older epoch, or a repeat from the current leader: answer and keep following.' },
          ],
          EndQuorumEpochRequest: [
            { guard: 'endQuorumFromMyLeader', target: '.LeaderResigned', actions: ['waitAsSuccessor', 'answerEndQuorumEpoch'], description: 'The leader resigned: its preferred successors stand for election soonest.' },
            { guard: 'endQuorumFromHigherEpoch', target: 'Unattached', actions: ['adoptEndQuorumEpoch', 'answerEndQuorumEpoch'], description: 'handleEndQuorumEpochRequest of a newer epoch: its leader already resigned, so adopt the epoch with no leader.' },
            { actions: 'answerEndQuorumEpoch', description: 'handleEndQuorumEpochRequest of an older epoch: answer and keep following.' },
          ],
        },
        states: {
          Choosing: {
            description: 'Fetch at once, or wait first when the last fetch came back empty.',
            always: [
              { guard: 'nextFetchWaits', target: 'Waiting', description: 'The last fetch brought nothing: wait before the next one.' },
              { target: 'Fetching', description: 'The last fetch brought records (or this is the first): fetch again at once.' },
            ],
          },
          Fetching: {
            description: 'A FetchRequest is in flight.',
            entry: 'sendFetch',
            after: { requestTimeout: { target: 'Fetching', reenter: true, description: 'No answer to the fetch: send it again.' } },
            on: {
              FetchResponse: [
                { guard: and(['isAnswerToMyFetch', 'fetchFailed']), target: 'Waiting', description: 'An error in this epoch: retry after a wait (a failed fetch does not reset the fetch timeout).' },
                { guard: and(['isAnswerToMyFetch', 'leaderReportsDivergence']), target: '#quorum.Follower', reenter: true, actions: ['truncateDivergentSuffix', 'fetchAgainAtOnce'], description: 'Truncate to the end of the diverging epoch (the smaller of the leader\'s and this log\'s end of it), then fetch again.' },
                { guard: and(['isAnswerToMyFetch', 'fetchBroughtRecords']), target: '#quorum.Follower', reenter: true, actions: ['appendFetchedRecords', 'updateFollowerHighWatermark', 'fetchAgainAtOnce'], description: 'handleFetchResponse: append the records at the log end, take the leader\'s high watermark (up to the log end), and fetch again at once; the fetch timeout restarts.' },
                { guard: 'isAnswerToMyFetch', target: '#quorum.Follower', reenter: true, actions: ['updateFollowerHighWatermark', 'fetchAgainAfterWait'], description: 'Nothing new: wait briefly, then fetch again (the leader\'s long poll). Every successful answer restarts the fetch timeout.' },
              ],
            },
          },
          Waiting: {
            description: 'Nothing new at the leader: a short wait before the next fetch.',
            after: { fetchInterval: { target: 'Fetching', description: 'The wait is over: fetch again.' } },
          },
          LeaderResigned: {
            description: 'The leader resigned (EndQuorumEpoch): stands for election after a wait set by its place among the preferred successors.',
            after: { electionTimeout: { target: '#quorum.Candidate', description: 'KIP-595 preferred successors: the wait (shorter for those the resigned leader preferred) is over: stand for election.' } },
          },
        },
      },
      Resigned: {
        description: 'A leader that gave up its epoch (check quorum failed, or it restarted): tells the others, then stands again.',
        entry: ['sendEndQuorumEpoch', 'drawElectionTimeout'],
        after: { electionTimeout: { target: 'Candidate', description: 'A resigned leader stands for election in a new epoch once the election timeout passes.' } },
      },
    },
  });
}

function higherEpochIn(event: Ev, context: QuorumContext): number | null {
  let epoch: number;
  switch (event.type) {
    case 'VoteResponse':
    case 'BeginQuorumEpochResponse':
    case 'EndQuorumEpochResponse':
      epoch = event.leaderEpoch;
      break;
    case 'FetchResponse':
      epoch = event.currentLeader.leaderEpoch;
      break;
    default:
      return null;
  }
  return epoch > context.durable.currentEpoch ? epoch : null;
}

function leaderIn(event: Ev): number {
  switch (event.type) {
    case 'VoteResponse':
    case 'BeginQuorumEpochResponse':
    case 'EndQuorumEpochResponse':
      return event.leaderId;
    case 'FetchResponse':
      return event.currentLeader.leaderId;
    default:
      return NO_LEADER;
  }
}

/** The answer to BeginQuorumEpoch or EndQuorumEpoch: this node's epoch and leader; a stale request is fenced. */
function epochAnswer(context: QuorumContext, to: number, type: 'BeginQuorumEpochResponse' | 'EndQuorumEpochResponse', requestEpoch: number): QuorumEffect {
  return {
    type: 'send',
    to,
    message: {
      type,
      errorCode: requestEpoch < context.durable.currentEpoch ? errorCode('FENCED_LEADER_EPOCH') : 0,
      leaderId: context.durable.leaderId ?? NO_LEADER,
      leaderEpoch: context.durable.currentEpoch,
    },
  };
}

function fetchResponse(context: QuorumContext, request: FetchRequest, error: number, diverging?: { epoch: number; endOffset: number }) {
  return {
    type: 'send' as const,
    to: request.replicaId,
    message: {
      type: 'FetchResponse' as const,
      errorCode: error,
      correlationId: request.correlationId,
      highWatermark: context.highWatermark,
      divergingEpoch: diverging ?? { epoch: -1, endOffset: -1 },
      currentLeader: { leaderId: context.durable.leaderId ?? NO_LEADER, leaderEpoch: context.durable.currentEpoch },
      records: [] as LogRecord[],
    },
  };
}
