/** Every clause of the spec, in one list (the generated spec/INDEX.md is built from it). */
import type { Clause } from './clause.js';
import { quorumClauses } from './quorum/clauses.js';
import { replicationClauses } from './replication/clauses.js';
import { producerClauses } from './producer/clauses.js';
import { groupClauses } from './groups/clauses.js';
import { conformanceClauses } from './conformance/clauses.js';
import { groupConformanceClauses } from './conformance/groups.js';
import { clientClauses } from './conformance/clients.js';

export const allClauses: readonly Clause[] = [...quorumClauses, ...replicationClauses, ...producerClauses, ...groupClauses, ...conformanceClauses, ...groupConformanceClauses, ...clientClauses];
