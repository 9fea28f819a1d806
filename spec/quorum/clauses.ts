/**
 * The controller quorum's clauses (KRaft: Kafka's pull-based Raft, KIP-595). Each clause is a
 * statement plus an executable check over {@link QuorumClusterView}s. The safety clauses are the
 * Raft family's (Raft thesis §3.6, Figure 3.2) as they apply to KRaft; the liveness clause is the
 * simulator's convergence phase.
 */
import type { Clause, HistoryResult, InvariantCheck, Moment } from '../clause.js';
import type { ProposeOperation, QuorumClusterView, QuorumNodeView, QuorumRecordView } from './view.js';

export const OneLeaderPerEpoch: Clause = {
  id: 'QUORUM-ELECTION-1',
  title: 'At most one leader per epoch',
  statement:
    'For every epoch, at most one node is ever Leader in that epoch, over the whole run (a node that resigns and a node that takes over are in different epochs).',
  source: 'Raft thesis §3.6.3 (Election Safety); KIP-595; org.apache.kafka.raft.QuorumState',
  kind: 'invariant',
  anomaly: 'split-brain',
};

export const OneVotePerEpoch: Clause = {
  id: 'QUORUM-VOTE-1',
  title: 'A voter votes at most once per epoch',
  statement:
    'A voter grants its vote to at most one candidate in an epoch; the vote is durable, so it survives a crash and restart.',
  source: 'Raft thesis §3.4; KIP-595 (votedId in quorum-state); org.apache.kafka.raft.VotedState',
  kind: 'invariant',
  anomaly: 'double-vote',
};

export const LeaderAppendOnly: Clause = {
  id: 'QUORUM-LOG-1',
  title: "The leader's log is append-only within its epoch",
  statement:
    'While a node is Leader in an epoch it never truncates or overwrites its log: it only appends.',
  source: 'Raft thesis §3.6.3 (Leader Append-Only); org.apache.kafka.raft.LeaderState',
  kind: 'invariant',
  anomaly: 'leader-truncation',
};

export const LogMatching: Clause = {
  id: 'QUORUM-LOG-2',
  title: 'Logs that share an (offset, epoch) are identical up to it',
  statement:
    'If two logs hold a record with the same epoch at the same offset, the logs are identical in every record up to and including that offset.',
  source: 'Raft thesis §3.6.3 (Log Matching); KIP-595 fetch divergence check',
  kind: 'invariant',
  anomaly: 'log-divergence',
};

export const LeaderCompleteness: Clause = {
  id: 'QUORUM-COMMIT-1',
  title: 'A committed record is in the log of every later leader',
  statement:
    'A record below the high watermark of any node is committed; every node that becomes Leader in a later epoch holds that record at the same offset.',
  source: 'Raft thesis §3.6.3 (Leader Completeness); KIP-595 high watermark',
  kind: 'invariant',
  anomaly: 'lost-write',
};

export const CommittedNeverChanges: Clause = {
  id: 'QUORUM-COMMIT-2',
  title: 'Committed records never change',
  statement:
    'Once a record at an offset is below some node\'s high watermark, every node\'s log agrees with it at that offset whenever that offset is below the node\'s own high watermark (state machine safety).',
  source: 'Raft thesis §3.6.3 (State Machine Safety)',
  kind: 'invariant',
  anomaly: 'inconsistent-offsets',
};

export const HighWatermarkMonotonic: Clause = {
  id: 'QUORUM-HW-1',
  title: 'The high watermark never decreases on a node within one epoch',
  statement:
    'On one incarnation of a node (between restarts: the high watermark is not persisted), while the node stays in one epoch, its high watermark never decreases; and it never exceeds the node\'s log end offset.',
  source: 'KIP-595; org.apache.kafka.raft.LeaderState#updateHighWatermark, FollowerState#updateHighWatermark',
  kind: 'invariant',
  anomaly: 'nonmonotonic-offset',
};

export const ElectionLiveness: Clause = {
  id: 'QUORUM-LIVE-1',
  title: 'A leader is elected once the network heals and a majority is up',
  statement:
    'After the network heals and a majority of voters is up, within a bounded virtual time a node is Leader in the highest epoch of the quorum and a majority of voters (the leader included) know it as leader of that epoch.',
  source: 'Raft thesis §3.4 and §9 (leader election liveness); KIP-595 election timeout and backoff',
  kind: 'liveness',
  anomaly: 'unavailable',
};

export const ObserversNeverVote: Clause = {
  id: 'QUORUM-OBSERVER-1',
  title: 'Observers never vote, stand for election or lead',
  statement:
    'A node outside the voter set (an observer: a broker following the metadata log) only replicates: it never grants a vote, never becomes Candidate or Leader, and never records a vote.',
  source: 'KIP-595 (voters and observers); org.apache.kafka.raft.QuorumState#isObserver',
  kind: 'invariant',
  anomaly: 'observer-vote',
};

export const ObserversFindLeader: Clause = {
  id: 'QUORUM-LIVE-2',
  title: 'Observers find the leader once the quorum has one',
  statement:
    'After the network heals and a leader is elected, every observer that is up follows that leader in its epoch within a bounded virtual time (it asks voters until one names the leader).',
  source: 'KIP-595; org.apache.kafka.raft.KafkaRaftClient#maybeSendAnyVoterFetch',
  kind: 'liveness',
  anomaly: 'unavailable',
};

export const AcknowledgedProposalsDurable: Clause = {
  id: 'QUORUM-ACK-1',
  title: 'An acknowledged proposal is never lost',
  statement:
    'Every proposal the leader acknowledged (answered NONE at an offset, which it does once the high watermark passes it) is at that offset in the log of the final leader, exactly once.',
  source: 'KIP-595 (RaftClient.scheduleAppend and handleCommit); Jepsen lost-write and duplicate',
  kind: 'history',
  anomaly: 'lost-write',
};

export const quorumClauses: readonly Clause[] = [
  OneLeaderPerEpoch,
  OneVotePerEpoch,
  LeaderAppendOnly,
  LogMatching,
  LeaderCompleteness,
  CommittedNeverChanges,
  HighWatermarkMonotonic,
  ObserversNeverVote,
  ElectionLiveness,
  ObserversFindLeader,
  AcknowledgedProposalsDurable,
];

const sameRecord = (a: QuorumRecordView | undefined, b: QuorumRecordView | undefined): boolean =>
  a !== undefined && b !== undefined && a.epoch === b.epoch && a.value === b.value;

function oneLeaderPerEpoch(): InvariantCheck<QuorumClusterView> {
  const leaderOfEpoch = new Map<number, number>();
  return {
    clause: OneLeaderPerEpoch,
    observe(view, moment) {
      const problems: string[] = [];
      for (const node of changed(view, moment)) {
        if (node.role !== 'Leader') continue;
        const known = leaderOfEpoch.get(node.epoch);
        if (known === undefined) leaderOfEpoch.set(node.epoch, node.nodeId);
        else if (known !== node.nodeId) problems.push(`nodes ${known} and ${node.nodeId} were both Leader in epoch ${node.epoch}`);
      }
      return problems;
    },
  };
}

function oneVotePerEpoch(): InvariantCheck<QuorumClusterView> {
  const voteOf = new Map<string, number>();
  return {
    clause: OneVotePerEpoch,
    observe(view, moment) {
      const problems: string[] = [];
      for (const node of changed(view, moment)) {
        if (node.votedFor === null) continue;
        const key = `${node.nodeId}@${node.epoch}`;
        const earlier = voteOf.get(key);
        if (earlier === undefined) voteOf.set(key, node.votedFor);
        else if (earlier !== node.votedFor) {
          problems.push(`node ${node.nodeId} voted for ${earlier} and then for ${node.votedFor} in epoch ${node.epoch}`);
        }
      }
      return problems;
    },
  };
}

function leaderAppendOnly(): InvariantCheck<QuorumClusterView> {
  // For each node leading an epoch: the length of its log and its last record when last seen.
  const seen = new Map<number, { epoch: number; incarnation: number; length: number; last: QuorumRecordView | undefined }>();
  return {
    clause: LeaderAppendOnly,
    observe(view, moment) {
      const problems: string[] = [];
      for (const node of changed(view, moment)) {
        const before = seen.get(node.nodeId);
        if (node.role !== 'Leader' || !node.up) {
          seen.delete(node.nodeId);
          continue;
        }
        if (before !== undefined && before.epoch === node.epoch && before.incarnation === node.incarnation) {
          if (node.log.length < before.length) {
            problems.push(`leader ${node.nodeId} of epoch ${node.epoch} shrank its log from ${before.length} to ${node.log.length}`);
          } else if (before.length > 0 && !sameRecord(node.log[before.length - 1], before.last)) {
            problems.push(`leader ${node.nodeId} of epoch ${node.epoch} rewrote offset ${before.length - 1}`);
          }
        }
        seen.set(node.nodeId, { epoch: node.epoch, incarnation: node.incarnation, length: node.log.length, last: node.log[node.log.length - 1] });
      }
      return problems;
    },
  };
}

function logMatching(): InvariantCheck<QuorumClusterView> {
  return {
    clause: LogMatching,
    observe(view, moment) {
      const problems: string[] = [];
      for (const node of changed(view, moment)) {
        for (const other of view.nodes) {
          if (other.nodeId === node.nodeId) continue;
          const problem = firstMismatchBelowSharedEntry(node, other);
          if (problem !== undefined) problems.push(problem);
        }
      }
      return problems;
    },
  };
}

/** Find the highest offset where both logs hold the same epoch; below it the logs must be equal. */
function firstMismatchBelowSharedEntry(a: QuorumNodeView, b: QuorumNodeView): string | undefined {
  const common = Math.min(a.log.length, b.log.length);
  let shared = -1;
  for (let offset = common - 1; offset >= 0; offset--) {
    if ((a.log[offset] as QuorumRecordView).epoch === (b.log[offset] as QuorumRecordView).epoch) {
      shared = offset;
      break;
    }
  }
  for (let offset = 0; offset <= shared; offset++) {
    if (!sameRecord(a.log[offset], b.log[offset])) {
      return `nodes ${a.nodeId} and ${b.nodeId} share epoch ${(a.log[shared] as QuorumRecordView).epoch} at offset ${shared} but differ at offset ${offset}`;
    }
  }
  return undefined;
}

function committedRecords(): {
  leaderCompleteness: InvariantCheck<QuorumClusterView>;
  committedNeverChanges: InvariantCheck<QuorumClusterView>;
} {
  // Offset -> the committed record, and the epoch in which it was first seen committed.
  const committed: { record: QuorumRecordView; epoch: number }[] = [];
  const learn = (view: QuorumClusterView, moment: Moment): string[] => {
    const problems: string[] = [];
    for (const node of changed(view, moment)) {
      const limit = Math.min(node.highWatermark, node.log.length);
      for (let offset = 0; offset < limit; offset++) {
        const record = node.log[offset] as QuorumRecordView;
        const known = committed[offset];
        if (known === undefined) committed[offset] = { record, epoch: node.epoch };
        else if (!sameRecord(known.record, record)) {
          problems.push(
            `offset ${offset} committed as ${known.record.value}@${known.record.epoch} but node ${node.nodeId} has ${record.value}@${record.epoch} below its high watermark ${node.highWatermark}`,
          );
        }
      }
    }
    return problems;
  };
  let learnedAt = -1;
  let learnedProblems: string[] = [];
  const learnOnce = (view: QuorumClusterView, moment: Moment): string[] => {
    if (learnedAt !== moment.step) {
      learnedAt = moment.step;
      learnedProblems = learn(view, moment);
    }
    return learnedProblems;
  };
  return {
    committedNeverChanges: { clause: CommittedNeverChanges, observe: learnOnce },
    leaderCompleteness: {
      clause: LeaderCompleteness,
      observe(view, moment) {
        learnOnce(view, moment);
        const problems: string[] = [];
        for (const node of changed(view, moment)) {
          if (node.role !== 'Leader' || !node.up) continue;
          for (let offset = 0; offset < committed.length; offset++) {
            const known = committed[offset];
            if (known === undefined || known.epoch >= node.epoch) continue;
            if (!sameRecord(node.log[offset], known.record)) {
              problems.push(
                `leader ${node.nodeId} of epoch ${node.epoch} lacks committed record ${known.record.value}@${known.record.epoch} at offset ${offset}`,
              );
              break;
            }
          }
        }
        return problems;
      },
    },
  };
}

function highWatermarkMonotonic(): InvariantCheck<QuorumClusterView> {
  const last = new Map<number, { epoch: number; incarnation: number; highWatermark: number }>();
  return {
    clause: HighWatermarkMonotonic,
    observe(view, moment) {
      const problems: string[] = [];
      for (const node of changed(view, moment)) {
        if (!node.up) continue;
        if (node.highWatermark > node.log.length) {
          problems.push(`node ${node.nodeId} has high watermark ${node.highWatermark} above its log end offset ${node.log.length}`);
        }
        const before = last.get(node.nodeId);
        if (before !== undefined && before.epoch === node.epoch && before.incarnation === node.incarnation && node.highWatermark < before.highWatermark) {
          problems.push(`node ${node.nodeId} lowered its high watermark from ${before.highWatermark} to ${node.highWatermark} in epoch ${node.epoch}`);
        }
        last.set(node.nodeId, { epoch: node.epoch, incarnation: node.incarnation, highWatermark: node.highWatermark });
      }
      return problems;
    },
  };
}

function observersNeverVote(): InvariantCheck<QuorumClusterView> {
  return {
    clause: ObserversNeverVote,
    observe(view, moment) {
      return changed(view, moment)
        .filter((n) => !view.voters.includes(n.nodeId) && (n.votedFor !== null || n.role === 'Candidate' || n.role === 'Leader' || n.role === 'Voted'))
        .map((n) => `observer ${n.nodeId} is ${n.role} with vote ${n.votedFor ?? 'none'} in epoch ${n.epoch}`);
    },
  };
}

function changed(view: QuorumClusterView, moment: Moment): QuorumNodeView[] {
  return view.nodes.filter((n) => moment.changedNodes.includes(n.nodeId));
}

/** Fresh checker instances for one run, one per invariant clause. */
export function quorumInvariantChecks(): InvariantCheck<QuorumClusterView>[] {
  const commits = committedRecords();
  return [
    oneLeaderPerEpoch(),
    oneVotePerEpoch(),
    leaderAppendOnly(),
    logMatching(),
    commits.leaderCompleteness,
    commits.committedNeverChanges,
    highWatermarkMonotonic(),
    observersNeverVote(),
  ];
}

/**
 * QUORUM-LIVE-1 judged on one view: is there a leader of the highest epoch known by a majority?
 * Returns undefined when the quorum has converged, else what is missing.
 */
export function electedLeader(view: QuorumClusterView): { leaderId: number; epoch: number } | string {
  const up = view.nodes.filter((n) => n.up);
  if (up.length === 0) return 'no node is up';
  const highestEpoch = Math.max(...up.map((n) => n.epoch));
  const leader = up.find((n) => n.role === 'Leader' && n.epoch === highestEpoch);
  if (leader === undefined) return `no leader in epoch ${highestEpoch}`;
  const knowing = up.filter((n) => view.voters.includes(n.nodeId) && n.epoch === highestEpoch && n.leaderId === leader.nodeId && (n.role === 'Follower' || n.role === 'Leader'));
  const majority = Math.floor(view.voters.length / 2) + 1;
  if (knowing.length < majority) return `leader ${leader.nodeId} of epoch ${highestEpoch} is known by ${knowing.length} of ${majority} needed`;
  return { leaderId: leader.nodeId, epoch: highestEpoch };
}

/** QUORUM-LIVE-2: the observers that are up but do not follow the elected leader in its epoch. */
export function observersNotFollowing(view: QuorumClusterView, elected: { leaderId: number; epoch: number }): number[] {
  return view.nodes
    .filter((n) => n.up && !view.voters.includes(n.nodeId))
    .filter((n) => !(n.role === 'Follower' && n.epoch === elected.epoch && n.leaderId === elected.leaderId))
    .map((n) => n.nodeId);
}

/** The convergence the liveness phase waits for: QUORUM-LIVE-1 and QUORUM-LIVE-2 both hold. */
export function converged(view: QuorumClusterView): boolean {
  const elected = electedLeader(view);
  return typeof elected !== 'string' && observersNotFollowing(view, elected).length === 0;
}

/**
 * QUORUM-ACK-1: every acknowledged proposal is in the final leader's log at its acknowledged
 * offset, and no value appears twice (lost-write, duplicate). Unknown when no leader is left.
 */
export function checkAcknowledgedProposals(history: readonly ProposeOperation[], finalView: QuorumClusterView): HistoryResult {
  const elected = electedLeader(finalView);
  if (typeof elected === 'string') return { clauseId: AcknowledgedProposalsDurable.id, verdict: 'unknown', anomalies: [`no final leader: ${elected}`] };
  const leader = finalView.nodes.find((n) => n.nodeId === elected.leaderId) as QuorumNodeView;
  const anomalies: string[] = [];
  const offsetsOfValue = new Map<string, number[]>();
  leader.log.forEach((record) => offsetsOfValue.set(record.value, [...(offsetsOfValue.get(record.value) ?? []), record.offset]));
  for (const op of history) {
    if (op.type !== 'ok') continue;
    const record = leader.log[op.offset];
    if (record === undefined || record.value !== op.value) {
      anomalies.push(`lost-write: ${op.value} acknowledged at offset ${op.offset} but the final leader ${leader.nodeId} has ${record === undefined ? 'nothing' : record.value} there`);
    }
  }
  for (const [value, offsets] of offsetsOfValue) {
    if (offsets.length > 1) anomalies.push(`duplicate: ${value} at offsets ${offsets.join(', ')}`);
  }
  return { clauseId: AcknowledgedProposalsDurable.id, verdict: anomalies.length === 0 ? 'valid' : 'invalid', anomalies };
}
