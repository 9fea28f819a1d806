/**
 * `npm run capture:corpus`: capture real Kafka frames into test/fixtures/wire-corpus/.
 *
 * Starts librdkafka's mock cluster (../shared/tools/mockcluster, built into a temporary folder),
 * puts a recording proxy (scripts/wire-proxy.ts) in front of each of its brokers, and runs real
 * clients written by others through the proxy: kcat (librdkafka), kafka-python,
 * confluent-kafka-python and kafkajs. The mock advertises its own ports in Metadata and
 * FindCoordinator; the proxy rewrites those endpoints to its own ports (same length, no size
 * changes), so every connection a client opens, bootstrap or not, passes through it.
 *
 * Every request frame and the response frame with its correlation id are kept, deduplicated by
 * client, scenario, API and version (a few exchanges each), as raw files plus index.json. This is
 * not part of the test suite: the fixtures are committed, and test/wire/corpus.test.ts reads them.
 *
 * Needs: kcat, python3-kafka, python3-confluent-kafka, librdkafka-dev, gcc, pkg-config (.ci/run
 * installs them as root).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Kafka, logLevel, CompressionTypes } from 'kafkajs';
import { RecordingProxy, type CapturedExchange, type ProxyRoute } from './wire-proxy.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const OUT_DIR = join(ROOT, 'test', 'fixtures', 'wire-corpus');
const MOCK_SOURCE = join(ROOT, '..', 'shared', 'tools', 'mockcluster', 'build.sh');
const HOST = '127.0.0.1';
const BROKERS = 3;
const MOCK_PORT_BASE = Number(process.env['CAPTURE_MOCK_PORT'] ?? 41090);
const PROXY_PORT_BASE = MOCK_PORT_BASE + 100;
/** Exchanges kept per (client, scenario, api, version): enough to see a request twice, small. */
const KEEP_PER_KEY = 2;
/** A frame larger than this is not kept (fetch answers full of records add size, not shapes). */
const MAX_FRAME_BYTES = 48 * 1024;
const PYTHON = '/usr/bin/python3';

const TOPICS = ['kcat-acks:3:3', 'kcat-z:2:3', 'kcat-idem:1:3', 'kp:2:3', 'ck:2:3', 'kjs:3:3', 'kjs-txn:1:3'];

function fail(message: string): never {
  console.error(`capture-corpus: ${message}`);
  process.exit(2);
}

function buildMock(): string {
  if (!existsSync(MOCK_SOURCE)) fail(`${MOCK_SOURCE} not found (../shared/tools/mockcluster)`);
  const binary = join(mkdtempSync(join(tmpdir(), 'kspec-mock-')), 'mockcluster');
  const built = spawnSync('sh', [MOCK_SOURCE, binary], { encoding: 'utf8' });
  if (built.status !== 0) fail(`building the mock cluster failed: ${built.stderr.trim()}`);
  return binary;
}

interface Mock {
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

async function startMock(binary: string): Promise<Mock> {
  const args = ['-p', String(MOCK_PORT_BASE), '-c', ...TOPICS.flatMap((t) => ['-t', t]), String(BROKERS)];
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`mock cluster exited (${code}) before ready`)));
    lines.on('line', (line) => {
      if (line === 'ready') resolve();
    });
  });
  return {
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function run(command: string, args: readonly string[], input = '', timeoutMs = 20_000): void {
  const result = spawnSync(command, args, { input, encoding: 'utf8', timeout: timeoutMs });
  if (result.error !== undefined && (result.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') {
    fail(`${command}: ${result.error.message}`);
  }
  if (result.status !== 0 && result.signal === null) {
    console.error(`  (${command} ${args.join(' ')} exited ${result.status}: ${result.stderr.trim().split('\n').slice(-2).join(' / ')})`);
  }
}

/** spawnSync blocks the event loop, and the proxy lives in this process: clients run async. */
function runAsync(command: string, args: readonly string[], input = '', timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (e) => fail(`${command}: ${e.message}`));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0 && signal === null) {
        console.error(`  (${command} ${args.slice(0, 6).join(' ')} exited ${code}: ${stderr.trim().split('\n').slice(-1)[0] ?? ''})`);
      }
      resolve();
    });
    child.stdin!.end(input);
  });
}
void run;

const bootstrap = Array.from({ length: BROKERS }, (_, i) => `${HOST}:${PROXY_PORT_BASE + i}`).join(',');
const keyedMessages = Array.from({ length: 5 }, (_, i) => `key-${i}:value ${i} ${'x'.repeat(i * 7)}`).join('\n') + '\n';

async function kcatScenarios(step: (label: string, body: () => Promise<void>) => Promise<void>): Promise<void> {
  const kcat = (...args: string[]): string[] => ['-b', bootstrap, '-X', 'socket.timeout.ms=5000', ...args];
  await step('kcat/metadata', () => runAsync('kcat', kcat('-L')));
  for (const acks of ['0', '1', 'all']) {
    await step(`kcat/produce-acks-${acks}`, () =>
      runAsync('kcat', kcat('-P', '-t', 'kcat-acks', '-K:', '-H', 'trace=abc', '-X', `acks=${acks}`), keyedMessages),
    );
  }
  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
    await step(`kcat/produce-${codec}`, () =>
      runAsync('kcat', kcat('-P', '-t', 'kcat-z', '-K:', '-z', codec), keyedMessages.repeat(4)),
    );
  }
  await step('kcat/produce-idempotent', () =>
    runAsync('kcat', kcat('-P', '-t', 'kcat-idem', '-K:', '-X', 'enable.idempotence=true'), keyedMessages),
  );
  await step('kcat/consume', () => runAsync('kcat', kcat('-C', '-t', 'kcat-z', '-o', 'beginning', '-e', '-q')));
  await step('kcat/group', () =>
    runAsync('kcat', kcat('-G', 'kcat-group', '-o', 'beginning', '-X', 'auto.commit.interval.ms=500', '-q', 'kcat-acks'), '', 9_000),
  );
}

const KAFKA_PYTHON = `
import sys
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata
b = sys.argv[1].split(',')
p = KafkaProducer(bootstrap_servers=b, acks='all', compression_type='gzip', linger_ms=5)
for i in range(6):
    p.send('kp', key=b'k%d' % i, value=b'kafka-python %d' % i, headers=[('h', b'v')])
p.flush()
p2 = KafkaProducer(bootstrap_servers=b, acks=1)
for i in range(3):
    p2.send('kp', value=b'plain %d' % i)
p2.flush(); p.close(); p2.close()
c = KafkaConsumer('kp', bootstrap_servers=b, group_id='kp-group', auto_offset_reset='earliest',
                  enable_auto_commit=False, consumer_timeout_ms=4000)
n = 0
for m in c:
    n += 1
    if n >= 9:
        break
c.commit()
c.committed(TopicPartition('kp', 0))
c.close()
`;

const CONFLUENT_PYTHON = `
import sys
from confluent_kafka import Producer, Consumer, TopicPartition
b = sys.argv[1]
p = Producer({'bootstrap.servers': b, 'acks': 'all', 'compression.type': 'zstd', 'enable.idempotence': True})
for i in range(6):
    p.produce('ck', key=b'k%d' % i, value=b'confluent %d' % i, headers=[('h', b'v')])
p.flush(10)
c = Consumer({'bootstrap.servers': b, 'group.id': 'ck-group', 'auto.offset.reset': 'earliest',
              'enable.auto.commit': False, 'partition.assignment.strategy': 'roundrobin'})
c.subscribe(['ck'])
got = 0
for _ in range(40):
    m = c.poll(0.25)
    if m is not None and m.error() is None:
        got += 1
        if got >= 6:
            break
c.commit(asynchronous=False)
c.committed([TopicPartition('ck', 0), TopicPartition('ck', 1)], timeout=5)
c.get_watermark_offsets(TopicPartition('ck', 0), timeout=5)
c.offsets_for_times([TopicPartition('ck', 0, 0)], timeout=5)
c.close()
`;

async function pythonScenarios(step: (label: string, body: () => Promise<void>) => Promise<void>): Promise<void> {
  await step('kafka-python/produce-consume-group', () => runAsync(PYTHON, ['-c', KAFKA_PYTHON, bootstrap], '', 40_000));
  await step('confluent-kafka/produce-consume-group', () => runAsync(PYTHON, ['-c', CONFLUENT_PYTHON, bootstrap], '', 40_000));
}

async function withTimeout<T>(what: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([what.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function kafkajsScenarios(step: (label: string, body: () => Promise<void>) => Promise<void>): Promise<void> {
  const kafka = new Kafka({
    clientId: 'kspec-capture',
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 100 },
    requestTimeout: 5_000,
  });
  await step('kafkajs/produce', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    for (const acks of [-1, 1, 0]) {
      await withTimeout(
        producer.send({ topic: 'kjs', acks, messages: [{ key: 'a', value: `acks ${acks}`, headers: { h: 'v' } }, { value: 'no key' }] }),
        5_000,
      );
    }
    await withTimeout(producer.send({ topic: 'kjs', compression: CompressionTypes.GZIP, messages: [{ key: 'z', value: 'gzip '.repeat(30) }] }), 5_000);
    await producer.disconnect();
  });
  await step('kafkajs/produce-idempotent', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await withTimeout(producer.send({ topic: 'kjs', messages: [{ key: 'i', value: 'idempotent 1' }, { key: 'j', value: 'idempotent 2' }] }), 5_000);
    await producer.disconnect();
  });
  await step('kafkajs/transaction', async () => {
    const producer = kafka.producer({ transactionalId: 'kjs-txn-id', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await withTimeout(
      (async () => {
        const txn = await producer.transaction();
        await txn.send({ topic: 'kjs-txn', messages: [{ key: 't', value: 'in a transaction' }] });
        await txn.sendOffsets({ consumerGroupId: 'kjs-group', topics: [{ topic: 'kjs', partitions: [{ partition: 0, offset: '1' }] }] });
        await txn.commit();
      })(),
      10_000,
    );
    await producer.disconnect();
  });
  await step('kafkajs/consume-group', async () => {
    const consumer = kafka.consumer({ groupId: 'kjs-group', sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topics: ['kjs'], fromBeginning: true });
    let seen = 0;
    await withTimeout(
      new Promise<void>((resolve) => {
        void consumer.run({
          autoCommitInterval: 300,
          eachMessage: async () => {
            if (++seen >= 6) resolve();
          },
        });
      }),
      15_000,
    );
    await new Promise((r) => setTimeout(r, 1_200)); // a heartbeat and an auto-commit
    await consumer.disconnect();
  });
  await step('kafkajs/admin', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await withTimeout(admin.fetchTopicMetadata({ topics: ['kjs', 'kjs-txn'] }), 5_000);
    await withTimeout(admin.fetchTopicOffsets('kjs'), 5_000);
    await withTimeout(admin.fetchOffsets({ groupId: 'kjs-group', topics: ['kjs'] }), 5_000);
    await withTimeout(admin.resetOffsets({ groupId: 'kjs-idle-group', topic: 'kjs', earliest: true }), 5_000);
    await withTimeout(admin.fetchTopicOffsetsByTimestamp('kjs', 0), 5_000);
    // Not served by the mock (no CreateTopics/DescribeGroups/ListGroups/DescribeConfigs there): the
    // requests are still real kafkajs frames, kept without an answer.
    await withTimeout(admin.createTopics({ topics: [{ topic: 'kjs-created', numPartitions: 2 }] }), 3_000);
    await withTimeout(admin.describeGroups(['kjs-group']), 3_000);
    await withTimeout(admin.listGroups(), 3_000);
    await admin.disconnect();
  });
}

interface IndexEntry {
  readonly id: string;
  readonly client: string;
  readonly scenario: string;
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly request: string;
  readonly response: string | null;
}

function keep(exchanges: readonly CapturedExchange[]): CapturedExchange[] {
  const counts = new Map<string, number>();
  const seenBytes = new Set<string>();
  const kept: CapturedExchange[] = [];
  for (const e of exchanges) {
    if (e.request.length > MAX_FRAME_BYTES || (e.response?.length ?? 0) > MAX_FRAME_BYTES) continue;
    const key = `${e.label}/${e.apiKey}/${e.apiVersion}`;
    // The same request and answer again apart from the correlation id add nothing.
    const body = e.request.subarray(8).toString('hex') + '|' + (e.response?.subarray(4).toString('hex') ?? '');
    if (seenBytes.has(body)) continue;
    const n = counts.get(key) ?? 0;
    // Prefer exchanges with an answer: an unanswered one only when its key has none yet.
    if (n >= KEEP_PER_KEY) continue;
    counts.set(key, n + 1);
    seenBytes.add(body);
    kept.push(e);
  }
  return kept;
}

function writeCorpus(exchanges: readonly CapturedExchange[]): IndexEntry[] {
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const entries: IndexEntry[] = [];
  keep(exchanges).forEach((e, i) => {
    const [client = 'unknown', scenario = 'unknown'] = e.label.split('/');
    const id = `${String(i).padStart(3, '0')}-${client}-k${e.apiKey}v${e.apiVersion}`;
    writeFileSync(join(OUT_DIR, `${id}.req.bin`), e.request);
    if (e.response !== undefined) writeFileSync(join(OUT_DIR, `${id}.res.bin`), e.response);
    entries.push({
      id,
      client,
      scenario,
      apiKey: e.apiKey,
      apiVersion: e.apiVersion,
      correlationId: e.correlationId,
      request: `${id}.req.bin`,
      response: e.response === undefined ? null : `${id}.res.bin`,
    });
  });
  const index = {
    about:
      'Real Kafka frames captured by scripts/capture-corpus.ts (npm run capture:corpus): clients written by others against librdkafka 2.0.2\'s mock cluster through a recording proxy. Frames are without their 4-byte size prefix; responses are as the mock wrote them.',
    clients: { kcat: '1.7.1 (librdkafka 2.0.2)', 'kafka-python': '2.0.2', 'confluent-kafka': '1.7.0 (librdkafka 2.0.2)', kafkajs: '2.2.4' },
    entries,
  };
  writeFileSync(join(OUT_DIR, 'index.json'), JSON.stringify(index, null, 1) + '\n');
  return entries;
}

async function main(): Promise<void> {
  for (const tool of ['kcat', PYTHON]) {
    if (spawnSync(tool, ['-h'], { encoding: 'utf8' }).error !== undefined) fail(`${tool} not found (see .ci/run for the packages)`);
  }
  const mock = await startMock(buildMock());
  const routes: ProxyRoute[] = Array.from({ length: BROKERS }, (_, i) => ({
    listenPort: PROXY_PORT_BASE + i,
    upstreamPort: MOCK_PORT_BASE + i,
  }));
  const proxy = new RecordingProxy(HOST, routes);
  try {
    await proxy.start();
    const step = async (label: string, body: () => Promise<void>): Promise<void> => {
      console.log(`- ${label}`);
      proxy.label = label;
      // A client that fails against the mock still sent real frames: say so and go on.
      await body().catch((error: unknown) => console.error(`  (${label}: ${error instanceof Error ? error.message : String(error)})`));
    };
    await kcatScenarios(step);
    await pythonScenarios(step);
    await kafkajsScenarios(step);
  } finally {
    await proxy.stop();
    await mock.stop();
  }
  const entries = writeCorpus(proxy.exchanges);
  const pairs = [...new Set(entries.map((e) => `${e.apiKey}v${e.apiVersion}`))].sort();
  const bytes = readdirSync(OUT_DIR).length;
  console.log(`captured ${proxy.exchanges.length} exchanges; kept ${entries.length} (${bytes} files) covering ${pairs.length} api/version pairs: ${pairs.join(' ')}`);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
