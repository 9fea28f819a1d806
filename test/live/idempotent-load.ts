/**
 * The acks=all idempotent load the kill -9 tests run with kafkajs, and the read-back that checks it.
 */
import type { Kafka, Producer } from 'kafkajs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface IdempotentLoad {
  /** Every value whose send() kafkajs answered without an error. */
  readonly acknowledged: Set<number>;
  /** The values drawn so far are 0..sent()-1: nothing at or above it was ever sent. */
  sent(): number;
  /** How many send() calls failed. */
  failures(): number;
  stop(): Promise<void>;
}

/**
 * acks=all batches of `batchSize` values (0, 1, 2, ...) until stopped; what was acknowledged is
 * remembered. A batch whose send() failed is sent again, the same values, until it is
 * acknowledged (or the load stops): it may have been written (a leader that appended it and died
 * before answering), and kafkajs takes its sequence numbers back when a produce fails
 * (sendMessages.js rewinds them), so the next send() goes out under the failed batch's producer
 * id, epoch and sequence range. A leader that has the batch answers such a send as its duplicate,
 * with the written batch's offset, and appends nothing (ProducerStateEntry.findDuplicateBatch
 * matches on the epoch and the sequence range only): other values sent there would be
 * acknowledged and never written. Resent, the same values are the duplicate they look like. (The
 * Java producer never gives a sequence to other records: it retries a batch until
 * delivery.timeout.ms, and after a batch that expired unresolved it bumps the epoch, KIP-360.)
 *
 * All values of one send() share a key, so each send() writes one partition: kafkajs 2.2.4 keeps
 * one response per broker across a send()'s retries (sendMessages.js `responsePerBroker`), so a
 * send() spanning two partitions whose failed one moved to the broker that had already answered
 * the other resolves without ever resending it (its values never written, its sequences handed
 * back). A send() counts only for the partitions its answer names.
 */
export function idempotentLoad(producer: Producer, topic: string, batchSize = 10): IdempotentLoad {
  const acknowledged = new Set<number>();
  let next = 0;
  let stopped = false;
  let failures = 0;
  let batches = 0;
  const done = (async () => {
    let values: number[] | undefined;
    let key = '';
    while (!stopped) {
      if (values === undefined) {
        values = Array.from({ length: batchSize }, () => next++);
        key = `k${batches++ % 5}`;
      }
      try {
        const answered = await producer.send({ topic, acks: -1, messages: values.map((v) => ({ key, value: String(v) })) });
        if (answered.length === 0) throw new Error('send() resolved without an answer for its partition');
        for (const v of values) acknowledged.add(v);
        values = undefined;
      } catch {
        failures++;
        if (!stopped) await sleep(50);
      }
    }
  })();
  return { acknowledged, sent: () => next, failures: () => failures, stop: async () => { stopped = true; await done; } };
}

/** Reads `topic` from the beginning in a new group until every `expected` value came, then until a second passes with nothing new. */
export async function readBack(kafka: Kafka, topic: string, group: string, expected: Set<number>, timeoutMs = 30_000): Promise<number[]> {
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const consumed: number[] = [];
  let lastNewMs = Date.now();
  void consumer.run({ eachMessage: async ({ message }) => { consumed.push(Number(message.value!.toString())); lastNewMs = Date.now(); } });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && ![...expected].every((v) => consumed.includes(v))) await sleep(100);
  while (Date.now() - lastNewMs < 1_000) await sleep(100);
  await consumer.disconnect();
  return consumed;
}
