/**
 * REPL-ACK-1's power-loss allowance: a lost acks=all write is explained only when every ISR
 * member lost power at one moment after the acknowledgement, with the write above its recovery point.
 * PROD-SEQ-1's: a node that came back from a power loss with an empty log has no producer state.
 */
import { describe, expect, it } from 'vitest';
import { ClusterSimulation } from '../../src/sim/cluster/simulation.js';
import { clusterExploreOptions } from '../../src/sim/cluster/run.js';
import { clusterOptionsFromSeed } from '../../src/sim/cluster/options.js';
import { PowerLossWatch } from '../../src/sim/cluster/power-loss.js';
import { checkDurability } from '../../spec/replication/clauses.js';
import type { ProduceOperation, ReplicationView } from '../../spec/replication/view.js';

const P = 'user_activity-0';
const note = (watch: PowerLossWatch, atMs: number, node: number, isr: number[], recoveryPoint: number, logEndOffset = 10): void => watch.note({ atMs, node, partitions: new Map([[P, { isr, recoveryPoint, logEndOffset }]]) });
/** The powers lost at `atMs`, noted together. */
const moment = (watch: PowerLossWatch, atMs: number, losses: [node: number, recoveryPoint: number][], isr: number[]): void => {
  for (const [node, recoveryPoint] of losses) note(watch, atMs, node, isr, recoveryPoint);
  watch.momentEnded(atMs);
};

describe('PowerLossWatch', () => {
  it('explains a loss when the whole ISR lost power at once after the acknowledgement, at or above the lowest recovery point', () => {
    const watch = new PowerLossWatch();
    watch.isrCommitted(P, [1, 2], 0);
    moment(watch, 100, [[1, 5], [2, 3]], [1, 2]);
    expect(watch.allowance(P, 7, 90, 80, 2)).toMatch(/every ISR member \[1,2\] lost power at 100ms/);
    // Broker 2 kept only 0..2: it may lead after restarting, and broker 1 then truncates to it (offset 4 goes too).
    expect(watch.allowance(P, 4, 90, 80, 2)).not.toBeNull();
    // Flushed on both: every disk keeps offset 2.
    expect(watch.allowance(P, 2, 90, 80, 2)).toBeNull();
    // At or above every member's log end: none of them had it.
    expect(watch.allowance(P, 10, 90, 80, 2)).toBeNull();
    // Sent after the power loss: written again since.
    expect(watch.allowance(P, 7, 110, 105, 2)).toBeNull();
    // Sent before it and answered after it: the leader answered before it lost power (seed 24).
    expect(watch.allowance(P, 7, 103, 95, 2)).not.toBeNull();
  });

  it('does not explain it when one ISR member kept its page cache (it lost power at another moment and came back, or not at all)', () => {
    // Broker 2 alone lost power: broker 1 keeps everything.
    const watch = new PowerLossWatch();
    watch.isrCommitted(P, [1, 2], 0);
    moment(watch, 100, [[2, 0]], [1, 2]);
    expect(watch.allowance(P, 7, 90, 80, 1)).toBeNull();
    expect(watch.isrLosses).toEqual([]);
    // Broker 1 lost power, came back and fetched everything again before broker 2 lost power.
    const refilled = new PowerLossWatch((node) => (node === 1 ? 10 : undefined));
    refilled.isrCommitted(P, [1, 2], 0);
    moment(refilled, 100, [[1, 0]], [1, 2]);
    moment(refilled, 200, [[2, 0]], [1, 2]);
    expect(refilled.allowance(P, 7, 90, 80, 1)).toBeNull();
    expect(refilled.isrLosses).toEqual([]);
    const single = new PowerLossWatch();
    single.isrCommitted(P, [1], 0);
    moment(single, 100, [[1, 0]], [1]);
    expect(single.allowance(P, 7, 90, 80, 1)).toMatch(/\[1\]/);
  });

  it('a member that lost power earlier and is still down counts as lost when the rest of the ISR loses power', () => {
    const watch = new PowerLossWatch();
    watch.isrCommitted(P, [1, 2], 0);
    moment(watch, 100, [[1, 0]], [1, 2]);
    moment(watch, 200, [[2, 0]], [1, 2]);
    expect(watch.isrLosses.map((l) => l.atMs)).toEqual([200]);
  });

  it('an ISR that shrinks to members that lost power and have not refilled their logs opens the window (the members that kept their data were fenced)', () => {
    // Seed 222: broker 3 crashed (its page cache kept), brokers 1 and 2 lost power; the ISR then shrank to [1,2].
    const crashed = new PowerLossWatch();
    crashed.isrCommitted(P, [1, 2, 3], 0);
    moment(crashed, 100, [[1, 0], [2, 0]], [1, 2, 3]);
    expect(crashed.isrLosses).toEqual([]);
    crashed.isrCommitted(P, [1, 2], 400);
    expect(crashed.isrLosses).toEqual([{ key: P, atMs: 100, isr: [1, 2], fromOffset: 0, toOffset: 10 }]);
    expect(crashed.allowance(P, 7, 90, 80, 2)).not.toBeNull();
    // Seed 723: broker 2 left the ISR, broker 1 (the last member) had lost power and not come back.
    const last = new PowerLossWatch();
    last.isrCommitted(P, [1, 2], 0);
    moment(last, 100, [[1, 0]], [1, 2]);
    last.isrCommitted(P, [1], 300);
    expect(last.isrLosses.map((l) => [l.atMs, l.isr])).toEqual([[100, [1]]]);
    // Broker 1 came back and fetched again up to where it had been before the ISR shrank to it: nothing is opened.
    let refetched = 0;
    const back = new PowerLossWatch(() => refetched);
    back.isrCommitted(P, [1, 2], 0);
    moment(back, 100, [[1, 0]], [1, 2]);
    refetched = 10;
    back.isrCommitted(P, [1], 300);
    expect(back.isrLosses).toEqual([]);
    // Half refetched: only what it still lacks may be written anew.
    refetched = 6;
    back.isrCommitted(P, [1, 2], 400);
    back.isrCommitted(P, [1], 500);
    expect(back.isrLosses).toEqual([{ key: P, atMs: 100, isr: [1], fromOffset: 6, toOffset: 10 }]);
  });

  it('lists a node that came back with an empty log (nothing flushed above its log start) with the leader epochs it was elected to after, until it next lost power', () => {
    const watch = new PowerLossWatch();
    watch.leaderCommitted(P, 3, 1, 0);
    const lose = (atMs: number, recoveryPoint: number, logStartOffset: number): void => {
      watch.note({ atMs, node: 3, partitions: new Map([[P, { isr: [3], recoveryPoint, logStartOffset, logEndOffset: 184 }]]) });
      watch.momentEnded(atMs);
    };
    // Seed 426: retention had moved broker 3's log start to 179; it had flushed nothing above it.
    lose(10_000, 179, 179);
    watch.leaderCommitted(P, -1, 2, 10_500);
    watch.leaderCommitted(P, 3, 3, 12_400);
    expect(watch.producerStateLosses()).toEqual([{ partition: P, broker: 3, atMs: 10_000, offset: 179, leaderEpochs: [3] }]);
    // It loses power again with its log refilled and flushed: epochs after that are not the first loss's.
    lose(20_000, 250, 179);
    watch.leaderCommitted(P, 1, 4, 20_500);
    watch.leaderCommitted(P, 3, 5, 21_000);
    expect(watch.producerStateLosses()).toEqual([{ partition: P, broker: 3, atMs: 10_000, offset: 179, leaderEpochs: [3] }]);
    // Without a log start offset in the note, or with something flushed above it, nothing is listed.
    const flushed = new PowerLossWatch();
    flushed.note({ atMs: 100, node: 3, partitions: new Map([[P, { isr: [3], recoveryPoint: 180, logStartOffset: 179 }]]) });
    flushed.leaderCommitted(P, 3, 3, 200);
    expect(flushed.producerStateLosses()).toEqual([]);
  });

  it('does not explain an acknowledgement Kafka would have refused: the ISR was below min.insync.replicas all the while the write was in flight', () => {
    const watch = new PowerLossWatch();
    watch.isrCommitted(P, [1, 2, 3], 0);
    watch.isrCommitted(P, [1], 5_000);
    moment(watch, 9_000, [[1, 0]], [1]);
    // Sent 4 s after the ISR shrank to one, with min.insync.replicas=2: NOT_ENOUGH_REPLICAS in Kafka, so no allowance.
    expect(watch.allowance(P, 7, 8_100, 8_000, 2)).toBeNull();
    expect(watch.allowance(P, 7, 8_100, 8_000, 1)).not.toBeNull();
    // Sent while the three-member ISR was still committed (or within the time a leader may act on it).
    expect(watch.allowance(P, 7, 5_300, 4_900, 2)).not.toBeNull();
    expect(watch.allowance(P, 7, 5_900, 5_800, 2)).not.toBeNull();
  });

  it('checkDurability files an explained loss as allowed, with its reason, and the rest as violations', () => {
    const view = {
      partitions: new Map([[P, { key: P, replicas: [1, 2], isr: [1, 2], leader: 1, leaderEpoch: 1, partitionEpoch: 1 }]]),
      replicas: [{ broker: 1, key: P, role: 'Leader', leaderEpoch: 1, isr: [1, 2], highWatermark: 0, logStartOffset: 0, logEndOffset: 0 }],
      fencedBrokers: [], registeredBrokers: [1, 2], uncleanPartitions: new Set<string>(), recordAt: () => undefined, logEndOffsetOf: () => 0, elections: [], uncleanElectionEnabled: () => false,
    } as ReplicationView;
    const acked = (value: string, offset: number, time: number): ProduceOperation => ({ type: 'ok', key: 'k', value, partition: P, acks: -1, time, offset });
    const result = checkDurability([acked('a', 0, 50), acked('b', 1, 150)], [], view, (_p, _o, ackedAtMs) => (ackedAtMs < 100 ? 'power' : null));
    expect(result.lost.map((l) => [l.value, l.allowed, l.reason ?? null])).toEqual([['a', true, 'power'], ['b', false, null]]);
    expect(result.acked.anomalies).toHaveLength(1);
  });

  it('a follower that loses power and restarts at once passes every clause: REPL-HW-1 knows it may sit in the ISR below the high watermark (it failed before)', () => {
    const options = { ...clusterExploreOptions(7, 'kraft'), safetyPhaseMs: 8_000 };
    const simulation = new ClusterSimulation({ options, faults: [{ atMs: 4_000, fault: { kind: 'power-loss', node: 2 } }, { atMs: 4_300, fault: { kind: 'restart', node: 2 } }] });
    const result = simulation.run();
    expect(result.violations).toEqual([]);
    expect(result.produced.acked).toBeGreaterThan(100);
    expect(result.allowedLostWrites).toEqual([]);
  }, 60_000);

  it('a seed whose ISR shrinks to one broker that then loses power passes the reference, every loss listed as allowed with its reason', () => {
    const result = new ClusterSimulation({ options: clusterOptionsFromSeed(3) }).run();
    expect(result.violations).toEqual([]);
    const clauses = new Set(result.allowed.map((a) => a.clauseId));
    expect(clauses).toContain('REPL-ACK-1');
    expect(clauses).toContain('REPL-LOG-1');
    expect(result.allowed.find((a) => a.clauseId === 'REPL-ACK-1')?.reason).toMatch(/every ISR member \[\d\] lost power at \d+ms .*min.insync.replicas=2/);
  }, 120_000);

  // The reference sweep flagged these as PROD-SEQ-1 violations: retention had left the sole ISR
  // member a log of batches it had not flushed; it lost power, came back with an empty log, was
  // elected, and took the producer's next batch without state (a sequence gap Kafka allows).
  for (const seed of [426, 687]) {
    it(`seed ${seed}: a leader back from a power loss with an empty log takes the producer's next batch at any sequence (PROD-SEQ-1 allowed, reported)`, () => {
      const simulation = new ClusterSimulation({ options: clusterOptionsFromSeed(seed) });
      const result = simulation.run();
      expect(result.violations.map((v) => `${v.clauseId}: ${v.message}`)).toEqual([]);
      expect(simulation.producerStateLosses().length).toBeGreaterThan(0);
      expect(result.producerFindings.allowedSequenceGaps).toBeGreaterThan(0);
      expect(result.allowed.find((a) => a.clauseId === 'PROD-SEQ-1')?.reason).toMatch(/a sequence gap, taken by broker \d in leader epoch \d+ with no state for the producer: it lost power at \d+ms and came back with an empty log/);
    }, 120_000);
  }

  // The reference sweep (seeds 1..1000) flagged these as REPL-LOG-1 violations: the ISR members that
  // kept their data had crashed and were fenced out of the ISR, leaving members that had lost power.
  for (const seed of [222, 723]) {
    it(`seed ${seed}: an ISR left with members that lost power may be written anew from their flushed prefix (allowed, reported)`, () => {
      const result = new ClusterSimulation({ options: clusterOptionsFromSeed(seed) }).run();
      expect(result.violations.map((v) => `${v.clauseId}: ${v.message}`)).toEqual([]);
      expect(result.allowed.some((a) => a.clauseId === 'REPL-LOG-1')).toBe(true);
    }, 120_000);
  }

  it('seed 128: followers whose logs lie wholly above a leader that lost power truncate to its end and rejoin the ISR (REPL-LIVE-1)', () => {
    // Broker 2 lost power and leads user_activity-2 alone with an empty log; brokers 3 and 1 kept logs that
    // retention had emptied at offsets 18 and 12. Their fetches are OFFSET_OUT_OF_RANGE: Kafka truncates them to
    // the leader's end, 0 (AbstractFetcherThread.fetchOffsetAndTruncate, UnifiedLog.truncateTo below the first
    // segment), and they catch up. The reference sweep flagged the followers that stopped at their own log start.
    const result = new ClusterSimulation({ options: clusterOptionsFromSeed(128) }).run();
    expect(result.violations.map((v) => `${v.clauseId}: ${v.message}`)).toEqual([]);
  }, 120_000);
});
