/**
 * Named protocol variants. `kraft` is the protocol as Kafka implements it; every other variant
 * reintroduces one known bug, so that the spec's checks are seen to fail when the rule they guard
 * is broken. `kspec variants` prints this list.
 */
import type { QuorumVariant } from './machines/quorum/index.js';
import { currentReplication, type ReplicationVariant } from './machines/replica/machine.js';
import { noDeviations, type Deviations } from './machines/deviations.js';

export interface Variant {
  readonly name: string;
  readonly description: string;
  /** The clause a sweep or exploration of this variant is expected to break (none for the real protocol). */
  readonly breaks: string | null;
  readonly quorum: QuorumVariant;
  readonly replication: ReplicationVariant;
  /** Which simulation the variant is about: the controller quorum alone, replication, or both. */
  readonly model: 'quorum' | 'replication' | 'both';
  /** One-line departures from Kafka's rules in the machines (none for the reference). */
  readonly deviations: Deviations;
}

export const variants: readonly Variant[] = [
  {
    name: 'kraft',
    description: 'KRaft as Kafka implements it (KIP-595): the reference protocol.',
    breaks: null,
    quorum: {},
    replication: currentReplication,
    model: 'both',
    deviations: noDeviations,
  },
  {
    name: 'vote-without-log-check',
    description: 'voters grant votes without checking that the candidate\'s log is at least as up to date as theirs',
    breaks: 'QUORUM-COMMIT-1',
    quorum: { voteWithoutLogCheck: true },
    replication: currentReplication,
    model: 'quorum',
    deviations: noDeviations,
  },
  {
    name: 'vote-twice',
    description: 'voters forget their vote within an epoch and may vote for a second candidate',
    breaks: 'QUORUM-VOTE-1',
    quorum: { forgetVoteInEpoch: true },
    replication: currentReplication,
    model: 'quorum',
    deviations: noDeviations,
  },
  {
    name: 'truncate-to-high-watermark',
    description: 'replication before KIP-101: a replica becoming follower truncates its log to its own high watermark, and fetches are not fenced by leader epoch',
    breaks: 'REPL-HW-1',
    quorum: {},
    replication: { truncation: 'high-watermark', epochFencing: false },
    model: 'replication',
    deviations: noDeviations,
  },
  {
    name: 'single-epoch-lookup',
    description: 'KIP-101 before KIP-279 (the KIP-279 case): a new follower asks the leader once for the end of its last epoch and truncates there; consecutive fast leader changes let logs diverge; as in every release before KIP-320, fetches are not fenced by leader epoch',
    breaks: 'REPL-LOG-1',
    quorum: {},
    replication: { truncation: 'leader-epoch-once', epochFencing: false },
    model: 'replication',
    deviations: noDeviations,
  },
  {
    name: 'no-epoch-fencing',
    description: 'KIP-279 before KIP-320: truncation walks the leader epochs back, but fetch and OffsetForLeaderEpoch carry no current leader epoch, so a follower may reconcile with a stale leader; ISR changes need no fetch in the new epoch',
    breaks: 'REPL-LOG-1',
    quorum: {},
    replication: { truncation: 'leader-epoch-walk', epochFencing: false },
    model: 'replication',
    deviations: noDeviations,
  },
  {
    name: 'elect-outside-isr',
    description: 'the controller elects a replica outside the ISR when no ISR member is usable, although unclean.leader.election.enable=false (it still labels the election RECOVERING, which the checks ignore)',
    breaks: 'REPL-UNCLEAN-1',
    quorum: {},
    replication: currentReplication,
    model: 'replication',
    deviations: { electOutsideIsr: true },
  },
  {
    name: 'producer-state-one-batch',
    description: "the leader's producer state recognises a retry only of a producer's last batch, not of its last five (ProducerStateEntry.NUM_BATCHES_TO_RETAIN): an older retry is answered OUT_OF_ORDER_SEQUENCE_NUMBER, the client bumps its epoch and writes it again",
    breaks: 'PROD-DEDUP-1',
    quorum: {},
    replication: currentReplication,
    model: 'replication',
    deviations: { producerBatchesRetained: 1 },
  },
  {
    name: 'retention-past-high-watermark',
    description: 'retention (retention.ms, retention.bytes) deletes segments without the high-watermark bound of UnifiedLog.deletableSegments, so uncommitted records go too',
    breaks: 'REPL-RET-2',
    quorum: {},
    replication: currentReplication,
    model: 'replication',
    deviations: { retentionPastHighWatermark: true },
  },
  {
    name: 'no-generation-bump',
    description: 'the classic group coordinator completes a join phase without initNextGeneration\'s generation + 1',
    breaks: 'CG-GEN-1',
    quorum: {},
    replication: currentReplication,
    model: 'replication',
    deviations: { noGenerationBumpOnJoin: true },
  },
  {
    name: 'stale-generation-commits',
    description: 'the classic group coordinator accepts an OffsetCommit from an older generation instead of answering ILLEGAL_GENERATION (a zombie consumer overwrites the new owner\'s progress)',
    breaks: 'CG-COMMIT-3',
    quorum: {},
    replication: currentReplication,
    model: 'replication',
    deviations: { acceptStaleGenerationCommits: true },
  },
  {
    name: 'ack-below-min-isr',
    description: 'the leader ignores min.insync.replicas: with the ISR shrunk to itself it acknowledges acks=all writes (Partition.appendRecordsToLeader answers NOT_ENOUGH_REPLICAS) and moves the high watermark, so one power loss loses writes Kafka would have refused',
    breaks: 'REPL-ACK-1',
    quorum: {},
    replication: currentReplication,
    model: 'replication',
    deviations: { ignoreMinInsyncReplicas: true },
  },
  {
    name: 'range-drops-remainder',
    description: "the KIP-848 server-side range assignor gives the P % M remainder partitions to no member instead of one more each to the first members",
    breaks: 'CG-ASSIGN-2',
    quorum: {},
    replication: currentReplication,
    model: 'replication',
    deviations: { rangeDropsRemainder: true },
  },
];

export function findVariant(name: string): Variant {
  const variant = variants.find((v) => v.name === name);
  if (variant === undefined) {
    throw new UnknownVariantError(`unknown variant '${name}'; known variants: ${variants.map((v) => v.name).join(', ')}`);
  }
  return variant;
}

export class UnknownVariantError extends Error {}
