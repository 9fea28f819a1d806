/**
 * Each quorum clause's check, on hand-built views: it accepts a correct history and flags the
 * breach it exists for. (The machines are not involved: the spec judges any implementation.)
 */
import { describe, expect, it } from 'vitest';
import { checkAcknowledgedProposals, converged, electedLeader, observersNotFollowing, quorumInvariantChecks } from '../../spec/quorum/clauses.js';
import type { QuorumClusterView, QuorumNodeView, QuorumRecordView } from '../../spec/quorum/view.js';

const log = (...entries: [number, string][]): QuorumRecordView[] => entries.map(([epoch, value], offset) => ({ offset, epoch, value }));
const node = (nodeId: number, patch: Partial<QuorumNodeView> = {}): QuorumNodeView => ({
  nodeId, up: true, incarnation: 0, role: 'Follower', epoch: 1, votedFor: null, leaderId: 1, highWatermark: 0, log: [], ...patch,
});
const cluster = (...nodes: QuorumNodeView[]): QuorumClusterView => ({ voters: nodes.map((n) => n.nodeId), nodes });

/** Feed a sequence of views to fresh checkers; return the violated clause ids. */
function violations(...views: QuorumClusterView[]): string[] {
  const checks = quorumInvariantChecks();
  const found = new Set<string>();
  views.forEach((view, step) => {
    const moment = { step, time: step, changedNodes: view.nodes.map((n) => n.nodeId) };
    for (const check of checks) if (check.observe(view, moment).length > 0) found.add(check.clause.id);
  });
  return [...found].sort();
}

describe('quorum clauses', () => {
  it('a healthy sequence of views violates nothing', () => {
    const a = cluster(node(1, { role: 'Leader', votedFor: 1, log: log([1, 'L1']) }), node(2, { votedFor: 1 }), node(3));
    const b = cluster(
      node(1, { role: 'Leader', votedFor: 1, highWatermark: 2, log: log([1, 'L1'], [1, 'v1']) }),
      node(2, { votedFor: 1, highWatermark: 1, log: log([1, 'L1'], [1, 'v1']) }),
      node(3, { log: log([1, 'L1']) }),
    );
    expect(violations(a, b)).toEqual([]);
  });

  it('QUORUM-ELECTION-1 flags two leaders in one epoch, even at different times', () => {
    const first = cluster(node(1, { role: 'Leader' }), node(2), node(3));
    const later = cluster(node(1, { role: 'Resigned' }), node(2, { role: 'Leader' }), node(3));
    expect(violations(first, later)).toContain('QUORUM-ELECTION-1');
    expect(violations(first, cluster(node(1), node(2, { role: 'Leader', epoch: 2 }), node(3)))).not.toContain('QUORUM-ELECTION-1');
  });

  it('QUORUM-VOTE-1 flags a second vote in the same epoch', () => {
    const first = cluster(node(1, { role: 'Voted', votedFor: 2 }));
    const second = cluster(node(1, { role: 'Voted', votedFor: 3 }));
    expect(violations(first, second)).toEqual(['QUORUM-VOTE-1']);
    expect(violations(first, cluster(node(1, { role: 'Voted', epoch: 2, votedFor: 3 })))).toEqual([]);
  });

  it('QUORUM-LOG-1 flags a leader that truncates within its epoch', () => {
    const before = cluster(node(1, { role: 'Leader', log: log([1, 'a'], [1, 'b']) }));
    const after = cluster(node(1, { role: 'Leader', log: log([1, 'a']) }));
    expect(violations(before, after)).toContain('QUORUM-LOG-1');
  });

  it('QUORUM-LOG-2 flags logs that share an (offset, epoch) but differ below it', () => {
    const view = cluster(node(1, { log: log([1, 'a'], [2, 'b']) }), node(2, { log: log([1, 'x'], [2, 'b']) }));
    expect(violations(view)).toContain('QUORUM-LOG-2');
    const divergentTailOnly = cluster(node(1, { log: log([1, 'a'], [2, 'b']) }), node(2, { log: log([1, 'a'], [3, 'c']) }));
    expect(violations(divergentTailOnly)).not.toContain('QUORUM-LOG-2');
  });

  it('QUORUM-COMMIT-1 flags a later leader that lacks a committed record', () => {
    const committed = cluster(node(1, { role: 'Leader', highWatermark: 2, log: log([1, 'L1'], [1, 'v1']) }), node(2, { log: log([1, 'L1'], [1, 'v1']) }), node(3));
    const stale = cluster(node(1, { up: false, role: 'Unattached' }), node(2, { log: log([1, 'L1'], [1, 'v1']) }), node(3, { role: 'Leader', epoch: 2, log: log([2, 'L2']) }));
    expect(violations(committed, stale)).toContain('QUORUM-COMMIT-1');
  });

  it('QUORUM-COMMIT-2 flags a node whose committed prefix disagrees with an earlier commit', () => {
    const first = cluster(node(1, { highWatermark: 1, log: log([1, 'a']) }), node(2));
    const second = cluster(node(1, { highWatermark: 1, log: log([1, 'a']) }), node(2, { highWatermark: 1, log: log([2, 'b']) }));
    expect(violations(first, second)).toContain('QUORUM-COMMIT-2');
  });

  it('QUORUM-HW-1 flags a falling high watermark within an epoch, and one above the log end', () => {
    const high = cluster(node(1, { highWatermark: 2, log: log([1, 'a'], [1, 'b']) }));
    const low = cluster(node(1, { highWatermark: 1, log: log([1, 'a'], [1, 'b']) }));
    expect(violations(high, low)).toEqual(['QUORUM-HW-1']);
    expect(violations(high, cluster(node(1, { highWatermark: 0, incarnation: 1, log: log([1, 'a'], [1, 'b']) })))).toEqual([]);
    expect(violations(cluster(node(1, { highWatermark: 3, log: log([1, 'a']) })))).toEqual(['QUORUM-HW-1']);
  });

  it('QUORUM-LIVE-1 needs a leader of the highest epoch known by a majority', () => {
    expect(electedLeader(cluster(node(1, { role: 'Leader' }), node(2), node(3, { leaderId: null, role: 'Unattached' })))).toEqual({ leaderId: 1, epoch: 1 });
    expect(electedLeader(cluster(node(1, { role: 'Leader' }), node(2, { epoch: 2, leaderId: null, role: 'Candidate' }), node(3)))).toMatch(/no leader in epoch 2/);
    expect(electedLeader(cluster(node(1, { role: 'Leader' }), node(2, { leaderId: null, role: 'Unattached' }), node(3, { leaderId: null, role: 'Unattached' })))).toMatch(/known by 1 of 2/);
  });

  it('QUORUM-OBSERVER-1 flags an observer that votes or stands; voters may', () => {
    const withObserver = (patch: Partial<QuorumNodeView>): QuorumClusterView => ({ voters: [1, 2, 3], nodes: [node(1), node(2), node(3), node(4, patch)] });
    expect(violations(withObserver({ role: 'Candidate', votedFor: 4 }))).toContain('QUORUM-OBSERVER-1');
    expect(violations(withObserver({ role: 'Voted', votedFor: 2 }))).toContain('QUORUM-OBSERVER-1');
    expect(violations(withObserver({ role: 'Follower' }))).toEqual([]);
  });

  it('QUORUM-LIVE-2 waits for every observer that is up to follow the leader of the epoch', () => {
    const view = (patch: Partial<QuorumNodeView>): QuorumClusterView => ({ voters: [1, 2, 3], nodes: [node(1, { role: 'Leader' }), node(2), node(3), node(4, patch)] });
    expect(converged(view({}))).toBe(true);
    expect(observersNotFollowing(view({ role: 'Unattached', leaderId: null }), { leaderId: 1, epoch: 1 })).toEqual([4]);
    expect(converged(view({ role: 'Unattached', leaderId: null }))).toBe(false);
    expect(converged(view({ up: false, role: 'Unattached', leaderId: null }))).toBe(true);
    // Observers do not count towards the majority that must know the leader.
    expect(electedLeader({ voters: [1, 2, 3], nodes: [node(1, { role: 'Leader' }), node(2, { leaderId: null, role: 'Unattached' }), node(3, { leaderId: null, role: 'Unattached' }), node(4)] })).toMatch(/known by 1 of 2/);
  });

  it('QUORUM-ACK-1 flags an acknowledged proposal missing from the final leader, and duplicates', () => {
    const final = cluster(node(1, { role: 'Leader', highWatermark: 3, log: log([1, 'L1'], [1, 'v1'], [1, 'v1']) }), node(2), node(3));
    const history = [
      { type: 'invoke' as const, value: 'v1', node: 1, time: 0 },
      { type: 'ok' as const, value: 'v1', node: 1, time: 1, offset: 1 },
      { type: 'invoke' as const, value: 'v2', node: 1, time: 2 },
      { type: 'ok' as const, value: 'v2', node: 1, time: 3, offset: 3 },
    ];
    const result = checkAcknowledgedProposals(history, final);
    expect(result.verdict).toBe('invalid');
    expect(result.anomalies.join('\n')).toMatch(/lost-write: v2/);
    expect(result.anomalies.join('\n')).toMatch(/duplicate: v1/);
    expect(checkAcknowledgedProposals(history.slice(0, 2), cluster(node(1, { role: 'Leader', log: log([1, 'L1'], [1, 'v1']) }), node(2), node(3))).verdict).toBe('valid');
  });
});
