// The client-conformance workload for kafkajs (kspec conform --client kafkajs). Arguments:
// bootstrap topic group count partitions. Produces values 0..count-1 (value i to partition
// i % partitions) with the idempotent producer, acks=all; then consumer 1 of the group reads half
// of them, commits and leaves; consumer 2 resumes and reads the rest. One JSON line per event.
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const [bootstrap, topic, groupId, countText, partitionsText] = process.argv.slice(2);
const count = Number(countText);
const partitions = Number(partitionsText);
const say = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const kafka = new Kafka({ clientId: 'kspec-conform', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { initialRetryTime: 50, retries: 8 } });

// The producer retries a request twice; a send that still fails is reported and the workload moves
// on to its next values, as an application that logs the error does.
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { initialRetryTime: 50, retries: 2 } });
await producer.connect();
for (let from = 0; from < count; from += 5) {
  const values = Array.from({ length: Math.min(5, count - from) }, (_, i) => from + i);
  let acks;
  try {
    acks = await producer.send({ topic, acks: -1, messages: values.map((v) => ({ partition: v % partitions, value: String(v) })) });
  } catch (error) {
    for (const v of values) say({ event: 'send-failed', value: String(v), error: String(error.message ?? error) });
    continue;
  }
  for (const ack of acks) {
    values.filter((v) => v % partitions === ack.partition).forEach((v, i) => say({ event: 'ack', partition: `${topic}-${ack.partition}`, offset: Number(ack.baseOffset) + i, value: String(v) }));
  }
}
await producer.disconnect();

const seen = new Set();
async function consume(consumerNumber, until) {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500, rebalanceTimeout: 10_000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const next = new Map();
  // kafkajs has no revoke callback: GROUP_JOIN carries each new assignment. A partition lost in a
  // rebalance is another member's now; its position is dropped, never committed by this one.
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const owned = new Set(payload.memberAssignment[topic] ?? []);
    for (const partition of [...next.keys()]) if (!owned.has(partition)) next.delete(partition);
  });
  let stopped = false;
  const startedMs = Date.now();
  let lastRecordMs = null;
  await new Promise((resolve) => {
    // A record acknowledged but never written (see the producer above) never comes: stop once the
    // log has had nothing new for 5 s (30 s before the first record: joining the group takes a while).
    const idle = setInterval(() => {
      if (lastRecordMs === null ? Date.now() - startedMs < 30_000 : Date.now() - lastRecordMs < 5_000) return;
      stopped = true;
      clearInterval(idle);
      resolve();
    }, 250);
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (stopped) return;
        lastRecordMs = Date.now();
        const value = message.value.toString();
        say({ event: 'consumed', consumer: consumerNumber, partition: `${topic}-${partition}`, offset: Number(message.offset), value });
        seen.add(value);
        next.set(partition, Number(message.offset) + 1);
        if (until()) {
          stopped = true;
          clearInterval(idle);
          resolve();
        }
      },
    });
  });
  try {
    await consumer.commitOffsets([...next].map(([partition, offset]) => ({ topic, partition, offset: String(offset) })));
    say({ event: 'committed', consumer: consumerNumber, offsets: [...next].map(([p, o]) => [`${topic}-${p}`, o]) });
  } catch (error) {
    say({ event: 'commit-failed', consumer: consumerNumber, error: String(error.message ?? error) });
  }
  await consumer.disconnect();
}

let consumedByFirst = 0;
await consume(1, () => ++consumedByFirst >= Math.floor(count / 2));
await consume(2, () => seen.size >= count);
say({ event: 'done' });
process.exit(0);
