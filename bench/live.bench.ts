/**
 * `npm run bench:live`: the same workloads against `kspec up` (its own process) and against
 * librdkafka's mock cluster (/work/shared/tools/mockcluster, built with its build.sh;
 * KSPEC_MOCKCLUSTER names the binary, /tmp/mockcluster by default), one after the other in one
 * run, each on 3 brokers and a fresh topic of 6 partitions with replication factor 3:
 *
 *   kafkajs produce  RECORDS records of 100 bytes, acks=all, batches of BATCH, one request at a
 *                    time (an application awaiting each send): records/s and p50/p99 per send
 *   kafkajs consume  a consumer group reads them back from the beginning: records/s from the
 *                    first record to the last (the group join is not counted)
 *   kcat produce     RECORDS lines of 100 bytes through `kcat -P` (librdkafka, acks=all): records/s
 *   kcat consume     `kcat -C -e` reads the topic to its end: records/s (process start to exit)
 *
 * It prints each line with the 1-minute load average at its end, then the ratios kspec/mock.
 * Options: RECORDS=200000 BATCH=1000; KSPEC_PROF=DIR runs `kspec up` under node --cpu-prof
 * (the profile is written to DIR when it stops).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';

const RECORDS = Number(process.env['RECORDS'] ?? 200_000);
const BATCH = Number(process.env['BATCH'] ?? 1_000);
const MOCK = process.env['KSPEC_MOCKCLUSTER'] ?? '/tmp/mockcluster';
const PROFILE_DIR = process.env['KSPEC_PROF'];
const KCAT = process.env['KSPEC_KCAT'] ?? 'kcat';
const VALUE = Buffer.alloc(100, 'x');

interface Measure {
  readonly recordsPerSecond: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** Records read, when fewer than RECORDS. */
  readonly records?: number;
  /** The 1-minute load average when the workload ended. */
  readonly load: number;
}

type Results = Record<string, Measure>;

/** Start a process and wait for the line that gives its bootstrap servers. */
function startTarget(command: string, args: string[], bootstrapOf: (line: string) => string | null): Promise<{ child: ChildProcess; bootstrap: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code} before it was ready`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const bootstrap = bootstrapOf(line);
      if (bootstrap !== null) resolve({ child, bootstrap });
    });
  });
}

/** Wait for a started process to exit after a signal (a profile is written on the way out). */
function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

const measured = (records: number, ms: number, extra: Partial<Measure> = {}): Measure => ({ recordsPerSecond: (records * 1000) / ms, load: loadavg()[0]!, ...extra });

/** Create the topic and wait for its leaders; a broker that has not applied the topic yet answers UNKNOWN_TOPIC_OR_PARTITION, so ask again. */
async function createTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  for (let attempt = 1; ; attempt += 1) {
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 6, replicationFactor: 3 }], waitForLeaders: true });
      break;
    } catch (error) {
      if (attempt >= 10 || (error as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  await admin.disconnect();
}

async function kafkajsProduce(kafka: Kafka, topic: string): Promise<Measure> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const latencies: number[] = [];
  const started = performance.now();
  for (let sent = 0; sent < RECORDS; sent += BATCH) {
    const messages = Array.from({ length: Math.min(BATCH, RECORDS - sent) }, (_, i) => ({ key: String(sent + i), value: VALUE }));
    const t = performance.now();
    await producer.send({ topic, acks: -1, messages });
    latencies.push(performance.now() - t);
  }
  const ms = performance.now() - started;
  await producer.disconnect();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return measured(RECORDS, ms, { p50Ms: at(0.5), p99Ms: at(0.99) });
}

async function kafkajsConsume(kafka: Kafka, topic: string): Promise<Measure> {
  const consumer = kafka.consumer({ groupId: `bench-${topic}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let firstMs = 0;
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (seen === 0) firstMs = performance.now();
        seen += batch.messages.length;
        if (seen >= RECORDS) resolve(performance.now());
      },
    });
  });
  const lastMs = await done;
  await consumer.disconnect();
  return measured(seen, Math.max(1, lastMs - firstMs));
}

/** Run a command to its end, feeding `input`; returns the wall time and what it printed. */
function run(command: string, args: string[], input: Buffer | null): Promise<{ ms: number; stdout: Buffer }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: [input === null ? 'ignore' : 'pipe', 'pipe', 'inherit'] });
    const out: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve({ ms: performance.now() - started, stdout: Buffer.concat(out) }) : reject(new Error(`${command} exited with ${code}`))));
    if (input !== null) child.stdin!.end(input);
  });
}

async function kcatProduce(bootstrap: string, topic: string): Promise<Measure> {
  const line = Buffer.concat([Buffer.alloc(99, 'y'), Buffer.from('\n')]);
  const input = Buffer.concat(Array.from({ length: RECORDS }, () => line));
  const { ms } = await run(KCAT, ['-P', '-b', bootstrap, '-t', topic, '-X', 'acks=all', '-q'], input);
  return measured(RECORDS, ms);
}

async function kcatConsume(bootstrap: string, topic: string): Promise<Measure> {
  const { ms, stdout } = await run(KCAT, ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%o\n'], null);
  // `-e` stops at each partition's end as the first fetch saw it: the mock's end may lag the last acknowledged write, so count what was read.
  const records = stdout.toString().split('\n').filter((l) => l !== '').length;
  return measured(records, ms, { records });
}

const TOPICS = ['bench-kafkajs', 'bench-kcat'];

/** `createTopics`: false for the mock, whose topics come from its command line (kafkajs's CreateTopics finds no controller there). */
async function workloads(bootstrap: string, createTopics: boolean): Promise<Results> {
  // More retries than kafkajs's 5: on a loaded machine a new topic reaches every broker's metadata late.
  const kafka = new Kafka({ clientId: 'bench', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 15 } });
  if (createTopics) for (const topic of TOPICS) await createTopic(kafka, topic);
  const results: Results = {};
  results['kafkajs produce'] = await kafkajsProduce(kafka, 'bench-kafkajs');
  results['kafkajs consume'] = await kafkajsConsume(kafka, 'bench-kafkajs');
  results['kcat produce'] = await kcatProduce(bootstrap, 'bench-kcat');
  results['kcat consume'] = await kcatConsume(bootstrap, 'bench-kcat');
  return results;
}

const describe = (name: string, m: Measure): string =>
  `  ${name.padEnd(16)} ${Math.round(m.recordsPerSecond).toString().padStart(9)} records/s${m.records !== undefined && m.records < RECORDS ? ` (${m.records} records read)` : ''}${m.p50Ms === undefined ? '' : `   p50 ${m.p50Ms.toFixed(1)} ms   p99 ${m.p99Ms!.toFixed(1)} ms`}   (load ${m.load.toFixed(1)})`;

function print(target: string, results: Results): void {
  console.log(target);
  for (const [name, m] of Object.entries(results)) console.log(describe(name, m));
}

async function main(): Promise<void> {
  console.log(`${RECORDS} records x 100 B, acks=all, kafkajs batches of ${BATCH}; 3 brokers, topics of 6 partitions RF 3`);
  const profile = PROFILE_DIR === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR];
  const kspec = await startTarget(process.execPath, [...profile, '--import', 'tsx', 'src/cli/kspec.ts', 'up', '--port', '0'], (l) => l.match(/^bootstrap servers: (.*)$/)?.[1] ?? null);
  let kspecResults: Results;
  try {
    kspecResults = await workloads(kspec.bootstrap, true);
  } finally {
    await stop(kspec.child, 'SIGINT');
  }
  print('kspec up', kspecResults);
  if (!existsSync(MOCK)) {
    console.log(`mock cluster: ${MOCK} not found (build it: /work/shared/tools/mockcluster/build.sh ${MOCK}); no ratio`);
    return;
  }
  const mock = await startTarget(MOCK, [...TOPICS.flatMap((t) => ['-t', `${t}:6:3`]), '3'], (l) => (l.includes(':') && !l.startsWith('broker') ? l.trim() : null));
  let mockResults: Results;
  try {
    mockResults = await workloads(mock.bootstrap, false);
  } finally {
    await stop(mock.child, 'SIGTERM');
  }
  print('librdkafka mock', mockResults);
  console.log('ratio kspec/mock');
  for (const [name, k] of Object.entries(kspecResults)) {
    const m = mockResults[name]!;
    const latency = k.p99Ms === undefined ? '' : `   p50 ${(k.p50Ms! / m.p50Ms!).toFixed(2)}x   p99 ${(k.p99Ms / m.p99Ms!).toFixed(2)}x`;
    console.log(`  ${name.padEnd(16)} throughput ${(k.recordsPerSecond / m.recordsPerSecond).toFixed(2)}x${latency}`);
  }
}

main().catch((error: unknown) => {
  console.error(`bench:live: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env['KSPEC_DEBUG'] === '1') console.error(error);
  process.exitCode = 1;
});
