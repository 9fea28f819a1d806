/**
 * The classic group checks over time (CG-SESSION-1, CG-RESUME-1): they pass against a live kspec
 * cluster, and their checkers catch a broker that expires a member early, never expires it, or
 * loses a commit across a rebalance (histories written by hand, as such a broker would answer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { History, Op } from '../../spec/conformance/history.js';
import { checkResume, checkSessionExpiry } from '../../spec/conformance/groups.js';
import { commitResume, sessionTimeout } from '../../src/conformance/checks/group-sessions.js';
import { runSuite } from '../../src/conformance/run.js';
import type { LiveCluster } from '../../src/runtime/cluster.js';
import { KafkaClient } from '../../src/client/index.js';
import { startTestCluster } from '../live/helpers.js';

/** The first FindCoordinator creates __consumer_offsets and is answered COORDINATOR_NOT_AVAILABLE, as Kafka's is: wait it out. */
async function coordinatorReady(cluster: LiveCluster): Promise<void> {
  const client = await KafkaClient.connect(cluster.brokers.map((b) => ({ host: b.host, port: b.port })));
  try {
    for (let i = 0; i < 100 && (await client.findCoordinator('warm-up')).errorCode !== 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    client.close();
  }
}

describe('against a live kspec cluster', () => {
  let cluster: LiveCluster;
  beforeAll(async () => {
    cluster = await startTestCluster(['group.initial.rebalance.delay.ms=0']);
    await coordinatorReady(cluster);
  }, 60_000);
  afterAll(async () => cluster?.close());

  it('CG-SESSION-1 and CG-RESUME-1 hold: groups/session-timeout and groups/commit-resume pass', async () => {
    const endpoints = cluster.brokers.map((b) => ({ host: b.host, port: b.port }));
    const run = await runSuite({ target: 'live', endpoints, seed: 7, runId: 'gs', checks: [sessionTimeout, commitResume] });
    for (const result of run.results) expect(`${result.id}: ${result.verdict} ${result.reason} ${JSON.stringify(result.anomalies)}`).toBe(`${result.id}: pass  []`);
    const resumed = run.results[1]!.history.filter((op) => op.f === 'resume-read' && op.type === 'ok');
    expect(resumed.length).toBe(4);
  }, 40_000);
});

let index = 0;
const op = (o: Partial<Op> & Pick<Op, 'process' | 'type' | 'f'>): Op => ({ index: index++, value: null, timeMs: 0, ...o });

/** A two-member group: `silent` last heard from at 1000 ms; the survivor heartbeats each second and sees the rebalance at `rebalanceAtMs`. */
function expiryHistory(rebalanceAtMs: number | null, keepSilentInNextGeneration = false, beatsUntilMs = 12_000): History {
  index = 0;
  const history: Op[] = [
    op({ process: 2, type: 'invoke', f: 'heartbeat', value: { memberId: 'b', generationId: 1 }, timeMs: 1000 }),
    op({ process: 2, type: 'ok', f: 'heartbeat', value: {}, timeMs: 1005 }),
  ];
  for (let t = 2000; t <= beatsUntilMs; t += 1000) {
    const rebalancing = rebalanceAtMs !== null && t >= rebalanceAtMs;
    history.push(op({ process: 1, type: 'invoke', f: 'heartbeat', value: { memberId: 'a', generationId: 1 }, timeMs: t }));
    history.push(op({ process: 1, type: rebalancing ? 'fail' : 'ok', f: 'heartbeat', value: {}, timeMs: t + 2, ...(rebalancing ? { error: 'REBALANCE_IN_PROGRESS' } : {}) }));
    if (rebalancing) {
      history.push(op({ process: 1, type: 'invoke', f: 'join-group', value: { memberId: 'a', protocols: ['range'] }, timeMs: t + 3 }));
      history.push(op({ process: 1, type: 'ok', f: 'join-group', value: { memberId: 'a', generationId: 2, leader: 'a', protocolName: 'range', members: keepSilentInNextGeneration ? ['a', 'b'] : ['a'] }, timeMs: t + 5 }));
      break;
    }
  }
  return history;
}

const given = { silent: 'b', survivor: 'a', sessionTimeoutMs: 6000, graceMs: 4000 };

describe('CG-SESSION-1 checker', () => {
  it('a rebalance seen after the session timeout, without the silent member, is valid', () => {
    expect(checkSessionExpiry(expiryHistory(8000), given, 'CG-SESSION-1').verdict).toBe('valid');
  });
  it('a rebalance before the session could expire is early-expiry', () => {
    expect(checkSessionExpiry(expiryHistory(4000), given, 'CG-SESSION-1').anomalies.map((a) => a.name)).toEqual(['early-expiry']);
  });
  it('no rebalance long past the session timeout is member-not-expired; too short a watch is unknown', () => {
    expect(checkSessionExpiry(expiryHistory(null), given, 'CG-SESSION-1').anomalies.map((a) => a.name)).toEqual(['member-not-expired']);
    expect(checkSessionExpiry(expiryHistory(null, false, 9000), given, 'CG-SESSION-1').verdict).toBe('unknown');
  });
  it('the next generation still listing the expired member is expired-member-kept', () => {
    expect(checkSessionExpiry(expiryHistory(8000, true), given, 'CG-SESSION-1').anomalies.map((a) => a.name)).toEqual(['expired-member-kept']);
  });
});

describe('CG-RESUME-1 checker', () => {
  const history = (fetched: number, resumedAt: number, firstRecord: number): History => {
    index = 0;
    return [
      op({ process: 2, type: 'invoke', f: 'offset-commit', value: { partition: 't-1', offset: 4, memberId: 'b', generationId: 1 } }),
      op({ process: 2, type: 'ok', f: 'offset-commit', value: {} }),
      op({ process: 1, type: 'invoke', f: 'offset-fetch', value: { partition: 't-1' } }),
      op({ process: 1, type: 'ok', f: 'offset-fetch', value: { partition: 't-1', offset: fetched } }),
      op({ process: 1, type: 'invoke', f: 'resume-read', value: { partition: 't-1', fetchOffset: resumedAt } }),
      op({ process: 1, type: 'ok', f: 'resume-read', value: { partition: 't-1', fetchOffset: resumedAt, highWatermark: 6, records: [[firstRecord, '1-x']] } }),
    ];
  };
  it('the new owner fetching and resuming at the last commit is valid', () => {
    expect(checkResume(history(4, 4, 4), 'CG-RESUME-1').verdict).toBe('valid');
  });
  it('an OffsetFetch answering an older offset is lost-commit; reading from elsewhere is resumed-elsewhere', () => {
    expect(checkResume(history(2, 4, 4), 'CG-RESUME-1').anomalies.map((a) => a.name)).toEqual(['lost-commit']);
    expect(checkResume(history(4, 4, 5), 'CG-RESUME-1').anomalies.map((a) => a.name)).toEqual(['resumed-elsewhere']);
    expect(checkResume(history(4, 2, 2), 'CG-RESUME-1').anomalies.map((a) => a.name)).toEqual(['resumed-elsewhere']);
  });
});
