/**
 * Hostile input at a live broker: the fuzzer's mutated frames (scripts/fuzz-frames.ts) of every
 * served API and version, each on a connection that the broker may close; afterwards the broker
 * still serves a real client (kafkajs produces and reads back), and its memory stays bounded.
 * CreateTopics is left out: a well-formed request for 2^31 partitions is a legal, enormous order
 * (Kafka would try it too), not hostile framing. KSPEC_LIVE_FUZZ_FRAMES sets the count (default 600; `npm run fuzz:live` sends 100,000).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { allTargets, fuzzedFrame, SeedPool } from '../../scripts/fuzz-frames.js';
import { servedApis } from '../../src/cluster/gateway/api-versions.js';
import type { LiveCluster } from '../../src/runtime/cluster.js';
import { clusterLog, RawClient, startTestCluster } from './helpers.js';

const FRAMES = Number(process.env['KSPEC_LIVE_FUZZ_FRAMES'] ?? 600);
/** An answer that takes longer (a long poll, a join waiting for a rebalance) is not waited for: the connection is dropped. */
const ANSWER_WAIT_MS = 100;

let cluster: LiveCluster;
beforeAll(async () => {
  cluster = await startTestCluster(['socket.request.max.bytes=1048576']);
}, 60_000);
afterAll(async () => cluster?.close());

async function sendOne(client: RawClient, frame: Uint8Array): Promise<'answered' | 'closed' | 'slow'> {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(frame.length);
  client.sendRaw(Buffer.concat([prefix, frame]));
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    client.nextFrame().then((f) => (f === null ? 'closed' as const : 'answered' as const)),
    new Promise<'slow'>((resolve) => (timer = setTimeout(() => resolve('slow'), ANSWER_WAIT_MS))),
  ]);
  clearTimeout(timer);
  return outcome;
}

describe('a live broker under fuzzed frames', () => {
  it(`takes ${FRAMES} mutated frames without falling over, then serves a real client`, async () => {
    const port = cluster.brokers[0]!.port;
    const targets = allTargets(servedApis().map((a) => a.apiKey).filter((k) => k !== 19)).filter((t) => t.direction === 'request');
    const pool = new SeedPool(7, new Map());
    const rssBefore = process.memoryUsage().rss;
    const outcomes = { answered: 0, closed: 0, slow: 0 };
    let client = await RawClient.open(port);
    for (let i = 0; i < FRAMES; i++) {
      const outcome = await sendOne(client, fuzzedFrame(7, i, targets, pool).frame);
      outcomes[outcome]++;
      if (outcome !== 'answered') {
        client.close();
        client = await RawClient.open(port);
      }
    }
    client.close();
    const rssGrowthMiB = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    console.log(`live fuzz: ${FRAMES} frames: ${outcomes.answered} answered, ${outcomes.closed} closed the connection, ${outcomes.slow} not answered within ${ANSWER_WAIT_MS} ms; RSS +${rssGrowthMiB.toFixed(0)} MiB`);
    expect(outcomes.closed).toBeGreaterThan(0);
    // Every refusal is a decision about the frame, never a failure inside kspec.
    expect(clusterLog.filter((line) => line.includes('kspec bug'))).toEqual([]);
    expect(rssGrowthMiB).toBeLessThan(512);

    const kafka = new Kafka({ brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'after-fuzz', numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const [result] = await producer.send({ topic: 'after-fuzz', acks: -1, messages: [{ value: 'still serving' }] });
    await producer.disconnect();
    expect(result?.errorCode).toBe(0);
    const admin2 = kafka.admin();
    await admin2.connect();
    const offsets = await admin2.fetchTopicOffsets('after-fuzz');
    await admin2.disconnect();
    expect(offsets[0]?.high).toBe('1');
  }, Math.max(300_000, FRAMES * 30));
});
