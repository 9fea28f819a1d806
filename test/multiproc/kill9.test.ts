/**
 * kill -9 in a cluster of real `kspec node` processes (one node per process, Kafka's protocol on
 * TCP between them), under acks=all idempotent load from kafkajs:
 * - the LEADER broker of a partition is killed and restarted from its log directory: every record
 *   the producer saw acknowledged is read back once, none twice, and the ISR is whole again
 *   (Metadata);
 * - with three controllers, the ACTIVE controller is killed: another is elected and the cluster
 *   keeps serving produce and consume.
 * Run with `npm run test:multiproc` (KSPEC_MULTIPROC=1; KSPEC_MULTIPROC_RECORDS sets the load before
 * the kill; KSPEC_KEEP=1 keeps the data directories).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startProcessCluster, type ProcessCluster } from '../live/processes.js';
import { idempotentLoad, readBack } from '../live/idempotent-load.js';

const RECORDS_BEFORE_KILL = Number(process.env['KSPEC_MULTIPROC_RECORDS'] ?? 200);
let cluster: ProcessCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

const kafkaOf = (bootstrap: string[]): Kafka => new Kafka({ clientId: 'kspec-multiproc', brokers: bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const startedMs = Date.now();
/** Progress on stderr: these runs are long and a stall should say where. */
const stage = (what: string): void => void process.stderr.write(`multiproc ${((Date.now() - startedMs) / 1000).toFixed(1)} s: ${what}\n`);

async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  stage(`waiting: ${what}`);
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Every broker registered and unfenced, as Metadata tells a client (and a controller named). */
async function ready(kafka: Kafka, brokers: number): Promise<void> {
  const admin = kafka.admin();
  await until('the cluster ready', async () => {
    try {
      await admin.connect();
      const described = await admin.describeCluster();
      return described.brokers.length === brokers && described.controller !== null && described.controller >= 0;
    } catch {
      return false;
    }
  }, 30_000);
  await admin.disconnect();
}

// Real processes and Kafka's timers: 40 to 90 s each, so outside the suite (npm run test:multiproc).
const enabled = process.env['KSPEC_MULTIPROC'] !== undefined;

describe.skipIf(!enabled)('kill -9 in a multi-process cluster (KSPEC_MULTIPROC=1, npm run test:multiproc)', () => {
  it('the leader broker of a partition: nothing acknowledged is lost or duplicated, and the ISR is whole again after its restart', async () => {
    cluster = await startProcessCluster(1, 3, { 'offsets.topic.num.partitions': '2' });
    const kafka = kafkaOf(cluster.bootstrap);
    await ready(kafka, 3);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'k9m', numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
    const partition = async () => (await admin.fetchTopicMetadata({ topics: ['k9m'] })).topics[0]!.partitions[0]!;
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const running = idempotentLoad(producer, 'k9m');
    await until('records acknowledged before the kill', () => running.acknowledged.size >= RECORDS_BEFORE_KILL, 20_000);
    const leader = (await partition()).leader;
    await cluster.kill9(leader);
    const atKill = running.acknowledged.size;
    // The controller fences the dead broker and elects another leader from the ISR; the load goes on.
    await until('records acknowledged by the new leader', () => running.acknowledged.size >= atKill + 50, 30_000);
    await cluster.start(leader);
    await until('the ISR whole again', async () => [...(await partition().catch(() => ({ isr: [] as number[] }))).isr].sort().join() === '1,2,3', 30_000);
    stage('stopping the load');
    await running.stop();
    await producer.disconnect().catch(() => {});
    await admin.disconnect();
    stage('reading back');
    const consumed = await readBack(kafka, 'k9m', 'k9m-reader', running.acknowledged);
    expect([...running.acknowledged].filter((v) => !consumed.includes(v))).toEqual([]);
    expect(consumed.length).toBe(new Set(consumed).size);
    expect(consumed.every((v) => v < running.sent())).toBe(true);
  }, 120_000);

  it('the active controller of three: a new one is elected and produce and consume still work', async () => {
    cluster = await startProcessCluster(3, 3, { 'offsets.topic.num.partitions': '2' });
    const kafka = kafkaOf(cluster.bootstrap);
    await ready(kafka, 3);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'ctl', numPartitions: 2, replicationFactor: 3 }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const running = idempotentLoad(producer, 'ctl');
    await until('records acknowledged before the kill', () => running.acknowledged.size >= RECORDS_BEFORE_KILL / 2, 20_000);
    const active = cluster.activeController();
    expect(cluster.controllerIds).toContain(active);
    await cluster.kill9(active);
    await until('another controller elected', () => ![-1, active].includes(cluster!.activeController()), 20_000);
    const atKill = running.acknowledged.size;
    await until('records acknowledged after the kill', () => running.acknowledged.size >= atKill + 50, 30_000);
    // Metadata that needs the new controller: a topic created after the kill.
    // A broker that forwarded to the dead controller answers with an error; a client tries again, as against Kafka.
    await until('a topic created after the kill', async () => {
      try {
        await admin.createTopics({ topics: [{ topic: 'after', numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
        return true;
      } catch (error) {
        return JSON.stringify((error as { errors?: unknown }).errors ?? '').includes('TOPIC_ALREADY_EXISTS');
      }
    }, 30_000);
    // Another broker may not have replayed the new topic yet (its quorum observer finds the new
    // leader a fetch timeout later): as a Kafka client, ask until every broker asked knows it.
    await until('the new topic in the metadata', async () => {
      try {
        return (await admin.fetchTopicMetadata({ topics: ['after'] })).topics[0]!.partitions.length === 1;
      } catch {
        return false;
      }
    }, 10_000);
    await running.stop();
    await producer.disconnect().catch(() => {});
    await admin.disconnect();
    const consumed = await readBack(kafka, 'ctl', 'ctl-reader', running.acknowledged);
    expect([...running.acknowledged].filter((v) => !consumed.includes(v))).toEqual([]);
    expect(consumed.length).toBe(new Set(consumed).size);
  }, 120_000);
});
