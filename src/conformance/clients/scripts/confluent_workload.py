"""The client-conformance workload for librdkafka through confluent-kafka-python (kspec conform
--client librdkafka). Arguments: bootstrap topic group count partitions. Produces values
0..count-1 (value i to partition i % partitions) idempotently with acks=all; consumer 1 of the
group reads half of them, commits synchronously and closes; consumer 2 resumes and reads the rest.
One JSON line per event, rebalance callbacks included."""
import json, sys, time
from confluent_kafka import Consumer, Producer, TopicPartition

bootstrap, topic, group, count, partitions = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
def say(event):
    print(json.dumps(event), flush=True)

producer = Producer({'bootstrap.servers': bootstrap, 'enable.idempotence': True, 'acks': 'all', 'linger.ms': 5, 'retry.backoff.ms': 50})
def delivered(err, msg):
    if err is None:
        say({'event': 'ack', 'partition': '%s-%d' % (msg.topic(), msg.partition()), 'offset': msg.offset(), 'value': msg.value().decode()})
    else:
        say({'event': 'send-failed', 'value': msg.value().decode(), 'error': str(err)})
for i in range(count):
    producer.produce(topic, value=str(i).encode(), partition=i % partitions, on_delivery=delivered)
    producer.poll(0)
if producer.flush(30) != 0:
    say({'event': 'flush-timeout'})

seen = set()
def consume(number, until):
    consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': group, 'auto.offset.reset': 'earliest', 'enable.auto.commit': False,
                         'session.timeout.ms': 10000, 'heartbeat.interval.ms': 500, 'partition.assignment.strategy': 'range'})
    names = lambda parts: ['%s-%d' % (p.topic, p.partition) for p in parts]
    consumer.subscribe([topic], on_assign=lambda c, parts: say({'event': 'assigned', 'consumer': number, 'partitions': names(parts)}),
                       on_revoke=lambda c, parts: say({'event': 'revoked', 'consumer': number, 'partitions': names(parts)}))
    nxt, deadline, consumed = {}, time.time() + 30, 0
    while time.time() < deadline:
        m = consumer.poll(0.2)
        if m is None or m.error():
            continue
        say({'event': 'consumed', 'consumer': number, 'partition': '%s-%d' % (m.topic(), m.partition()), 'offset': m.offset(), 'value': m.value().decode()})
        seen.add(m.value().decode())
        nxt[m.partition()] = m.offset() + 1
        consumed += 1
        if until(consumed):
            break
    try:
        consumer.commit(offsets=[TopicPartition(topic, p, o) for p, o in nxt.items()], asynchronous=False)
        say({'event': 'committed', 'consumer': number, 'offsets': [['%s-%d' % (topic, p), o] for p, o in nxt.items()]})
    except Exception as error:
        say({'event': 'commit-failed', 'consumer': number, 'error': str(error)})
    consumer.close()

consume(1, lambda consumed: consumed >= count // 2)
consume(2, lambda consumed: len(seen) >= count)
say({'event': 'done'})
