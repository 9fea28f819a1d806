/**
 * The KRaft controller quorum machine and how shells read it.
 */
import type { SnapshotFrom } from 'xstate';
import { createQuorumMachine, type QuorumDurable } from './machine.js';

export { createQuorumMachine, defaultQuorumConfig } from './machine.js';
export type { QuorumConfig, QuorumContext, QuorumDurable, QuorumInput, QuorumVariant } from './machine.js';
export type { QuorumEffect } from './effects.js';

export type QuorumMachine = ReturnType<typeof createQuorumMachine>;
export type QuorumSnapshot = SnapshotFrom<QuorumMachine>;
export type QuorumRole = 'Unattached' | 'Voted' | 'Candidate' | 'Leader' | 'Follower' | 'Resigned';

const ROLES: readonly QuorumRole[] = ['Unattached', 'Voted', 'Candidate', 'Leader', 'Follower', 'Resigned'];

/** The top-level state of a snapshot: the node's role in the quorum. */
export function roleOf(snapshot: QuorumSnapshot): QuorumRole {
  const value = snapshot.value as string | Record<string, unknown>;
  const role = typeof value === 'string' ? value : Object.keys(value)[0];
  if (!ROLES.includes(role as QuorumRole)) throw new Error(`quorum machine in unexpected state ${JSON.stringify(value)}`);
  return role as QuorumRole;
}

export function quorumView(snapshot: QuorumSnapshot) {
  const { nodeId, durable, highWatermark } = snapshot.context;
  return {
    nodeId,
    role: roleOf(snapshot),
    epoch: durable.currentEpoch,
    votedFor: durable.votedFor,
    leaderId: durable.leaderId,
    highWatermark,
    logEndOffset: durable.logEndOffset,
    epochCache: durable.epochCache,
  };
}

/** What a crash keeps. */
export function durableOf(snapshot: QuorumSnapshot): QuorumDurable {
  return snapshot.context.durable;
}
