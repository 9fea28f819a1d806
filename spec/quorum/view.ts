/**
 * What the quorum clauses look at: the observable state of every controller in the quorum. The
 * simulator (or a trace adapter) builds this view; the spec never sees a machine.
 */
export type QuorumRole = 'Unattached' | 'Voted' | 'Candidate' | 'Leader' | 'Follower' | 'Resigned';

export interface QuorumRecordView {
  readonly offset: number;
  readonly epoch: number;
  readonly value: string;
}

export interface QuorumNodeView {
  readonly nodeId: number;
  /** False while crashed. A crashed node keeps its durable state and log; the rest is gone. */
  readonly up: boolean;
  /** Bumped at every restart: volatile state (the high watermark) starts afresh. */
  readonly incarnation: number;
  readonly role: QuorumRole;
  readonly epoch: number;
  readonly votedFor: number | null;
  readonly leaderId: number | null;
  readonly highWatermark: number;
  /** The node's log, oldest first; record i sits at offset i. Read-only: do not keep it across steps. */
  readonly log: readonly QuorumRecordView[];
}

export interface QuorumClusterView {
  readonly voters: readonly number[];
  readonly nodes: readonly QuorumNodeView[];
}

/** The operations a client (the controller logic) performed against the quorum. */
export type ProposeOperation =
  | { readonly type: 'invoke'; readonly value: string; readonly node: number; readonly time: number }
  | { readonly type: 'ok'; readonly value: string; readonly node: number; readonly time: number; readonly offset: number }
  | { readonly type: 'fail'; readonly value: string; readonly node: number; readonly time: number; readonly error: string }
  | { readonly type: 'info'; readonly value: string; readonly node: number; readonly time: number };
