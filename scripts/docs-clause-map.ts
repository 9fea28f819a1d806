/**
 * Which transitions serve which clause: the rules a clause judges, named by the machine, event,
 * guard or action that decides them. The spec cannot name them itself (spec/ never imports the
 * machines) and the machines do not name clauses, so the docs keep this map; a test fails when a
 * matcher no longer matches any transition (a renamed guard or event), so it cannot drift
 * silently. Events are matched by Kafka's request names wherever possible, which survive a
 * rewrite of a machine's states.
 */
import type { TransitionInfo } from './docs-machines.js';

export interface RuleMatcher {
  /** The machine's XState id; any machine when absent. */
  readonly machine?: string;
  /** The event key: `VoteRequest`, `after:electionTimeout`, `always`. */
  readonly event?: RegExp;
  readonly guard?: RegExp;
  readonly action?: RegExp;
}

const m = (machine: string | undefined, event?: RegExp, guard?: RegExp, action?: RegExp): RuleMatcher => ({
  ...(machine === undefined ? {} : { machine }),
  ...(event === undefined ? {} : { event }),
  ...(guard === undefined ? {} : { guard }),
  ...(action === undefined ? {} : { action }),
});

export const clauseRules: Readonly<Record<string, readonly RuleMatcher[]>> = {
  'QUORUM-ELECTION-1': [m('quorum', /^always$/, /hasMajorityOfVotes/), m('quorum', /^VoteRequest$/, /canGrantVote/)],
  'QUORUM-VOTE-1': [m('quorum', /^VoteRequest$/)],
  'QUORUM-LOG-1': [m('quorum', /^Propose$/, /acceptsMoreProposals/), m('quorum', /^FetchRequest$/, /fetchDiverges/)],
  'QUORUM-LOG-2': [m('quorum', /^FetchResponse$/, /leaderReportsDivergence/), m('quorum', /^FetchRequest$/, /fetchDiverges/)],
  'QUORUM-COMMIT-1': [m('quorum', /^VoteRequest$/, /canGrantVote/), m('quorum', /^always$/, /hasMajorityOfVotes/)],
  'QUORUM-COMMIT-2': [m('quorum', /^FetchRequest$/, undefined, /acknowledgeFetch/), m('quorum', /^FetchResponse$/, /fetchBroughtRecords/)],
  'QUORUM-HW-1': [m('quorum', /^FetchRequest$/, undefined, /acknowledgeFetch/), m('quorum', /^FetchResponse$/, undefined, /updateFollowerHighWatermark/)],
  'QUORUM-OBSERVER-1': [m('quorum', undefined, /isObserver/)],
  'QUORUM-LIVE-1': [m('quorum', /^after:(electionTimeout|fetchTimeout|checkQuorumTimeout)$/)],
  'QUORUM-LIVE-2': [m('quorum', /^FetchResponse$/, /responseNamesLeaderOfMyEpoch/), m('quorum', /^after:electionTimeout$/, /isObserver/)],
  'QUORUM-ACK-1': [m('quorum', /^Propose$/), m('quorum', /^FetchRequest$/, undefined, /answerCommittedProposals/)],

  'REPL-ISR-1': [m('controller', /^(AlterPartition|BrokerHeartbeat)$/, undefined, /handleRequest/), m('controller', /^after:fenceCheckInterval$/), m('replica', /^after:isrCheckInterval$/)],
  'REPL-ISR-2': [m('controller', /^AlterPartition$/, undefined, /handleRequest/), m('replica', /^AlterPartitionResponse$/)],
  'REPL-LEADER-1': [m('replica', /^PartitionMetadata$/, /metadataNamesMeLeader|metadataNamesOtherLeader/), m('controller', /^after:fenceCheckInterval$/)],
  'REPL-HW-1': [m('replica', /^Fetch$/, undefined, /serveFetch/), m('replica', /^after:isrCheckInterval$/), m('replica', /^PartitionMetadata$/, undefined, /maybeIncrementHighWatermark/)],
  'REPL-LOG-1': [m('replica', /^FetchResponse$/, /leaderReportsDivergence|fetchOutOfRange/), m('replica', /^OffsetForLeaderEpochResponse$/), m('replica', /^always$/, /truncatesToHighWatermark|reconcilesByLeaderEpoch/)],
  'REPL-HW-2': [m('replica', /^FetchResponse$/, undefined, /adoptLeaderOffsets/), m('replica', /^Fetch$/, undefined, /serveFetch/)],
  'REPL-ACK-1': [m('replica', /^Produce$/, undefined, /appendProduce/), m('replica', /^ProduceTimeout$/)],
  'REPL-READ-1': [m('replica', /^Fetch$/, undefined, /serveFetch/), m('replica', /^FetchResponse$/, /leaderReportsDivergence/)],
  'REPL-ORDER-1': [m('replica', /^Fetch$/, undefined, /serveFetch/)],
  'REPL-LIVE-1': [m('broker', /^BrokerHeartbeatResponse$/, /unfenced/), m('replica', /^after:isrCheckInterval$/), m('controller', /^after:leaderImbalanceCheckInterval$/)],
  'REPL-UNCLEAN-1': [m('controller', /^after:fenceCheckInterval$/), m('controller', /^BrokerHeartbeat$/, undefined, /handleRequest/)],
  'REPL-RET-1': [m('replica', /^after:isrCheckInterval$/, undefined, /requestRetention/), m('replica', /^LogState$/)],
  'REPL-RET-2': [m('replica', /^after:isrCheckInterval$/, undefined, /requestRetention/)],

  'PROD-IDEM-1': [m('producer', /^ProduceResponse$/), m('replica', /^Produce$/, undefined, /appendProduce/)],
  'PROD-IDEM-2': [m('producer', /^(Send|ProduceResponse)$/)],
  'PROD-SEQ-1': [m('producer', /^InitProducerIdResponse$/, /producerIdGranted/), m('replica', /^Produce$/, undefined, /appendProduce/)],
  'PROD-DEDUP-1': [m('replica', /^Produce$/, undefined, /appendProduce/), m('broker', /^InitProducerId$/)],

  'CG-STATE-1': [m(undefined, /^(JoinGroup|SyncGroup|LeaveGroup|Heartbeat)$/)],
  'CG-GEN-1': [m(undefined, /^(JoinGroup|SyncGroup)$/)],
  'CG-LEADER-1': [m(undefined, /^JoinGroup$/)],
  'CG-ASSIGN-1': [m(undefined, /^SyncGroup$/)],
  'CG-ASSIGN-2': [m(undefined, /^(SyncGroup|ConsumerGroupHeartbeat)$/)],
  'CG-STATIC-1': [m(undefined, /^JoinGroup$/)],
  'CGH-OWN-1': [m(undefined, /^ConsumerGroupHeartbeat(Response)?$/)],
  'CGH-EPOCH-1': [m(undefined, /^ConsumerGroupHeartbeat$/)],
  'CGH-REC-1': [m(undefined, /^ConsumerGroupHeartbeat(Response)?$/)],
  'CGH-TGT-1': [m(undefined, /^ConsumerGroupHeartbeat$/)],
  'CONS-1': [m(undefined, /^(FetchResponse|Poll)$/, undefined, /response|poll/)],
  'CG-COMMIT-2': [m(undefined, /^OffsetCommit$/)],
  'CG-RESUME-1': [m(undefined, /^(OffsetFetch|OffsetFetchResponse)$/), m('coordinatorShard', /^HighWatermark$/, undefined, /completeUpToHighWatermark/), m('coordinatorShard', /^Load$/)],
  'CG-COMMIT-3': [m(undefined, /^OffsetCommit$/)],
};

export function matches(matcher: RuleMatcher, machineId: string, t: TransitionInfo): boolean {
  if (matcher.machine !== undefined && matcher.machine !== machineId) return false;
  if (matcher.event !== undefined && !matcher.event.test(t.eventKey)) return false;
  if (matcher.guard !== undefined && !matcher.guard.test(t.guard)) return false;
  if (matcher.action !== undefined && !t.actions.some((a) => matcher.action!.test(a))) return false;
  return true;
}

/** The clauses a transition serves, in the spec's order. */
export function clausesOf(machineId: string, t: TransitionInfo, clauseIds: readonly string[]): string[] {
  return clauseIds.filter((id) => (clauseRules[id] ?? []).some((matcher) => matches(matcher, machineId, t)));
}
