/**
 * The spec's building blocks. A clause has a stable id, a statement in plain words, the source it
 * comes from (a KIP, a Kafka class, a section of the Raft thesis) and an executable check.
 *
 * Checks come in three kinds:
 * - invariant: observed after every step of a run; may keep memory across steps (for rules such
 *   as "one leader per epoch", which speak of the whole run, not of one state);
 * - liveness: judged once the run's liveness phase ends;
 * - history: a pure function from a recorded history to valid / invalid / unknown.
 *
 * Nothing in spec/ imports the machines: the spec must not be defined by what it judges.
 */
export type ClauseKind = 'invariant' | 'liveness' | 'history';

export interface Clause {
  /** Stable id, e.g. QUORUM-ELECTION-1. Never reused for another rule. */
  readonly id: string;
  readonly title: string;
  /** The rule in plain words. */
  readonly statement: string;
  /** Where the rule comes from. */
  readonly source: string;
  readonly kind: ClauseKind;
  /** Jepsen-style anomaly name reported when the clause fails (lost-write, split-brain, ...). */
  readonly anomaly?: string;
}

export interface Violation {
  readonly clauseId: string;
  readonly anomaly?: string;
  readonly message: string;
  readonly step: number;
  readonly time: number;
}

export interface Moment {
  readonly step: number;
  readonly time: number;
  /** Nodes whose state changed in this step (checkers may look only at these). */
  readonly changedNodes: readonly number[];
}

/** A stateful step checker: one instance per run. Returns violation messages (empty when it holds). */
export interface InvariantCheck<View> {
  readonly clause: Clause;
  observe(view: View, moment: Moment): string[];
}

export type Verdict = 'valid' | 'invalid' | 'unknown';

export interface HistoryResult {
  readonly clauseId: string;
  readonly verdict: Verdict;
  readonly anomalies: string[];
}

export interface ClauseVerdict {
  readonly clause: Clause;
  readonly verdict: Verdict;
  readonly detail: string;
}

/** An anomaly a clause found and Kafka documents as allowed (a lost write under unclean election, say), with why. */
export interface AllowedAnomaly {
  readonly clauseId: string;
  readonly reason: string;
}
