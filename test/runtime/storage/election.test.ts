/**
 * The election reaches storage before the vote leaves (FileQuorumStateStore is written before
 * KafkaRaftClient answers a Vote): a node killed right after granting a vote must not grant
 * another in the same epoch when it comes back. Checked on simulated runs with three controllers:
 * every granted VoteResponse is preceded by a quorum-state write of that epoch and that vote.
 */
import { describe, expect, it } from 'vitest';
import { ClusterSimulation } from '../../../src/sim/cluster/simulation.js';
import { clusterOptionsFromSeed } from '../../../src/sim/cluster/options.js';
import { memoryStorage, type NodeStorage } from '../../../src/cluster/storage.js';
import type { QuorumDurable } from '../../../src/machines/quorum/index.js';
import type { ClusterMessage } from '../../../src/cluster/world.js';
import type { LogConfig } from '../../../src/log/partition-log.js';
import type { PartitionAddress } from '../../../src/protocol/replication/messages.js';

type Event = { kind: 'write'; node: number; state: QuorumDurable } | { kind: 'grant'; node: number; to: number; epoch: number };
type Internals = {
  nodeParts(id: number): { storage: NodeStorage };
  logConfigFor(address: PartitionAddress): LogConfig;
  send(from: number, to: number, message: ClusterMessage): void;
};

function recordedRun(seed: number): Event[] {
  const events: Event[] = [];
  const prototype = ClusterSimulation.prototype as unknown as Internals;
  const { nodeParts, send } = prototype;
  prototype.nodeParts = function (this: Internals, id: number) {
    const storage = memoryStorage((address) => this.logConfigFor(address));
    const quorumState = { read: () => storage.quorumState.read(), write: (state: QuorumDurable) => (events.push({ kind: 'write', node: id, state }), storage.quorumState.write(state)) };
    return { ...nodeParts.call(this, id), storage: { ...storage, metadataLog: storage.metadataLog, partitionLogs: storage.partitionLogs, highWatermarks: storage.highWatermarks, quorumState } };
  };
  prototype.send = function (this: Internals, from: number, to: number, message: ClusterMessage) {
    if (message.type === 'VoteResponse' && 'voteGranted' in message && message.voteGranted) events.push({ kind: 'grant', node: from, to, epoch: message.leaderEpoch });
    send.call(this, from, to, message);
  };
  try {
    const options = clusterOptionsFromSeed(seed, { controllers: 3, brokers: 3, group: null });
    new ClusterSimulation({ options: { ...options, safetyPhaseMs: 3_000 } }).run();
  } finally {
    prototype.nodeParts = nodeParts;
    prototype.send = send;
  }
  return events;
}

describe('the election is stored before the vote leaves', () => {
  it.each([4])('seed %i: every granted vote follows a quorum-state write of its epoch and candidate', (seed) => {
    const events = recordedRun(seed);
    const grants = events.filter((e) => e.kind === 'grant');
    expect(grants.length).toBeGreaterThan(0);
    for (const [i, grant] of events.entries()) {
      if (grant.kind !== 'grant') continue;
      const stored = events.slice(0, i).findLast((e) => e.kind === 'write' && e.node === grant.node);
      expect(stored?.kind === 'write' ? { epoch: stored.state.currentEpoch, votedFor: stored.state.votedFor } : null, `vote of ${grant.node} for ${grant.to}`).toEqual({ epoch: grant.epoch, votedFor: grant.to });
    }
  });
});
