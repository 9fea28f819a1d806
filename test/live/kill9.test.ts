/**
 * kill -9 of a whole `kspec up --data-dir` process under acks=all idempotent load from kafkajs, then
 * a restart on the same directory: every record the producer saw acknowledged is served again,
 * none twice, and nothing is served that was never sent. A kill -9 keeps every write that reached
 * the kernel (the page cache is not the process's), so an acknowledged record was appended by
 * every in-sync replica before its answer left (docs/storage.md, "What survives").
 *
 * Real processes: the cluster runs as `node bin/kspec.js up`, the client in this process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { leadersKnown } from './helpers.js';

const kspec = fileURLToPath(new URL('../../bin/kspec.js', import.meta.url));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspec-kill9-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** `kspec up` on the data directory; resolves with its bootstrap servers once it says it is up. */
function up(): Promise<{ child: ChildProcess; bootstrap: string[] }> {
  const child = spawn(process.execPath, [kspec, 'up', '--data-dir', dataDir, '--port', '0', '--override', 'offsets.topic.num.partitions=2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => void (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /bootstrap servers: (\S+)/.exec(out);
      if (match !== null) resolve({ child, bootstrap: match[1]!.split(',') });
    });
    child.once('exit', (code, signal) => reject(new Error(`kspec up exited (${code ?? signal}) before it was up:\n${out}\n${err}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const kafkaOf = (bootstrap: string[]): Kafka => new Kafka({ clientId: 'kspec-kill9', brokers: bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100 } });

describe('kill -9 of the whole cluster process', () => {
  it('loses no acknowledged record and duplicates none after a restart on the same data directory', async () => {
    const first = await up();
    const kafka = kafkaOf(first.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'k9', numPartitions: 3, replicationFactor: 3 }], waitForLeaders: false });
    await leadersKnown(admin, 'k9', 3);
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const acknowledged = new Set<number>();
    let next = 0;
    let stop = false;
    // Load until the kill: batches of 20, each acknowledged by all in-sync replicas before the next.
    const load = (async () => {
      while (!stop) {
        const values = Array.from({ length: 20 }, () => next++);
        try {
          await producer.send({ topic: 'k9', acks: -1, messages: values.map((v) => ({ key: `k${v % 7}`, value: String(v) })) });
          for (const v of values) acknowledged.add(v);
        } catch {
          if (!stop) await new Promise((r) => setTimeout(r, 50));
        }
      }
    })();
    const deadline = Date.now() + 20_000;
    while (acknowledged.size < 400 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await killed(first.child);
    stop = true;
    await load;
    await producer.disconnect().catch(() => {});
    expect(acknowledged.size).toBeGreaterThanOrEqual(400);

    const second = await up();
    const consumer = kafkaOf(second.bootstrap).consumer({ groupId: 'k9-reader', sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'k9', fromBeginning: true });
    const consumed: number[] = [];
    let lastNewMs = Date.now();
    void consumer.run({ eachMessage: async ({ message }) => { consumed.push(Number(message.value!.toString())); lastNewMs = Date.now(); } });
    // Everything acknowledged, then a quiet second for anything unacknowledged but written.
    const readDeadline = Date.now() + 40_000;
    while (Date.now() < readDeadline && ![...acknowledged].every((v) => consumed.includes(v))) await new Promise((r) => setTimeout(r, 100));
    while (Date.now() - lastNewMs < 1_000) await new Promise((r) => setTimeout(r, 100));
    await consumer.disconnect();
    await killed(second.child);

    const missing = [...acknowledged].filter((v) => !consumed.includes(v));
    expect(missing).toEqual([]);
    expect(consumed.length).toBe(new Set(consumed).size);
    expect(consumed.every((v) => v < next)).toBe(true);
  }, 120_000);
});
