/**
 * Deliberate one-line departures from Kafka's rules, switched on only by the known-broken variants
 * of src/variants.ts (`--variant NAME`), so that the spec's checks are seen to catch each broken
 * broker on their own. The reference protocol sets none of them. Each flag guards one line in the
 * machine that owns the rule; the comment there names the rule it breaks.
 */
export interface Deviations {
  /** Controller: elect a replica outside the ISR even when unclean.leader.election.enable=false. */
  readonly electOutsideIsr?: boolean;
  /** Leader replica: recognise retries among this many of a producer's last batches instead of ProducerStateEntry.NUM_BATCHES_TO_RETAIN (5). */
  readonly producerBatchesRetained?: number;
  /** Leader replica: retention deletes segments regardless of the high watermark. */
  readonly retentionPastHighWatermark?: boolean;
  /** Group coordinator: a completed join phase keeps the generation instead of initNextGeneration's + 1. */
  readonly noGenerationBumpOnJoin?: boolean;
  /** Group coordinator: an OffsetCommit from an older generation is accepted instead of ILLEGAL_GENERATION. */
  readonly acceptStaleGenerationCommits?: boolean;
  /** Leader replica: min.insync.replicas is taken as 1 (acks=all acknowledged, and the high watermark moved, with an ISR of one). */
  readonly ignoreMinInsyncReplicas?: boolean;
  /** Server-side range assignor: the remainder partitions (P % C) are given to no one instead of one each to the first members. */
  readonly rangeDropsRemainder?: boolean;
}

export const noDeviations: Deviations = {};
