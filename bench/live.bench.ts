/**
 * `npm run bench:live`: kafkajs produces RECORDS records of 100 bytes with acks=all (batches of
 * BATCH, one request at a time, as an application awaiting each send does) against `kspec up`
 * (its own process) and against librdkafka's mock cluster (/work/shared/tools/mockcluster, built
 * with its build.sh; KSPEC_MOCKCLUSTER names the binary, /tmp/mockcluster by default), on
 * 3 brokers, a topic of 6 partitions with replication factor 3, and prints records/s, p50/p99 of
 * the sends, and the ratio. Options: RECORDS=200000 BATCH=1000.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';

const RECORDS = Number(process.env['RECORDS'] ?? 200_000);
const BATCH = Number(process.env['BATCH'] ?? 1_000);
const MOCK = process.env['KSPEC_MOCKCLUSTER'] ?? '/tmp/mockcluster';
const TOPIC = 'bench';

interface Result {
  readonly recordsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

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

async function produce(bootstrap: string, createTopic: boolean): Promise<Result> {
  const kafka = new Kafka({ clientId: 'bench', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
  if (createTopic) {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 6, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
  }
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const value = Buffer.alloc(100, 'x');
  const latencies: number[] = [];
  const started = performance.now();
  for (let sent = 0; sent < RECORDS; sent += BATCH) {
    const messages = Array.from({ length: Math.min(BATCH, RECORDS - sent) }, (_, i) => ({ key: String(sent + i), value }));
    const t = performance.now();
    await producer.send({ topic: TOPIC, acks: -1, messages });
    latencies.push(performance.now() - t);
  }
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { recordsPerSecond: RECORDS / seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}

const line = (name: string, r: Result): string => `${name.padEnd(14)} ${Math.round(r.recordsPerSecond).toString().padStart(9)} records/s   p50 ${r.p50Ms.toFixed(1)} ms   p99 ${r.p99Ms.toFixed(1)} ms`;

async function main(): Promise<void> {
  console.log(`kafkajs produce: ${RECORDS} records x 100 B, acks=all, batches of ${BATCH}, 3 brokers, ${TOPIC} 6 partitions RF 3`);
  const kspec = await startTarget(process.execPath, ['--import', 'tsx', 'src/cli/kspec.ts', 'up', '--port', '0'], (l) => l.match(/^bootstrap servers: (.*)$/)?.[1] ?? null);
  let kspecResult: Result;
  try {
    kspecResult = await produce(kspec.bootstrap, true);
  } finally {
    kspec.child.kill('SIGINT');
  }
  console.log(line('kspec up', kspecResult));
  if (!existsSync(MOCK)) {
    console.log(`mock cluster: ${MOCK} not found (build it: /work/shared/tools/mockcluster/build.sh ${MOCK}); no ratio`);
    return;
  }
  const mock = await startTarget(MOCK, ['-t', `${TOPIC}:6:3`, '3'], (l) => (l.includes(':') && !l.startsWith('broker') ? l.trim() : null));
  let mockResult: Result;
  try {
    mockResult = await produce(mock.bootstrap, false);
  } finally {
    mock.child.kill('SIGTERM');
  }
  console.log(line('librdkafka mock', mockResult));
  console.log(`ratio kspec/mock: throughput ${(kspecResult.recordsPerSecond / mockResult.recordsPerSecond).toFixed(2)}x, p99 latency ${(kspecResult.p99Ms / mockResult.p99Ms).toFixed(2)}x`);
}

main().catch((error: unknown) => {
  console.error(`bench:live: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
