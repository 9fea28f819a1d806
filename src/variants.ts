/**
 * Named protocol variants. `kraft` is the protocol as Kafka implements it; every other variant
 * reintroduces one known bug, so that the spec's checks are seen to fail when the rule they guard
 * is broken. `kspec variants` prints this list.
 */
import type { QuorumVariant } from './machines/quorum/index.js';

export interface Variant {
  readonly name: string;
  readonly description: string;
  /** The clause a sweep or exploration of this variant is expected to break (none for the real protocol). */
  readonly breaks: string | null;
  readonly quorum: QuorumVariant;
}

export const variants: readonly Variant[] = [
  {
    name: 'kraft',
    description: 'KRaft as Kafka implements it (KIP-595): the reference protocol.',
    breaks: null,
    quorum: {},
  },
  {
    name: 'vote-without-log-check',
    description: 'voters grant votes without checking that the candidate\'s log is at least as up to date as theirs',
    breaks: 'QUORUM-COMMIT-1',
    quorum: { voteWithoutLogCheck: true },
  },
  {
    name: 'vote-twice',
    description: 'voters forget their vote within an epoch and may vote for a second candidate',
    breaks: 'QUORUM-VOTE-1',
    quorum: { forgetVoteInEpoch: true },
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
